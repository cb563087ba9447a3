"""Nested pipelines: the ``pipeline.run`` operation runs another stored pipeline as a task.

::

    {"id": "per_city", "operation": "pipeline.run",
     "independent_params": {"dag_id": "city_report", "parameters": {"units": "metric"}},
     "dependent_params": {"parameters.city": ...}}          # (see FORMAT.md for the forms)

The task starts a run of ``dag_id`` with ``parameters`` (checked against what that pipeline
declares; with ``inherit``, the parent run's parameters that the child also declares fill in
what ``parameters`` leaves out), waits for it, and returns its result (the child pipeline's ``result``, or its leaf
tasks' results). A child run that does not succeed fails the task (kind ``pipeline.failed``,
``pipeline.cancelled``), so the parent's retries start a new child run. Cancelling the parent
(or a timeout) cancels the child. The child run records its parent run and task, and the
parent lists its children: the API, the page and the parent's ZIP (which embeds each child's
archive) link them both ways.

Cycles are refused twice: when a pipeline is uploaded (the static ``dag_id``s of every stored
pipeline form a graph that must stay acyclic, and must name pipelines that exist), and when a
run starts a child (a ``dag_id`` that comes from a reference could still name a pipeline that
is already running further up the chain, and nesting is limited to :data:`MAX_DEPTH` levels).

The service behind the operation is the one running the parent run: the service registers
itself for each run it starts (:func:`attach`, :func:`detach`) and the operation looks its run
up (:func:`runner_for`); it is the :class:`NestedRunner` protocol (``PipelineService``
implements it). Nothing of it travels with the run's services (an executor may send those to
other processes), and a ``pipeline.run`` attempt always runs in the service's process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from fbruntime.core import DataInput, DataOutput

from .graph import find_cycles
from .operation import Operation, OperationError, TaskContext, current_task
from .plan import Pipeline
from .problems import PipelineError, Problem

if TYPE_CHECKING:
    from .service import PipelineService

__all__ = [
    "MAX_DEPTH",
    "OPERATION",
    "NestedRunner",
    "NestedRuns",
    "RunPipeline",
    "attach",
    "call_problems",
    "detach",
    "runner_for",
    "static_calls",
]

OPERATION = "pipeline.run"
MAX_DEPTH = 10
"""A run may start a child, whose run may start a child... this many levels deep at most."""


class NestedRunner(Protocol):
    async def run_child(
        self,
        context: TaskContext,
        dag_id: str,
        parameters: Mapping[str, Any] | None,
        *,
        inherit: bool = False,
    ) -> object: ...


_runners: dict[str, NestedRunner] = {}


def attach(run_id: str, runner: NestedRunner) -> None:
    """``run_id``'s ``pipeline.run`` tasks start their children through ``runner``."""
    _runners[run_id] = runner


def detach(run_id: str) -> None:
    _runners.pop(run_id, None)


def runner_for(run_id: str) -> NestedRunner | None:
    return _runners.get(run_id)


class RunPipeline(Operation):
    name = OPERATION
    version = "1.0"
    description = "Run another stored pipeline with parameters and return its result"

    dag_id = DataInput("WSTRING", comment="the pipeline to run (its dag_name)")
    parameters = DataInput("ANY", comment="its trigger parameters (an object)")
    inherit = DataInput(
        "BOOL", False, comment="also pass this run's parameters that the pipeline declares"
    )
    result = DataOutput("ANY", comment="what the pipeline returned")

    param_types = {"parameters": "dict|null"}
    optional_params = ("parameters",)

    async def execute(self) -> None:
        task = current_task()
        runner = runner_for(task.run_id)
        if runner is None:
            raise OperationError(
                "pipeline.run needs the pipeline service (run it with fbrt pipeline run or "
                "fbrt serve)",
                kind="pipeline.unavailable",
            )
        self.result = await runner.run_child(
            task, str(self.dag_id), self.parameters, inherit=bool(self.inherit)
        )


def static_calls(pipeline: Pipeline) -> list[tuple[str, str, Mapping[str, Any] | None]]:
    """``(task id, dag_id, parameters or None)`` of each ``pipeline.run`` task whose
    ``dag_id`` is fixed in ``independent_params`` (dependent ones are checked at run time)."""
    calls: list[tuple[str, str, Mapping[str, Any] | None]] = []
    for plan in pipeline.tasks.values():
        if plan.operation != OPERATION or "dag_id" in plan.dependent_params:
            continue
        dag_id = plan.independent_params.get("dag_id")
        if not isinstance(dag_id, str):
            continue
        fixed = plan.independent_params.get("parameters", {})
        static = (
            "parameters" not in plan.dependent_params
            and isinstance(fixed, Mapping)
            and not plan.independent_params.get("inherit")
            and "inherit" not in plan.dependent_params
        )
        calls.append((plan.id, dag_id, fixed if static else None))
    return calls


