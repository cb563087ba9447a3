"""`fbrt serve` puts the whole product behind one server: API, pipelines and the web page."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import httpx

from fbruntime.api import ApiSettings
from fbruntime.api.server import build_server
from fbruntime.cli.serve import compose

from .test_server_e2e import free_port

PIPELINE = {
    "dag_name": "hello",
    "max_retries": 0,
    "retry_delay": 0,
    "tasks": [
        {
            "id": "greet",
            "operation": "text.template",
            "independent_params": {"template": "hi"},
            "dependent_params": {},
            "dependencies": [],
        }
    ],
}


async def test_one_server_serves_api_pipelines_and_page(tmp_path: Path) -> None:
    port = free_port()
    settings = ApiSettings(port=port, data_dir=tmp_path / "data")
    out = io.StringIO()
    server, orch, cleanup = await build_server(
        settings, out=out, log_level="warning", compose=compose
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)  # waiting for the socket, not for time to pass
    token = out.getvalue().rsplit(": ", 1)[1].strip()
    auth = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
            assert (await c.get("/api/health")).status_code == 200
            page = await c.get("/web/")
            assert page.status_code == 200 and "<html" in page.text.lower()
            refused = await c.post("/api/pipelines", json=PIPELINE)
            assert refused.status_code in (401, 403)
            body = {"file_name": "hello.json", "config": json.dumps(PIPELINE)}
            assert (await c.post("/api/pipelines", json=body, headers=auth)).status_code == 201
            listed = (await c.get("/api/pipelines")).json()["pipelines"]
            assert [p["dag_id"] for p in listed] == ["hello"]
            run = await c.post("/api/pipelines/hello/runs", json={}, headers=auth)
            assert run.status_code == 201
            run_id = run.json()["id"]
            for _ in range(500):  # the run is real work on the server's loop
                status = (await c.get(f"/api/runs/{run_id}")).json()["status"]
                if status not in ("pending", "running"):
                    break
                await asyncio.sleep(0.01)
            assert status == "succeeded"
            link = await c.post("/api/web", json={"run_id": run_id}, headers=auth)
            assert link.json()["url"].endswith(f"/web/runs/{run_id}")
            run_page = await c.get(f"/web/runs/{run_id}")
            assert run_page.status_code == 200
            archive = await c.post("/api/cli", json={"run_id": run_id}, headers=auth)
            assert archive.status_code == 200 and archive.content[:2] == b"PK"
    finally:
        server.should_exit = True
        await task
        await cleanup()
        await orch.close()


async def test_demo_runs_the_example_system_once(tmp_path: Path) -> None:
    from functools import partial

    settings = ApiSettings(port=free_port(), data_dir=tmp_path / "data")
    for _ in range(2):  # a second start keeps the one application, restored
        _server, orch, cleanup = await build_server(
            settings, out=io.StringIO(), log_level="warning", compose=partial(compose, demo=True)
        )
        try:
            apps = orch.apps()
            assert [a.name for a in apps] == ["blinker"] and apps[0].state == "running"
            assert orch.read("blinker", "BlinkRes.BlinkApp.Counter.PV").value == 1000
        finally:
            await cleanup()
            await orch.close()
