"""The graph extras of a run: conditions, trigger rules, skips, maps and pool slots.

:class:`GraphFlow` is the part of :class:`~fbruntime.pipelines.runner.PipelineRun` that plain
tasks never reach. The runner keeps its fast path as it is; a node whose plan has a ``when``,
``for_each``, ``pool`` or reads parameters is flagged ``extras`` and its readiness goes through
:meth:`GraphFlow._ready_extras` (parameters in, condition checked, then a map or a pool slot),
and a node with a ``trigger_rule`` other than ``all_success`` has its own ``START`` handler,
which asks :meth:`GraphFlow._decide`.

A task that ends without a result (it failed, or was skipped) tells each dependent directly
(:meth:`GraphFlow._ended_badly`): the dependent counts it as a failure (it failed, or was skipped
because something upstream failed: Airflow's ``upstream_failed``) or as a skip (a condition or a
rule said no), and :func:`~fbruntime.pipelines.branching.verdict` decides at once when its rule
already knows the answer. Mapped tasks are in :mod:`.mapping`, pools in :mod:`.pools`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from .branching import verdict
from .conditions import ConditionError
from .nodes import TaskNode
from .parameters import PARAMS_ROOT
from .pools import Pool, PoolRegistry
from .progress import TaskState, TaskStatus

if TYPE_CHECKING:
    from .mapping import MapItem
    from .plan import Pipeline
    from .progress import RunRecorder

__all__ = ["GraphFlow"]

Work = tuple[Any, dict[str, object], int, float | None]


class GraphFlow:
    """Mixed into :class:`~fbruntime.pipelines.runner.PipelineRun` (module docstring)."""

    # What the runner provides (declared for the type checker).
    pipeline: Pipeline
    nodes: dict[str, TaskNode]
    states: dict[str, TaskState]
    recorder: RunRecorder
    parameters: dict[str, Any]
    pools: PoolRegistry | None
    _queue: asyncio.Queue[Any]
    _pool_waits: dict[Callable[[], None], str]
    _cancelling: bool
    _done: asyncio.Event

    def _set(self, task_id: str, status: TaskStatus, **fields: Any) -> None:
        raise NotImplementedError

    def _go(self, node: TaskNode, values: dict[str, object]) -> None:
        raise NotImplementedError

    def _dispatch(self, item: Work) -> None:
        raise NotImplementedError

    # -- readiness -----------------------------------------------------------------------------

    def _ready_extras(self, node: TaskNode, values: dict[str, object]) -> None:
        """A ready task with extras: parameters in, condition checked, map or pool slot."""
        plan = node.plan
        if plan.uses_params:
            values[PARAMS_ROOT] = self.parameters
        if plan.when is not None:
            try:
                holds = plan.when.holds(values)
            except ConditionError as error:
                self._fail_now(node, f"when {plan.when.text!r}: {error}")
                return
            if not holds:
                seen = plan.when.explain(values)
                reason = f"condition not met: {plan.when.text}" + (f" ({seen})" if seen else "")
                self._skip(node, reason, failed=False)
                return
        if plan.for_each is not None:
            from .mapping import MapTask

            node.status = TaskStatus.RUNNING
            MapTask(self, node, values).start()  # type: ignore[arg-type]
            return
        if plan.pool is None:
            self._go(node, values)
            return
        node.status = TaskStatus.QUEUED
        self.states[node.rt__name].status = TaskStatus.QUEUED
        self._enqueue(node, values, plan.pool)

    def _enqueue(
        self, work: TaskNode | MapItem, values: dict[str, object], pool_name: str | None
    ) -> None:
        """Hand a task or a map item to a worker, after its pool slot when it has a pool.

        A task waiting for a slot holds no worker: the slot is granted first, then the task
        is queued (see :mod:`.pools`)."""
        if pool_name is None:
            self._dispatch((work, values, 0, None))
            return
        assert self.pools is not None
        pool = self.pools.get(pool_name)

        def grant() -> None:
            self._pool_waits.pop(grant, None)
            if self._done.is_set() or self._cancelling:
                pool.release()
                return
            work.slot_held = True
            self._dispatch((work, values, 0, None))

        self._pool_waits[grant] = pool_name
        pool.request(grant)

    def _drop_pool_claims(self) -> None:
        """A cancelled run stops waiting for slots and gives back those granted but unused."""
        if self.pools is None:
            return
        for grant, name in list(self._pool_waits.items()):
            self.pools.get(name).withdraw(grant)
        self._pool_waits.clear()
        while not self._queue.empty():
            item = self._queue.get_nowait()
            if item is None or not item[0].slot_held:
                continue
            work = item[0]
            work.slot_held = False
            plan = work.plan if isinstance(work, TaskNode) else work.map.node.plan
            if plan.pool is not None:
                self.pools.get(plan.pool).release()

    async def _slot(self, name: str, node: TaskNode, item: MapItem | None) -> Pool:
        """The pool slot for one attempt: granted before it was queued, or (a retry) now."""
        assert self.pools is not None
        pool = self.pools.get(name)
        holder: TaskNode | MapItem = node if item is None else item
        if holder.slot_held:
            holder.slot_held = False
        else:
            await pool.acquire()
        return pool

    # -- skips and rules ---------------------------------------------------------------------

    def _fail_now(self, node: TaskNode, message: str) -> None:
        """Fail a task before any attempt (its condition or for_each could not be evaluated)."""
        node.status = TaskStatus.FAILED
        self._set(node.rt__name, TaskStatus.FAILED, error=message)
        self.recorder.log(message, task_id=node.rt__name, level="ERROR")
        self._ended_badly(node, failed=True)

    def _skip(self, node: TaskNode, reason: str, *, failed: bool) -> None:
        node.status = TaskStatus.SKIPPED
        self._set(node.rt__name, TaskStatus.SKIPPED, reason=reason)
        self._ended_badly(node, failed=failed)

    def _ended_badly(self, ended: TaskNode, *, failed: bool) -> None:
        """Tell the dependents of a task that ended without a result (module docstring).

        ``failed`` says how dependents count it: a failure or a skip. Dependents whose rule is
        decided by it are skipped at once, and so on down the graph.
        """
        dependents = self.pipeline.graph.dependents
        todo = [(ended, failed)]
        while todo:
            source, source_failed = todo.pop()
            for task_id in dependents(source.rt__name):
                node = self.nodes[task_id]
                if node.status is not TaskStatus.PENDING:
                    continue
                node.arrived += 1
                if source_failed:
                    node.failed_in += 1
                else:
                    node.skipped_in += 1
                found = self._verdict(node, source.rt__name)
                if found is None:
                    continue
                if found is True:
                    self._ready_now(node)
                    continue
                reason, as_failure = found
                node.status = TaskStatus.SKIPPED
                self._set(task_id, TaskStatus.SKIPPED, reason=reason)
                todo.append((node, as_failure))

    def _decide(self, node: TaskNode) -> None:
        """A dependency of a node with a trigger rule succeeded: run, skip, or wait."""
        found = self._verdict(node, None)
        if found is True:
            self._ready_now(node)
        elif found is not None:
            self._skip(node, found[0], failed=found[1])

    def _ready_now(self, node: TaskNode) -> None:
        # Values from the states, not the latched inputs: on this path the last arrival may not
        # have been a START event (a failure or a skip is told directly).
        states = self.states
        values = {
            task: states[task].result if states[task].status is TaskStatus.SUCCEEDED else None
            for task, _ in node.sources
        }
        node.run._ready(node, values)

    def _verdict(
        self, node: TaskNode, source: str | None
    ) -> tuple[str, bool] | Literal[True] | None:
        return verdict(
            node.rule or "all_success",
            arrived=node.arrived,
            needed=node.needed,
            failed=node.failed_in,
            skipped=node.skipped_in,
            source=source,
        )

    def _item_log(self, task_id: str, index: int, message: str, level: str) -> None:
        self.recorder.log(f"item {index}: {message}", task_id=task_id, level=level)
