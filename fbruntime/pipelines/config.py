"""The client's JSON pipeline config as pydantic models, and its shape errors as Problems.

These models check the *shape* only: field names, JSON types, ranges, the form of ids. Whether
dependencies exist, whether there is a cycle, and whether params fit the operation need the whole
config and the operation registry; :mod:`fbruntime.pipelines.validation` does that.

Only the client's fields are accepted, plus the documented extras: retry tuning and ``timeout``
(at the pipeline level as defaults for every task, at the task level as overrides), and the graph
extras of FORMAT.md: ``for_each`` (map over a list), ``when`` and ``trigger_rule`` (branches and
joins), ``pool`` and ``pools`` (shared concurrency limits), ``parameters`` (declared trigger
parameters), ``max_parallel`` and ``result``.
Numbers are strict: ``"3"`` is not ``3`` and ``true`` is not ``1``, so a quoted number in a config is
reported instead of quietly accepted.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from .limits import MAX_BACKOFF, MAX_DELAY_S, MAX_RETRIES, check_limits
from .problems import PipelineError, Problem, json_kind
from .retry import (
    DEFAULT_MAX_DELAY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_DELAY,
    RetryPolicy,
)

__all__ = [
    "DAG_NAME_PATTERN",
    "PARAMETER_NAME_PATTERN",
    "POOL_NAME_PATTERN",
    "TASK_ID_PATTERN",
    "TRIGGER_RULES",
    "ParameterConfig",
    "PipelineConfig",
    "TaskConfig",
    "parse_config",
]

DAG_NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
TASK_ID_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,127}")
PARAMETER_NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
POOL_NAME_PATTERN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")

TriggerRule = Literal[
    "all_success",
    "none_failed",
    "none_failed_min_one_success",
    "all_done",
    "one_success",
    "one_failed",
    "all_failed",
]
TRIGGER_RULES: tuple[str, ...] = TriggerRule.__args__  # type: ignore[attr-defined]
MAX_WORKERS = 1024
"""Upper bound on ``max_parallel``: asyncio workers are cheap, but not free."""

# Names Windows will not create as folders, whatever the extension.
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)],
)

_MODEL_CONFIG = ConfigDict(frozen=True, extra="forbid", strict=True)


def _check_dag_name(value: str) -> str:
    if not DAG_NAME_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} cannot be used as a folder name: use 1 to 100 letters, digits, "
            "'_', '-' or '.', starting with a letter or digit",
        )
    if value.endswith("."):
        raise ValueError(f"{value!r} cannot be used as a folder name: it ends with '.'")
    if value.split(".")[0].upper() in _RESERVED_NAMES:
        raise ValueError(f"{value!r} cannot be used as a folder name: it is reserved on Windows")
    return value


def _check_task_id(value: str) -> str:
    if not TASK_ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a valid task id: use 1 to 128 letters, digits, '_' or '-', "
            "not starting with '-' (ids are used in references like 'fetch.items[0]')",
        )
    return value


class TaskConfig(BaseModel):
    """One task as the config writes it. Retry fields left out inherit the pipeline's."""

    model_config = _MODEL_CONFIG

    id: str
    operation: str = Field(min_length=1)
    independent_params: dict[str, Any] = Field(default_factory=dict)
    dependent_params: dict[str, str] = Field(default_factory=dict)
    dependencies: tuple[str, ...] = Field(default=(), strict=False)
    max_retries: int | None = Field(default=None, ge=0, le=MAX_RETRIES)
    retry_delay: float | None = Field(default=None, ge=0, le=MAX_DELAY_S)
    backoff: float | None = Field(default=None, ge=1, le=MAX_BACKOFF)
    max_delay: float | None = Field(default=None, gt=0, le=MAX_DELAY_S)
    jitter: float | None = Field(default=None, ge=0, le=1)
    no_retry_on: tuple[str, ...] | None = Field(default=None, strict=False)
    timeout: float | None = Field(default=None, gt=0, le=MAX_DELAY_S)
    when: str | None = Field(default=None, min_length=1)
    trigger_rule: TriggerRule | None = None
    for_each: str | None = Field(default=None, min_length=1)
    max_parallel: int | None = Field(default=None, ge=1, le=MAX_WORKERS)
    on_item_failure: Literal["fail", "continue"] | None = None
    pool: str | None = None

    _check_id = field_validator("id")(_check_task_id)

    @field_validator("pool")
    @classmethod
    def _pool_name(cls, value: str | None) -> str | None:
        if value is not None and not POOL_NAME_PATTERN.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a valid pool name: use 1 to 64 letters, digits, '_', '-' "
                "or '.', starting with a letter, digit or '_'"
            )
        return value


