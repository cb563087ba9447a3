"""Nothing acknowledged is lost: an OK is sent after the change is committed, kill -9 included.

The kill -9 tests run a real ``fbrt device`` process with ``--data-dir`` and talk to it over real
TCP; the others run the same device in-process (``run_device_server``), so their failures show
the device's own messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from fbruntime.cli.device import run_device_server
from fbruntime.mgmt import ManagementClient, ManagementServer, parse_reply, serve
from fbruntime.mgmt.bootfile import format_boot_file
from fbruntime.mgmt.commands import (
    Command,
    CreateConnection,
    CreateFB,
    DeleteFB,
    Kill,
    QueryFB,
    ReadValue,
    Start,
    WriteParameter,
)
from fbruntime.mgmt.deployment import DeploymentRecord
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.framing import encode_request
from fbruntime.mgmt.persistence import restore
from fbruntime.mgmt.requests import parse_request, render_request
from fbruntime.store import Store

from .conftest import RecordingTarget
from .test_resolver import COUNTER_FBT

# The IDE's order, with what compaction must undo: a write to a pin inside a composite (E_BLINK's
# inner E_CYCLE) of an FB deleted afterwards, and a parameter written twice.
FIRST: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "EMB_RES")),
    ("RES", CreateFB("B", "E_BLINK")),
    ("RES", WriteParameter("T#2s", "B.Cycle.DT")),
    ("RES", CreateFB("C", "E_CTU")),
    ("RES", WriteParameter("3", "C.PV")),
    ("RES", DeleteFB("B")),
    ("RES", CreateFB("S", "E_SPLIT")),
]
SECOND: list[tuple[str, Command]] = [
    ("RES", WriteParameter("7", "C.PV")),
    ("RES", CreateConnection("START.COLD", "S.EI")),
    ("RES", CreateConnection("S.EO1", "C.CU")),
    ("RES", Start()),
]
DEPLOYED: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "EMB_RES")),
    ("RES", CreateFB("C", "E_CTU")),
    ("RES", CreateFB("S", "E_SPLIT")),
    ("RES", WriteParameter("7", "C.PV")),
    ("RES", CreateConnection("START.COLD", "S.EI")),
    ("RES", CreateConnection("S.EO1", "C.CU")),
    ("RES", Start()),
]


@pytest.fixture(autouse=True)
def _no_outside_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FBRT_DATABASE_URL", raising=False)
    monkeypatch.delenv("FBRT_TYPES", raising=False)


# -- a real process, killed --------------------------------------------------------------------


@contextlib.asynccontextmanager
async def fbrt_device(data_dir: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, int]]:
    """``fbrt device --data-dir`` as its own process; yields it and its management port."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "fbruntime",
        "device",
        "--listen",
        "127.0.0.1:0",
        "--data-dir",
        str(data_dir),
        "--name",
        "DEV",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        port = None
        while port is None:
            line = (await asyncio.wait_for(process.stderr.readline(), 60)).decode()
            assert line, "fbrt device ended before it listened"
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", line)
            port = int(found.group(1)) if found else None
        yield process, port
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()


async def deploy(port: int, commands: list[tuple[str, Command]]) -> None:
    async with ManagementClient("127.0.0.1", port) as client:
        for dst, command in commands:
            assert parse_reply(await client.send(dst, command)).ok, command


async def stored_deployment(data_dir: Path) -> list[tuple[str, Command]]:
    """What a device restarted from *data_dir* would rebuild (snapshot, then journal)."""
    store = await Store.open(data_dir=data_dir)
    try:
        record = DeploymentRecord.from_stored(await store.deployments.load_device("DEV"))
        for entry in await store.deployments.load_journal("DEV"):
            record.apply(entry.destination, parse_request(entry.request).command)
        return record.commands()
    finally:
        await store.close()


async def test_every_acknowledged_change_survives_kill_9_and_a_restart(tmp_path: Path) -> None:
    async with fbrt_device(tmp_path) as (process, port):
        await deploy(port, FIRST)
        os.kill(process.pid, signal.SIGKILL)  # at once, after the last reply
        assert await process.wait() == -signal.SIGKILL
    assert await stored_deployment(tmp_path) == compacted(FIRST)

    async with fbrt_device(tmp_path) as (process, port):  # restored, then deployed to again
        await deploy(port, SECOND)
        os.kill(process.pid, signal.SIGKILL)
        await process.wait()

    exported = tmp_path / "deployed.fboot"
    code = await run_device_server(
        listen=None, boot=None, data_dir=tmp_path, export=exported, name="DEV"
    )
    assert code == 0
    assert exported.read_text() == format_boot_file(DEPLOYED)


def compacted(commands: list[tuple[str, Command]]) -> list[tuple[str, Command]]:
    record = DeploymentRecord()
    for dst, command in commands:
        record.apply(dst, command)
    return record.commands()


# -- the DELETE case, and a stored deployment that no longer replays ---------------------------


@contextlib.asynccontextmanager
async def device(
    data_dir: Path, types: list[Path] | None = None
) -> AsyncIterator[tuple[asyncio.Task[int], ManagementClient]]:
    """``fbrt device`` in this process: its run and a client connected to it."""
    listening: asyncio.Queue[ManagementServer] = asyncio.Queue()
    run = asyncio.create_task(
        run_device_server(
            listen="127.0.0.1:0",
            boot=None,
            data_dir=data_dir,
            export=None,
            name="DEV",
            types=types or [],
            on_listening=listening.put_nowait,
        )
    )
    server = await asyncio.wait_for(listening.get(), 30)
    async with ManagementClient("127.0.0.1", server.port) as client:
        yield run, client
    if not run.done():
        assert parse_reply(await _kill(server.port)).ok
    assert await asyncio.wait_for(run, 30) == 0


