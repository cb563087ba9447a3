"""Running a pipeline: compiled onto one engine Resource, operations run by asyncio workers.

One runtime, not two. A run builds a :class:`~fbruntime.core.Resource` holding one *task node*
per task (an FB instance of a per-shape type, like a Basic FB whose internal FB is the task's
operation block):

* **dependency = event join.** Each dependency is an event connection ``dep.CNF -> task.START``;
  the node counts arrivals (fan-in: each arrival is its own run, as in FORTE) and is ready when
  all of them came. A task that failed for good is finished in the FIFO too, where it marks
  every task still pending downstream of it skipped at once (the graph's dependents): no
  second set of "skip" connections, which would cost a third more connections and linking in
  the engine for something that happens only on failure.
* **dependent param = data connection.** Every task a node's references read (its dependencies
  and any task further upstream) feeds the node's data input ``Dn`` from its ``RESULT`` output;
  ``START`` is WITH all of them, so the values are sampled when the join completes, and the
  references (``fetch.items[0]``) are evaluated on those sampled values.
* **inline operations run in the FIFO.** A ready node whose operation is a tiny pure function
  (``run_on = "loop"``, a plain ``execute``: ``value.pass``, ``json.to_string``) runs its first
  attempt right there and emits ``CNF`` at once, so a chain of them is one pass of the
  dispatcher with no hand-over to asyncio per task. A failed inline attempt that may be retried
  goes to a worker like any other task.
* **the scheduler hands the other tasks out through an asyncio.Queue.** A ready node puts
  itself on the run's queue; up to ``max_parallel`` worker coroutines (made as needed) take
  tasks from it, so independent tasks run in parallel. A worker runs the attempts of one task:
  each attempt creates the operation block, sets its input pins from the params, and runs it
  (:mod:`.attempts`: on a thread, in a worker process or, for ``async def execute``, on the
  loop) inside a :class:`~fbruntime.pipelines.isolation.TaskScope` (own folder, timeout on the
  engine clock, cancellation). Every error is caught, recorded as an attempt (with its
  traceback) and retried per the task's :class:`RetryPolicy`, waiting on the engine clock (a
  retry without delay still yields to the event loop). The outcome goes back into the FIFO as an
  external event (``post``) that sets ``RESULT`` and emits ``CNF`` (or skips what waits
  downstream).

A run of ``GC_FREEZE_TASKS`` tasks or more moves the objects alive at its start (its network
among them) out of the cyclic collector's reach (``gc.freeze``) until the last such run ends.
Why it stays: those objects are long-lived by construction (nodes, connections, the loaded
library) and are freed by reference counting when the run ends, yet every full collection
during the run would scan them all; measured on bench/pipeline_bench.py (10,000 tasks, SQLite
on) it is 70 vs 85 us a task (wide) and 92 vs 114 (chain). Garbage made during the run is still
collected; objects frozen with the run that become cyclic garbage meanwhile wait for the
unfreeze. Allocation per task was cut first (no skip connections, bulk SQL rows).

The graph extras (``when``, ``trigger_rule``, ``for_each``, pools, parameters; FORMAT.md) stay
off this path for plain tasks: :mod:`.flow` handles a node flagged ``extras`` when it is ready,
a node with a rule when a dependency ends, and every task that ends without a result.

Progress is reported to a :class:`RunRecorder` (the store in production: every transition is a
``*_nowait`` write batched by the store's writer, so persistence never stalls dispatch).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fbruntime.core import Clock, FBInstance, Resource

from .attempts import INLINE, OpShape, run_attempt, shape_of, traceback_text
from .executors import TaskExecutor
from .flow import GraphFlow
from .isolation import TaskScope
from .nested import OPERATION as NESTED_OPERATION
from .nodes import TaskNode, node_type
from .offload import Executors, shared_executors
from .operation import OperationError, OperationRegistry, Services, TaskContext
from .operation import _reset_current as reset_current
from .operation import _set_current as set_current
from .plan import Pipeline, TaskPlan
from .pools import PoolRegistry
from .progress import (
    TERMINAL,
    NullRecorder,
    RunRecorder,
    RunStatus,
    TaskState,
    TaskStatus,
    describe_error,
    error_kind,
    jsonable,
)
from .references import ResolutionError
from .retry import delay_for_attempt, should_retry
from .secrets import Redactor, SecretStore

if TYPE_CHECKING:
    from .mapping import MapItem

__all__ = [
    "TERMINAL",
    "PipelineRun",
    "RunRecorder",
    "RunStatus",
    "TaskNode",
    "TaskState",
    "TaskStatus",
    "jsonable",
]

_NS = 1_000_000_000
GC_FREEZE_TASKS = 1000
_frozen_runs = [0]


_Item = tuple["TaskNode | MapItem", dict[str, object], int, float | None]
"""A task for a worker: node (or map item), referenced values, attempts made, delay first."""


class PipelineRun(GraphFlow):
    """One execution of a pipeline. ``await run.wait()`` gives its final :class:`RunStatus`."""

    def __init__(
        self,
        pipeline: Pipeline,
        operations: OperationRegistry,
        *,
        run_id: str,
        run_dir: Path,
        clock: Clock,
        services: Services | None = None,
        recorder: RunRecorder | None = None,
        max_parallel: int = 16,
        reuse: Mapping[str, object] | None = None,
        rng: Any = None,
        executors: Executors | None = None,
        secrets: SecretStore | None = None,
        redactor: Redactor | None = None,
        executor: TaskExecutor | None = None,
        parameters: Mapping[str, Any] | None = None,
        pools: PoolRegistry | None = None,
    ) -> None:
        if max_parallel < 1:
            raise ValueError(f"max_parallel must be at least 1, got {max_parallel}")
        self.pipeline = pipeline
        self.operations = operations
        self.run_id = run_id
        self.run_dir = run_dir
        self.clock = clock
        self.services = services or Services()
        self.recorder: RunRecorder = recorder or NullRecorder()
        self.max_parallel = max_parallel
        self.reuse = dict(reuse or {})
        self.rng = rng
        self.executors = executors or shared_executors()
        self.secrets = secrets
        self.redactor = redactor if redactor else None
        self.executor = executor  # None: here (threads, processes, the loop); else Dask
        self.parameters = (
            pipeline.resolve_parameters(parameters)
            if pipeline.config.parameters is not None
            else {}
        )
        if pools is None and pipeline.pool_names():
            pools = PoolRegistry()
            pools.declare(pipeline.dag_id, pipeline.pools)
        self.pools = pools
        self.result: object = None  # the pipeline's result, once it succeeded
        self._pool_waits: dict[Callable[[], None], str] = {}
        self.states: dict[str, TaskState] = {t: TaskState() for t in pipeline.graph.ids}
        self.status = RunStatus.RUNNING
        self.error: str | None = None
        self.resource = Resource(f"run_{run_id}", clock=clock)
        self.nodes: dict[str, TaskNode] = {}
        self._queue: asyncio.Queue[_Item | None] = asyncio.Queue()
        self._workers: list[asyncio.Task[None]] = []
        self._idle_workers = 0
        self._open = len(self.states)
        self._done: asyncio.Event = asyncio.Event()
        self._cancelling = False
        self._froze = False
        self._listeners: list[Callable[[str, TaskState], None]] = []
        self._inline_ops: dict[OpShape, FBInstance] = {}
        # Building a large run allocates some objects per task, all alive until the run ends:
        # a collection meanwhile would only scan them (and the rest of the heap) for nothing.
        # They are frozen with the run at start (see the module docstring).
        pause_gc = len(self.states) >= GC_FREEZE_TASKS and gc.isenabled()
        if pause_gc:
            gc.disable()
        try:
            self._compile()
        finally:
            if pause_gc:
                gc.enable()

    # -- building ----------------------------------------------------------------------------

    def _compile(self) -> None:
        network = self.resource.network
        operations = self.operations
        shapes: dict[str, OpShape] = {}
        nodes = self.nodes
        connect = network.connect
        for layout in self.pipeline.layout:
            plan = layout.plan
            task_id = plan.id
            node = network.add(task_id, node_type(len(layout.sources)))
            assert isinstance(node, TaskNode)
            node.run = self
            node.plan = plan
            shape = shapes.get(plan.operation)
            if shape is None:
                shape = shapes[plan.operation] = shape_of(operations, plan.operation)
            node.shape = shape
            node.sources = layout.sources
            node.secrets = plan.secrets
            node.needed = len(plan.dependencies)
            node.arrived = 0
            node.status = TaskStatus.PENDING
            if not plan.plain:  # the graph extras (flow.py); plain nodes keep class defaults
                node.extras = (
                    plan.when is not None
                    or plan.for_each is not None
                    or plan.pool is not None
                    or plan.uses_params
                )
                if plan.trigger_rule != "all_success":
                    node.rule = plan.trigger_rule
            nodes[task_id] = node
            for source, destination in layout.events:
                connect(source, destination)
            for source, destination in layout.data:
                connect(source, destination)

    # -- lifecycle ---------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[str, TaskState], None]) -> None:
        """Called with (task id, state) at every task transition (progress displays)."""
        self._listeners.append(listener)

    def start(self) -> None:
        """Start the resource and hand the tasks that can start to its FIFO."""
        self._froze = len(self.states) >= GC_FREEZE_TASKS
        if self._froze:
            if _frozen_runs[0] == 0:
                gc.freeze()
            _frozen_runs[0] += 1
        self.resource.start()
        post = self.resource.post
        for task_id in self.pipeline.graph.order:
            if task_id in self.reuse:
                result = self.reuse[task_id]
                self.nodes[task_id].status = TaskStatus.SUCCEEDED
                self._set(task_id, TaskStatus.SUCCEEDED, result=result, reused=True)
                post(partial(self.nodes[task_id].finish, result))
        for task_id in self.pipeline.graph.roots:
            if task_id not in self.reuse:
                post(partial(self._ready, self.nodes[task_id], {}))
        if self._open == 0:
            self._end()

    async def wait(self) -> RunStatus:
        await self._done.wait()
        return self.status

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def queued(self) -> int:
        """Tasks waiting for a worker (the queue depth)."""
        return self._queue.qsize()

    async def cancel(self, reason: str = "cancelled") -> bool:
        """Stop the run: running attempts are cancelled (a thread is abandoned, a worker
        process killed), tasks not finished become cancelled."""
        if self._done.is_set():
            return False
        self._cancelling = True
        self.error = reason
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._drop_pool_claims()
        for task_id, state in self.states.items():
            if state.status not in TERMINAL:
                self._set(task_id, TaskStatus.CANCELLED, error=reason)
        self.status = RunStatus.CANCELLED
        self._end()
        return True

    # -- called from the FIFO (task nodes) ---------------------------------------------------

    def _ready(self, node: TaskNode, values: dict[str, object]) -> None:
        if self._cancelling or self._done.is_set():
            return
        if node.extras:
            self._ready_extras(node, values)
            return
        # The same as _go, written out: this is every plain task's way to its operation.
        if node.shape.mode == INLINE and self.executor is None:
            self._inline(node, values)
            return
        node.status = TaskStatus.QUEUED
        self.states[node.rt__name].status = TaskStatus.QUEUED
        self._dispatch((node, values, 0, None))

    def _go(self, node: TaskNode, values: dict[str, object]) -> None:
        """Run a ready task: inline here, or through a worker."""
        if node.shape.mode == INLINE and self.executor is None:
            self._inline(node, values)
            return
        node.status = TaskStatus.QUEUED
        self.states[node.rt__name].status = TaskStatus.QUEUED
        self._dispatch((node, values, 0, None))

    def _inline(self, node: TaskNode, values: dict[str, object]) -> None:
        """The first attempt of an inline operation, here in the FIFO (module docstring)."""
        plan = node.plan
        task_id = plan.id
        node.status = TaskStatus.RUNNING
        clock = self.clock
        context = self._context(plan, 1)
        token = set_current(context)
        started = clock.monotonic_ns()
        try:
            params = plan.params(values)
            if node.secrets:
                self._resolve_secrets(params, node.secrets)
            shape = node.shape
            op = self._inline_ops.get(shape)
            if op is None:
                op = self._inline_ops[shape] = shape.build(task_id, params)
            else:
                shape.reuse(op, task_id, params)
            node.adopt(op)
            op.execute()  # type: ignore[attr-defined]
            result = shape.result(op)
        except Exception as error:
            context.closed = True
            reset_current(token)
            self._set(task_id, TaskStatus.RUNNING, attempt=1)
            delay = self._attempt_failed(node, 1, error, started, in_fifo=True)
            if delay is not None:
                self._dispatch((node, values, 1, delay))
            return
        context.closed = True
        reset_current(token)
        ended = clock.monotonic_ns()
        state = self.states[task_id]
        state.attempt = 1
        state.started_ns = started
        state.ended_ns = ended
        state.status = TaskStatus.SUCCEEDED
        state.result = result
        node.status = TaskStatus.SUCCEEDED
        self.recorder.succeeded(task_id, jsonable(result), ended - started)
        for listener in self._listeners:
            listener(task_id, state)
        self._open -= 1
        node.finish(result)
        if self._open == 0 and not self._cancelling:
            self._end()

    # -- workers -----------------------------------------------------------------------------

    def _dispatch(self, item: _Item) -> None:
        self._queue.put_nowait(item)
        if self._idle_workers == 0 and len(self._workers) < self.max_parallel:
            self._workers.append(asyncio.get_running_loop().create_task(self._worker()))

    async def _worker(self) -> None:
        queue = self._queue
        while True:
            self._idle_workers += 1
            try:
                item = await queue.get()
            finally:
                self._idle_workers -= 1
            if item is None:
                return
            node, values, attempts, delay = item
            if not isinstance(node, TaskNode):
                await node.execute()  # a map item (mapping.py): it handles its own errors
                continue
            try:
                await self._execute(node, values, attempts, delay)
            except Exception as error:  # a bug outside the attempt must not hang the run
                node.status = TaskStatus.FAILED
                self._set(node.rt__name, TaskStatus.FAILED, error=describe_error(error))
                self.resource.post(node.fail)

    async def _pause(self, delay: float) -> None:
        if delay > 0:
            await self.clock.sleep(round(delay * _NS))
        else:
            await asyncio.sleep(0)  # a retry storm must still let the server breathe

    async def _execute(
        self, node: TaskNode, values: dict[str, object], attempt: int, delay: float | None
    ) -> None:
        plan = node.plan
        task_id = plan.id
        if delay is not None:
            await self._pause(delay)
        while True:
            attempt += 1
            self._set(task_id, TaskStatus.RUNNING, attempt=attempt)
            started = self.clock.monotonic_ns()
            try:
                result = await self._attempt(node, plan, values, attempt)
            except asyncio.CancelledError:
                raise
            except Exception as error:
                retry_delay = self._attempt_failed(node, attempt, error, started)
                if retry_delay is None:
                    return
                await self._pause(retry_delay)
                continue
            self.recorder.attempt(
                task_id, attempt, "succeeded", self.clock.monotonic_ns() - started
            )
            node.status = TaskStatus.SUCCEEDED
            self._set(task_id, TaskStatus.SUCCEEDED, result=result)
            self.resource.post(partial(node.finish, result))
            return

    def _attempt_failed(
        self,
        node: TaskNode,
        attempt: int,
        error: Exception,
        started_ns: int,
        *,
        in_fifo: bool = False,
    ) -> float | None:
        """Record a failed attempt; the delay before the next one, or None: the task failed."""
        plan = node.plan
        task_id = plan.id
        message = describe_error(error)
        if self.redactor is not None:
            message = self.redactor.text(message)
        retry = should_retry(plan.retry, attempt, error)
        self.recorder.attempt(
            task_id,
            attempt,
            "failed",
            self.clock.monotonic_ns() - started_ns,
            error=message,
            kind=error_kind(error),
            trace=traceback_text(error),
        )
        self.recorder.log(
            f"attempt {attempt} failed: {message}",
            task_id=task_id,
            level="WARNING" if retry else "ERROR",
        )
        if not retry:
            node.status = TaskStatus.FAILED
            self._set(task_id, TaskStatus.FAILED, error=message)
            if in_fifo:
                node.fail()
            else:
                self.resource.post(node.fail)
            return None
        delay = delay_for_attempt(plan.retry, attempt, self.rng)
        node.status = TaskStatus.QUEUED
        self._set(task_id, TaskStatus.RETRYING, error=message)
        self.recorder.log(
            f"retrying in {delay:g} s (attempt {attempt + 1} of {plan.retry.max_retries + 1})",
            task_id=task_id,
        )
        return delay

    def _context(self, plan: TaskPlan, attempt: int) -> TaskContext:
        return TaskContext(
            dag_id=self.pipeline.dag_id,
            run_id=self.run_id,
            task_id=plan.id,
            attempt=attempt,
            run_dir=self.run_dir,
            services=self.services,
            log=partial(self._task_log, plan.id),
        )

    def _item_context(self, plan: TaskPlan, attempt: int, item: MapItem) -> TaskContext:
        """A map item's attempt: its own task id (``task[3]``), its log lines prefixed."""
        return TaskContext(
            dag_id=self.pipeline.dag_id,
            run_id=self.run_id,
            task_id=item.label,
            attempt=attempt,
            run_dir=self.run_dir,
            services=self.services,
            log=partial(self._item_log, plan.id, item.index),
        )

    def _resolve_secrets(
        self, params: dict[str, object], secrets: tuple[tuple[str, str], ...]
    ) -> None:
        for param, name in secrets:
            value = self.secrets.get(name) if self.secrets is not None else None
            if value is None:
                where = self.secrets.where(name) if self.secrets is not None else "no secrets"
                raise OperationError(f"secret {name!r} is not set ({where})", kind="secret.missing")
            params[param] = value

    async def _attempt(
        self,
        node: TaskNode,
        plan: TaskPlan,
        values: dict[str, object],
        attempt: int,
        *,
        item: MapItem | None = None,
    ) -> object:
        pool = None if plan.pool is None else await self._slot(plan.pool, node, item)
        context = (
            self._context(plan, attempt)
            if item is None
            else self._item_context(plan, attempt, item)
        )
        context.bind_loop(asyncio.get_running_loop())
        try:
            async with TaskScope(context, self.clock, plan.timeout):
                params = plan.params(values)
                if node.secrets:
                    self._resolve_secrets(params, node.secrets)
                # A Dask cluster (executors.py); a nested pipeline.run needs this process's
                # service, so it is never sent there.
                if self.executor is not None and plan.operation != NESTED_OPERATION:
                    return await self.executor.run(plan, params, context)
                return await run_attempt(
                    node.shape, plan.id, params, context, self.executors, node.adopt
                )
        finally:
            context.closed = True
            if pool is not None:
                pool.release()

    def _task_log(self, task_id: str, message: str, level: str) -> None:
        self.recorder.log(message, task_id=task_id, level=level)

    # -- bookkeeping -------------------------------------------------------------------------

    def _set(self, task_id: str, status: TaskStatus, **fields: Any) -> None:
        state = self.states[task_id]
        was_terminal = state.status in TERMINAL
        now = self.clock.monotonic_ns()
        state.status = status
        record: dict[str, Any] = {}
        if "attempt" in fields:
            state.attempt = fields["attempt"]
            record["attempt"] = state.attempt
            if state.started_ns is None:
                state.started_ns = now
                record["started"] = True
        if "error" in fields:
            state.error = fields["error"]
            record["error"] = state.error
        if "result" in fields:
            state.result = fields["result"]
            record["output"] = jsonable(state.result)
            state.error = None
            record["error"] = None
        if "detail" in fields or "reason" in fields:
            detail = dict(fields.get("detail") or state.detail or {})
            if "reason" in fields:
                detail["reason"] = fields["reason"]
            state.detail = detail
            record["detail"] = detail
        if fields.get("reused"):
            record["reused"] = True
        if status in TERMINAL:
            state.ended_ns = now
            record["ended"] = True
        self.recorder.task(task_id, status.value, **record)
        for listener in self._listeners:
            listener(task_id, state)
        if status in TERMINAL and not was_terminal:
            self._open -= 1
            if self._open == 0 and not self._cancelling:
                self._end()

    def _end(self) -> None:
        if self._done.is_set():
            return
        if self.status is RunStatus.RUNNING:
            failed = [t for t, s in self.states.items() if s.status is TaskStatus.FAILED]
            if failed:
                self.status = RunStatus.FAILED
                self.error = "failed tasks: " + ", ".join(failed)
            else:
                self.status = RunStatus.SUCCEEDED
                try:
                    self.result = self.pipeline.output(self.results(), self.parameters)
                except ResolutionError as error:
                    self.status = RunStatus.FAILED
                    self.error = f"result: {error}"
        for _ in self._workers:
            self._queue.put_nowait(None)
        self.resource.kill()
        if self._froze:
            self._froze = False
            _frozen_runs[0] -= 1
            if _frozen_runs[0] == 0:
                gc.unfreeze()
        self._done.set()

    def results(self) -> dict[str, object]:
        """Results of the tasks that succeeded."""
        return {t: s.result for t, s in self.states.items() if s.status is TaskStatus.SUCCEEDED}

    def elapsed_s(self) -> float:
        starts = [s.started_ns for s in self.states.values() if s.started_ns is not None]
        ends = [s.ended_ns for s in self.states.values() if s.ended_ns is not None]
        if not starts or not ends:
            return 0.0
        return (max(ends) - min(starts)) / _NS
