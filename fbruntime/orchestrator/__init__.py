"""The Orchestrator: applications made from types, composites and 4diac systems, run in
isolation, watched without touching the hot path, and restored after a restart.

Modules: ``errors`` (refusals), ``values`` (typed in, JSON out), ``application`` (one app and its
device), ``builders`` (how each kind of application is built; the hook for pipelines) and
``orchestrator`` (the :class:`Orchestrator`).
"""

from fbruntime.orchestrator.application import STATES, Application
from fbruntime.orchestrator.builders import AppSpec, Builder, BuiltApp
from fbruntime.orchestrator.errors import (
    AppExists,
    AppFailed,
    AppNotFound,
    BadDefinition,
    BadValue,
    OrchestratorError,
    PinNotFound,
    Unsupported,
    WrongState,
)
from fbruntime.orchestrator.orchestrator import Orchestrator
from fbruntime.orchestrator.values import PinValue

__all__ = [
    "STATES",
    "AppExists",
    "AppFailed",
    "AppNotFound",
    "AppSpec",
    "Application",
    "BadDefinition",
    "BadValue",
    "Builder",
    "BuiltApp",
    "Orchestrator",
    "OrchestratorError",
    "PinNotFound",
    "PinValue",
    "Unsupported",
    "WrongState",
]
