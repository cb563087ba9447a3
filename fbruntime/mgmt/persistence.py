"""Keeping a device's deployment in a store, and bringing it back after a restart.

A reply of OK to a management request means the change is in the store: `DeploymentSync`
journals every change the `DeviceTarget` accepts and `commit` (which the server awaits before it
sends replies) appends what is pending in one transaction. Requests that arrive together share
that commit (group commit), and a commit costs the same whatever the deployment's size: one row
per change in the journal, never a rewrite of the whole deployment. When the journal has grown
to twice what rebuilds the device, a commit writes a compacted snapshot instead and the journal
starts again, so a restart replays at most about three times the deployment, and the journal's
cost stays constant per change (amortised).

`restore` replays what was stored (snapshot, then journal, compacted by a `DeploymentRecord`)
through the same executor, so a restored device is built by the very code paths a deployment
uses. A stored request that no longer replays (a type folder not given this time, a file changed)
does not stop the device: it is skipped and reported, everything else is restored, and the stored
deployment as it was is kept under another device name (``<name>~unreplayed-<UTC time>``) before
the device's own entry is compacted to what replayed, so nothing acknowledged is thrown away.

The store is anything with the methods of ``fbruntime.store``'s deployment repository used here
(`DeploymentStore`); this layer does not import the store package.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from fbruntime.mgmt.commands import Command, CreateFB, Start
from fbruntime.mgmt.deployment import DEVICE, DeploymentRecord
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.requests import RequestError, parse_request, render_request

log = logging.getLogger(__name__)

#: A journal shorter than this is never compacted (a snapshot costs what the deployment weighs).
SNAPSHOT_MIN_JOURNAL = 1000


class DeploymentStore(Protocol):
    async def save_device(self, device: str, resources: Sequence[Any]) -> None: ...

    async def load_device(self, device: str) -> Sequence[Any]: ...

    async def append_journal(self, device: str, entries: Sequence[tuple[str, str]]) -> None: ...

    async def load_journal(self, device: str) -> Sequence[Any]: ...


@dataclass
class RestoreReport:
    """What `restore` did: how many stored commands replayed, and each one that did not."""

    replayed: int = 0
    failures: list[str] = field(default_factory=list)
    kept_as: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def summary(self, device: str) -> str:
        text = f"restored {self.replayed} stored commands"
        if self.failures:
            shown = "; ".join(self.failures[:5])
            more = f" (and {len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
            text += f"; {len(self.failures)} could not be replayed and were skipped: {shown}{more}"
            if self.kept_as:
                text += (
                    f". The stored deployment as it was is kept as device {self.kept_as!r} "
                    f"(fbrt device --name {self.kept_as!r} --export FILE.fboot)"
                )
        return text


async def restore(target: DeviceTarget, store: DeploymentStore) -> RestoreReport:
    """Rebuild *target*'s device from what *store* holds for it, skipping what fails.

    Every stored request that is corrupt or refused is logged and listed in the report; the
    device keeps everything else. Nothing is raised for a stored deployment that does not replay.
    """
    name = target.device.name
    report = RestoreReport()
    record = DeploymentRecord()
    snapshot = await store.load_device(name)
    journal = await store.load_journal(name)
    for resource in snapshot:
        if resource.resource != DEVICE:
            record.apply(DEVICE, CreateFB(resource.resource, resource.resource_type or "EMB_RES"))
        for text in resource.commands:
            _note(record, resource.resource, text, report)
        if resource.running:
            record.apply(resource.resource, Start())
    for entry in journal:
        _note(record, entry.destination, entry.request, report)
    for number, (dst, command) in enumerate(record.commands(), start=1):
        try:
            response = await target.execute(dst, command)
        except Exception as failure:  # a bug must not keep the device from starting
            log.exception("restoring %s: %s on %r raised", name, command, dst)
            report.failures.append(_failed(number, dst, command, repr(failure)))
            continue
        if response.ok:
            report.replayed += 1
        else:
            report.failures.append(_failed(number, dst, command, response.reason.value))
    for line in report.failures:
        log.warning("restoring %s: %s", name, line)
    if report.failures:
        report.kept_as = f"{name}~unreplayed-{datetime.now(UTC):%Y%m%dT%H%M%S}"
        await store.save_device(report.kept_as, record.to_store())
    return report


def _note(record: DeploymentRecord, dst: str, text: str, report: RestoreReport) -> None:
    try:
        command = parse_request(text).command
    except RequestError as broken:
        report.failures.append(f"a stored request on {_where(dst)} is corrupt: {broken.message}")
        return
    record.apply(dst, command)


def _failed(number: int, dst: str, command: Command, why: str) -> str:
    return f"{render_request(number, command)} on {_where(dst)} failed with {why}"


def _where(dst: str) -> str:
    return f"resource {dst!r}" if dst else "the device"


class DeploymentSync:
    """Journals *target*'s accepted changes in *store*; `commit` makes them durable.

    Attaching makes the store owe a snapshot: the first commit writes the device's deployment as
    it is (after a restore or a boot file), replacing whatever was stored.
    """

    def __init__(self, target: DeviceTarget, store: DeploymentStore) -> None:
        self.target = target
        self.store = store
        self._pending: list[tuple[str, Command]] = []
        self._accepted = 0
        self._durable = 0
        self._journal = 0
        self._needs_snapshot = True
        self._lock = asyncio.Lock()
        self.failures = 0
        self.commits = 0
        self.snapshots = 0
        target.listeners.append(self._changed)
        target.committers.append(self.commit)

    def _changed(self, dst: str, command: Command) -> None:
        self._pending.append((dst, command))
        self._accepted += 1

    async def commit(self) -> None:
        """Return once every change accepted before the call is in the store.

        Callers that arrive while a commit runs wait for it, and the first of them then commits
        everything that accumulated meanwhile in one transaction.
        """
        wanted = self._accepted
        if self._durable >= wanted and not self._needs_snapshot:
            return
        async with self._lock:
            if self._durable >= wanted and not self._needs_snapshot:
                return
            upto = self._accepted
            batch, self._pending = self._pending, []
            record = self.target.record
            device = self.target.device.name
            try:
                if self._needs_snapshot or self._journal + len(batch) > max(
                    SNAPSHOT_MIN_JOURNAL, 2 * record.size
                ):
                    await self.store.save_device(device, record.to_store())
                    self._journal = 0
                    self._needs_snapshot = False
                    self.snapshots += 1
                else:
                    rendered = [(dst, render_request(1, command)) for dst, command in batch]
                    await self.store.append_journal(device, rendered)
                    self._journal += len(batch)
            except BaseException:
                # Whatever reached the store, a snapshot of the record puts it right.
                self._needs_snapshot = True
                self.failures += 1
                log.exception("could not store the deployment of %s", device)
                raise
            self._durable = upto
            self.commits += 1

    async def close(self) -> None:
        """Commit what is pending and stop listening to the target."""
        try:
            await self.commit()
        finally:
            if self._changed in self.target.listeners:
                self.target.listeners.remove(self._changed)
            if self.commit in self.target.committers:
                self.target.committers.remove(self.commit)