class ParameterConfig(BaseModel):
    """A declared trigger parameter: its type, its default (none: required), what it means."""

    model_config = _MODEL_CONFIG

    type: str = "any"
    default: Any = None
    description: str = ""

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set


class PipelineConfig(BaseModel):
    """A whole pipeline: its id, the retry defaults, and the tasks in the order written."""

    model_config = _MODEL_CONFIG

    dag_name: str
    max_retries: int = Field(default=DEFAULT_MAX_RETRIES, ge=0, le=MAX_RETRIES)
    retry_delay: float = Field(default=DEFAULT_RETRY_DELAY, ge=0, le=MAX_DELAY_S)
    backoff: float = Field(default=1.0, ge=1, le=MAX_BACKOFF)
    max_delay: float = Field(default=DEFAULT_MAX_DELAY, gt=0, le=MAX_DELAY_S)
    jitter: float = Field(default=0.0, ge=0, le=1)
    no_retry_on: tuple[str, ...] = Field(default=(), strict=False)
    timeout: float | None = Field(default=None, gt=0, le=MAX_DELAY_S)
    parameters: dict[str, ParameterConfig] | None = None
    max_parallel: int | None = Field(default=None, ge=1, le=MAX_WORKERS)
    pools: dict[str, int] = Field(default_factory=dict)
    result: str | None = Field(default=None, min_length=1)
    tasks: tuple[TaskConfig, ...] = Field(strict=False)

    _check_name = field_validator("dag_name")(_check_dag_name)

    @field_validator("parameters")
    @classmethod
    def _parameter_names(
        cls, value: dict[str, ParameterConfig] | None
    ) -> dict[str, ParameterConfig] | None:
        for name in value or {}:
            if not PARAMETER_NAME_PATTERN.fullmatch(name):
                raise ValueError(
                    f"{name!r} is not a valid parameter name: use 1 to 64 letters, digits or "
                    "'_', not starting with a digit (it is referred to as params.NAME)"
                )
        return value

    @field_validator("pools")
    @classmethod
    def _pool_sizes(cls, value: dict[str, int]) -> dict[str, int]:
        for name, size in value.items():
            if not POOL_NAME_PATTERN.fullmatch(name):
                raise ValueError(
                    f"{name!r} is not a valid pool name: use 1 to 64 letters, digits, '_', "
                    "'-' or '.', starting with a letter, digit or '_'"
                )
            if size < 1:
                raise ValueError(f"pool {name!r} must allow at least 1 task at once, got {size}")
        return value

    @field_validator("tasks")
    @classmethod
    def _at_least_one_task(cls, tasks: tuple[TaskConfig, ...]) -> tuple[TaskConfig, ...]:
        # Not min_length: pydantic would also report "empty" when every task had an error.
        if not tasks:
            raise ValueError("a pipeline needs at least one task")
        return tasks

    @property
    def dag_id(self) -> str:
        """The id the runner files this pipeline under (configs per dag_id, ``dag/dag_{id}/``)."""
        return self.dag_name

    def retry_fields(self, task: TaskConfig) -> dict[str, Any]:
        """The task's retry settings: its own where given, the pipeline's otherwise."""
        names = ("max_retries", "retry_delay", "backoff", "max_delay", "jitter", "no_retry_on")
        own = {name: getattr(task, name) for name in names}
        return {name: getattr(self, name) if own[name] is None else own[name] for name in names}

    def retry_policy(self, task: TaskConfig) -> RetryPolicy:
        """The task's effective policy; ``ValidationError`` if the mix is contradictory."""
        return RetryPolicy(**self.retry_fields(task))

    def timeout_for(self, task: TaskConfig) -> float | None:
        """Seconds one attempt of the task may take (``None``: no limit)."""
        return self.timeout if task.timeout is None else task.timeout


