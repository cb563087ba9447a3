"""The errors raised by the IEC value layer.

Every layer above (the engine, the ST compiler, the 4diac importer) catches these to add the file,
line or pin it knows about; so each error carries its facts as attributes, not only as text.
"""

from __future__ import annotations

__all__ = ["ConnectionTypeError", "IecError", "IecTypeError", "IecValueError", "LiteralError"]


class IecError(Exception):
    """Root of every error about IEC 61131-3 types and values."""


class IecTypeError(IecError, TypeError):
    """A type name is unknown, or two types cannot be used together."""


class IecValueError(IecError, ValueError):
    """A value cannot be represented in (or converted to) a type."""


class LiteralError(IecValueError):
    """A literal's text is not valid, or not valid for the type it is meant for."""

    def __init__(self, literal: str, expected: str | None, reason: str, *, where: str = "") -> None:
        self.literal = literal
        self.expected = expected
        self.where = where
        self.reason = reason
        from .limits import shorten

        text = f"bad literal {shorten(literal)}"
        if expected:
            text += f" for {expected}"
        if where:
            text += f" at {where}"
        super().__init__(f"{text}: {reason}")


class ConnectionTypeError(IecTypeError):
    """A data connection joins two types that FORTE would refuse to connect."""

    def __init__(self, source: str, destination: str, reason: str) -> None:
        self.source = source
        self.destination = destination
        self.reason = reason
        super().__init__(f"cannot connect {source} to {destination}: {reason}")
