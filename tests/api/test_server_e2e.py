"""One end-to-end run: `fbrt serve`'s server on a free loopback port, a real HTTP client, and a
restart that brings the application back."""

from __future__ import annotations

import asyncio
import io
import socket
from pathlib import Path

import httpx

from fbruntime.api import ApiSettings
from fbruntime.api.server import build_server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def run_server(settings: ApiSettings, out: io.StringIO) -> tuple[asyncio.Task[None], object]:
    server, orch, _ = await build_server(settings, out=out, log_level="warning")
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)  # waiting for a real socket, not for time to pass
    return task, (server, orch)


async def stop_server(task: asyncio.Task[None], handle: object) -> None:
    server, orch = handle  # type: ignore[misc]
    server.should_exit = True
    await task
    await orch.close()


async def test_serve_restart_and_restore(tmp_path: Path, monkeypatch: object) -> None:
    blocks = tmp_path / "blocks"
    blocks.mkdir()
    from .conftest import COUNTER

    (blocks / "Counter.py").write_text(COUNTER)
    port = free_port()
    settings = ApiSettings(port=port, data_dir=tmp_path / "data", folders=(blocks,))
    out = io.StringIO()
    task, handle = await run_server(settings, out)
    token = out.getvalue().rsplit(": ", 1)[1].strip()
    auth = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as c:
            r = await c.post(
                "/api/apps",
                json={"name": "c", "type": "Counter", "parameters": {"STEP": 5}, "start": True},
                headers=auth,
            )
            assert r.status_code == 201, r.text
            assert (await c.post("/api/apps/c/events/CU", headers=auth)).status_code == 202
            async with c.stream(
                "GET", "/api/apps/c/stream", params={"watch": "CV", "max_items": 1}
            ) as s:
                lines = [line async for line in s.aiter_lines() if line.startswith("data:")]
            assert lines and '"CV": 5' in lines[-1]
            assert (await c.get("/docs")).status_code == 200
    finally:
        await stop_server(task, handle)

    out2 = io.StringIO()
    task, handle = await run_server(settings, out2)
    assert token not in out2.getvalue()  # printed once, at the first start only
    assert "to get a new one: fbrt serve --new-token" in out2.getvalue()
    try:
        async with httpx.AsyncClient(base_url=base) as c:
            state = (await c.get("/api/apps/c")).json()
            assert (state["state"], state["values"]) == ("running", {"STEP": 5})
            assert (await c.post("/api/apps/c/events/CU", headers=auth)).status_code == 202
    finally:
        await stop_server(task, handle)
