"""Time for the engine: every delay, timer and timestamp goes through a clock.

Blocks never call ``time`` or ``asyncio.sleep`` themselves. The resource hands them its clock, so
tests (and block authors) swap in :class:`TestClock` and drive E_DELAY, E_CYCLE, retries and cron
without waiting. This is trio's ``MockClock`` idea applied to FORTE's timer handler: FORTE ticks at
1 ms; we keep nanoseconds and let the event loop do the waiting.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

__all__ = ["Clock", "RealClock", "TestClock", "TimerHandle"]

NS = 1_000_000_000


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the engine needs from time."""

    def monotonic_ns(self) -> int:
        """Monotonic time in ns, for stopwatches and deadlines (NOW_MONOTONIC)."""
        ...

    def wall_ns(self) -> int:
        """Wall-clock time in ns since the epoch (NOW, DATE_AND_TIME)."""
        ...

    def call_later(self, delay_ns: int, callback: Callable[[], None]) -> TimerHandle:
        """Run ``callback`` once after ``delay_ns``; the handle cancels it."""
        ...

    async def sleep(self, delay_ns: int) -> None: ...


class RealClock:
    """The event loop's clock. Timers are ``loop.call_later`` handles."""

    def monotonic_ns(self) -> int:
        return time.monotonic_ns()

    def wall_ns(self) -> int:
        return time.time_ns()

    def call_later(self, delay_ns: int, callback: Callable[[], None]) -> TimerHandle:
        return asyncio.get_running_loop().call_later(max(delay_ns, 0) / NS, callback)

    async def sleep(self, delay_ns: int) -> None:
        await asyncio.sleep(max(delay_ns, 0) / NS)


class _TestTimer:
    __slots__ = ("callback", "cancelled", "deadline", "seq")

    def __init__(self, deadline: int, seq: int, callback: Callable[[], None]) -> None:
        self.deadline = deadline
        self.seq = seq
        self.callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def __lt__(self, other: _TestTimer) -> bool:
        return (self.deadline, self.seq) < (other.deadline, other.seq)


class TestClock:
    """A clock that only moves when told to.

    ``await clock.advance(seconds)`` fires every due timer in deadline order, setting the time to
    each timer's deadline first and letting every attached settle hook (the resources' "run until
    idle") finish before the next timer fires, so a periodic E_CYCLE re-arms from the right "now".
    """

    __test__ = False  # not a pytest test class
    virtual = True  # time moves only in advance(): Resource.settle does not wait for sleepers

    def __init__(self, start_wall_ns: int = 1_700_000_000 * NS) -> None:
        self._now = 0
        self._wall0 = start_wall_ns
        self._timers: list[_TestTimer] = []
        self._seq = itertools.count()
        self._settlers: list[Callable[[], Awaitable[None]]] = []

    def monotonic_ns(self) -> int:
        return self._now

    def wall_ns(self) -> int:
        return self._wall0 + self._now

    def call_later(self, delay_ns: int, callback: Callable[[], None]) -> TimerHandle:
        timer = _TestTimer(self._now + max(delay_ns, 0), next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        return timer

    async def sleep(self, delay_ns: int) -> None:
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not fut.done():
                fut.set_result(None)

        handle = self.call_later(delay_ns, wake)
        try:
            await fut
        finally:
            handle.cancel()

    def add_settle_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        """Register an awaitable run after each fired timer (a resource's drain)."""
        self._settlers.append(hook)

    def remove_settle_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        if hook in self._settlers:
            self._settlers.remove(hook)

    async def settle(self) -> None:
        # Several passes: an async handler woken by a timer may emit, which wakes a resource,
        # which may start another async handler.
        for _ in range(3):
            for _ in range(5):
                await asyncio.sleep(0)
            for hook in list(self._settlers):
                await hook()

    async def advance(self, seconds: float) -> None:
        target = self._now + round(seconds * NS)
        await self.settle()
        while self._timers and self._timers[0].deadline <= target:
            timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            self._now = max(self._now, timer.deadline)
            timer.callback()
            await self.settle()
        self._now = target
        await self.settle()

    @property
    def pending_timers(self) -> int:
        return sum(1 for t in self._timers if not t.cancelled)
