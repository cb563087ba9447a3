"""Cron schedules: when a pipeline runs by itself.

A schedule (kept in ``store.schedules``) has a cron expression (croniter: 5 fields, or 6 with
seconds), a time zone, params for the run, an **overlap** policy and a **catch-up limit**:

* ``overlap="skip"`` (default): a fire time that comes while a run of the same pipeline is still
  going starts nothing; ``"allow"`` starts a run anyway.
* ``catchup_limit=N``: when fire times were missed (the service was down), at most the newest N
  of them are run when it is back; ``0`` drops missed fires and runs only fires that come on
  time (within a minute).

The scheduler owns no time of its own: it reads the wall time of the engine clock and sleeps on
it, so a test clock drives it (``await clock.advance(60)`` fires a ``* * * * *`` schedule). Each
fire is recorded (``last_fire_at``), so a restart neither repeats nor forgets one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter  # type: ignore[import-untyped]

from fbruntime.store import Schedule

from .recording import wall_time

if TYPE_CHECKING:
    from .service import PipelineService

__all__ = ["OVERLAP_POLICIES", "CronScheduler", "Fire", "check_schedule", "due_times"]

log = logging.getLogger(__name__)

OVERLAP_POLICIES = ("skip", "allow")
ON_TIME = timedelta(minutes=1)
MAX_WAIT_S = 3600.0
_NS = 1_000_000_000


def check_schedule(cron: str, overlap: str, catchup_limit: int, timezone: str) -> None:
    """``ValueError`` naming what is wrong with a schedule's settings."""
    if not croniter.is_valid(cron):
        raise ValueError(
            f"invalid cron expression {cron!r}: use 5 fields 'minute hour day month weekday' "
            "(e.g. '*/15 * * * *'), or 6 with seconds first"
        )
    if overlap not in OVERLAP_POLICIES:
        raise ValueError(f"overlap must be one of {', '.join(OVERLAP_POLICIES)}, got {overlap!r}")
    if catchup_limit < 0:
        raise ValueError(f"catchup_limit must be 0 or more, got {catchup_limit}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}") from None


def due_times(schedule: Schedule, now: datetime) -> tuple[list[datetime], datetime]:
    """Fire times to run now (oldest first, per the catch-up limit) and the next fire time."""
    zone = ZoneInfo(schedule.timezone)
    local_now = now.astimezone(zone)
    since = schedule.last_fire_at or schedule.created_at
    missed: list[datetime] = []
    keep = max(schedule.catchup_limit, 1)
    backwards = croniter(schedule.cron, local_now + timedelta(microseconds=1))
    while len(missed) < keep:
        fire: datetime = backwards.get_prev(datetime)
        if fire <= since:
            break
        missed.append(fire)
    if schedule.catchup_limit == 0 and missed and now - missed[0] > ON_TIME:
        missed = []
    upcoming: datetime = croniter(schedule.cron, local_now).get_next(datetime)
    return sorted(missed), upcoming


@dataclass(frozen=True)
class Fire:
    """One fire time and what came of it: a run id, or why not."""

    schedule_id: int
    dag_id: str
    at: datetime
    run_id: str | None
    skipped: str | None = None


class CronScheduler:
    """Fires the service's schedules on the engine clock (see the module docstring)."""

    def __init__(self, service: PipelineService) -> None:
        self.service = service
        self.clock = service.clock
        self.fires: list[Fire] = []
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="fbrt cron")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def wake(self) -> None:
        """Look at the schedules again now (one was added, changed or removed)."""
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                upcoming = await self.tick()
            except Exception:  # a bad row or a store hiccup must not end scheduling
                log.exception("cron: checking schedules failed")
                upcoming = None
            now = wall_time(self.clock)
            wait = MAX_WAIT_S
            if upcoming is not None:
                wait = min(max((upcoming - now).total_seconds(), 0.0), MAX_WAIT_S)
            sleeper = asyncio.ensure_future(self.clock.sleep(round(wait * _NS)))
            waker = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleeper.cancel()
                waker.cancel()

    async def tick(self) -> datetime | None:
        """Start the runs that are due; the next time anything is due (None: nothing is)."""
        service = self.service
        now = wall_time(self.clock)
        upcoming: datetime | None = None
        for schedule in await service.store.schedules.list(enabled_only=True):
            try:
                fires, following = due_times(schedule, now)
            except (ValueError, KeyError) as error:
                log.error("cron: schedule %s is unusable: %s", schedule.id, error)
                continue
            if upcoming is None or following < upcoming:
                upcoming = following
            for at in fires:
                self.fires.append(await self._fire(schedule, at))
            if fires:
                await service.store.schedules.record_fire(schedule.id, fires[-1])
        return upcoming

    async def _fire(self, schedule: Schedule, at: datetime) -> Fire:
        service = self.service
        dag_id = schedule.pipeline
        if schedule.overlap == "skip" and service.active_runs(dag_id):
            log.info("cron: %s at %s skipped, a run is still going", dag_id, at)
            return Fire(schedule.id, dag_id, at, None, "a run of this pipeline is still going")
        try:
            run_id = await service.start_run(
                dag_id, schedule.params or None, trigger=f"schedule:{schedule.id}"
            )
        except Exception as error:  # unknown pipeline, params that no longer fit
            log.error("cron: %s at %s could not start: %s", dag_id, at, error)
            return Fire(schedule.id, dag_id, at, None, str(error))
        return Fire(schedule.id, dag_id, at, run_id)