_KIND_WORDS = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "dict_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def _unknown_field_message(name: str, model: type[BaseModel]) -> str:
    allowed = _allowed_fields(model)
    message = f"unknown field {name!r}"
    close = difflib.get_close_matches(name, allowed, n=1)
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message + "; allowed fields: " + ", ".join(allowed)


def _field_path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for item in loc:
        if isinstance(item, int):
            text += f"[{item}]"
        else:
            text += f".{item}" if text else item
    return text


def _message(error: ErrorDetails, model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """The sentence for one pydantic error; ``loc`` is relative to ``model``."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return _unknown_field_message(str(loc[-1]), model)
    if kind == "missing":
        return "required field is missing"
    if kind == "string_type" and loc and loc[0] == "dependent_params":
        return (
            f"expected a reference string like 'fetch.items[0]', got {json_kind(value)} "
            f"{_shown(value)} (fixed values belong in independent_params)"
        )
    if kind in _KIND_WORDS:
        return f"expected {_KIND_WORDS[kind]}, got {json_kind(value)} {_shown(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<="}.get(
            kind, "<"
        )
        bound = next(iter(ctx.values()))
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)  # float fields report "0.0"; the user wrote 0
        return f"must be {sign} {bound}, got {_shown(value)}"
    if kind in ("too_short", "string_too_short"):
        return "must not be empty"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}, got {_shown(value)}"
    return f"{error['msg']} (got {_shown(value)})"


def _problems_from(error: ValidationError, data: object) -> list[Problem]:
    raw_tasks = data.get("tasks") if isinstance(data, Mapping) else None
    problems: list[Problem] = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        model: type[BaseModel] = PipelineConfig
        relative = loc
        task: str | None = None
        if len(loc) >= 2 and loc[0] == "tasks" and isinstance(loc[1], int):
            model = TaskConfig
            relative = loc[2:]
            raw = raw_tasks[loc[1]] if isinstance(raw_tasks, list | tuple) else None
            raw_id = raw.get("id") if isinstance(raw, Mapping) else None
            if isinstance(raw_id, str) and TASK_ID_PATTERN.fullmatch(raw_id):
                task = raw_id
                loc = relative
        elif len(loc) >= 3 and loc[0] == "parameters":
            model = ParameterConfig
            relative = loc[2:]
        field = _field_path(loc) if loc else None
        if detail["type"] in ("model_type", "model_attributes_type") and not relative:
            what = "task" if model is TaskConfig else "pipeline"
            message = f"a {what} must be a JSON object, got {json_kind(detail.get('input'))}"
        else:
            message = _message(detail, model, relative)
        problems.append(Problem(task, field, message))
    return problems


def parse_config(data: object, *, source: str | None = None) -> PipelineConfig:
    """Build the models from decoded JSON; ``PipelineError`` lists every shape problem.

    The bounds of :mod:`.limits` on size and depth are checked first, on the raw data.
    """
    check_limits(data)
    try:
        return PipelineConfig.model_validate(data)
    except ValidationError as error:
        dag = data.get("dag_name") if isinstance(data, Mapping) else None
        raise PipelineError(
            _problems_from(error, data),
            source=source,
            dag=dag if isinstance(dag, str) else None,
        ) from None
