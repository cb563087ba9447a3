"""The checks that need the whole config and the operation registry.

:func:`check_pipeline` returns every problem, in config order (pipeline-level ones first, then
each task's); :func:`validate_pipeline` raises them as one :class:`PipelineError` or returns a
:class:`Pipeline` for the runner. The rules:

* task ids are unique;
* every dependency names another existing task, once;
* dependencies form no cycle (each cycle is reported as a path ``a -> b -> c -> a``);
* every dependent param parses as a reference or template, and each reference names a task
  upstream of this one (a dependency, or a dependency's dependency, and so on): only those are
  sure to have finished;
* with a registry: the operation exists, params exist, required params are given, independent
  params have the right type (a secret reference ``{"$secret": NAME}`` counts as text), and a
  template is not fed to a param that does not take strings;
* the merged retry settings are consistent (``max_delay`` not below ``retry_delay``).

Dependent param values are type-checked later, when the runner has them (``TaskPlan.params``).
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Collection, Mapping, Sequence

from pydantic import ValidationError

from .config import PipelineConfig, TaskConfig
from .graph import TaskGraph, find_cycles
from .operations import OperationSpec
from .plan import Pipeline, TaskPlan
from .problems import PipelineError, Problem
from .references import DependentValue, Reference, ReferenceSyntaxError, parse_dependent
from .retry import RetryPolicy
from .secrets import secret_name

__all__ = ["check_pipeline", "validate_pipeline"]

_RETRY_FIELDS = ("max_retries", "retry_delay", "backoff", "max_delay", "jitter", "no_retry_on")
# Suggestions scan every id; past this many unknown names a big broken config stops paying.
_MAX_SUGGESTIONS = 20


class _Suggester:
    __slots__ = ("left",)

    def __init__(self) -> None:
        self.left = _MAX_SUGGESTIONS

    def __call__(self, name: str, known: Collection[str]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        close = difflib.get_close_matches(name, list(known), n=1)
        return f" (did you mean {close[0]!r}?)" if close else ""


def _retry_problems(error: ValidationError, task: str | None) -> list[Problem]:
    problems = []
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "max_delay"
        ctx = detail.get("ctx") or {}
        problems.append(Problem(task, field, str(ctx.get("error", detail["msg"]))))
    return problems


class _Checker:
    """One pass over a config; collects problems per task so they come out in config order."""

    def __init__(
        self, config: PipelineConfig, operations: Mapping[str, OperationSpec] | None
    ) -> None:
        self.config = config
        self.operations = operations
        self.suggest = _Suggester()
        self.general: list[Problem] = []
        self.per_task: list[list[Problem]] = [[] for _ in config.tasks]
        self.first_index: dict[str, int] = {}
        self.parsed: list[dict[str, DependentValue]] = [{} for _ in config.tasks]
        self.policies: list[RetryPolicy | None] = [None] * len(config.tasks)
        self.graph: TaskGraph | None = None

    def run(self) -> list[Problem]:
        config = self.config
        try:
            default_policy: RetryPolicy | None = RetryPolicy(
                **{name: getattr(config, name) for name in _RETRY_FIELDS}
            )
        except ValidationError as error:
            default_policy = None
            self.general.extend(_retry_problems(error, None))
        for index, task in enumerate(config.tasks):
            if task.id in self.first_index:
                first = self.first_index[task.id]
                self.per_task[index].append(
                    Problem(
                        task.id,
                        "id",
                        f"duplicate task id: tasks[{first}] and tasks[{index}] are both "
                        f"{task.id!r}",
                    )
                )
            else:
                self.first_index[task.id] = index
        dependencies = self._dependencies()
        for index, task in enumerate(config.tasks):
            self._operation_and_params(index, task)
            self.policies[index] = self._policy(index, task, default_policy)
        self._cycles_and_references(dependencies)
        problems = list(self.general)
        for task_problems in self.per_task:
            problems.extend(task_problems)
        return problems

    def _dependencies(self) -> dict[str, list[str]]:
        """Report bad dependency entries; return the usable graph (first task of each id)."""
        graph: dict[str, list[str]] = {}
        known = self.first_index
        for index, task in enumerate(self.config.tasks):
            problems = self.per_task[index]
            usable: list[str] = []
            seen: set[str] = set()
            for position, dep in enumerate(task.dependencies):
                field = f"dependencies[{position}]"
                if dep == task.id:
                    problems.append(Problem(task.id, field, "a task cannot depend on itself"))
                elif dep not in known:
                    hint = self.suggest(dep, known)
                    problems.append(Problem(task.id, field, f"unknown task {dep!r}{hint}"))
                elif dep in seen:
                    problems.append(Problem(task.id, field, f"{dep!r} is listed twice"))
                else:
                    seen.add(dep)
                    usable.append(dep)
            if self.first_index[task.id] == index:
                graph[task.id] = usable
        return graph

    def _operation_and_params(self, index: int, task: TaskConfig) -> None:
        problems = self.per_task[index]
        parsed = self.parsed[index]
        for name, text in task.dependent_params.items():
            try:
                parsed[name] = parse_dependent(text)
            except ReferenceSyntaxError as error:
                problems.append(Problem(task.id, f"dependent_params.{name}", str(error)))
        if self.operations is None:
            return
        spec = self.operations.get(task.operation)
        if spec is None:
            if self.operations:
                hint = self.suggest(task.operation, self.operations)
            else:
                hint = " (no operations are registered)"
            problems.append(
                Problem(task.id, "operation", f"unknown operation {task.operation!r}{hint}")
            )
            return
        self._params(task, spec, problems)

    def _params(self, task: TaskConfig, spec: OperationSpec, problems: list[Problem]) -> None:
        declared = spec.params
        for group, names in (
            ("independent_params", task.independent_params),
            ("dependent_params", task.dependent_params),
        ):
            for name in names:
                if name in declared or spec.extra_params:
                    continue
                problems.append(
                    Problem(task.id, f"{group}.{name}", self._unknown_param(spec, name))
                )
        for name, value in task.independent_params.items():
            param = declared.get(name)
            if param is None:
                continue
            if secret_name(value) is not None:  # {"$secret": NAME}: text, known when it runs
                if not param.type.accepts(""):
                    problems.append(
                        Problem(
                            task.id,
                            f"independent_params.{name}",
                            f"a secret is text, but parameter {name!r} of operation "
                            f"{spec.name!r} expects {param.type}",
                        )
                    )
                continue
            if not param.type.accepts(value):
                problems.append(
                    Problem(task.id, f"independent_params.{name}", param.type.mismatch(value))
                )
        for name, text in task.dependent_params.items():
            param = declared.get(name)
            if param is not None and "${" in text and not param.type.accepts(""):
                problems.append(
                    Problem(
                        task.id,
                        f"dependent_params.{name}",
                        f"a ${{...}} template always gives a string, but parameter {name!r} "
                        f"of operation {spec.name!r} expects {param.type}",
                    )
                )
        for name, param in declared.items():
            if (
                param.required
                and name not in task.independent_params
                and name not in task.dependent_params
            ):
                problems.append(
                    Problem(
                        task.id,
                        f"params.{name}",
                        f"missing required parameter {name!r} of operation {spec.name!r}; "
                        "set it in independent_params or dependent_params",
                    )
                )

    def _unknown_param(self, spec: OperationSpec, name: str) -> str:
        message = f"operation {spec.name!r} has no parameter {name!r}"
        message += self.suggest(name, spec.params)
        if spec.params:
            return message + "; its parameters: " + ", ".join(spec.params)
        return message + "; it takes no parameters"

    def _policy(
        self, index: int, task: TaskConfig, default: RetryPolicy | None
    ) -> RetryPolicy | None:
        if all(getattr(task, name) is None for name in _RETRY_FIELDS):
            return default
        try:
            return self.config.retry_policy(task)
        except ValidationError as error:
            if default is not None:  # otherwise the pipeline-level problem already says it
                self.per_task[index].extend(_retry_problems(error, task.id))
            return None

    def _cycles_and_references(self, dependencies: dict[str, list[str]]) -> None:
        cycles = find_cycles(dependencies)
        for cycle in cycles:
            self.per_task[self.first_index[cycle[0]]].append(
                Problem(
                    cycle[0],
                    "dependencies",
                    f"dependency cycle: {' -> '.join(cycle)} (each task waits for the one "
                    "before it, so none can start)",
                )
            )
        if not cycles:
            self.graph = TaskGraph(dependencies)
        for index, task in enumerate(self.config.tasks):
            for name, value in self.parsed[index].items():
                references = (value,) if isinstance(value, Reference) else value.references
                for reference in references:
                    message = self._reference_problem(task.id, reference, dependencies)
                    if message is not None:
                        self.per_task[index].append(
                            Problem(task.id, f"dependent_params.{name}", message)
                        )

    def _reference_problem(
        self, task: str, reference: Reference, dependencies: Mapping[str, Sequence[str]]
    ) -> str | None:
        target = reference.task_id
        if target == task:
            return f"{str(reference)!r} refers to the task itself; refer to an earlier task"
        if target not in self.first_index:
            hint = self.suggest(target, self.first_index)
            return f"{str(reference)!r} refers to unknown task {target!r}{hint}"
        if task not in dependencies:  # a duplicate id: its graph entry belongs to the first one
            return None
        if self.graph is not None:
            upstream = self.graph.is_upstream(target, task)
            downstream = not upstream and self.graph.is_upstream(task, target)
        else:
            upstream = _reaches(dependencies, task, target)
            downstream = False
        if upstream:
            return None
        if downstream:
            return (
                f"{str(reference)!r} refers to task {target!r}, which runs after {task!r} "
                f"(it depends on {task!r}), so its result cannot exist yet"
            )
        return (
            f"{str(reference)!r} refers to task {target!r}, which is not upstream of {task!r} "
            f"(not among its dependencies, direct or indirect), so it may not have run yet; "
            f"add {target!r} to dependencies"
        )

    def pipeline(self) -> Pipeline:
        assert self.graph is not None
        operations = self.operations or {}
        plans: dict[str, TaskPlan] = {}
        for index, task in enumerate(self.config.tasks):
            policy = self.policies[index]
            assert policy is not None
            plans[task.id] = TaskPlan(
                id=task.id,
                operation=task.operation,
                independent_params=types.MappingProxyType(dict(task.independent_params)),
                dependent_params=types.MappingProxyType(self.parsed[index]),
                dependencies=self.graph.dependencies(task.id),
                retry=policy,
                timeout=self.config.timeout_for(task),
                spec=operations.get(task.operation),
            )
        return Pipeline(self.config, self.graph, types.MappingProxyType(plans))


def _reaches(dependencies: Mapping[str, Sequence[str]], task: str, target: str) -> bool:
    """Whether ``task`` waits for ``target``, in a graph that may have cycles."""
    seen = {task}
    todo = [task]
    while todo:
        for dep in dependencies.get(todo.pop(), ()):
            if dep == target:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def check_pipeline(
    config: PipelineConfig, operations: Mapping[str, OperationSpec] | None = None
) -> list[Problem]:
    """Every problem in ``config``; ``operations=None`` skips the operation and param checks."""
    return _Checker(config, operations).run()


def validate_pipeline(
    config: PipelineConfig,
    operations: Mapping[str, OperationSpec] | None = None,
    *,
    source: str | None = None,
) -> Pipeline:
    """The runnable :class:`Pipeline`, or :class:`PipelineError` listing every problem.

    ``source`` (a file name, an upload name) only goes into the error message.
    """
    checker = _Checker(config, operations)
    problems = checker.run()
    if problems:
        raise PipelineError(problems, source=source, dag=config.dag_id)
    return checker.pipeline()
