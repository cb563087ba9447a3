"""Deployments of the 4diac device: what each resource was sent, so it can be rebuilt on restart.

The persisted form is the one FORTE itself replays at boot: per destination (a resource name, or
``""`` for the device itself), the ordered list of management requests, each the XML text of one
``<Request .../>``. Replaying them through the management request handler, destination by
destination in ``position`` order, rebuilds the FBs, connections and parameter values; ``running``
says whether to START the resource afterwards. :meth:`ResourceDeployment.fboot_lines` renders the
same thing as ``.fboot`` lines (``DST;<Request .../>``).

Two parts make a device's deployment: a *snapshot* (``deployments``, one row per destination,
written whole by :meth:`DeploymentRepository.save_device`) and a *journal*
(``deployment_journal``, one row per request accepted since, appended by
:meth:`DeploymentRepository.append_journal`). Appending costs the same whatever the deployment's
size, which is what lets a device commit every change before it replies; a snapshot replaces the
journal in the same transaction, so the two never disagree. The management layer decides what the
lists hold and when to snapshot (``fbruntime.mgmt.persistence``).
"""

from __future__ import annotations

import asyncio
import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from fbruntime.store.errors import NotFound
from fbruntime.store.journal import JournalConnection
from fbruntime.store.models import DeploymentJournalRow, DeploymentRow
from fbruntime.store.repository import Clock, Repository, utcnow
from fbruntime.store.writer import Writer

DEVICE = ""
"""The destination name of device-level requests (creating resources, device parameters)."""


@dataclass(frozen=True)
class ResourceDeployment:
    resource: str
    commands: tuple[str, ...] = ()
    resource_type: str | None = None
    running: bool = False
    updated_at: datetime | None = field(default=None, compare=False)

    def fboot_lines(self) -> builtins.list[str]:
        """The commands as FORTE boot-file lines, ``<destination>;<Request .../>``."""
        return [f"{self.resource};{command}" for command in self.commands]


@dataclass(frozen=True)
class JournalEntry:
    """One request accepted since the snapshot: its destination and its ``<Request .../>``."""

    destination: str
    request: str


def _deployment(row: DeploymentRow) -> ResourceDeployment:
    return ResourceDeployment(
        row.resource, tuple(row.commands), row.resource_type, row.running, row.updated_at
    )


async def _find(session: AsyncSession, device: str, resource: str) -> DeploymentRow | None:
    return await session.scalar(
        select(DeploymentRow).where(
            DeploymentRow.device == device, DeploymentRow.resource == resource
        )
    )


async def _next_position(session: AsyncSession, device: str) -> int:
    highest = await session.scalar(
        select(func.max(DeploymentRow.position)).where(DeploymentRow.device == device)
    )
    return 0 if highest is None else int(highest) + 1


