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
* the merged retry settings are consistent (``max_delay`` not below ``retry_delay``);
* the graph extras: declared ``parameters`` have known types and fitting defaults, and
  ``params.NAME`` names one of them; ``when`` parses (:mod:`.conditions`) and reads only
  upstream tasks and parameters; ``for_each`` is a reference to an upstream task or a
  parameter, ``item`` is used only inside a mapped task, and ``max_parallel`` and
  ``on_item_failure`` only with ``for_each``; ``result`` names a task or a parameter; the
  reserved roots (``params`` when parameters are declared, ``item`` when a task maps) are not
  task ids; with ``pools`` given, every task's ``pool`` is known.

Dependent param values are type-checked later, when the runner has them (``TaskPlan.params``).
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from collections.abc import Collection, Mapping, Sequence

from pydantic import ValidationError

from .conditions import Condition, ConditionSyntaxError, parse_condition
from .config import PipelineConfig, TaskConfig
from .graph import TaskGraph, find_cycles, reaches
from .operations import OperationSpec
from .parameters import PARAMS_ROOT, ParameterSpec, declare_parameters
from .plan import ITEM_ROOT, Pipeline, TaskPlan
from .problems import PipelineError, Problem
from .references import (
    DependentValue,
    Reference,
    ReferenceSyntaxError,
    Template,
    parse_dependent,
    parse_reference,
)
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
        self,
        config: PipelineConfig,
        operations: Mapping[str, OperationSpec] | None,
        pools: Collection[str] | None = None,
    ) -> None:
        self.config = config
        self.operations = operations
        self.known_pools = pools
        self.parameters: Mapping[str, ParameterSpec] = {}
        self.conditions: list[Condition | None] = [None] * len(config.tasks)
        self.for_each: list[Reference | None] = [None] * len(config.tasks)
        self.result: DependentValue | None = None
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
        self.parameters, declared_problems = declare_parameters(config.parameters)
        self.general.extend(declared_problems)
        self._result()
        maps = any(task.for_each is not None for task in config.tasks)
        for index, task in enumerate(config.tasks):
            reserved = self._reserved(task, maps)
            if reserved is not None:
                self.per_task[index].append(Problem(task.id, "id", reserved))
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
            self._extras(index, task)
            self.policies[index] = self._policy(index, task, default_policy)
        self._cycles_and_references(dependencies)
        problems = list(self.general)
        for task_problems in self.per_task:
            problems.extend(task_problems)
        return problems

    def _reserved(self, task: TaskConfig, maps: bool) -> str | None:
        if task.id == PARAMS_ROOT and self.config.parameters is not None:
            return (
                f"task id {PARAMS_ROOT!r} is reserved: this pipeline declares parameters, "
                f"which references reach as '{PARAMS_ROOT}.NAME'; rename the task"
            )
        if task.id == ITEM_ROOT and maps:
            return (
                f"task id {ITEM_ROOT!r} is reserved: inside a mapped task (for_each) "
                f"'{ITEM_ROOT}' is the current element; rename the task"
            )
        return None

    def _result(self) -> None:
        text = self.config.result
        if text is None:
            return
        try:
            self.result = parse_dependent(text)
        except ReferenceSyntaxError as error:
            self.general.append(Problem(None, "result", str(error)))

    def _extras(self, index: int, task: TaskConfig) -> None:
        """Parse ``when`` and ``for_each``; options that only make sense with a map."""
        problems = self.per_task[index]
        if task.when is not None:
            try:
                self.conditions[index] = parse_condition(task.when)
            except ConditionSyntaxError as error:
                problems.append(Problem(task.id, "when", str(error)))
        if task.for_each is not None:
            if "${" in task.for_each:
                problems.append(
                    Problem(
                        task.id,
                        "for_each",
                        "for_each takes a reference to a list (like 'fetch.items'), "
                        "not a ${...} template",
                    )
                )
            else:
                try:
                    self.for_each[index] = parse_reference(task.for_each)
                except ReferenceSyntaxError as error:
                    problems.append(Problem(task.id, "for_each", str(error)))
        else:
            for name in ("max_parallel", "on_item_failure"):
                if getattr(task, name) is not None:
                    problems.append(
                        Problem(
                            task.id,
                            name,
                            f"{name} only applies to a mapped task; add for_each or remove it",
                        )
                    )
        if (
            task.pool is not None
            and self.known_pools is not None
            and task.pool not in self.config.pools
            and task.pool not in self.known_pools
        ):
            known = sorted(set(self.config.pools) | set(self.known_pools))
            hint = self.suggest(task.pool, known)
            listing = ", ".join(known) if known else "none"
            problems.append(
                Problem(
                    task.id,
                    "pool",
                    f"unknown pool {task.pool!r}{hint}; declare its size in the "
                    f'pipeline\'s "pools" or on the service (known pools: {listing})',
                )
            )

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
        self._parameter_types(task, spec, parsed, problems)

    def _parameter_types(
        self,
        task: TaskConfig,
        spec: OperationSpec,
        parsed: Mapping[str, DependentValue],
        problems: list[Problem],
    ) -> None:
        """``params.NAME`` fed whole to an operation param: the declared types must meet."""
        if self.config.parameters is None:
            return
        for name, value in parsed.items():
            param = spec.params.get(name)
            if (
                param is None
                or not isinstance(value, Reference)
                or value.task_id != PARAMS_ROOT
                or len(value.path) != 1
            ):
                continue
            declared = self.parameters.get(str(value.path[0]))
            if declared is None or "any" in declared.type.kinds or "any" in param.type.kinds:
                continue
            kinds = set(declared.type.kinds)
            if "float" in param.type.kinds:
                kinds.discard("int")
            if not kinds & param.type.kinds and not (
                "int" in declared.type.kinds and "float" in param.type.kinds
            ):
                problems.append(
                    Problem(
                        task.id,
                        f"dependent_params.{name}",
                        f"parameter {value.path[0]!r} is declared {declared.type}, but "
                        f"parameter {name!r} of operation {spec.name!r} expects {param.type}",
                    )
                )

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
            mapped = task.for_each is not None
            found: list[tuple[str, Reference, bool]] = []
            for name, value in self.parsed[index].items():
                references = (value,) if isinstance(value, Reference) else value.references
                found.extend((f"dependent_params.{name}", ref, mapped) for ref in references)
            condition = self.conditions[index]
            if condition is not None:
                found.extend(("when", ref, False) for ref in condition.references)
            each = self.for_each[index]
            if each is not None:
                found.append(("for_each", each, False))
            for field, reference, item_allowed in found:
                message = self._reference_problem(
                    task.id, reference, dependencies, item_allowed=item_allowed
                )
                if message is not None:
                    self.per_task[index].append(Problem(task.id, field, message))
        if isinstance(self.result, Reference | Template):
            references = (
                (self.result,) if isinstance(self.result, Reference) else self.result.references
            )
            for reference in references:
                message = self._root_problem(reference, item_allowed=False)
                if message is None and reference.task_id not in self.first_index:
                    hint = self.suggest(reference.task_id, self.first_index)
                    message = (
                        f"{str(reference)!r} refers to unknown task {reference.task_id!r}{hint}"
                    )
                if message is not None and message != "":
                    self.general.append(Problem(None, "result", message))

    def _root_problem(self, reference: Reference, *, item_allowed: bool) -> str | None:
        """For a reference rooted at ``params`` or ``item``: its problem, or ``""`` if fine.

        ``None`` means the root is an ordinary task id, to be checked as one.
        """
        target = reference.task_id
        if target == PARAMS_ROOT and self.config.parameters is not None:
            if not reference.path:
                return ""
            name = reference.path[0]
            if isinstance(name, str) and name in self.parameters:
                return ""
            if isinstance(name, str) and name in (self.config.parameters or {}):
                return ""  # declared, with a problem of its own already reported
            known = ", ".join(self.parameters) or "none"
            hint = self.suggest(str(name), self.parameters)
            return f"{str(reference)!r}: unknown parameter {name!r}{hint} (declared: {known})"
        if target == ITEM_ROOT and target not in self.first_index:
            if item_allowed:
                return ""
            return (
                f"{str(reference)!r}: '{ITEM_ROOT}' is the current element of a mapped task, "
                "usable only in the dependent_params of a task with for_each"
            )
        return None

    def _reference_problem(
        self,
        task: str,
        reference: Reference,
        dependencies: Mapping[str, Sequence[str]],
        *,
        item_allowed: bool = False,
    ) -> str | None:
        root = self._root_problem(reference, item_allowed=item_allowed)
        if root is not None:
            return root or None
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
            upstream = reaches(dependencies, task, target)
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
            plan = TaskPlan(
                id=task.id,
                operation=task.operation,
                independent_params=types.MappingProxyType(dict(task.independent_params)),
                dependent_params=types.MappingProxyType(self.parsed[index]),
                dependencies=self.graph.dependencies(task.id),
                retry=policy,
                timeout=self.config.timeout_for(task),
                spec=operations.get(task.operation),
                when=self.conditions[index],
                trigger_rule=task.trigger_rule or "all_success",
                for_each=self.for_each[index],
                map_parallel=task.max_parallel,
                on_item_failure=task.on_item_failure or "fail",
                pool=task.pool,
            )
            uses_params = self.config.parameters is not None and any(
                ref.task_id == PARAMS_ROOT for ref in plan.references
            )
            if uses_params:
                plan = dataclasses.replace(plan, uses_params=True)
            plans[task.id] = plan
        return Pipeline(
            self.config,
            self.graph,
            types.MappingProxyType(plans),
            parameters=self.parameters,
            result=self.result,
        )


def check_pipeline(
    config: PipelineConfig,
    operations: Mapping[str, OperationSpec] | None = None,
    *,
    pools: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem in ``config``; ``operations=None`` skips the operation and param checks,
    ``pools=None`` the check that each task's pool is known."""
    return _Checker(config, operations, pools).run()


def validate_pipeline(
    config: PipelineConfig,
    operations: Mapping[str, OperationSpec] | None = None,
    *,
    source: str | None = None,
    pools: Collection[str] | None = None,
) -> Pipeline:
    """The runnable :class:`Pipeline`, or :class:`PipelineError` listing every problem.

    ``source`` (a file name, an upload name) only goes into the error message; ``pools`` are
    the pool names the service knows besides those the config declares.
    """
    checker = _Checker(config, operations, pools)
    problems = checker.run()
    if problems:
        raise PipelineError(problems, source=source, dag=config.dag_id)
    return checker.pipeline()
