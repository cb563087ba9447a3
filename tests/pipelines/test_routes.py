from __future__ import annotations

import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Header, HTTPException

from fbruntime.core import TestClock
from fbruntime.pipelines.routes import pipelines_router
from fbruntime.pipelines.service import PipelineService

from .servers import FakeTelegram, JsonApi

EXAMPLE = json.loads(
    (Path(__file__).parents[2] / "systems" / "pipelines" / "weather_to_telegram.json").read_text()
)


def require_token(authorization: str = Header(default="")) -> None:
    if authorization != "Bearer secret":
        raise HTTPException(401, detail="missing or wrong token")


@pytest.fixture
async def client(service: PipelineService) -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(pipelines_router(service, require_token))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://fbrt.test", headers={"Authorization": "Bearer secret"}
    ) as made:
        yield made


async def test_upload_run_and_read_a_run_with_tasks_and_logs(
    client: httpx.AsyncClient, service: PipelineService, api: JsonApi, telegram: FakeTelegram
) -> None:
    answer = await client.post("/api/pipelines", json={"file_name": "w.json", "config": EXAMPLE})
    assert answer.status_code == 201
    assert answer.json()["dag_id"] == "weather_to_telegram"
    listing = (await client.get("/api/pipelines")).json()
    assert [p["dag_id"] for p in listing["pipelines"]] == ["weather_to_telegram"]
    assert "http.get_json" in [op["name"] for op in listing["operations"]]
    params = {"fetch": {"url": f"{api.server.url}/weather"}, "send": {"token": telegram.token}}
    started = await client.post("/api/pipelines/weather_to_telegram/runs", json={"params": params})
    assert started.status_code == 201
    run_id = started.json()["id"]
    assert await service.wait(run_id) == "succeeded"
    run = (await client.get(f"/api/runs/{run_id}")).json()
    assert run["status"] == "succeeded" and run["trigger"] == "api"
    assert [(t["id"], t["status"], t["attempts"]) for t in run["tasks"]] == [
        ("fetch", "succeeded", 1),
        ("format", "succeeded", 1),
        ("send", "succeeded", 1),
    ]
    assert any(line["task"] == "send" for line in run["logs"])
    runs = (await client.get("/api/runs", params={"dag_id": "weather_to_telegram"})).json()
    assert [r["id"] for r in runs] == [run_id]


async def test_api_web_links_to_the_run_page_and_api_cli_returns_the_zip(
    client: httpx.AsyncClient, service: PipelineService
) -> None:
    config = {
        "dag_name": "z",
        "tasks": [
            {
                "id": "a",
                "operation": "file.write",
                "independent_params": {"file": "a.txt", "content": "A"},
            }
        ],
    }
    await client.post("/api/pipelines", json={"file_name": "z", "config": json.dumps(config)})
    run_id = (await client.post("/api/pipelines/z/runs")).json()["id"]
    await service.wait(run_id)
    link = (await client.post("/api/web", json={"run_id": run_id})).json()
    assert link["path"] == f"/web/runs/{run_id}"
    assert link["url"] == f"http://fbrt.test/web/runs/{run_id}"
    archive = await client.post("/api/cli", json={"run_id": run_id})
    assert archive.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        assert zipped.read("files/a.txt") == b"A"
    missing = await client.post("/api/cli", json={"run_id": "nope"})
    assert missing.status_code == 404


