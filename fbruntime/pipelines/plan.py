"""A validated pipeline, ready for the runner: nothing left to parse or look up while running.

:func:`fbruntime.pipelines.validation.validate_pipeline` is the only intended way to make a
:class:`Pipeline`. Each :class:`TaskPlan` holds its parsed dependent params, its merged retry
policy and timeout and its operation spec, so the runner's per-task work is
``plan.params(results)`` and the operation call.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .conditions import Condition
from .config import PipelineConfig
from .graph import TaskGraph
from .operations import OperationSpec
from .parameters import PARAMS_ROOT, ParameterSpec, resolve_parameters
from .references import DependentValue, Reference, evaluate
from .retry import RetryPolicy
from .secrets import secret_name

__all__ = ["ITEM_ROOT", "PARAMS_ROOT", "ParamTypeError", "Pipeline", "TaskLayout", "TaskPlan"]

ITEM_ROOT = "item"
"""The reference root that names the current element inside a mapped task (``for_each``)."""

RESERVED_ROOTS = frozenset({PARAMS_ROOT, ITEM_ROOT})


class ParamTypeError(TypeError):
    """A dependent param received, at run time, a value its operation does not accept."""

    def __init__(self, task: str, param: str, reason: str) -> None:
        self.task = task
        self.param = param
        self.reason = reason
        super().__init__(f"task {task!r}, param {param!r}: {reason}")


@dataclass(frozen=True, slots=True)
class TaskPlan:
    """One task as the runner needs it."""

    id: str
    operation: str
    independent_params: Mapping[str, Any]
    dependent_params: Mapping[str, DependentValue]
    dependencies: tuple[str, ...]
    retry: RetryPolicy
    timeout: float | None
    spec: OperationSpec | None
    when: Condition | None = None
    trigger_rule: str = "all_success"
    for_each: Reference | None = None
    map_parallel: int | None = None
    on_item_failure: str = "fail"
    pool: str | None = None
    uses_params: bool = False

    # Worked out once, when the plan is made (the runner reads them for every task it links).
    sources: frozenset[str] = field(init=False, default=frozenset())
    """The tasks whose results the task reads (``params`` and ``item`` are not tasks)."""
    plain: bool = field(init=False, default=True)
    """No extras: the runner's fast path (no condition, map, pool, rule or parameters)."""
    secrets: tuple[tuple[str, str], ...] = field(init=False, default=(), repr=False, compare=False)
    """(param, secret name) of each independent param that is a ``{"$secret": ...}``."""
    fixed: Mapping[str, Any] = field(init=False, default_factory=dict, repr=False, compare=False)
    """The operation's defaults overlaid with the independent params: the start of every
    attempt's params, worked out once instead of per attempt."""

    def __post_init__(self) -> None:
        roots = {ref.task_id for ref in self.references} - RESERVED_ROOTS
        object.__setattr__(self, "sources", frozenset(roots))
        plain = (
            self.when is None
            and self.for_each is None
            and self.pool is None
            and self.trigger_rule == "all_success"
            and not self.uses_params
        )
        object.__setattr__(self, "plain", plain)
        fixed: dict[str, object] = self.spec.defaults() if self.spec is not None else {}
        fixed.update(self.independent_params)
        object.__setattr__(self, "fixed", fixed)
        secrets = tuple(
            (param, name)
            for param, value in self.independent_params.items()
            if (name := secret_name(value)) is not None
        )
        object.__setattr__(self, "secrets", secrets)

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every reference the task reads: dependent params (templates too), when, for_each."""
        found: list[Reference] = []
        for value in self.dependent_params.values():
            found.extend((value,) if isinstance(value, Reference) else value.references)
        if self.when is not None:
            found.extend(self.when.references)
        if self.for_each is not None:
            found.append(self.for_each)
        return tuple(found)

    def params(self, results: Mapping[str, object]) -> dict[str, object]:
        """The keyword arguments of this run: defaults, then independent, then dependent params.

        Raises :class:`~fbruntime.pipelines.references.ResolutionError` when a reference leads
        nowhere and :class:`ParamTypeError` when it leads to a value of the wrong type.
        """
        values = dict(self.fixed)
        declared = self.spec.params if self.spec is not None else {}
        for name, source in self.dependent_params.items():
            value = evaluate(source, results, task=self.id, param=name)
            param = declared.get(name)
            if param is not None and not param.type.accepts(value):
                raise ParamTypeError(self.id, name, param.type.mismatch(value))
            values[name] = value
        return values


@dataclass(frozen=True, slots=True)
class TaskLayout:
    """One task's place in a run's engine resource, the same for every run of the pipeline:
    the runner links it without sorting, formatting or looking anything up per run."""

    plan: TaskPlan
    sources: tuple[tuple[str, str], ...]
    """(task whose result the task reads, the data input ``Dn`` that holds it), upstream first."""
    events: tuple[tuple[str, str], ...]
    """The event connections into the task: ``(dep.CNF, task.START)`` per dependency."""
    data: tuple[tuple[str, str], ...]
    """The data connections into the task: ``(source.RESULT, task.Dn)`` per source."""


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A config that passed every check, with its graph and per-task plans."""

    config: PipelineConfig
    graph: TaskGraph
    tasks: Mapping[str, TaskPlan]
    parameters: Mapping[str, ParameterSpec] = field(
        default_factory=lambda: types.MappingProxyType({})
    )
    result: DependentValue | None = None
    layout: tuple[TaskLayout, ...] = field(init=False, default=(), repr=False, compare=False)
    """Every task in run order, as the runner links it (worked out once, here)."""

    def __post_init__(self) -> None:
        order = self.graph.order
        position = {task: index for index, task in enumerate(order)}
        layout = []
        for task_id in order:
            plan = self.tasks[task_id]
            # The validator made sure every referenced task is upstream.
            sources = sorted(plan.sources, key=position.__getitem__)
            layout.append(
                TaskLayout(
                    plan,
                    tuple((source, f"D{i}") for i, source in enumerate(sources)),
                    tuple((f"{dep}.CNF", f"{task_id}.START") for dep in plan.dependencies),
                    tuple(
                        (f"{source}.RESULT", f"{task_id}.D{i}") for i, source in enumerate(sources)
                    ),
                )
            )
        object.__setattr__(self, "layout", tuple(layout))

    @property
    def dag_id(self) -> str:
        return self.config.dag_id

    @property
    def max_parallel(self) -> int | None:
        """The config's worker count per run (``None``: the service's default)."""
        return self.config.max_parallel

    @property
    def pools(self) -> Mapping[str, int]:
        """Pool sizes the config declares (used when the service does not set them)."""
        return self.config.pools

    def pool_names(self) -> frozenset[str]:
        """Every pool a task of this pipeline runs in."""
        return frozenset(plan.pool for plan in self.tasks.values() if plan.pool is not None)

    def resolve_parameters(self, given: Mapping[str, Any] | None) -> dict[str, Any]:
        """A run's complete parameters; :class:`PipelineError` lists what is wrong."""
        return resolve_parameters(self.parameters, given, dag=self.dag_id)

    def output(self, results: Mapping[str, object], parameters: Mapping[str, Any]) -> object:
        """The pipeline's result: its ``result`` reference, else ``{leaf: result}``.

        Only succeeded tasks are in ``results``; a leaf that did not succeed is left out.
        Raises :class:`~fbruntime.pipelines.references.ResolutionError` if ``result`` leads
        nowhere.
        """
        if self.result is not None:
            values = dict(results)
            if self.config.parameters is not None:
                values[PARAMS_ROOT] = dict(parameters)
            return evaluate(self.result, values)
        return {leaf: results[leaf] for leaf in self.graph.leaves if leaf in results}
