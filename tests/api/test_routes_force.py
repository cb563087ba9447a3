"""Forcing pins over REST, the token check, writes that a connection overwrites, offline docs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from fbruntime.api.docs import ASSETS
from fbruntime.orchestrator import Orchestrator
from tests.api.conftest import AUTH, COUNTER, make_client

PASS = """
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class Pass(Block):
    name = "Pass"
    version = "1.0"
    description = "OUT := IN on REQ"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("DINT")
    OUT = DataOutput("DINT")

    def on_REQ(self) -> None:
        self.OUT = self.IN
        self.CNF()
"""

PAIR = {
    "name": "Pair",
    "blocks": [{"name": "A", "type": "Counter"}, {"name": "B", "type": "Pass"}],
    "connections": [["A.CO", "B.REQ"], ["A.CV", "B.IN"]],
}


@pytest.fixture
def blocks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "blocks"
    folder.mkdir()
    (folder / "Counter.py").write_text(COUNTER)
    (folder / "Pass.py").write_text(PASS)
    return folder


@pytest.fixture
async def client(orch: Orchestrator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(orch) as c:
        yield c


async def test_token_check_answers_204_for_the_token_and_401_otherwise(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/api/auth/check", headers=AUTH)).status_code == 204
    wrong = await client.get("/api/auth/check", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert "wrong" in wrong.json()["detail"]
    assert (await client.get("/api/auth/check")).status_code == 401


async def test_force_holds_an_input_against_its_connection_until_released(
    orch: Orchestrator, client: httpx.AsyncClient
) -> None:
    created = await client.post(
        "/api/apps", json={"name": "pair", "composite": PAIR, "start": True}, headers=AUTH
    )
    assert created.status_code == 201, created.text
    forced = await client.put("/api/apps/pair/forces/B.IN", json={"value": 99}, headers=AUTH)
    assert forced.status_code == 200
    assert forced.json()["forced"] is True and forced.json()["value"] == 99
    listed = (await client.get("/api/apps/pair/forces")).json()
    assert [(f["path"], f["value"]) for f in listed] == [("B.IN", 99)]
    orch.fire("pair", "A.CU")
    await orch.app("pair").device.settle()  # type: ignore[union-attr]
    assert orch.read("pair", "A.CV").value == 1
    assert orch.read("pair", "B.OUT").value == 99  # the force wins over the connection
    released = await client.delete("/api/apps/pair/forces/B.IN", headers=AUTH)
    assert released.status_code == 200 and released.json()["forced"] is False
    assert (await client.get("/api/apps/pair/forces")).json() == []
    orch.fire("pair", "A.CU")
    await orch.app("pair").device.settle()  # type: ignore[union-attr]
    assert orch.read("pair", "B.OUT").value == 2
    # Forcing needs the token; an unknown pin is a 404 naming it.
    assert (await client.put("/api/apps/pair/forces/B.IN", json={"value": 1})).status_code == 401
    missing = await client.put("/api/apps/pair/forces/B.NOPE", json={"value": 1}, headers=AUTH)
    assert missing.status_code == 404 and "NOPE" in missing.json()["detail"]


async def test_a_write_to_a_connected_input_names_what_overwrites_it(
    client: httpx.AsyncClient,
) -> None:
    await client.post(
        "/api/apps", json={"name": "pair", "composite": PAIR, "start": True}, headers=AUTH
    )
    fed = await client.put("/api/apps/pair/values/B.IN", json={"value": 5}, headers=AUTH)
    assert fed.status_code == 200 and fed.json()["overwritten_by"] == "A.CV"
    free = await client.put("/api/apps/pair/values/A.STEP", json={"value": 5}, headers=AUTH)
    assert free.json()["overwritten_by"] is None


async def test_docs_are_served_from_the_package_without_a_cdn(client: httpx.AsyncClient) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    for name, media in ASSETS.items():
        asset = await client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].startswith(media)
        assert len(asset.content) > 1000
    assert (await client.get("/docs/assets/../app.py")).status_code == 404
    assert (await client.get("/docs/assets/index.html")).status_code == 404
