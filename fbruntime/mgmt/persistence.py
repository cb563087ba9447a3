"""Keeping a device's deployment in a store, and bringing it back after a restart.

`DeploymentSync` listens to a `DeviceTarget` and writes its compacted `DeploymentRecord` in the
background: a deployment of many requests costs one write per burst, not one per request, so a
client never waits on the database. `flush` (and `close`) wait until the latest state is written.
`restore` replays what was stored through the same executor, so a restored device is built by the
very code paths a deployment uses, and comes back running or stopped as it was.

The store is anything with the two methods of ``fbruntime.store``'s deployment repository that
are used here (`DeploymentStore`); this layer does not import the store package.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from fbruntime.mgmt.bootfile import BootFileError
from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.deployment import DeploymentRecord
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.requests import RequestError, render_request

log = logging.getLogger(__name__)


class DeploymentStore(Protocol):
    async def save_device(self, device: str, resources: Sequence[Any]) -> None: ...

    async def load_device(self, device: str) -> Sequence[Any]: ...


async def restore(target: DeviceTarget, store: DeploymentStore) -> int:
    """Rebuild *target*'s device from what *store* holds for it; returns how many commands ran.

    A stored command that fails raises `BootFileError` naming the device and the command, with
    the commands before it applied (as a boot file would).
    """
    stored = await store.load_device(target.device.name)
    where = f"<stored deployment of {target.device.name}>"
    try:
        commands = DeploymentRecord.from_store(stored)
    except RequestError as broken:
        raise BootFileError(where, 0, f"a stored request is corrupt: {broken.message}") from None
    for number, (dst, command) in enumerate(commands, start=1):
        response = await target.execute(dst, command)
        if not response.ok:
            raise BootFileError(
                where,
                number,
                f"{render_request(number, command)} on {dst or 'the device'!r} failed with "
                f"{response.reason.value}",
                response.reason,
            )
    return len(commands)


class DeploymentSync:
    """Writes *target*'s deployment to *store* whenever it changes (batched, in the background)."""

    def __init__(self, target: DeviceTarget, store: DeploymentStore) -> None:
        self.target = target
        self.store = store
        self._saved_version = target.record.version
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self.failures = 0
        target.listeners.append(self._changed)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"fbrt deployment sync {self.target.device.name}"
            )

    def _changed(self, dst: str, command: Command) -> None:
        if self.target.record.version != self._saved_version:
            self._idle.clear()
            self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._save()
            if not self._wake.is_set():
                self._idle.set()

    async def _save(self) -> None:
        record = self.target.record
        version = record.version
        if version == self._saved_version:
            return
        try:
            await self.store.save_device(self.target.device.name, record.to_store())
        except Exception:
            self.failures += 1
            log.exception("could not store the deployment of %s", self.target.device.name)
            return
        self._saved_version = version

    async def flush(self) -> None:
        """Wait until the newest deployment state is in the store."""
        if self._task is None:
            await self._save()
            return
        await self._idle.wait()
        if self.target.record.version != self._saved_version:
            await self._save()

    async def close(self) -> None:
        await self.flush()
        if self._changed in self.target.listeners:
            self.target.listeners.remove(self._changed)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
