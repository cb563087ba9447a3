"""The watchdog: how long one event's handling may run, like a PLC task's watchdog time.

A block that loops for ever must not take the resource, the API and every other application on
the same event loop down with it. Two mechanisms share one budget (``budget()``, 1 s by default;
``set_budget(0)`` switches both off):

* Compiled Structured Text checks it itself: each algorithm (or ST function) that contains a
  WHILE, REPEAT or FOR loop stamps its start and its loops compare the clock every
  ``CHECK_EVERY`` iterations (a local counter: no cost for code without loops, none on the
  dispatch path). An overrun raises ``WatchdogExpired`` naming the algorithm and the ST line;
  the resource records it on the instance like any fault and runs on.
* A Python block's handler cannot be made to check anything, so ``Backstop`` does it from a
  thread: every quarter of the budget it looks at the frames of the thread that runs the
  resources, and if the same event (the same frame called by ``Resource.run_slice``) is still
  running after the budget, it interrupts that thread. The interruption is a Python-level
  signal handler, which runs in that thread between two bytecodes and checks again before
  raising there, so it can never land anywhere but in the overrunning handler. Python only runs
  signal handlers in the main thread, so the backstop guards resources run there (the ``fbrt``
  commands); a handler stuck inside one long C call is interrupted when the call returns.

Nothing is sampled per event: a slice of healthy events never touches this module.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from types import CodeType, FrameType
from typing import Any

from fbruntime.core.errors import EngineError

__all__ = [
    "CHECK_EVERY",
    "DEFAULT_BUDGET",
    "Backstop",
    "WatchdogExpired",
    "budget",
    "budget_ms",
    "set_budget",
]

DEFAULT_BUDGET = 1.0
"""Seconds one event's handling may take (one algorithm run, for compiled ST)."""

CHECK_EVERY = 64
"""Loop iterations between two looks at the clock in compiled ST."""

_budget = DEFAULT_BUDGET


class WatchdogExpired(EngineError):
    """An event's handling ran over the watchdog budget and was stopped."""


def budget() -> float:
    """The budget in seconds; ``inf`` when the watchdog is off."""
    return _budget


def budget_ms() -> int:
    return round(_budget * 1000) if _budget != float("inf") else 0


def set_budget(seconds: float | None) -> None:
    """Set the process-wide budget; ``0`` or ``None`` switch the watchdog off."""
    global _budget
    if seconds is not None and seconds < 0:
        raise ValueError(f"the watchdog budget cannot be negative ({seconds})")
    _budget = float(seconds) if seconds else float("inf")


def expired(started: float) -> bool:
    """True when a run that started at ``started`` (``time.perf_counter``) is over budget."""
    return time.perf_counter() - started > _budget


class Backstop:
    """The thread that stops a Python handler running over budget (see the module docstring).

    ``start()`` must be called from the main thread, which is the one it guards. ``signum`` is
    the signal whose Python handler does the interrupting; it is never sent by the kernel
    (``_thread.interrupt_main`` trips it), so any signal number fbrt does not otherwise use
    will do.
    """

    def __init__(self, signum: signal.Signals = signal.SIGUSR2) -> None:
        self.signum = signum
        self._target: FrameType | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._previous: Any = None
        self._main = threading.main_thread().ident or 0
        self.fired = 0

    def start(self) -> Backstop:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError("the watchdog backstop guards the main thread; start it there")
        self._previous = signal.signal(self.signum, self._interrupt)
        self._thread = threading.Thread(target=self._watch, name="fbrt watchdog", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._previous is not None:
            signal.signal(self.signum, self._previous)
            self._previous = None

    def __enter__(self) -> Backstop:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the watching thread ------------------------------------------------------------------

    def _watch(self) -> None:
        import _thread

        seen: FrameType | None = None
        since = 0.0
        while not self._stop.wait(min(0.25, max(_budget / 4, 0.01))):
            if _budget == float("inf"):
                seen = None
                continue
            frame = sys._current_frames().get(self._main)
            current = _event_frame(frame)
            del frame
            now = time.perf_counter()
            if current is None or current is not seen:
                seen, since = current, now
                continue
            if now - since > _budget:
                self._target = current
                _thread.interrupt_main(self.signum)
                since = now  # fire once per budget, not on every poll

    # -- in the main thread -------------------------------------------------------------------

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        target, self._target = self._target, None
        if target is None or _event_frame(frame) is not target:
            return  # the event ended between the look and now
        self.fired += 1
        raise WatchdogExpired(f"watchdog: ran over {budget_ms()} ms in {_describe(frame, target)}")


_RUN_SLICE: CodeType | None = None


def _run_slice_code() -> CodeType:
    global _RUN_SLICE
    if _RUN_SLICE is None:
        from fbruntime.core.resource import Resource

        _RUN_SLICE = Resource.run_slice.__code__
    return _RUN_SLICE


def _event_frame(frame: FrameType | None) -> FrameType | None:
    """The frame of the event being handled: the one ``run_slice`` called, if any."""
    code = _run_slice_code()
    child = None
    while frame is not None:
        if frame.f_code is code:
            return child
        child, frame = frame, frame.f_back
    return None


def _describe(frame: FrameType | None, outer: FrameType) -> str:
    """``handler on_REQ (blocks/x.py, line 12)``: the innermost frame of the block's own code."""
    inner = frame
    while inner is not None and inner is not outer:
        if not _is_library(inner.f_code.co_filename):
            break
        inner = inner.f_back
    where = inner or outer
    code = where.f_code
    return f"{_owner(where, outer)}{code.co_name} ({code.co_filename}, line {where.f_lineno})"


def _owner(frame: FrameType | None, outer: FrameType) -> str:
    """``"Line.Filter "``: the instance whose code the frame runs, if one is in sight."""
    from fbruntime.core.instance import FBInstance

    while frame is not None:
        for name in ("self", "fb"):
            value = frame.f_locals.get(name)
            if isinstance(value, FBInstance):
                return f"{value.rt__path()} "
        if frame is outer:
            break
        frame = frame.f_back
    return ""


def _is_library(filename: str) -> bool:
    return "/fbruntime/" in filename or filename.startswith("<frozen")
