"""A validated pipeline, ready for the runner: nothing left to parse or look up while running.

:func:`fbruntime.pipelines.validation.validate_pipeline` is the only intended way to make a
:class:`Pipeline`. Each :class:`TaskPlan` holds its parsed dependent params, its merged retry
policy and timeout and its operation spec, so the runner's per-task work is
``plan.params(results)`` and the operation call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import PipelineConfig
from .graph import TaskGraph
from .operations import OperationSpec
from .references import DependentValue, Reference, evaluate
from .retry import RetryPolicy

__all__ = ["ParamTypeError", "Pipeline", "TaskPlan"]


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

    @property
    def references(self) -> tuple[Reference, ...]:
        """Every reference in the dependent params, templates included."""
        found: list[Reference] = []
        for value in self.dependent_params.values():
            found.extend((value,) if isinstance(value, Reference) else value.references)
        return tuple(found)

    def params(self, results: Mapping[str, object]) -> dict[str, object]:
        """The keyword arguments of this run: defaults, then independent, then dependent params.

        Raises :class:`~fbruntime.pipelines.references.ResolutionError` when a reference leads
        nowhere and :class:`ParamTypeError` when it leads to a value of the wrong type.
        """
        values: dict[str, object] = self.spec.defaults() if self.spec is not None else {}
        values.update(self.independent_params)
        declared = self.spec.params if self.spec is not None else {}
        for name, source in self.dependent_params.items():
            value = evaluate(source, results, task=self.id, param=name)
            param = declared.get(name)
            if param is not None and not param.type.accepts(value):
                raise ParamTypeError(self.id, name, param.type.mismatch(value))
            values[name] = value
        return values


@dataclass(frozen=True, slots=True)
class Pipeline:
    """A config that passed every check, with its graph and per-task plans."""

    config: PipelineConfig
    graph: TaskGraph
    tasks: Mapping[str, TaskPlan]

    @property
    def dag_id(self) -> str:
        return self.config.dag_id
