"""4diac over HTTP: XML types uploaded and listed, applications from systems and .fbt files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from fbruntime.loader import Loader
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import Store
from tests.loader import xmldocs

from .conftest import AUTH, make_client


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    folder = tmp_path / "4diac"
    xmldocs.write_platform(folder)
    (folder / "XCounter.fbt").write_text(xmldocs.counter())
    project = folder / "project"
    project.mkdir()
    (project / "Plant.sys").write_text(xmldocs.system(step="4"))
    return folder


@pytest.fixture
async def orch(tmp_path: Path, lib: Path) -> AsyncIterator[Orchestrator]:
    store = await Store.open(data_dir=tmp_path / "data")
    loader = Loader(fourdiac_folders=[lib], store=store, rescan_interval=0)
    o = Orchestrator(loader, store)
    o._owns_store = True
    try:
        yield o
    finally:
        await o.close()


@pytest.fixture
async def client(orch: Orchestrator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(orch) as c:
        yield c


async def value_after_settling(client: httpx.AsyncClient, orch: Orchestrator, url: str) -> object:
    """The value read over HTTP once the application's dispatcher is idle."""
    name = url.split("/")[3]
    device = orch.app(name).device
    assert device is not None
    await device.settle()
    r = await client.get(url)
    assert r.status_code == 200, r.text
    return r.json()["value"]


async def test_uploaded_xml_types_are_listed_described_and_run(
    client: httpx.AsyncClient, orch: Orchestrator
) -> None:
    r = await client.post(
        "/api/types/xml?filename=Twice.fbt", content=xmldocs.twice(), headers=AUTH
    )
    assert r.status_code == 201, r.text
    assert (r.json()["name"], r.json()["kind"], r.json()["format"]) == (
        "XTwice",
        "composite",
        "xml",
    )
    kinds = {e["name"]: e["kind"] for e in (await client.get("/api/types?kind=composite")).json()}
    assert kinds.get("XTwice") == "composite"
    assert (await client.get("/api/types?kind=device")).json()[0]["name"] == "FORTE_PC"
    described = (await client.get("/api/types/XTwice")).json()
    assert [p["name"] for p in described["interface"]["data_outputs"]] == ["CV"]
    r = await client.post(
        "/api/apps", json={"name": "t", "type": "XTwice", "start": True}, headers=AUTH
    )
    assert r.status_code == 201, r.text
    assert (await client.post("/api/apps/t/events/CU", headers=AUTH)).status_code == 202
    assert await value_after_settling(client, orch, "/api/apps/t/values/CV") == 2


async def test_an_uploaded_system_becomes_a_running_app(
    client: httpx.AsyncClient, orch: Orchestrator
) -> None:
    r = await client.post(
        "/api/apps/system?name=plant&filename=Plant.sys&start=true",
        content=xmldocs.system(),
        headers=AUTH,
    )
    assert r.status_code == 201, r.text
    assert r.json()["state"] == "running"
    assert {b["path"] for b in r.json()["blocks"]} == {"START", "App.count"}  # one name each
    assert await value_after_settling(client, orch, "/api/apps/plant/values/App.count.CV") == 3
    r = await client.put("/api/apps/plant/values/App.count.STEP", json={"value": 10}, headers=AUTH)
    assert r.status_code == 200, r.text
    assert (
        await client.post("/api/apps/plant/events/App.count.CU", headers=AUTH)
    ).status_code == 202
    assert await value_after_settling(client, orch, "/api/apps/plant/values/App.count.CV") == 13


@pytest.mark.parametrize(
    "query", ["system=Plant", "path=project/Plant.sys", "path=project"], ids=["name", "file", "dir"]
)
async def test_a_system_from_the_4diac_folders(
    client: httpx.AsyncClient, orch: Orchestrator, query: str
) -> None:
    r = await client.post(f"/api/apps/system?name=p&start=true&{query}", headers=AUTH)
    assert r.status_code == 201, r.text
    assert await value_after_settling(client, orch, "/api/apps/p/values/App.count.CV") == 4


@pytest.mark.parametrize(
    ("url", "body", "status", "says"),
    [
        ("/api/apps/system?name=p&path=../data", b"", 404, "inside the 4diac folders"),
        ("/api/apps/system?name=p&system=Nope", b"", 404, "no 4diac system 'Nope'"),
        ("/api/apps/system?name=p", b"", 422, "send the system's XML"),
        (
            "/api/apps/system?name=p&filename=Mine.sys",
            xmldocs.system(fb_type="Missing").encode(),
            422,
            "Mine.sys:5: <FB> type 'Missing'",
        ),
    ],
    ids=["outside", "unknown", "empty", "bad-type"],
)
async def test_system_requests_that_cannot_work_say_why(
    client: httpx.AsyncClient, url: str, body: bytes, status: int, says: str
) -> None:
    r = await client.post(url, content=body, headers=AUTH)
    assert r.status_code == status, r.text
    assert says in r.json()["detail"]
    assert (await client.get("/api/apps")).json() == []


async def test_creating_a_system_app_needs_the_token(client: httpx.AsyncClient) -> None:
    r = await client.post("/api/apps/system?name=p&system=Plant")
    assert r.status_code == 401
    assert (await client.get("/api/apps")).json() == []
