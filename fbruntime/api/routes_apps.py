"""``/api/apps``: create (type, composite, uploaded system), list, inspect, run, values, events,
and the server-sent event stream of emitted events and watched values."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from fbruntime.api.bodies import CreateApp, WriteValue, read_limited
from fbruntime.api.context import Reader, Writer
from fbruntime.api.errors import ApiError
from fbruntime.api.routes_force import connected_source
from fbruntime.orchestrator import Application

__all__ = ["router"]

router = APIRouter(prefix="/api/apps", tags=["apps"])


def _state(app: Application, *, blocks: bool = False) -> dict[str, Any]:
    out = app.describe()
    if blocks:
        out["blocks"] = app.blocks()
    return out


@router.get("")
async def list_apps(ctx: Reader) -> Any:
    return [_state(a) for a in ctx.orchestrator.apps()]


@router.post("", status_code=201)
async def create_app(ctx: Writer, body: CreateApp) -> Any:
    """From a type name (``type``, optional ``version``) or an inline ``composite``."""
    if (body.type is None) == (body.composite is None):
        raise ApiError(422, "validation", "give exactly one of 'type' and 'composite'")
    app = await ctx.orchestrator.create(
        body.name,
        body.type,
        version=body.version,
        kind="type" if body.type else "composite",
        definition=body.composite,
        parameters=body.parameters,
        start=body.start,
    )
    return _state(app, blocks=True)


@router.post("/system", status_code=201)
async def create_system_app(
    ctx: Writer,
    request: Request,
    name: str,
    filename: str = "upload.sys",
    system: str | None = None,
    version: str | None = None,
    path: str | None = None,
    start: bool = False,
) -> Any:
    """From a 4diac system or composite type: the XML as the body (``filename`` ending in .sys
    or .fbt), or ``system`` naming one listed under /api/types (kind ``system``), or ``path``
    to a .sys, .fbt or project folder inside one of the server's 4diac folders."""
    orch = ctx.orchestrator
    if system is not None or path is not None:
        if system is not None and path is not None:
            raise ApiError(422, "validation", "give 'system' or 'path', not both")
        if path is not None:
            path = str(_inside_4diac_folders(orch.loader.fourdiac_folders, path))
        app = await orch.create_system(name, system=system, version=version, path=path, start=start)
    else:
        data = await read_limited(request, ctx.settings.max_upload_bytes)
        if not data.strip():
            raise ApiError(
                422, "validation", "send the system's XML as the body, or name it with 'system'"
            )
        app = await orch.create_system(name, xml=data, filename=filename, start=start)
    return _state(app, blocks=True)


def _inside_4diac_folders(folders: Sequence[Path], path: str) -> Path:
    """A path the server may read: only inside the folders it was told hold 4diac files."""
    for folder in folders:
        candidate = (folder / path).resolve()
        if candidate.is_relative_to(folder.resolve()) and candidate.exists():
            return candidate
    where = ", ".join(str(f) for f in folders) or "none configured"
    raise ApiError(
        404, "not_found", f"{path!r} is not a file or folder inside the 4diac folders ({where})"
    )


@router.get("/{name}")
async def get_app(ctx: Reader, name: str) -> Any:
    return _state(ctx.orchestrator.app(name), blocks=True)


@router.delete("/{name}", status_code=204)
async def delete_app(ctx: Writer, name: str) -> Response:
    await ctx.orchestrator.delete(name)
    return Response(status_code=204)


@router.post("/{name}/start")
async def start_app(ctx: Writer, name: str) -> Any:
    return _state(await ctx.orchestrator.start(name))


@router.post("/{name}/stop")
async def stop_app(ctx: Writer, name: str) -> Any:
    return _state(await ctx.orchestrator.stop(name))


@router.post("/{name}/kill")
async def kill_app(ctx: Writer, name: str) -> Any:
    return _state(await ctx.orchestrator.kill(name))


@router.post("/{name}/reset")
async def reset_app(ctx: Writer, name: str) -> Any:
    return _state(await ctx.orchestrator.reset(name))


@router.get("/{name}/values/{path:path}")
async def read_value(ctx: Reader, name: str, path: str) -> JSONResponse:
    """A data pin or parameter by dotted path (``CV``, ``Filter.GAIN``, ``RES.FB.PIN``)."""
    return JSONResponse(ctx.orchestrator.read(name, path).as_dict())


@router.put("/{name}/values/{path:path}")
async def write_value(ctx: Writer, name: str, path: str, body: WriteValue) -> JSONResponse:
    """Write a data pin or parameter; it is kept across resets and restarts. On a connected input
    the answer names the output (``overwritten_by``) that replaces the value at its next event:
    force the pin (``PUT .../forces/{path}``) to hold a value there."""
    orch = ctx.orchestrator
    result = await orch.write(name, path, body.value)
    _, inst, pin = orch.app(name).resolve(path)
    source = connected_source(inst, pin) if pin else None
    return JSONResponse({**result.as_dict(), "overwritten_by": source})


@router.post("/{name}/events/{path:path}", status_code=202)
async def fire_event(ctx: Writer, name: str, path: str) -> JSONResponse:
    """Fire an event input, as the management protocol's ``$e`` does."""
    ctx.orchestrator.fire(name, path)
    return JSONResponse({"fired": path}, status_code=202)


@router.get("/{name}/stream")
async def stream(
    ctx: Reader,
    name: str,
    watch: Annotated[list[str] | None, Query()] = None,
    interval: Annotated[float | None, Query(gt=0, le=60)] = None,
    events: bool = True,
    max_items: Annotated[int | None, Query(gt=0)] = None,
) -> StreamingResponse:
    """Server-sent events: ``event`` (emitted events), ``values`` (changed watched pins, sampled
    every ``interval`` s, default 0.1), ``dropped`` (events a slow client missed)."""
    orch = ctx.orchestrator
    watch = watch or []
    orch.watch(name, watch)  # unknown app or pin: a 404 now, not a broken stream later
    items = orch.stream(name, watch, interval=interval, events=events, max_items=max_items)

    async def frames() -> AsyncIterator[str]:
        yield ": stream open\n\n"
        async for item in items:
            yield f"event: {item['type']}\ndata: {json.dumps(item)}\n\n"

    return StreamingResponse(
        frames(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
    )
