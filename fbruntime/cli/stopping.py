"""How an ``fbrt`` process is stopped, whatever its blocks do (``serve``, ``device``, ``run``).

``process_guard`` is what those commands wrap their event loop in:

* SIGINT and SIGTERM are taken off the main thread and waited for on a thread of their own, so
  they are seen at once even while a block holds the main thread (a loop, a long C call). The
  first asks the command to stop gracefully (``stop_on_signal`` callbacks, run on the event
  loop); if the process has not ended ``grace`` seconds later (5, or ``FBRT_STOP_GRACE``) it
  exits hard, with 128 + the signal's number and a line on stderr saying so. A second signal
  exits at once.
* The watchdog budget is set (``--watchdog`` / ``FBRT_WATCHDOG``, seconds, 0 off) and its
  backstop thread started, which stops a Python handler that runs over it
  (:mod:`fbruntime.core.watchdog`).

Outside a guard (the library used from a script or a test), ``stop_on_signal`` falls back to the
event loop's own signal handlers. A child process started inside a guard would inherit the
blocked signals; fbrt starts none, and one that ever does must unblock them in the child.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

from fbruntime.cli._fail import fail
from fbruntime.core import watchdog

__all__ = [
    "GRACE_SECONDS",
    "WATCHDOG_HELP",
    "StopGuard",
    "env_seconds",
    "process_guard",
    "stop_on_signal",
    "watchdog_from_env",
]

GRACE_SECONDS = 5.0
GRACE_ENV = "FBRT_STOP_GRACE"
WATCHDOG_ENV = "FBRT_WATCHDOG"
WATCHDOG_HELP = (
    "Seconds one event's handling may run before the block is stopped with a fault "
    f"(env {WATCHDOG_ENV}; default 1; 0 switches the watchdog off)"
)
_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM})
_active: StopGuard | None = None


class StopGuard:
    """SIGINT/SIGTERM waited for on a thread; graceful first, hard after ``grace`` seconds."""

    def __init__(self, grace: float | None = None) -> None:
        self.grace = grace if grace is not None else env_seconds(GRACE_ENV, GRACE_SECONDS)
        self._callbacks: list[tuple[asyncio.AbstractEventLoop, Callable[[], object]]] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._thread: threading.Thread | None = None
        self._timer: threading.Timer | None = None
        self._old_mask: set[int | signal.Signals] | None = None
        self.received: int | None = None

    def __enter__(self) -> StopGuard:
        global _active
        # Blocked here, in the main thread, before any other thread exists: every thread made
        # later inherits the mask, so only the waiting thread below ever takes these signals.
        self._old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        self._thread = threading.Thread(target=self._wait, name="fbrt signals", daemon=True)
        self._thread.start()
        _active = self
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        _active = None
        self._closing.set()
        if self._thread is not None:
            self._thread.join()
        if self._timer is not None:
            self._timer.cancel()
        if self._old_mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self._old_mask)

    def on_stop(self, callback: Callable[[], object]) -> Callable[[], None]:
        """Run ``callback`` on the current event loop at the first signal; returns an undo."""
        entry = (asyncio.get_running_loop(), callback)
        with self._lock:
            self._callbacks.append(entry)
            received = self.received

        def undo() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._callbacks.remove(entry)

        if received is not None:  # a signal came before the command was listening
            entry[0].call_soon(callback)
        return undo

    def _wait(self) -> None:
        while not self._closing.is_set():
            info = signal.sigtimedwait(_SIGNALS, 0.2)
            if info is None:
                continue
            if self.received is not None:
                _exit_hard(info.si_signo, "a second signal")
            self._first(info.si_signo)

    def _first(self, signo: int) -> None:
        with self._lock:
            self.received = signo
            callbacks = list(self._callbacks)
        for loop, callback in callbacks:
            with contextlib.suppress(RuntimeError):  # that loop has already closed
                loop.call_soon_threadsafe(callback)
        self._timer = threading.Timer(
            self.grace, _exit_hard, (signo, f"not stopped {self.grace:g} s after the signal")
        )
        self._timer.daemon = True
        self._timer.start()


def _exit_hard(signo: int, why: str) -> None:
    name = signal.Signals(signo).name
    os.write(2, f"fbrt: {name}: {why} (a block may still be running); exiting now\n".encode())
    os._exit(128 + signo)


def stop_on_signal(callback: Callable[[], object]) -> Callable[[], None]:
    """Call ``callback`` on SIGINT/SIGTERM (from the running event loop); returns an undo."""
    if _active is not None:
        return _active.on_stop(callback)
    loop = asyncio.get_running_loop()
    installed = []
    for sig in _SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, callback)
            installed.append(sig)

    def undo() -> None:
        for sig in installed:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)

    return undo


def env_seconds(name: str, default: float) -> float:
    """A duration in seconds from the environment variable ``name`` (unset or blank: ``default``).

    A bad value stops the command with one line naming the variable, not a traceback.
    """
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        fail(f"{name}={text!r} is not a number of seconds")
    if not value >= 0:  # also NaN
        fail(f"{name}={text!r}: a number of seconds cannot be negative")
    return value


def watchdog_from_env(seconds: float | None) -> float:
    """The watchdog budget: the option, else ``FBRT_WATCHDOG``, else the default (1 s)."""
    if seconds is not None:
        return seconds
    return env_seconds(WATCHDOG_ENV, watchdog.DEFAULT_BUDGET)


@contextlib.contextmanager
def process_guard(watchdog_seconds: float | None = None) -> Iterator[StopGuard]:
    """Signals on their own thread, the watchdog set and its backstop running (main thread)."""
    previous = watchdog.budget()
    watchdog.set_budget(watchdog_from_env(watchdog_seconds))
    in_main = threading.current_thread() is threading.main_thread()
    try:
        with contextlib.ExitStack() as stack:
            guard = stack.enter_context(StopGuard()) if in_main else StopGuard()
            if in_main:
                stack.enter_context(watchdog.Backstop())
            yield guard
    finally:
        watchdog.set_budget(previous if previous != float("inf") else 0)
