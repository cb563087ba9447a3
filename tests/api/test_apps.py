"""/api/apps through a real ASGI client: creation, lifecycle, values, events, errors."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fbruntime.orchestrator import Orchestrator

from .conftest import AUTH


async def create(client: httpx.AsyncClient, **body: Any) -> httpx.Response:
    return await client.post(
        "/api/apps", json={"name": "c", "type": "Counter", **body}, headers=AUTH
    )


async def settle(orch: Orchestrator, name: str) -> None:
    device = orch.app(name).device
    assert device is not None
    await device.settle()


async def test_create_run_fire_and_read(client: httpx.AsyncClient, orch: Orchestrator) -> None:
    r = await create(client, parameters={"STEP": "4"}, start=True)
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "running"
    assert [b["path"] for b in r.json()["blocks"]] == [""]
    r = await client.post("/api/apps/c/events/CU", headers=AUTH)
    assert r.status_code == 202
    await settle(orch, "c")
    r = await client.get("/api/apps/c/values/CV")
    assert r.json() == {"path": "CV", "type": "DINT", "value": 4, "literal": "4"}


async def test_listing_and_getting_apps(client: httpx.AsyncClient) -> None:
    await create(client)
    listed = (await client.get("/api/apps")).json()
    assert [(a["name"], a["type_name"], a["state"]) for a in listed] == [
        ("c", "Counter", "created")
    ]
    one = (await client.get("/api/apps/c")).json()
    assert one["blocks"][0]["type"] == "Counter"


async def test_lifecycle_endpoints(client: httpx.AsyncClient) -> None:
    await create(client)
    for action, state in (
        ("start", "running"),
        ("stop", "stopped"),
        ("reset", "created"),
        ("start", "running"),
        ("kill", "killed"),
    ):
        r = await client.post(f"/api/apps/c/{action}", headers=AUTH)
        assert (r.status_code, r.json()["state"]) == (200, state)


async def test_write_value_is_stored(client: httpx.AsyncClient, orch: Orchestrator) -> None:
    await create(client)
    r = await client.put("/api/apps/c/values/STEP", json={"value": 9}, headers=AUTH)
    assert r.json()["value"] == 9
    assert orch.store is not None
    saved = await orch.store.applications.get("c")
    assert saved is not None and saved.parameters == {"STEP": 9}


async def test_delete_app(client: httpx.AsyncClient) -> None:
    await create(client, start=True)
    assert (await client.delete("/api/apps/c", headers=AUTH)).status_code == 204
    assert (await client.get("/api/apps/c")).status_code == 404


async def test_create_from_an_inline_composite(client: httpx.AsyncClient) -> None:
    composite = {
        "name": "Pair",
        "interface": {"event_inputs": [{"name": "CU"}]},
        "blocks": [{"name": "A", "type": "Counter"}, {"name": "B", "type": "Counter"}],
        "connections": [["CU", "A.CU"], ["A.CO", "B.CU"]],
    }
    r = await client.post("/api/apps", json={"name": "p", "composite": composite}, headers=AUTH)
    assert r.status_code == 201, r.text
    assert {b["path"] for b in r.json()["blocks"]} == {"", "A", "B"}


@pytest.mark.parametrize(
    ("method", "url", "body", "status", "error", "detail"),
    [
        ("get", "/api/apps/nope", None, 404, "not_found", "no application named 'nope'"),
        ("get", "/api/apps/c/values/NOPE", None, 404, "not_found", "has no pin 'NOPE'"),
        ("post", "/api/apps/c/events/CV", None, 404, "not_found", "'CV' is not an event input"),
        ("post", "/api/apps/c/stop", None, 409, "wrong_state", "is not running (created)"),
        ("post", "/api/apps/c/events/CU", None, 409, "wrong_state", "is not running"),
        ("post", "/api/apps", {"name": "c", "type": "Counter"}, 409, "conflict", "already exists"),
        ("post", "/api/apps", {"name": "x", "type": "Nope"}, 404, "not_found", "no type named"),
        ("post", "/api/apps", {"name": "x"}, 422, "validation", "exactly one of"),
        (
            "post",
            "/api/apps",
            {"name": "x", "type": "Counter", "bad": 1},
            422,
            "validation",
            "bad: Extra inputs",
        ),
    ],
)
async def test_errors_are_json_with_the_right_status(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    body: Any,
    status: int,
    error: str,
    detail: str,
) -> None:
    await create(client)
    r = await client.request(method, url, json=body, headers=AUTH)
    assert r.status_code == status, r.text
    assert r.json()["error"] == error
    assert detail in r.json()["detail"]


async def test_a_bad_value_says_the_literal_and_the_type(client: httpx.AsyncClient) -> None:
    await create(client)
    r = await client.put("/api/apps/c/values/STEP", json={"value": "many"}, headers=AUTH)
    assert r.status_code == 422
    body = r.json()
    assert (body["error"], body["path"], body["literal"], body["expected"]) == (
        "bad_value",
        "STEP",
        "many",
        "INT",
    )
    r = await client.put("/api/apps/c/values/STEP", json={"value": 70000}, headers=AUTH)
    assert (r.status_code, r.json()["expected"]) == (422, "INT")
    assert (await client.get("/api/apps/c/values/STEP")).json()["value"] == 1  # unchanged


async def test_a_bad_creation_parameter_keeps_nothing(client: httpx.AsyncClient) -> None:
    r = await create(client, parameters={"STEP": "x"})
    assert r.status_code == 422
    assert (await client.get("/api/apps")).json() == []


async def test_a_stream_ends_after_max_items(client: httpx.AsyncClient, orch: Orchestrator) -> None:
    await create(client, start=True)
    orch.watch_interval = 0.001
    r = await client.get("/api/apps/c/stream", params={"watch": "CV", "max_items": 1})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert 'event: values\ndata: {"type": "values", "values": {"CV": 0}}' in r.text


async def test_a_stream_on_an_unknown_pin_is_404(client: httpx.AsyncClient) -> None:
    await create(client)
    r = await client.get("/api/apps/c/stream", params={"watch": "NOPE"})
    assert r.status_code == 404
