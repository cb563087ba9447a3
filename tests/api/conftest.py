"""Fixtures: the API over a real Orchestrator (SQLite file) through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from fbruntime.api import ApiSettings, create_app
from fbruntime.loader import Loader
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import Store

TOKEN = "test-token-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

COUNTER = """
from fbruntime.core import Block, DataOutput, EventInput, EventOutput, Parameter


class Counter(Block):
    name = "Counter"
    version = "1.0"
    description = "counts CU by STEP"

    CU = EventInput()
    CO = EventOutput(with_=("CV",))
    STEP = Parameter("INT", 1)
    CV = DataOutput("DINT")

    def on_CU(self) -> None:
        self.CV += self.STEP
        self.CO()
"""


@pytest.fixture
def blocks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "blocks"
    folder.mkdir()
    (folder / "Counter.py").write_text(COUNTER)
    return folder


@pytest.fixture
async def orch(tmp_path: Path, blocks_dir: Path) -> AsyncIterator[Orchestrator]:
    store = await Store.open(data_dir=tmp_path / "data")
    o = Orchestrator(Loader([blocks_dir], store=store, rescan_interval=0), store)
    o._owns_store = True
    try:
        yield o
    finally:
        await o.close()


def make_client(orch: Orchestrator, **settings: object) -> httpx.AsyncClient:
    api = create_app(orch, ApiSettings(token=TOKEN, **settings))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://test")


@pytest.fixture
async def client(orch: Orchestrator) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(orch) as c:
        yield c
