"""Fixtures for the Loader tests: a store on a real SQLite file, and block-file writers."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from fbruntime.store import Store

BLOCK_TEMPLATE = """
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class {cls}(Block):
    name = "{name}"
    version = "{version}"
    description = "{description}"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("INT")
    OUT = DataOutput("INT")

    def on_REQ(self) -> None:
        self.OUT = self.IN + {add}
        self.CNF()
"""


def block_source(
    cls: str = "AddOne",
    name: str | None = None,
    version: str = "1.0",
    description: str = "adds a constant",
    add: int = 1,
) -> str:
    return BLOCK_TEMPLATE.format(
        cls=cls, name=name or cls, version=version, description=description, add=add
    )


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    folder = tmp_path / "lib"
    folder.mkdir(exist_ok=True)

    def write(name: str, text: str) -> Path:
        path = folder / name
        path.write_text(text)
        return path

    return write


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(data_dir=tmp_path / "data")
    try:
        yield s
    finally:
        await s.close()
