"""Running the API: open the store and the Orchestrator, restore applications, settle the token,
serve under uvicorn, and close everything (killing every application) when the server ends.

The server shares its event loop with every application's dispatcher, so three things keep
request latency low beside a busy application: uvloop (:func:`run_loop`), httptools as the HTTP
parser, and a garbage collector that no longer walks the objects made at start-up
(:func:`freeze_heap`, called by :func:`serve` once the server is built; a full collection over
FastAPI, pydantic and the block library otherwise stalls the loop for tens of milliseconds).
``settings.slice_events`` bounds each dispatcher's turn.
"""

from __future__ import annotations

import asyncio
import gc
import sys
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import TextIO, TypeVar

import uvicorn
from fastapi import APIRouter

from fbruntime.api.app import create_app
from fbruntime.api.auth import ensure_token
from fbruntime.api.protocol import guarded_protocol
from fbruntime.api.settings import ApiSettings
from fbruntime.eventloop import run_loop
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import StoreUnavailable

__all__ = ["bound_port", "build_server", "freeze_heap", "run_loop", "serve"]

T = TypeVar("T")


Cleanup = Callable[[], Awaitable[None]]
# Given the opened Orchestrator, the routers to add and what to close when the server ends
# (the CLI composes the pipelines service and the web page this way; the API knows neither).
Compose = Callable[[Orchestrator, ApiSettings], Awaitable[tuple[Iterable[APIRouter], Cleanup]]]


async def build_server(
    settings: ApiSettings,
    *,
    new_token: bool = False,
    extra_routers: Iterable[APIRouter] = (),
    compose: Compose | None = None,
    out: TextIO = sys.stderr,
    log_level: str = "info",
) -> tuple[uvicorn.Server, Orchestrator, Cleanup]:
    """The server, its Orchestrator and the composed parts' cleanup (the caller closes both)."""
    try:
        orch = await Orchestrator.open(
            data_dir=settings.data_dir,
            database_url=settings.database_url,
            folders=settings.folders,
            fourdiac_folders=settings.fourdiac_folders,
            slice_events=settings.slice_events,
        )
    except OSError as exc:  # the data directory is a file, or cannot be made
        raise StoreUnavailable(f"cannot use the data directory: {exc}") from exc
    orch.watch_interval = settings.watch_interval
    try:
        hashed, fresh = await ensure_token(orch.store, settings.token, regenerate=new_token)
        if fresh is not None:
            print(
                f"fbrt: API token (shown once, only its hash is kept): {fresh}",
                file=out,
                flush=True,
            )
        elif not settings.token:
            print(
                f"fbrt: the API token made when {settings.data_dir} was first served is "
                "still required (only its hash is kept); to get a new one: "
                "fbrt serve --new-token",
                file=out,
                flush=True,
            )
        if not settings.loopback:
            print(f"fbrt: listening on {settings.host}: every call needs the API token", file=out)
        routers = list(extra_routers)
        cleanup: Cleanup = _nothing
        if compose is not None:
            more, cleanup = await compose(orch, settings)
            routers.extend(more)
        served = replace(settings, token_hash=hashed, allowed_hosts=settings.served_hosts())
        app = create_app(orch, served, routers)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_level=log_level,
            lifespan="off",
            http=_protocol(settings),
            timeout_keep_alive=settings.idle_timeout,  # type: ignore[arg-type]
            # Open event streams (browsers watching) must not hold Ctrl-C up.
            timeout_graceful_shutdown=2,
        )
        return uvicorn.Server(config), orch, cleanup
    except BaseException:
        await orch.close()
        raise


StopHook = Callable[[Callable[[], object]], Callable[[], None]]
# Given "stop gracefully", arranges for it to be called (on SIGINT/SIGTERM) and returns an undo.


async def serve(
    settings: ApiSettings,
    *,
    new_token: bool = False,
    compose: Compose | None = None,
    stop_hook: StopHook | None = None,
) -> None:
    """Serve until stopped; prints the address it listens on (the real port when ``port`` is 0)."""
    server, orch, cleanup = await build_server(settings, new_token=new_token, compose=compose)
    freeze_heap()
    undo = stop_hook(lambda: setattr(server, "should_exit", True)) if stop_hook else None
    announce = asyncio.create_task(_announce(server, settings))
    try:
        await server.serve()
    finally:
        announce.cancel()
        if undo is not None:
            undo()
        try:
            await cleanup()
        finally:
            await orch.close()


def bound_port(server: uvicorn.Server) -> int:
    """The port a started server listens on."""
    for listener in server.servers:
        for sock in listener.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("the server is not listening")


async def _announce(server: uvicorn.Server, settings: ApiSettings) -> None:
    while not server.started:
        await asyncio.sleep(0.02)
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    print(f"fbrt: serving on http://{host}:{bound_port(server)}/ (API docs at /docs)", flush=True)


async def _nothing() -> None:
    return None


def freeze_heap() -> None:
    """Leave everything alive now out of every later garbage collection (see the module doc)."""
    gc.collect()
    gc.freeze()


def _protocol(settings: ApiSettings) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol (httptools when installed) with fbrt's connection limits."""
    if _has("httptools"):
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    else:  # pragma: no cover - httptools is a dependency
        from uvicorn.protocols.http.h11_impl import H11Protocol as base  # type: ignore[assignment]
    return guarded_protocol(
        base, header_timeout=settings.header_timeout, max_connections=settings.max_connections
    )


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