async def test_cancel_and_rerun_through_the_api(
    client: httpx.AsyncClient, service: PipelineService, clock: TestClock
) -> None:
    config = {
        "dag_name": "slow",
        "tasks": [{"id": "w", "operation": "time.delay", "independent_params": {"seconds": 100}}],
    }
    await client.post("/api/pipelines", json={"file_name": "slow", "config": config})
    run_id = (await client.post("/api/pipelines/slow/runs")).json()["id"]
    cancelled = await client.post(f"/api/runs/{run_id}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.post(f"/api/runs/{run_id}/cancel")).status_code == 409
    rerun = await client.post(f"/api/runs/{run_id}/rerun")
    assert rerun.status_code == 201
    new_id = rerun.json()["id"]
    await clock.advance(100)
    assert await service.wait(new_id) == "succeeded"
    assert (await client.post(f"/api/runs/{new_id}/rerun")).status_code == 409


async def test_problems_are_reported_as_422_with_each_problem(client: httpx.AsyncClient) -> None:
    config = {
        "dag_name": "bad",
        "tasks": [
            {"id": "a", "operation": "nope"},
            {"id": "b", "operation": "value.pass", "dependencies": ["ghost"]},
        ],
    }
    answer = await client.post("/api/pipelines", json={"file_name": "bad", "config": config})
    assert answer.status_code == 422
    assert answer.json()["error"] == "invalid_pipeline"
    assert answer.json()["detail"].startswith("pipeline 'bad' (bad) has 2 problems:")
    problems = answer.json()["problems"]
    assert [(p["task"], p["field"]) for p in problems] == [
        ("a", "operation"),
        ("b", "dependencies[0]"),
    ]
    assert (await client.post("/api/pipelines/ghost/runs")).status_code == 404
    assert (await client.get("/api/runs/ghost")).status_code == 404


async def test_mutating_routes_need_the_token(service: PipelineService) -> None:
    app = FastAPI()
    app.include_router(pipelines_router(service, require_token))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://fbrt.test"
    ) as anonymous:
        upload = await anonymous.post("/api/pipelines", json={"file_name": "x", "config": {}})
        assert upload.status_code == 401
        assert (await anonymous.post("/api/cli", json={"run_id": "x"})).status_code == 401
        assert (await anonymous.get("/api/pipelines")).status_code == 200


async def test_schedules_are_set_listed_and_cleared(client: httpx.AsyncClient) -> None:
    await client.post("/api/pipelines", json={"file_name": "w", "config": EXAMPLE})
    bad = await client.put(
        "/api/pipelines/weather_to_telegram/schedule", json={"cron": "61 * * * *"}
    )
    assert bad.status_code == 422
    assert "invalid cron expression '61 * * * *'" in bad.json()["detail"]
    made = await client.put(
        "/api/pipelines/weather_to_telegram/schedule", json={"cron": "0 8 * * *"}
    )
    assert made.json()["cron"] == "0 8 * * *" and made.json()["overlap"] == "skip"
    listed = (await client.get("/api/pipelines/weather_to_telegram/schedule")).json()
    assert [s["cron"] for s in listed] == ["0 8 * * *"]
    cleared = await client.delete("/api/pipelines/weather_to_telegram/schedule")
    assert cleared.json() == {"removed": True}


async def test_every_pipeline_and_run_read_needs_the_token_beyond_loopback(
    tmp_path: Path,
) -> None:
    """The whole ``fbrt serve`` composition, listening on all addresses (not bound here)."""
    from fbruntime.api import ApiSettings
    from fbruntime.api.server import build_server
    from fbruntime.cli.serve import compose

    settings = ApiSettings(host="0.0.0.0", port=0, data_dir=tmp_path / "data", token="tok-1")
    server, orch, cleanup = await build_server(
        settings, out=io.StringIO(), log_level="warning", compose=compose
    )
    reads = [
        ("GET", "/api/pipelines"),
        ("GET", "/api/pipelines/x"),
        ("GET", "/api/pipelines/x/schedule"),
        ("GET", "/api/runs"),
        ("GET", "/api/runs/x"),
        ("GET", "/metrics"),
        ("POST", "/api/pipelines/validate"),
    ]
    try:
        transport = httpx.ASGITransport(app=server.config.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://fbrt.test") as c:
            for method, path in reads:
                answer = await c.request(method, path, json={"file_name": "x", "config": {}})
                assert answer.status_code == 401, (method, path, answer.text)
            auth = {"Authorization": "Bearer tok-1"}
            assert (await c.get("/api/runs", headers=auth)).json() == []
            assert (await c.get("/metrics", headers=auth)).status_code == 200
    finally:
        await cleanup()
        await orch.close()
