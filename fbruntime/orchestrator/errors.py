"""What the Orchestrator refuses, one class per answer a client needs (the API maps them to 404,
409 and 422); each message names the application and the pin or state involved."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AppExists",
    "AppFailed",
    "AppNotFound",
    "BadDefinition",
    "BadValue",
    "OrchestratorError",
    "PinNotFound",
    "Unsupported",
    "WrongState",
]


class OrchestratorError(Exception):
    """Base of the Orchestrator's refusals."""


class AppNotFound(OrchestratorError, LookupError):
    pass


class PinNotFound(OrchestratorError, LookupError):
    pass


class AppExists(OrchestratorError):
    pass


class WrongState(OrchestratorError):
    """The operation is not allowed in the application's current state."""


class BadDefinition(OrchestratorError, ValueError):
    """What an application should be made from is invalid (unknown kind, broken composite...)."""


class AppFailed(OrchestratorError):
    """The application itself failed (a block raised while starting); it was killed."""


class Unsupported(OrchestratorError):
    """This build cannot do it yet (e.g. 4diac systems before the importer's build step)."""


class BadValue(OrchestratorError, ValueError):
    """A value does not fit a pin; carries the literal and the expected type for the client."""

    def __init__(self, path: str, literal: Any, expected: str, reason: str) -> None:
        self.path = path
        self.literal = literal
        self.expected = expected
        self.reason = reason
        super().__init__(f"{path}: {literal!r} is not a valid {expected}: {reason}")
