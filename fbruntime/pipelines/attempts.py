"""One attempt of one task: make the operation block, run it where it belongs, read its result.

Everything that can be worked out once per operation type (where it runs, how each input pin
coerces its value, which pins are the result) is an :class:`OpShape`, made the first time the
type is used and shared by every task of that type. An attempt is then: create the block, set
its pins from the params, run ``execute`` (see :mod:`.offload` for where), read the outputs.

``inline`` shapes (``run_on = "loop"`` with a plain ``execute``) are what the runner calls
straight from the engine's FIFO, with no hand-over to a worker: :func:`run_inline`.
"""

from __future__ import annotations

import inspect
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from fbruntime.core import FBInstance, FBType
from fbruntime.iec import IecError

from .isolation import AttemptTimeout
from .offload import Executors, ProcessJob
from .operation import OperationRegistry, TaskContext
from .plan import ParamTypeError

__all__ = ["OpShape", "error_text", "run_attempt", "run_inline", "shape_of", "traceback_text"]

INLINE, ASYNC, THREAD, PROCESS = "inline", "async", "thread", "process"


class OpShape:
    """What every attempt of one operation type needs (see the module docstring)."""

    __slots__ = ("cls", "fbtype", "initials", "inputs", "mode", "outputs", "single")

    def __init__(self, fbtype: FBType, place: str) -> None:
        cls: Any = fbtype.cls  # type: ignore[attr-defined]
        self.fbtype = fbtype
        self.cls = cls
        is_async = inspect.iscoroutinefunction(cls.execute)
        self.mode = ASYNC if is_async else {"loop": INLINE}.get(place, place)
        interface = fbtype.interface
        self.inputs: dict[str, Callable[[Any], Any]] = {
            port.name: port.type.coerce for port in interface.data_inputs
        }
        self.outputs = tuple(port.name for port in interface.data_outputs)
        self.single = len(self.outputs) == 1
        self.initials = tuple((port.name, port.initial_value) for port in interface.data_ports())

    def reuse(self, op: FBInstance, task_id: str, params: Mapping[str, object]) -> FBInstance:
        """An inline block of an earlier task made new for this one: initial values again (as a
        new block would have them), then this task's params. Inline operations run to the end
        in one call, so one block per run and type serves them all, one after the other."""
        op.rt__name = task_id
        for name, initial in self.initials:
            setattr(op, name, initial())
        op.rt__reset_internals()
        return self._apply(op, task_id, params)

    def build(self, task_id: str, params: Mapping[str, object]) -> FBInstance:
        """The block with its pins set from ``params`` (``ParamTypeError`` for a bad value)."""
        op = self.fbtype.create(task_id)
        return self._apply(op, task_id, params)

    def _apply(self, op: FBInstance, task_id: str, params: Mapping[str, object]) -> FBInstance:
        """Set ``op``'s input pins from ``params`` (names that are no input are left alone)."""
        inputs = self.inputs
        for name, value in params.items():
            coerce = inputs.get(name)
            if coerce is None:
                continue
            try:
                setattr(op, name, coerce(value))
            except (IecError, TypeError, ValueError) as error:
                raise ParamTypeError(task_id, name, str(error)) from None
        return op

    def coerced(self, task_id: str, params: Mapping[str, object]) -> dict[str, Any]:
        """The pin values ``build`` would set, for a worker process to set there."""
        values = {}
        for name, value in params.items():
            coerce = self.inputs.get(name)
            if coerce is None:
                continue
            try:
                values[name] = coerce(value)
            except (IecError, TypeError, ValueError) as error:
                raise ParamTypeError(task_id, name, str(error)) from None
        return values

    def result(self, op: object) -> object:
        if self.single:
            return getattr(op, self.outputs[0])
        return {name: getattr(op, name) for name in self.outputs}

    def result_of(self, outputs: Mapping[str, Any]) -> object:
        if self.single:
            return outputs[self.outputs[0]]
        return {name: outputs[name] for name in self.outputs}


_shapes: dict[int, tuple[FBType, OpShape]] = {}


def shape_of(operations: OperationRegistry, name: str) -> OpShape:
    fbtype = operations.fbtype(name)
    found = _shapes.get(id(fbtype))
    if found is not None and found[0] is fbtype:
        return found[1]
    shape = OpShape(fbtype, operations.placement(name))
    _shapes[id(fbtype)] = (fbtype, shape)
    return shape


def run_inline(shape: OpShape, op: FBInstance) -> object:
    """Run an inline operation's ``execute`` here and now; its result."""
    op.execute()  # type: ignore[attr-defined]
    return shape.result(op)


async def run_attempt(
    shape: OpShape,
    task_id: str,
    params: Mapping[str, object],
    context: TaskContext,
    executors: Executors,
    setup: Callable[[FBInstance], None],
) -> object:
    """One attempt of a task whose operation does not run inline; its result."""
    mode = shape.mode
    if mode == PROCESS:
        job = ProcessJob(
            shape.cls.__module__,
            shape.cls.__qualname__,
            shape.fbtype.origin,
            task_id,
            shape.coerced(task_id, params),
            {
                "dag_id": context.dag_id,
                "run_id": context.run_id,
                "attempt": context.attempt,
                "run_dir": str(context.run_dir),
                "services": {
                    "telegram_api_url": context.services.telegram_api_url,
                    "http_timeout": context.services.http_timeout,
                    "telegram_token": context.services.telegram_token,
                },
            },
        )
        try:
            answer = await executors.processes.run(job)
        except Exception as error:
            for level, message in getattr(error, "remote_logs", ()):
                context.log(message, level)
            raise
        for level, message in answer.logs:
            context.log(message, level)
        return shape.result_of(answer.outputs)
    op = shape.build(task_id, params)
    setup(op)
    if mode == THREAD:
        execute = op.execute  # type: ignore[attr-defined]

        def measured() -> float:
            started = time.thread_time()
            execute()
            return time.thread_time() - started

        cpu = await executors.threads.run(measured)
        if cpu >= CPU_BOUND_S:
            context.log(cpu_bound_warning(shape.fbtype.name, cpu), "WARNING")
    else:
        outcome = op.execute()  # type: ignore[attr-defined]
        if inspect.isawaitable(outcome):
            await outcome
    return shape.result(op)


CPU_BOUND_S = 0.5
"""CPU seconds of one attempt on a thread past which its run's log says to move it to a process."""


def cpu_bound_warning(operation: str, cpu_s: float) -> str:
    """Why the API slowed down while a run ran: a thread that computes holds the interpreter
    lock, which the server's event loop then waits for (Python hands it over every 5 ms)."""
    return (
        f"{operation} computed for {cpu_s:.1f} s of CPU on a thread, sharing Python's interpreter "
        "lock with the server (its API answers slow down meanwhile); give the operation "
        'run_on = "process"'
    )


def error_text(error: BaseException) -> str:
    """An error as the run shows it: ``Class: message`` (a timeout says only its sentence)."""
    text = str(error)
    name = type(error).__name__
    if isinstance(error, AttemptTimeout):
        return text
    return f"{name}: {text}" if text else name


def traceback_text(error: BaseException) -> str:
    """The error's traceback (from the worker process, for a process operation)."""
    remote = getattr(error, "remote_traceback", None)
    if isinstance(remote, str):
        return remote
    return "".join(traceback.format_exception(error))
