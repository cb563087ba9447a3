"""Cron schedules of pipelines.

The store keeps the schedule and when it last fired; the scheduler (in the pipelines package)
validates the cron expression, computes fire times, and applies the overlap policy and catch-up
limit, whose vocabulary it owns. Recording each fire lets a restart catch up on missed fires
without repeating ones that already ran.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import NotFound
from fbruntime.store.models import ScheduleRow
from fbruntime.store.repository import UNSET, Repository, Unset, assign_given


@dataclass(frozen=True)
class Schedule:
    id: int
    pipeline: str
    cron: str
    timezone: str
    overlap: str
    catchup_limit: int
    params: dict[str, Any]
    enabled: bool
    last_fire_at: datetime | None
    created_at: datetime
    updated_at: datetime


def _schedule(row: ScheduleRow) -> Schedule:
    return Schedule(
        row.id,
        row.pipeline,
        row.cron,
        row.timezone,
        row.overlap,
        row.catchup_limit,
        dict(row.params),
        row.enabled,
        row.last_fire_at,
        row.created_at,
        row.updated_at,
    )


async def _row(session: AsyncSession, schedule_id: int) -> ScheduleRow:
    row = await session.get(ScheduleRow, schedule_id)
    if row is None:
        raise NotFound(f"schedule {schedule_id} does not exist")
    return row


@dataclass(frozen=True)
class _RecordFire:
    schedule_id: int
    at: datetime

    async def __call__(self, session: AsyncSession) -> None:
        row = await _row(session, self.schedule_id)
        if row.last_fire_at is None or self.at > row.last_fire_at:
            row.last_fire_at = self.at


class ScheduleRepository(Repository):
    async def add(
        self,
        pipeline: str,
        cron: str,
        *,
        timezone: str = "UTC",
        overlap: str = "skip",
        catchup_limit: int = 1,
        params: dict[str, Any] | None = None,
        enabled: bool = True,
    ) -> Schedule:
        if catchup_limit < 0:
            raise ValueError(
                f"schedule for {pipeline!r}: catchup_limit must be 0 or more, got {catchup_limit}"
            )
        now = self._now()

        async def op(session: AsyncSession) -> Schedule:
            row = ScheduleRow(
                pipeline=pipeline,
                cron=cron,
                timezone=timezone,
                overlap=overlap,
                catchup_limit=catchup_limit,
                params=dict(params or {}),
                enabled=enabled,
                last_fire_at=None,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            return _schedule(row)

        return await self._writer.execute(op)

    async def get(self, schedule_id: int) -> Schedule | None:
        async def query(session: AsyncSession) -> Schedule | None:
            row = await session.get(ScheduleRow, schedule_id)
            return None if row is None else _schedule(row)

        return await self._read(query)

    async def list(
        self, *, pipeline: str | None = None, enabled_only: bool = False
    ) -> builtins.list[Schedule]:
        async def query(session: AsyncSession) -> builtins.list[Schedule]:
            statement = select(ScheduleRow).order_by(ScheduleRow.id)
            if pipeline is not None:
                statement = statement.where(ScheduleRow.pipeline == pipeline)
            if enabled_only:
                statement = statement.where(ScheduleRow.enabled.is_(True))
            return [_schedule(row) for row in await session.scalars(statement)]

        return await self._read(query)

    async def update(
        self,
        schedule_id: int,
        *,
        cron: str | Unset = UNSET,
        timezone: str | Unset = UNSET,
        overlap: str | Unset = UNSET,
        catchup_limit: int | Unset = UNSET,
        params: dict[str, Any] | Unset = UNSET,
        enabled: bool | Unset = UNSET,
    ) -> Schedule:
        now = self._now()

        async def op(session: AsyncSession) -> Schedule:
            row = await _row(session, schedule_id)
            assign_given(
                row,
                cron=cron,
                timezone=timezone,
                overlap=overlap,
                catchup_limit=catchup_limit,
                params=params if params is UNSET else dict(params),
                enabled=enabled,
            )
            row.updated_at = now
            await session.flush()
            return _schedule(row)

        return await self._writer.execute(op)

    async def record_fire(self, schedule_id: int, at: datetime) -> None:
        """Remember that the schedule fired for ``at`` (never moves backwards)."""
        await self._writer.execute(_RecordFire(schedule_id, at))

    def record_fire_nowait(self, schedule_id: int, at: datetime) -> None:
        self._writer.submit(_RecordFire(schedule_id, at))

    async def delete(self, schedule_id: int) -> bool:
        async def op(session: AsyncSession) -> bool:
            result = await session.execute(delete(ScheduleRow).where(ScheduleRow.id == schedule_id))
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)
