"""Errors the engine raises at definition and build time.

Run-time faults of a block never propagate as exceptions: the resource records them on the
instance (see ``FBInstance.rt__record_error``) and carries on, as a PLC must.
"""

from __future__ import annotations

__all__ = [
    "ConnectionError_",
    "DefinitionError",
    "EngineError",
    "LifecycleError",
    "NetworkError",
    "NoSuchObject",
]


class EngineError(Exception):
    """Base of the engine's errors."""


class DefinitionError(EngineError):
    """A block or composite type is declared wrongly (duplicate pin, bad WITH, cycle...)."""


class NetworkError(EngineError):
    """A network is built wrongly: unknown block or pin, bad parameter."""


class ConnectionError_(NetworkError):
    """A connection is refused; the message names both ends."""


class NoSuchObject(NetworkError, KeyError):
    """A dotted path names no block or pin."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "no such object"


class LifecycleError(EngineError):
    """An operation is not allowed in the current state (e.g. reset while running)."""
