"""Async handlers: each run keeps the inputs of its own event, and answers in event order.

An ``async def on_REQ`` handler runs as a task and may await for a long time; events keep
arriving meanwhile, and their entries sample new values into the block's input pins. So that
every run computes with the inputs *its* event brought, a run holds its own copy of the WITH
inputs (taken when its event was processed) and the task is driven through :class:`RunCoroutine`,
which puts that copy into the instance's pins before each step of the coroutine and puts the
latest sampled values back after it. Steps of different runs never overlap (one thread), so the
block's pins hold a run's inputs exactly while that run executes, whatever arrives while it awaits,
also with ``max_concurrency`` > 1. Outputs stay the block's shared state (set them and emit in
the same step). The sync hot path is untouched: only the async entry and its task pay for this.

Ordering: runs start in event order, at most ``max_concurrency`` at a time, and what they emit
leaves in event order: a run that emits while an earlier run is still going has its emissions
(the event and its WITH values) held and sent right after the earlier run ends.

A :class:`CallAnswer` ties ``Resource.call`` to the emission that answers its own inputs: the
run carries it, and the resource's emit hook resolves it when that run emits.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections import deque
from collections.abc import Callable, Coroutine, Generator
from typing import TYPE_CHECKING, Any

from fbruntime.core.errors import LifecycleError

if TYPE_CHECKING:
    from fbruntime.core.instance import FBInstance
    from fbruntime.core.resource import OutputEvent, Resource

__all__ = ["AsyncRuns", "CallAnswer", "RunCoroutine", "answering", "in_run"]


class CallAnswer:
    """The answer ``Resource.call`` waits for.

    It is *direct* while the event's own handler runs (only an emission made by that run, sync
    or async, answers it); once the handler has finished without emitting (a timer block that
    answers later, a composite whose answer crosses the FIFO), it takes the next event the
    instance sends.
    """

    __slots__ = ("future", "inst", "next_mode")

    def __init__(self, inst: FBInstance, future: asyncio.Future[OutputEvent]) -> None:
        self.inst = inst
        self.future = future
        self.next_mode = False

    def settle_after_run(self) -> None:
        if not self.future.done():
            self.next_mode = True

    def fail(self, exc: BaseException) -> None:
        if not self.future.done():
            self.future.set_exception(exc)


answering: contextvars.ContextVar[CallAnswer | None] = contextvars.ContextVar(
    "fbrt_answering", default=None
)
"""The call (if any) whose event is being handled in this context (a dispatcher step or a run)."""

in_run: contextvars.ContextVar[bool] = contextvars.ContextVar("fbrt_in_run", default=False)
"""True inside an async handler's run (its task): its sleeps on a virtual clock park it."""


class _Run:
    __slots__ = ("answer", "counted", "done", "inputs", "outbox", "started", "task")

    def __init__(self, inputs: dict[str, Any], answer: CallAnswer | None) -> None:
        self.inputs = inputs
        self.answer = answer
        self.outbox: list[tuple[str, dict[str, Any]]] = []
        self.done = False
        self.started = False
        self.counted = False
        self.task: asyncio.Task[None] | None = None


