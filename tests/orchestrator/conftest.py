"""Fixtures: an Orchestrator on a real SQLite file with a folder of test blocks and a test clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fbruntime.core import TestClock
from fbruntime.loader import Loader
from fbruntime.orchestrator import Orchestrator
from fbruntime.store import Store

COUNTER = """
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput, Parameter


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

FAILS_ON_START = """
from fbruntime.core import Block, EventInput


class Grumpy(Block):
    name = "Grumpy"
    REQ = EventInput()

    def on_REQ(self) -> None:
        pass

    def on_start(self, warm: bool) -> None:
        raise RuntimeError("will not start")
"""


@pytest.fixture
def blocks_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "blocks"
    folder.mkdir()
    (folder / "Counter.py").write_text(COUNTER)
    (folder / "Grumpy.py").write_text(FAILS_ON_START)
    return folder


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


async def open_orchestrator(data: Path, blocks: Path, clock: TestClock) -> Orchestrator:
    store = await Store.open(data_dir=data)
    orch = Orchestrator(Loader([blocks], store=store, rescan_interval=0), store, clock=clock)
    orch._owns_store = True
    await orch.restore()
    return orch


@pytest.fixture
async def orch(tmp_path: Path, blocks_dir: Path, clock: TestClock) -> AsyncIterator[Orchestrator]:
    o = await open_orchestrator(tmp_path / "data", blocks_dir, clock)
    try:
        yield o
    finally:
        await o.close()
