"""Deployments of the 4diac device: what each resource was sent, so it can be rebuilt on restart.

The persisted form is the one FORTE itself replays at boot: per destination (a resource name, or
``""`` for the device itself), the ordered list of management requests, each the XML text of one
``<Request .../>``. Replaying them through the management request handler, destination by
destination in ``position`` order, rebuilds the FBs, connections and parameter values; ``running``
says whether to START the resource afterwards. :meth:`ResourceDeployment.fboot_lines` renders the
same thing as ``.fboot`` lines (``DST;<Request .../>``).

The management layer decides what the list holds: it may append every accepted request, or write a
compacted list (e.g. without FBs that were deleted again) with :meth:`DeploymentRepository.save_resource`.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import NotFound
from fbruntime.store.models import DeploymentRow
from fbruntime.store.repository import Repository

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
    async def save_device(self, device: str, resources: Sequence[ResourceDeployment]) -> None:
        """Replace everything stored for ``device`` with ``resources``, in the given order."""
        names = [r.resource for r in resources]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"device {device!r}: resources listed twice: {', '.join(duplicates)}")
        now = self._now()

        async def op(session: AsyncSession) -> None:
            await session.execute(delete(DeploymentRow).where(DeploymentRow.device == device))
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
            statement = select(DeploymentRow.device).distinct().order_by(DeploymentRow.device)
            return builtins.list(await session.scalars(statement))

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
        async def op(session: AsyncSession) -> int:
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
