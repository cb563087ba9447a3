"""A recording target, a real device behind the executor, and real servers on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from fbruntime.core import Device, TestClock
from fbruntime.mgmt import ManagementClient, ManagementServer, serve
from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.replies import OK, Response
from fbruntime.mgmt.resolver import LibraryResolver, native_resolver

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


# -- a real device behind the executor ---------------------------------------------------------


@pytest.fixture(scope="session")
def resolver() -> LibraryResolver:
    return native_resolver()


@pytest.fixture
def clock() -> TestClock:
    return TestClock()


@pytest.fixture
async def device_target(resolver: LibraryResolver, clock: TestClock) -> AsyncIterator[DeviceTarget]:
    target = DeviceTarget(Device("DEV", clock=clock), resolver)
    yield target
    target.device.kill()


@pytest.fixture
async def device_client(device_target: DeviceTarget) -> AsyncIterator[ManagementClient]:
    server = await serve(device_target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            yield client
    finally:
        await server.close()