class DeploymentRepository(Repository):
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], writer: Writer, clock: Clock = utcnow
    ) -> None:
        super().__init__(sessions, writer, clock)
        self._journal: JournalConnection | None = None
        self._journal_lock = asyncio.Lock()

    async def save_device(self, device: str, resources: Sequence[ResourceDeployment]) -> None:
        """Replace everything stored for ``device`` (its journal too) with ``resources``."""
        names = [r.resource for r in resources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"device {device!r}: resources listed twice: {', '.join(duplicates)}")
        now = self._now()

        async def op(session: AsyncSession) -> None:
            await session.execute(delete(DeploymentRow).where(DeploymentRow.device == device))
            await session.execute(
                delete(DeploymentJournalRow).where(DeploymentJournalRow.device == device)
            )
            for position, resource in enumerate(resources):
                session.add(
                    DeploymentRow(
                        device=device,
                        resource=resource.resource,
                        position=position,
                        resource_type=resource.resource_type,
                        commands=list(resource.commands),
                        running=resource.running,
                        updated_at=now,
                    )
                )

        await self._writer.execute(op)

    async def save_resource(self, device: str, resource: ResourceDeployment) -> None:
        """Store one destination, replacing its commands; a new one goes after the others."""
        now = self._now()

        async def op(session: AsyncSession) -> None:
            row = await _find(session, device, resource.resource)
            if row is None:
                row = DeploymentRow(
                    device=device,
                    resource=resource.resource,
                    position=await _next_position(session, device),
                )
                session.add(row)
            row.resource_type = resource.resource_type
            row.commands = list(resource.commands)
            row.running = resource.running
            row.updated_at = now

        await self._writer.execute(op)

    async def append(
        self, device: str, resource: str, *commands: str, resource_type: str | None = None
    ) -> None:
        """Add requests to the end of a destination's list, creating the destination if new."""
        await self._writer.execute(_Append(device, resource, commands, resource_type, self._now()))

    def append_nowait(
        self, device: str, resource: str, *commands: str, resource_type: str | None = None
    ) -> None:
        self._writer.submit(_Append(device, resource, commands, resource_type, self._now()))

    async def append_journal(self, device: str, entries: Sequence[tuple[str, str]]) -> None:
        """Append ``(destination, request)`` pairs to the device's journal; committed on return.

        A device waits for this before it replies, so it does not queue behind the store's
        writer but has a connection of its own (``fbruntime.store.journal``: on a SQLite file,
        one INSERT in this thread, about 20 us). Ordering against `save_device` is the caller's,
        who awaits each.
        """
        if not entries:
            return
        async with self._journal_lock:
            if self._journal is None:
                self._journal = await JournalConnection.open(self._sessions)
            await self._journal.append(device, entries)

    async def close(self) -> None:
        """Release the journal's connection (the store does this when it closes)."""
        async with self._journal_lock:
            journal, self._journal = self._journal, None
            if journal is not None:
                await journal.close()

    async def load_journal(self, device: str) -> builtins.list[JournalEntry]:
        """The requests accepted since the device's snapshot, in the order they were accepted."""

        async def query(session: AsyncSession) -> builtins.list[JournalEntry]:
            rows = await session.execute(
                select(DeploymentJournalRow.destination, DeploymentJournalRow.request)
                .where(DeploymentJournalRow.device == device)
                .order_by(DeploymentJournalRow.id)
            )
            return [JournalEntry(destination, request) for destination, request in rows]

        return await self._read(query)

    async def set_running(self, device: str, resource: str, running: bool) -> None:
        now = self._now()

        async def op(session: AsyncSession) -> None:
            row = await _find(session, device, resource)
            if row is None:
                raise NotFound(f"device {device!r} has no stored deployment for {resource!r}")
            row.running, row.updated_at = running, now

        await self._writer.execute(op)

    async def load_device(self, device: str) -> builtins.list[ResourceDeployment]:
        """The device's destinations in the order they were first deployed."""

        async def query(session: AsyncSession) -> builtins.list[ResourceDeployment]:
            rows = await session.scalars(
                select(DeploymentRow)
                .where(DeploymentRow.device == device)
                .order_by(DeploymentRow.position)
            )
            return [_deployment(row) for row in rows]

        return await self._read(query)

    async def devices(self) -> builtins.list[str]:
        async def query(session: AsyncSession) -> builtins.list[str]:
            found = set(await session.scalars(select(DeploymentRow.device).distinct()))
            found.update(await session.scalars(select(DeploymentJournalRow.device).distinct()))
            return sorted(found)

        return await self._read(query)

    async def delete_resource(self, device: str, resource: str) -> bool:
        async def op(session: AsyncSession) -> bool:
            result = await session.execute(
                delete(DeploymentRow).where(
                    DeploymentRow.device == device, DeploymentRow.resource == resource
                )
            )
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)

    async def delete_device(self, device: str) -> int:
        """Forget the device (snapshot and journal); returns how many destinations it had."""

        async def op(session: AsyncSession) -> int:
            await session.execute(
                delete(DeploymentJournalRow).where(DeploymentJournalRow.device == device)
            )
            result = await session.execute(
                delete(DeploymentRow).where(DeploymentRow.device == device)
            )
            return int(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)


@dataclass(frozen=True)
class _Append:
    device: str
    resource: str
    commands: tuple[str, ...]
    resource_type: str | None
    at: datetime

    async def __call__(self, session: AsyncSession) -> None:
        row = await _find(session, self.device, self.resource)
        if row is None:
            row = DeploymentRow(
                device=self.device,
                resource=self.resource,
                position=await _next_position(session, self.device),
                resource_type=self.resource_type,
                commands=list(self.commands),
                running=False,
            )
            session.add(row)
        else:
            # Assign a new list: in-place changes to a JSON column are not tracked.
            row.commands = [*row.commands, *self.commands]
            if self.resource_type is not None:
                row.resource_type = self.resource_type
        row.updated_at = self.at
