"""The context manager every attempt of every task runs in.

:class:`TaskScope` gives an attempt what isolates it from the others sharing the event loop:

* its :class:`~fbruntime.pipelines.operation.TaskContext` (``current_task()``), with a working
  folder of its own under the run folder, made on first use;
* a deadline on the *engine's clock* (so a test clock drives timeouts without waiting): when it
  passes, the attempt is cancelled and leaves the scope as :class:`AttemptTimeout`, whose kind
  is ``"timeout"`` for ``no_retry_on``;
* cancellation that stays cancellation: a run being cancelled is not mistaken for a timeout.

This is ``asyncio.timeout`` over an injectable clock, plus the context variable.
"""

from __future__ import annotations

import asyncio
from types import TracebackType

from fbruntime.core import Clock

from .operation import TaskContext, _reset_current, _set_current

__all__ = ["AttemptTimeout", "TaskScope"]

_NS = 1_000_000_000


class AttemptTimeout(TimeoutError):
    """An attempt ran past its task's ``timeout``."""

    kind = "timeout"

    def __init__(self, task: str, seconds: float) -> None:
        super().__init__(f"task {task!r} took longer than its timeout of {seconds:g} s")
        self.task = task
        self.seconds = seconds


class TaskScope:
    """``async with TaskScope(context, clock, timeout):`` around one attempt."""

    __slots__ = ("_handle", "_task", "_token", "clock", "context", "timed_out", "timeout")

    def __init__(self, context: TaskContext, clock: Clock, timeout: float | None) -> None:
        self.context = context
        self.clock = clock
        self.timeout = timeout
        self.timed_out = False
        self._handle: object | None = None
        self._task: asyncio.Task[object] | None = None
        self._token: object | None = None

    async def __aenter__(self) -> TaskContext:
        self._token = _set_current(self.context)
        if self.timeout is not None:
            self._task = asyncio.current_task()
            self._handle = self.clock.call_later(round(self.timeout * _NS), self._expire)
        return self.context

    def _expire(self) -> None:
        if self._task is not None and not self._task.done():
            self.timed_out = True
            self._task.cancel()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        handle = self._handle
        if handle is not None:
            handle.cancel()  # type: ignore[attr-defined]
        if self._token is not None:
            _reset_current(self._token)  # type: ignore[arg-type]
        if (
            self.timed_out
            and self._task is not None
            and self._task.uncancel() == 0
            and (exc_type is None or issubclass(exc_type, asyncio.CancelledError))
        ):
            assert self.timeout is not None
            raise AttemptTimeout(self.context.task_id, self.timeout) from None