class AsyncRuns:
    """The runs of one instance's async handlers: started, pending and not yet released."""

    def __init__(self, res: Resource, inst: FBInstance) -> None:
        self.res = res
        self.inst = inst
        self.active = 0
        self.pending: deque[tuple[_Run, str, Callable[[], Any]]] = deque()
        self.order: deque[_Run] = deque()  # unreleased runs, oldest first

    def start(self, event: str, handler: Callable[[], Any], with_vars: tuple[str, ...]) -> None:
        """An event for an async handler arrived (its inputs are in the pins right now)."""
        inst = self.inst
        run = _Run({v: getattr(inst, v) for v in with_vars}, answering.get())
        self.order.append(run)
        limit = max(1, int(getattr(inst, "max_concurrency", 1)))
        if self.active < limit:
            self._launch(run, event, handler)
        else:
            self.pending.append((run, event, handler))

    def _launch(self, run: _Run, event: str, handler: Callable[[], Any]) -> None:
        self.active += 1
        run.started = True
        run.counted = True
        self.res.async_run_added()  # pending runs are not counted: they wait for this one
        coro = RunCoroutine(self, run, event, handler())
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        run.task = task
        inst = self.inst
        tasks = inst.rt__tasks
        if tasks is None:
            tasks = inst.rt__tasks = set()
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    def finished(self, run: _Run, error: BaseException | None) -> None:
        """A run ended (returned, raised or was cancelled): release what it and later runs hold."""
        self.active -= 1
        run.done = True
        if error is not None and run.answer is not None:
            if isinstance(error, asyncio.CancelledError):
                error = LifecycleError(f"{self.inst.rt__path()} stopped before answering")
            run.answer.fail(error)
        if self.order and self.order[0] is run:
            self._release_head()
        res = self.res
        from fbruntime.core.resource import ResourceState

        if self.pending and res.state is ResourceState.RUNNING:
            nxt, event, handler = self.pending.popleft()
            self._launch(nxt, event, handler)
        self._uncount(run)
        res.kick()

    def _release_head(self) -> None:
        """The oldest run ended: send what the next runs held back, in order."""
        order = self.order
        ended = order.popleft()
        if ended.answer is not None:
            ended.answer.settle_after_run()
        while order:
            head = order[0]
            self._flush(head)
            if not head.done:
                break
            order.popleft()
            if head.answer is not None:
                head.answer.settle_after_run()

    def _flush(self, run: _Run) -> None:
        from fbruntime.core.resource import ResourceState

        if not run.outbox or self.res.state is not ResourceState.RUNNING:
            run.outbox.clear()
            return
        inst = self.inst
        token = answering.set(run.answer)
        try:
            held, run.outbox = run.outbox, []
            for event, values in held:
                for pin, value in values.items():
                    setattr(inst, pin, value)
                getattr(inst, event)()
        finally:
            answering.reset(token)

    def drop(self) -> None:
        """The block was stopped or killed: forget pending and held runs (running ones are
        cancelled and end on their own)."""
        for run in self.order:
            if run.started and not run.done:
                continue
            if run.answer is not None:
                run.answer.fail(LifecycleError(f"{self.inst.rt__path()} stopped before answering"))
            self._uncount(run)
        self.pending.clear()
        self.order = deque(r for r in self.order if r.started and not r.done)

    def _uncount(self, run: _Run) -> None:
        if run.counted:
            run.counted = False
            self.res.async_run_removed()

    def holds_back(self, run: _Run) -> bool:
        return bool(self.order) and self.order[0] is not run


class RunCoroutine(Coroutine[Any, Any, None]):
    """Drives one run's coroutine, giving it its own inputs (and held emitters) at every step."""

    __slots__ = ("_coro", "_event", "_first", "_latest", "_run", "_runs", "_saved_emitters")

    def __init__(
        self, runs: AsyncRuns, run: _Run, event: str, coro: Coroutine[Any, Any, Any]
    ) -> None:
        self._runs = runs
        self._run = run
        self._event = event
        self._coro = coro
        self._first = True
        self._latest: dict[str, Any] = {}
        self._saved_emitters: dict[str, Any] | None = None

    def _enter(self) -> None:
        run = self._run
        inst = self._runs.inst
        if self._first:
            self._first = False
            answering.set(run.answer)  # this task's own context
            in_run.set(True)
        latest = self._latest
        for pin, value in run.inputs.items():
            latest[pin] = getattr(inst, pin)
            setattr(inst, pin, value)
        if self._runs.holds_back(run):
            saved = {}
            for port in inst.rt__type.interface.event_outputs:
                saved[port.name] = getattr(inst, port.name)
                setattr(inst, port.name, _holder(inst, run, port.name, port.with_))
            self._saved_emitters = saved

    def _leave(self) -> None:
        inst = self._runs.inst
        for pin, value in self._latest.items():
            setattr(inst, pin, value)
        saved = self._saved_emitters
        if saved is not None:
            for name, emitter in saved.items():
                setattr(inst, name, emitter)
            self._saved_emitters = None

    def _step(self, action: Callable[[], Any]) -> Any:
        self._enter()
        try:
            result = action()
        except StopIteration:
            self._end(None)
            raise
        except Exception as exc:
            self._leave()
            inst = self._runs.inst
            self._runs.res.report_fault(inst, inst.rt__record_error(self._event, exc))
            self._runs.finished(self._run, exc)
            raise StopIteration from None  # recorded on the block: the task itself succeeds
        except BaseException as exc:  # cancelled (stop, kill), or the interpreter leaving
            self._end(exc)
            raise
        self._leave()
        return result

    def _end(self, error: BaseException | None) -> None:
        self._leave()
        self._runs.finished(self._run, error)

    def send(self, value: Any) -> Any:
        return self._step(lambda: self._coro.send(value))

    def throw(self, typ: Any, val: Any = None, tb: Any = None) -> Any:
        if val is None and tb is None:
            return self._step(lambda: self._coro.throw(typ))
        return self._step(lambda: self._coro.throw(typ, val, tb))  # pragma: no cover

    def close(self) -> None:
        self._coro.close()

    def __await__(self) -> Generator[Any, None, None]:
        return self

    def __iter__(self) -> RunCoroutine:
        return self

    def __next__(self) -> Any:
        return self.send(None)


def _holder(inst: FBInstance, run: _Run, event: str, with_: tuple[str, ...]) -> Callable[[], None]:
    names = tuple(v for v in with_ if v)

    def hold() -> None:
        run.outbox.append((event, {v: getattr(inst, v) for v in names}))

    return hold