def call_problems(pipeline: Pipeline, known: Mapping[str, Pipeline]) -> list[Problem]:
    """What is wrong with the pipelines ``pipeline`` calls, given the others ``known``.

    Each fixed ``dag_id`` must name a known pipeline (or this one, which is then a cycle),
    fixed ``parameters`` must fit what it declares, and no chain of calls may come back.
    """
    problems: list[Problem] = []
    everyone = {**known, pipeline.dag_id: pipeline}
    for task_id, dag_id, parameters in static_calls(pipeline):
        child = everyone.get(dag_id)
        if child is None:
            listing = ", ".join(sorted(known)) or "none"
            problems.append(
                Problem(
                    task_id,
                    "independent_params.dag_id",
                    f"unknown pipeline {dag_id!r}: upload it before the pipelines that run it "
                    f"(known: {listing})",
                )
            )
            continue
        pool = pipeline.tasks[task_id].pool
        if pool is not None and pool in child.pool_names():
            problems.append(
                Problem(
                    task_id,
                    "pool",
                    f"pipeline {dag_id!r} runs tasks in pool {pool!r} too: this task would hold "
                    "a slot while its child waits for one (with a small pool, for ever); use "
                    "another pool here",
                )
            )
        if parameters is not None:
            try:
                child.resolve_parameters(parameters)
            except PipelineError as error:
                problems.extend(
                    Problem(
                        task_id,
                        f"independent_params.{p.field}",
                        f"pipeline {dag_id!r}: {p.message}",
                    )
                    for p in error.problems
                )
    edges = {
        dag: [called for _, called, _ in static_calls(p) if called in everyone]
        for dag, p in everyone.items()
    }
    for cycle in find_cycles(edges):
        if pipeline.dag_id not in cycle:
            continue
        # find_cycles writes "a waits for b" as b -> a; a call chain reads the other way,
        # and starts here, at the pipeline being checked.
        calls = list(reversed(cycle))[:-1]
        start = calls.index(pipeline.dag_id)
        path = " -> ".join([*calls[start:], *calls[:start], pipeline.dag_id])
        first_call = next((t for t, called, _ in static_calls(pipeline) if called in cycle), None)
        problems.append(
            Problem(
                first_call,
                "independent_params.dag_id",
                f"pipelines would run each other in a cycle: {path}",
            )
        )
    return problems


class NestedRuns:
    """The service's nested runs: who started whom, and starting a child for a task."""

    def __init__(self, service: PipelineService) -> None:
        self.service = service
        self.lineage: dict[str, tuple[str, str | None]] = {}  # run -> (dag_id, parent run)

    def started(self, run_id: str, dag_id: str, parent: str | None) -> None:
        self.lineage[run_id] = (dag_id, parent)
        attach(run_id, self)

    def ended(self, run_id: str) -> None:
        self.lineage.pop(run_id, None)
        detach(run_id)

    def chain(self, run_id: str, dag_id: str) -> list[str]:
        """The pipelines running from the top down to ``run_id`` (of ``dag_id``)."""
        found = [dag_id]
        parent = self.lineage.get(run_id)
        while parent is not None and parent[1] is not None:
            parent = self.lineage.get(parent[1])
            if parent is not None:
                found.append(parent[0])
        return found[::-1]

    async def run_child(
        self,
        context: TaskContext,
        dag_id: str,
        parameters: Mapping[str, Any] | None,
        *,
        inherit: bool = False,
    ) -> object:
        """Run ``dag_id`` for a ``pipeline.run`` task, wait, return its result (module
        docstring); a pipeline already running up the chain, or too deep a chain, is refused."""
        from fbruntime.store import NotFound

        service = self.service
        chain = self.chain(context.run_id, context.dag_id)
        if dag_id in chain:
            raise OperationError(
                f"pipeline {dag_id!r} is already running further up: "
                + " -> ".join([*chain, dag_id]),
                kind="pipeline.cycle",
            )
        if len(chain) >= MAX_DEPTH:
            raise OperationError(
                f"nested pipelines go deeper than {MAX_DEPTH} levels: "
                + " -> ".join([*chain, dag_id]),
                kind="pipeline.depth",
            )
        if inherit:
            handle = service.run_handle(context.run_id)
            try:
                declared = service.pipeline(dag_id).parameters
            except NotFound:
                declared = {}
            inherited = {
                k: v for k, v in (handle.parameters if handle else {}).items() if k in declared
            }
            parameters = {**inherited, **(parameters or {})}
        try:
            child = await service.start_run(
                dag_id,
                parameters=parameters,
                trigger=f"pipeline:{context.dag_id}",
                parent=(context.run_id, context.task_id),
            )
        except (NotFound, PipelineError) as error:
            raise OperationError(str(error), kind="pipeline.invalid") from None
        context.log(f"started run {child} of {dag_id}")
        try:
            status = await service.wait(child)
        except asyncio.CancelledError:
            await service.cancel(child, reason="the parent task was cancelled")
            raise
        found = await service.store.runs.get(child, with_logs=False)
        if status != "succeeded" or found is None:
            why = found.run.error if found is not None else None
            raise OperationError(
                f"run {child} of {dag_id} {status}" + (f": {why}" if why else ""),
                kind=f"pipeline.{status}",
            )
        return found.run.result