async def _kill(port: int) -> str:
    async with ManagementClient("127.0.0.1", port) as client:
        return await client.send("", Kill())


async def test_deleting_an_fb_drops_the_writes_to_its_inner_pins(tmp_path: Path) -> None:
    async with device(tmp_path) as (_, client):
        for dst, command in [*FIRST[:3], ("RES", DeleteFB("B"))]:
            assert parse_reply(await client.send(dst, command)).ok, command
    assert await stored_deployment(tmp_path) == [("", CreateFB("RES", "EMB_RES"))]

    async with device(tmp_path) as (_, client):  # it starts again from its data directory
        reply = parse_reply(await client.send("RES", QueryFB()))
        assert [fb.get("name") for fb in reply.root.iter("FB")] == ["START"]


async def test_a_stored_deployment_that_cannot_replay_starts_with_what_replays(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    types = tmp_path / "types"
    types.mkdir()
    (types / "XCount.fbt").write_text(COUNTER_FBT)
    data = tmp_path / "data"
    deployment: list[tuple[str, Command]] = [
        ("", CreateFB("RES", "EMB_RES")),
        ("RES", CreateFB("X", "XCount")),
        ("RES", CreateFB("C", "E_CTU")),
        ("RES", CreateConnection("X.CNF", "C.CU")),
        ("RES", WriteParameter("4", "C.PV")),
    ]
    async with device(data, types=[types]) as (_, client):
        for dst, command in deployment:
            assert parse_reply(await client.send(dst, command)).ok, command
    capsys.readouterr()

    async with device(data) as (_, client):  # the type folder is not given this time
        reply = parse_reply(await client.send("RES", QueryFB()))
        assert [fb.get("name") for fb in reply.root.iter("FB")] == ["START", "C"]
        assert 'Destination="4"' in await client.send("RES", ReadValue("C.PV"))
    message = capsys.readouterr().err
    assert "restored 3 stored commands; 2 could not be replayed and were skipped" in message
    assert 'Name="X" Type="XCount"' in message and "UNSUPPORTED_TYPE" in message
    assert 'Source="X.CNF" Destination="C.CU"' in message and "NO_SUCH_OBJECT" in message
    kept = re.search(r"kept as device '([^']+)'", message)
    assert kept is not None

    # What did not replay is still in the store, under the name the message gives.
    store = await Store.open(data_dir=data)
    try:
        backup = DeploymentRecord.from_stored(await store.deployments.load_device(kept.group(1)))
    finally:
        await store.close()
    assert ("RES", CreateFB("X", "XCount")) in backup.commands()
    assert await stored_deployment(data) == [
        ("", CreateFB("RES", "EMB_RES")),
        ("RES", CreateFB("C", "E_CTU")),
        ("RES", WriteParameter("4", "C.PV")),
    ]


# -- group commit at the server ------------------------------------------------------------------


class CommittingTarget(RecordingTarget):
    """Records commands and commits; a commit waits for *gate* and may fail."""

    def __init__(self) -> None:
        super().__init__()
        self.commits: list[int] = []
        self.committing = asyncio.Event()
        self.gate = asyncio.Event()
        self.fail = False

    async def commit(self) -> None:
        self.commits.append(len(self.calls))
        self.committing.set()
        await self.gate.wait()
        if self.fail:
            raise OSError("the disk is full")


async def test_requests_that_arrive_together_share_one_commit_before_their_replies() -> None:
    target = CommittingTarget()
    server = await serve(target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            await client.send_raw(
                b"".join(
                    encode_request("RES", f'<Request ID="{i}" Action="START"/>') for i in (1, 2, 3)
                )
            )
            await asyncio.wait_for(target.committing.wait(), 10)
            pending = asyncio.ensure_future(client.read_reply())
            await asyncio.sleep(0.05)
            assert not pending.done()  # no reply while the commit runs
            target.gate.set()
            replies = [await pending, await client.read_reply(), await client.read_reply()]
        assert [parse_reply(r).request_id for r in replies] == ["1", "2", "3"]
        assert target.commits == [3]
    finally:
        await server.close()


async def test_a_failed_commit_sends_no_reply() -> None:
    target = CommittingTarget()
    target.fail = True
    target.gate.set()
    server = await serve(target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            with pytest.raises(ConnectionError):
                await client.send("RES", Start())
        assert len(target.calls) == 1
    finally:
        await server.close()


async def test_a_corrupt_stored_request_is_reported_and_the_rest_restored(
    tmp_path: Path, device_target: DeviceTarget
) -> None:
    store = await Store.open(data_dir=tmp_path)
    try:
        await store.deployments.append_journal(
            "DEV",
            [
                ("", render_request(1, CreateFB("RES", "EMB_RES"))),
                ("RES", '<Request ID="2" Action="FLY"/>'),
                ("RES", render_request(3, CreateFB("C", "E_CTU"))),
            ],
        )
        report = await restore(device_target, store.deployments)
    finally:
        await store.close()
    assert report.replayed == 2
    assert len(report.failures) == 1 and "corrupt" in report.failures[0]
    assert list(device_target.device.resources["RES"].network.instances) == ["START", "C"]
