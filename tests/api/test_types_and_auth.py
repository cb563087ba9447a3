"""/api/types, /api/health, the token rules, and upload limits."""

from __future__ import annotations

import httpx
import pytest

from fbruntime.api import ApiSettings, create_app, ensure_token, verify_token
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import Store

from .conftest import AUTH, COUNTER, make_client

COMPOSITE = {
    "name": "Pair",
    "version": "2.0",
    "description": "two counters in a row",
    "interface": {"event_inputs": [{"name": "CU"}]},
    "blocks": [{"name": "A", "type": "Counter"}, {"name": "B", "type": "Counter"}],
    "connections": [["CU", "A.CU"], ["A.CO", "B.CU"]],
}


async def test_health(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/health")
    assert r.json() == {"status": "ok", "apps": 0, "running": 0, "database": True}


async def test_types_list_and_describe(client: httpx.AsyncClient) -> None:
    listed = {t["name"]: t for t in (await client.get("/api/types")).json()}
    assert listed["Counter"]["kind"] == "python"
    assert listed["E_SPLIT"]["source"] == "file"
    one = (await client.get("/api/types/Counter")).json()
    assert one["interface"]["event_inputs"] == [{"name": "CU", "with": []}]
    assert (await client.get("/api/types/Nope")).status_code == 404


async def test_composite_upload_versions_and_delete(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/types/composite", json=COMPOSITE, headers=AUTH)
    assert (r.status_code, r.json()["source"], r.json()["version"]) == (201, "database", "2.0")
    r = await client.post(
        "/api/types/composite", json={**COMPOSITE, "version": "2.1"}, headers=AUTH
    )
    assert r.status_code == 201
    assert (await client.get("/api/types/Pair")).json()["version"] == "2.1"
    assert (await client.get("/api/types/Pair", params={"version": "2.0"})).json()[
        "version"
    ] == "2.0"
    r = await client.post("/api/apps", json={"name": "p", "type": "Pair"}, headers=AUTH)
    assert (r.status_code, r.json()["type_version"]) == (201, "2.1")
    r = await client.delete("/api/types/Pair", params={"version": "2.1"}, headers=AUTH)
    assert r.json()["deleted"] == 1
    r = await client.delete("/api/types/Counter", headers=AUTH)
    assert (r.status_code, r.json()["error"]) == (403, "refused")


async def test_a_composite_with_a_missing_type_is_refused(client: httpx.AsyncClient) -> None:
    bad = {**COMPOSITE, "blocks": [{"name": "A", "type": "Missing"}], "connections": []}
    r = await client.post("/api/types/composite", json=bad, headers=AUTH)
    assert r.status_code == 404 and "Missing" in r.json()["detail"]


async def test_python_upload_is_off_unless_enabled(orch: Orchestrator) -> None:
    source = COUNTER.replace('"Counter"', '"Uploaded"').replace("class Counter", "class Uploaded")
    async with make_client(orch) as off:
        r = await off.post("/api/types/python", content=source, headers=AUTH)
        assert r.status_code == 403 and "runs it on the server" in r.json()["detail"]
    async with make_client(orch, allow_python_upload=True) as on:
        r = await on.post("/api/types/python", content=source, headers=AUTH)
        assert (r.status_code, r.json()["name"]) == (201, "Uploaded")


async def test_xml_upload_is_size_limited_and_safely_parsed(orch: Orchestrator) -> None:
    async with make_client(orch, max_upload_bytes=100) as c:
        r = await c.post("/api/types/xml", content=b"<x>" + b" " * 200 + b"</x>", headers=AUTH)
        assert (r.status_code, r.json()["error"]) == (413, "too_large")
    evil = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e SYSTEM "file:///etc/passwd">]><FBType Name="&e;"/>'
    async with make_client(orch) as c:
        r = await c.post("/api/types/xml", content=evil, headers=AUTH)
        assert r.status_code == 422
        assert "root" not in r.text


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "needs the API token"),
        ({"Authorization": "Bearer wrong"}, "token is wrong"),
        ({"Authorization": "Basic abc"}, "needs the API token"),
    ],
)
async def test_mutating_calls_need_the_token(
    client: httpx.AsyncClient, headers: dict[str, str], detail: str
) -> None:
    r = await client.post("/api/apps", json={"name": "c", "type": "Counter"}, headers=headers)
    assert (r.status_code, r.json()["error"]) == (401, "unauthorized")
    assert detail in r.json()["detail"]
    assert (await client.get("/api/apps")).json() == []


async def test_reads_need_the_token_beyond_loopback(orch: Orchestrator) -> None:
    async with make_client(orch, host="0.0.0.0") as c:
        assert (await c.get("/api/health")).status_code == 401
        assert (await c.get("/api/health", headers=AUTH)).status_code == 200


async def test_a_generated_token_is_stored_only_as_a_hash(tmp_path: object) -> None:
    store = await Store.open(data_dir=str(tmp_path))
    try:
        hashed, token = await ensure_token(store, None)
        assert token is not None and verify_token(token, hashed)
        saved = await store.settings.get("api.token")
        assert token not in str(saved)
        again, none = await ensure_token(store, None)
        assert none is None and again == hashed
        _, fresh = await ensure_token(store, None, regenerate=True)
        assert fresh is not None and fresh != token
    finally:
        await store.close()


def test_an_app_without_a_token_is_refused(orch: Orchestrator) -> None:
    with pytest.raises(ValueError, match="needs a token"):
        create_app(orch, ApiSettings())


async def test_extra_routers_are_mounted(orch: Orchestrator) -> None:
    from fastapi import APIRouter

    extra = APIRouter()

    @extra.post("/api/web")
    async def web() -> dict[str, str]:
        return {"url": "http://127.0.0.1/"}

    api = create_app(orch, ApiSettings(token="t"), extra_routers=[extra])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as c:
        assert (await c.post("/api/web")).json() == {"url": "http://127.0.0.1/"}
        assert (await c.get("/openapi.json")).json()["info"]["title"] == "fbrt"
