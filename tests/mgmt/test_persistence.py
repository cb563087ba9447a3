"""The deployment survives a restart: compacted record, real SQLite store, restore."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from fbruntime.core import Device, ResourceState, TestClock
from fbruntime.mgmt import ManagementClient, persistence, serve
from fbruntime.mgmt.commands import (
    Command,
    CreateConnection,
    CreateFB,
    DeleteConnection,
    DeleteFB,
    Kill,
    Start,
    Stop,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.deployment import DeploymentRecord
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.persistence import DeploymentSync, restore
from fbruntime.mgmt.requests import parse_request
from fbruntime.mgmt.resolver import LibraryResolver
from fbruntime.store import Store

DEPLOY: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "EMB_RES")),
    ("RES", CreateFB("App.SPL", "E_SPLIT")),
    ("RES", CreateFB("App.CTR", "E_CTU")),
    ("RES", CreateFB("Gone", "E_SPLIT")),
    ("RES", WriteParameter("3", "App.CTR.PV")),
    ("RES", WriteParameter("4", "App.CTR.PV")),
    ("RES", WriteParameter("'x'", "App.CTR.PV")),  # refused: not recorded
    ("RES", CreateConnection("START.COLD", "App.SPL.EI")),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.CU")),
    ("RES", CreateConnection("App.SPL.EO2", "Gone.EI")),
    ("RES", CreateConnection("App.SPL.EO2", "App.CTR.R")),
    ("RES", DeleteConnection("App.SPL.EO2", "App.CTR.R")),
    ("RES", DeleteFB("Gone")),
    ("", CreateFB("IDLE", "EMB_RES")),
    ("IDLE", CreateFB("X", "E_SPLIT")),
    ("RES", Start()),
    ("RES", TriggerEvent("App.CTR.CU")),  # not a deployment change
]

COMPACTED: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "EMB_RES")),
    ("RES", CreateFB("App.SPL", "E_SPLIT")),
    ("RES", CreateFB("App.CTR", "E_CTU")),
    ("RES", WriteParameter("4", "App.CTR.PV")),
    ("RES", CreateConnection("START.COLD", "App.SPL.EI")),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.CU")),
    ("", CreateFB("IDLE", "EMB_RES")),
    ("IDLE", CreateFB("X", "E_SPLIT")),
    ("RES", Start()),
]


async def run(target: DeviceTarget, commands: list[tuple[str, Command]]) -> None:
    for dst, command in commands:
        await target.execute(dst, command)
    await target.device.settle()


async def test_the_record_keeps_only_what_rebuilds_the_device(
    device_target: DeviceTarget,
) -> None:
    await run(device_target, DEPLOY)
    assert device_target.record.commands() == COMPACTED


@pytest.mark.parametrize(
    ("extra", "running"),
    [([], True), ([("RES", Stop())], False), ([("", Kill("RES"))], False)],
)
async def test_a_restarted_device_comes_back_as_it_was_deployed(
    tmp_path: Path,
    resolver: LibraryResolver,
    extra: list[tuple[str, Command]],
    running: bool,
) -> None:
    store = await Store.open(data_dir=tmp_path)
    try:
        first = DeviceTarget(Device("DEV", clock=TestClock()), resolver)
        sync = DeploymentSync(first, store.deployments)
        await run(first, [*DEPLOY, *extra])
        await sync.close()
        first.device.kill()
    finally:
        await store.close()

    store = await Store.open(data_dir=tmp_path)  # a new process would open it like this
    try:
        second = DeviceTarget(Device("DEV", clock=TestClock()), resolver)
        report = await restore(second, store.deployments)
        assert (report.replayed, report.failures) == (len(COMPACTED) - (not running), [])
        await second.device.settle()
    finally:
        await store.close()
    res = second.device.resources["RES"]
    assert list(res.network.instances) == ["START", "App.SPL", "App.CTR"]
    assert res.network.instances["App.CTR"].PV == 4
    assert [(c.source, c.destination) for c in res.network.event_connections] == [
        ("START.COLD", "App.SPL.EI"),
        ("App.SPL.EO1", "App.CTR.CU"),
    ]
    assert (res.state is ResourceState.RUNNING) is running
    assert (1 if running else 0) == res.network.instances["App.CTR"].CV
    assert second.device.resources["IDLE"].state is ResourceState.IDLE
    second.device.kill()


async def test_every_reply_over_tcp_comes_after_its_change_is_stored(
    tmp_path: Path, resolver: LibraryResolver
) -> None:
    store = await Store.open(data_dir=tmp_path)
    target = DeviceTarget(Device("DEV", clock=TestClock()), resolver)
    sync = DeploymentSync(target, store.deployments)
    server = await serve(target, port=0)
    try:
        async with ManagementClient("127.0.0.1", server.port) as client:
            for dst, command in DEPLOY:
                await client.send(dst, command)
                # No flush: what was acknowledged is in the store already.
                stored = await store.deployments.load_device("DEV")
                journal = await store.deployments.load_journal("DEV")
                assert _replayed(stored, journal) == target.record.commands()
        assert target.record.commands() == COMPACTED
    finally:
        await server.close()
        await sync.close()
        await store.close()
        target.device.kill()


def _replayed(stored: Sequence[Any], journal: Sequence[Any]) -> list[tuple[str, Command]]:
    record = DeploymentRecord.from_stored(stored)
    for entry in journal:
        record.apply(entry.destination, parse_request(entry.request).command)
    return record.commands()


async def test_a_long_journal_is_compacted_into_a_snapshot(
    tmp_path: Path, resolver: LibraryResolver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(persistence, "SNAPSHOT_MIN_JOURNAL", 10)
    store = await Store.open(data_dir=tmp_path)
    target = DeviceTarget(Device("DEV", clock=TestClock()), resolver)
    sync = DeploymentSync(target, store.deployments)
    try:
        await run(target, [("", CreateFB("RES", "EMB_RES")), ("RES", CreateFB("C", "E_CTU"))])
        await sync.commit()
        for value in range(40):  # the deployment stays 3 commands; the journal would grow
            await target.execute("RES", WriteParameter(str(value), "C.PV"))
            await sync.commit()
            journal = await store.deployments.load_journal("DEV")
            assert len(journal) <= 10
        stored = await store.deployments.load_device("DEV")
        assert _replayed(stored, journal) == target.record.commands()
        assert ("RES", WriteParameter("39", "C.PV")) in target.record.commands()
        assert sync.snapshots >= 4
    finally:
        await sync.close()
        await store.close()
        target.device.kill()
