"""TaskFlow pipelines: the client's JSON task-DAG config, checked before anything runs.

A pipeline config (``{"dag_name": ..., "max_retries": ..., "retry_delay": ..., "tasks": [...]}``,
described with examples in ``FORMAT.md`` next to this file) goes through three stages:

1. **decode** (:mod:`.loading`): JSON text or a file; syntax errors name file, line and column;
2. **shape** (:mod:`.config`): pydantic models of exactly the client's fields plus the documented
   extras; unknown fields, wrong JSON types and unsafe ids are refused;
3. **meaning** (:mod:`.validation`): unique ids, existing dependencies, no cycles, dependent
   params that refer only to upstream tasks (:mod:`.references`), params that fit the operation
   (:mod:`.operations`), consistent retry settings (:mod:`.retry`).

Every stage collects all its problems and raises one :class:`PipelineError` listing them. The
result is a :class:`Pipeline`: the config, its :class:`TaskGraph` (:mod:`.graph`: run order,
layers, upstream/downstream closures) and a :class:`TaskPlan` per task with everything parsed.

The execution side: :mod:`.runner` compiles a ``Pipeline`` onto one engine resource of
:mod:`.nodes` (task states and the recorder protocol in :mod:`.progress`), runs each attempt
with :mod:`.attempts` where its operation belongs (:mod:`.offload`: threads, worker processes,
the loop) inside a :class:`TaskScope`, and uses :func:`delay_for_attempt` and
:func:`should_retry` with its own clock. :mod:`.service` keeps configs, runs, archives
(:mod:`.archive`), recording (:mod:`.recording`), secrets (:mod:`.secrets`), limits
(:mod:`.limits`), metrics (:mod:`.metrics`), recovery and retention (:mod:`.upkeep`) behind one
object for the API (:mod:`.routes`), the CLI, cron (:mod:`.cron`) and the bot
(:mod:`.telegram_bot`).

The graph extras (FORMAT.md): trigger parameters (:mod:`.parameters`), ``when`` conditions
(:mod:`.conditions`) and trigger rules (:mod:`.branching`), run by :mod:`.flow`; maps
(:mod:`.mapping`); pools (:mod:`.pools`); nested pipelines (:mod:`.nested`); operations from
Loader folders (:mod:`.plugins`); 4diac XML in (:mod:`.fourdiac_import`) and out
(:mod:`.fbt_export`).
"""

from .config import PipelineConfig, TaskConfig, parse_config
from .graph import TaskGraph, find_cycles
from .isolation import AttemptTimeout, TaskScope
from .loading import load_pipeline, parse_config_json, pipeline_from_json, read_config
from .operation import (
    Operation,
    OperationError,
    OperationRegistry,
    Services,
    TaskContext,
    current_task,
    spec_of,
)
from .operations import NO_DEFAULT, OperationSpec, ParamSpec, ParamType, param_type
from .plan import ParamTypeError, Pipeline, TaskPlan
from .problems import PipelineError, Problem
from .references import (
    DependentValue,
    Reference,
    ReferenceSyntaxError,
    ResolutionError,
    Template,
    evaluate,
    parse_dependent,
    parse_reference,
    parse_template,
    render,
    resolve,
)
from .retry import RetryPolicy, delay_for_attempt, error_kinds, should_retry
from .runner import PipelineRun, RunStatus, TaskStatus
from .validation import check_pipeline, validate_pipeline

__all__ = [
    "NO_DEFAULT",
    "AttemptTimeout",
    "DependentValue",
    "Operation",
    "OperationError",
    "OperationRegistry",
    "OperationSpec",
    "ParamSpec",
    "ParamType",
    "ParamTypeError",
    "Pipeline",
    "PipelineConfig",
    "PipelineError",
    "PipelineRun",
    "Problem",
    "Reference",
    "ReferenceSyntaxError",
    "ResolutionError",
    "RetryPolicy",
    "RunStatus",
    "Services",
    "TaskConfig",
    "TaskContext",
    "TaskGraph",
    "TaskPlan",
    "TaskScope",
    "TaskStatus",
    "Template",
    "check_pipeline",
    "current_task",
    "delay_for_attempt",
    "error_kinds",
    "evaluate",
    "find_cycles",
    "load_pipeline",
    "param_type",
    "parse_config",
    "parse_config_json",
    "parse_dependent",
    "parse_reference",
    "parse_template",
    "pipeline_from_json",
    "read_config",
    "render",
    "resolve",
    "should_retry",
    "spec_of",
    "validate_pipeline",
]
