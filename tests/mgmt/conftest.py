"""A recording management target and a real server on 127.0.0.1, for the protocol tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from fbruntime.mgmt import ManagementClient, ManagementServer, serve
from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.replies import OK, Response

CORPUS = Path("/work/shared/corpus")
HELLO_WORLD_BOOT = CORPUS / "4diac-fbe/scripts/HelloWorld.fboot"
TRAINING_BOOT = CORPUS / "4diac_training1/Ventilsteuerung/boot-files/test_FORTE_PC.fboot"
TYPE_LIBRARY = CORPUS / "4diac-ide/data/typelibrary"

Answer = Callable[[str, Command], Response]


class RecordingTarget:
    """Records every command; answers with *answer* (success by default)."""

    def __init__(self, answer: Answer | None = None) -> None:
        self.calls: list[tuple[str, Command]] = []
        self.answer = answer

    async def execute(self, dst: str, command: Command) -> Response:
        self.calls.append((dst, command))
        return OK if self.answer is None else self.answer(dst, command)


@pytest.fixture
def target() -> RecordingTarget:
    return RecordingTarget()


@pytest.fixture
async def server(target: RecordingTarget) -> AsyncIterator[ManagementServer]:
    server = await serve(target, port=0)
    yield server
    await server.close()


@pytest.fixture
async def client(server: ManagementServer) -> AsyncIterator[ManagementClient]:
    async with ManagementClient("127.0.0.1", server.port) as client:
        yield client
