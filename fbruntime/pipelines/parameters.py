"""Trigger parameters: what a pipeline declares it can be started with, and checking a start.

A config declares its parameters once::

    "parameters": {
      "city":  {"type": "str", "default": "Berlin", "description": "where to ask about"},
      "days":  {"type": "int", "default": 1},
      "token": {"type": "str"}                      # no default: every start must give it
    }

and tasks read them as references rooted at ``params``: ``"params.city"``,
``"Weather in ${params.city}"``, ``"when": "params.days > 1"``. A run is started with values
(API ``{"parameters": {...}}``, ``fbrt pipeline run --param city=Paris``, the bot's
``/run DAG city=Paris``, the page's form); :func:`resolve_parameters` checks them against the
declaration (unknown names, types, required ones) and fills in the defaults, so a run always
holds the complete set it ran with (kept on the run, shown by the API and in the archive).

Types are the operation vocabulary (:func:`~fbruntime.pipelines.operations.param_type`):
``str``, ``int``, ``float``, ``bool``, ``list``, ``dict``, ``any``, IEC names, ``a|b``.
"""

from __future__ import annotations

import difflib
import types
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .config import ParameterConfig
from .operations import ParamType, param_type
from .problems import PipelineError, Problem

__all__ = ["PARAMS_ROOT", "ParameterSpec", "declare_parameters", "resolve_parameters"]

PARAMS_ROOT = "params"
"""The reference root that names the run's parameters."""

_NO_DEFAULT = object()


@dataclass(frozen=True, slots=True)
class ParameterSpec:
    """One declared parameter, its type parsed."""

    name: str
    type: ParamType
    default: Any
    description: str

    @property
    def required(self) -> bool:
        return self.default is _NO_DEFAULT

    def as_dict(self) -> dict[str, Any]:
        """The declaration as the API shows it (what a form needs)."""
        shown: dict[str, Any] = {
            "name": self.name,
            "type": str(self.type),
            "required": self.required,
            "description": self.description,
        }
        if not self.required:
            shown["default"] = self.default
        return shown


def declare_parameters(
    declared: Mapping[str, ParameterConfig] | None,
) -> tuple[Mapping[str, ParameterSpec], list[Problem]]:
    """The specs of a config's ``parameters``, and the problems of the declaration."""
    specs: dict[str, ParameterSpec] = {}
    problems: list[Problem] = []
    for name, config in (declared or {}).items():
        field = f"parameters.{name}"
        try:
            kind = param_type(config.type)
        except ValueError as error:
            problems.append(Problem(None, f"{field}.type", str(error)))
            continue
        default: Any = _NO_DEFAULT
        if not config.required:
            default = config.default
            if not kind.accepts(default):
                problems.append(
                    Problem(
                        None,
                        f"{field}.default",
                        f"the default does not fit: {kind.mismatch(default)}",
                    )
                )
                continue
        specs[name] = ParameterSpec(name, kind, default, config.description)
    return types.MappingProxyType(specs), problems


def resolve_parameters(
    specs: Mapping[str, ParameterSpec],
    given: Mapping[str, Any] | None,
    *,
    dag: str | None = None,
) -> dict[str, Any]:
    """The complete parameters of a run: ``given`` checked, defaults filled in.

    :class:`PipelineError` lists every unknown name, wrong type and missing required value.
    """
    given = dict(given or {})
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name, value in given.items():
        spec = specs.get(name)
        if spec is None:
            if specs:
                close = difflib.get_close_matches(name, list(specs), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                known = "; its parameters: " + ", ".join(specs)
            else:
                hint, known = "", "; it declares none"
            problems.append(
                Problem(None, f"parameters.{name}", f"unknown parameter {name!r}{hint}{known}")
            )
        elif not spec.type.accepts(value):
            problems.append(Problem(None, f"parameters.{name}", spec.type.mismatch(value)))
        else:
            values[name] = value
    for name, spec in specs.items():
        if name in given:
            continue
        if spec.required:
            problems.append(
                Problem(None, f"parameters.{name}", f"parameter {name!r} is required (no default)")
            )
        else:
            values[name] = spec.default
    if problems:
        raise PipelineError(problems, dag=dag, source="run parameters")
    return {name: values[name] for name in specs if name in values}
