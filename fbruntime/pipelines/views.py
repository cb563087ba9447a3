"""What the pipeline service shows, with secrets kept secret (a part of the service).

:class:`ServiceViews` is mixed into :class:`~fbruntime.pipelines.service.PipelineService`: the
check that every ``{"$secret": NAME}`` a config uses is set, the config and run views the API,
the page and the ZIP show (secret params redacted, a run's parent and nested runs), and the
:class:`~fbruntime.pipelines.secrets.Redactor` a run's recorder scrubs with (see
:mod:`.secrets`). Trigger parameters named like secrets (``token``...) count as secret params.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from fbruntime.store import NotFound, Run, RunDetail

from .archive import detail_dict
from .plan import Pipeline
from .problems import PipelineError, Problem
from .secrets import Redactor, is_secret_param, redact_params, secret_name, valid_secret_name

if TYPE_CHECKING:
    from .operation import OperationRegistry
    from .secrets import SecretStore

__all__ = ["ServiceViews"]

Overrides = Mapping[str, Mapping[str, Any]]


class ServiceViews:
    """Mixed into the service (module docstring)."""

    secrets: SecretStore

    @property
    def operations(self) -> OperationRegistry:
        raise NotImplementedError

    def pipeline(self, dag_id: str) -> Pipeline:
        raise NotImplementedError

    def _check_secrets(self, pipeline: Pipeline, source: str | None) -> None:
        """Every ``{"$secret": NAME}`` in the config names a secret that is set."""
        problems = []
        for plan in pipeline.tasks.values():
            for param, value in plan.independent_params.items():
                name = secret_name(value)
                if name is None:
                    continue
                field = f"independent_params.{param}"
                if not valid_secret_name(name):
                    problems.append(
                        Problem(
                            plan.id,
                            field,
                            f"{name!r} is not a secret name (letters, "
                            "digits and '_', not starting with a digit)",
                        )
                    )
                elif self.secrets.get(name) is None:
                    problems.append(
                        Problem(
                            plan.id,
                            field,
                            f"secret {name!r} is not set ({self.secrets.where(name)})",
                        )
                    )
        if problems:
            raise PipelineError(problems, source=source, dag=pipeline.dag_id)

    def secret_params(self, operation: str) -> frozenset[str]:
        try:
            return self.operations.secret_params(operation)
        except KeyError:
            return frozenset()

    def config_view(self, dag_id: str) -> dict[str, Any]:
        """The config as the API and page show it: inline secrets replaced by ``***``."""
        config = self.pipeline(dag_id).config.model_dump(mode="json", exclude_none=True)
        for task in config["tasks"]:
            params = task.get("independent_params")
            if params:
                task["independent_params"] = redact_params(
                    params, self.secret_params(task["operation"])
                )
        return config

    def redact_run_params(self, dag_id: str, params: Any) -> dict[str, Any]:
        """A run's (or schedule's) ``{task: {param: value}}`` overrides with secrets redacted."""
        if not isinstance(params, dict):
            return {}
        try:
            pipeline: Pipeline | None = self.pipeline(dag_id)
        except NotFound:
            pipeline = None
        shown: dict[str, Any] = {}
        for task_id, values in params.items():
            plan = pipeline.tasks.get(task_id) if pipeline is not None else None
            secret = self.secret_params(plan.operation) if plan is not None else frozenset()
            shown[task_id] = redact_params(values, secret) if isinstance(values, dict) else values
        return shown

    def run_view(
        self, detail: RunDetail, *, logs: bool = True, children: Sequence[Run] = ()
    ) -> dict[str, Any]:
        """A run with its tasks, attempts and logs as the API shows it (params redacted), its
        parent and the nested runs it started (``children``)."""
        data = detail_dict(detail, logs=logs, children=children)
        data["params"] = self.redact_run_params(detail.run.pipeline, detail.run.params)
        data["parameters"] = redact_params(detail.run.parameters)
        return data

    def redactor_for(
        self,
        pipeline: Pipeline,
        params: Overrides | None = None,
        parameters: Mapping[str, Any] | None = None,
    ) -> Redactor:
        """What a run must never show: every known secret and its inline secret params."""
        values = set(self.secrets.values())
        for plan in pipeline.tasks.values():
            secret = self.secret_params(plan.operation)
            for param, value in plan.independent_params.items():
                if param in secret and isinstance(value, str):
                    values.add(value)
        for task_id, task_params in (params or {}).items():
            found = pipeline.tasks.get(task_id)
            secret = self.secret_params(found.operation) if found is not None else frozenset()
            for param, value in task_params.items():
                if isinstance(value, str) and is_secret_param(param, secret):
                    values.add(value)
        for name, value in (parameters or {}).items():
            # Trigger parameters named like secrets (token, password...) are secrets too.
            if isinstance(value, str) and is_secret_param(name):
                values.add(value)
        return Redactor(values)
