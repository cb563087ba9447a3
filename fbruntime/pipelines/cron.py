"""Cron schedules: when a pipeline runs by itself.

A schedule (kept in ``store.schedules``) has a cron expression (croniter: 5 fields
``minute hour day month weekday``, or 6 with a seconds field last), a time zone, params for the
run, an **overlap** policy and a **catch-up limit**:

* ``overlap="skip"`` (default): a fire time that comes while a run of the same pipeline is still
  going starts nothing (the fire is recorded as skipped); ``"allow"`` starts a run anyway.
* ``catchup_limit=N`` (default 1): when fire times were missed (the service was down), at most
  the newest N of them are run when it is back; ``0`` drops missed fires and runs only fires
  that come on time (within a minute). Under ``skip`` the caught-up runs go one after another,
  each waiting for the previous one's end, so catching up never overlaps either; under
  ``allow`` they start together.

The scheduler owns no time of its own: it reads the wall time of the engine clock and sleeps on
it, so a test clock drives it (``await clock.advance(60)`` fires a ``* * * * *`` schedule). Each
fire is recorded (``last_fire_at``) before its run starts, so a restart neither repeats a fire
nor forgets one it missed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter  # type: ignore[import-untyped]

from fbruntime.core import Clock
from fbruntime.core.clock import TimerHandle
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
    if not isinstance(cron, str) or not croniter.is_valid(cron):
        raise ValueError(
            f"invalid cron expression {cron!r}: use 5 fields 'minute hour day month weekday' "
            "(e.g. '*/15 * * * *' or '0 8 * * mon-fri'), 6 with a seconds field last, "
            "or a nickname such as '@hourly'"
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
    """Fires the service's schedules on the engine clock (see the module docstring).

    ``fires`` lists every fire so far; :meth:`idle` waits until the scheduler has handled
    everything due and parked on the clock, which is how tests know a fire did *not* happen.
    """

    def __init__(self, service: PipelineService, clock: Clock | None = None) -> None:
        self.service = service
        self.clock: Clock = clock or service.clock
        self.fires: list[Fire] = []
        self._task: asyncio.Task[None] | None = None
        self._catching_up: dict[int, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._parked = asyncio.Event()
        self._changed = asyncio.Event()
        self._timer: TimerHandle | None = None
        self._listeners: list[Callable[[Fire], None]] = []

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="fbrt cron")

    async def stop(self) -> None:
        task, self._task = self._task, None
        pending = [t for t in (task, *self._catching_up.values()) if t is not None]
        self._catching_up.clear()
        for job in pending:
            job.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def wake(self) -> None:
        """Look at the schedules again now (one was added, changed or removed)."""
        self._parked.clear()
        self._wake.set()

    def add_listener(self, listener: Callable[[Fire], None]) -> None:
        """Called with every :class:`Fire` as it happens (the bot, logs)."""
        self._listeners.append(listener)

    async def idle(self) -> None:
        """Wait until everything due now is handled (runs started or skipped, fires recorded)."""
        while not self._parked.is_set() or self._catching_up:
            if self._task is None or self._task.done():
                return
            if self._catching_up:
                await asyncio.wait(list(self._catching_up.values()))
            else:
                await self._parked.wait()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                upcoming = await self.tick()
            except Exception:  # a bad row or a store hiccup must not end scheduling
                log.exception("cron: checking schedules failed")
                upcoming = None
            if self._wake.is_set():
                continue
            now = wall_time(self.clock)
            wait = MAX_WAIT_S
            if upcoming is not None:
                wait = min((upcoming - now).total_seconds(), MAX_WAIT_S)
                if wait <= 0:  # the clock moved past it while the store answered
                    continue
            # A clock timer rather than clock.sleep: the callback runs inside clock.advance()
            # itself, so "parked" is already cleared when a test's advance returns.
            self._timer = self.clock.call_later(round(wait * _NS), self.wake)
            self._parked.set()
            try:
                await self._wake.wait()
            finally:
                self._timer.cancel()
                self._timer = None

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
            if not fires:
                continue
            await service.store.schedules.record_fire(schedule.id, fires[-1])
            if schedule.overlap == "allow" or len(fires) == 1:
                for at in fires:
                    await self._fire(schedule, at)
            elif schedule.id in self._catching_up or service.active_runs(schedule.pipeline):
                for at in fires:
                    self._record(Fire(schedule.id, schedule.pipeline, at, None, _STILL_GOING))
            else:
                job = asyncio.get_running_loop().create_task(self._catch_up(schedule, fires))
                self._catching_up[schedule.id] = job
        return upcoming

    async def _catch_up(self, schedule: Schedule, fires: list[datetime]) -> None:
        """Run missed fires one after another (overlap "skip" never overlaps, even here)."""
        try:
            for at in fires:
                fire = await self._fire(schedule, at)
                if fire.run_id is not None:
                    await self.service.wait(fire.run_id)
        finally:
            self._catching_up.pop(schedule.id, None)

    async def _fire(self, schedule: Schedule, at: datetime) -> Fire:
        service = self.service
        dag_id = schedule.pipeline
        if schedule.overlap == "skip" and service.active_runs(dag_id):
            log.info("cron: %s at %s skipped, a run is still going", dag_id, at)
            return self._record(Fire(schedule.id, dag_id, at, None, _STILL_GOING))
        try:
            run_id = await service.start_run(
                dag_id, schedule.params or None, trigger=f"schedule:{schedule.id}"
            )
        except Exception as error:  # unknown pipeline, params that no longer fit
            log.error("cron: %s at %s could not start: %s", dag_id, at, error)
            return self._record(Fire(schedule.id, dag_id, at, None, str(error)))
        return self._record(Fire(schedule.id, dag_id, at, run_id))

    def _record(self, fire: Fire) -> Fire:
        self.fires.append(fire)
        for listener in self._listeners:
            try:
                listener(fire)
            except Exception:
                log.exception("cron: a fire listener failed")
        return fire


_STILL_GOING = "a run of this pipeline is still going"
