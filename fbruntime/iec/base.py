"""The root of the type model: what every IEC type, elementary, aggregate or generic, offers.

Values are plain Python objects (bool, int, float, str, list, StructValue); a type object knows how
to make, check, copy, print and parse them. Printing and parsing live in ``printing`` and
``literals``; the methods here only forward to them so that callers can write ``typ.format(v)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

__all__ = ["IecType"]


class IecType(ABC):
    """An IEC 61131-3 data type. Instances are immutable and hashable; compare them with ``==``."""

    __slots__ = ()

    name: str
    #: True for ARRAY and STRUCT: their values are mutable and must be copied on transfer.
    is_aggregate: ClassVar[bool] = False
    #: True for ANY, ANY_INT, ...: such a type has no values of its own.
    is_generic: ClassVar[bool] = False

    @abstractmethod
    def default(self) -> Any:
        """The initial value of a variable of this type with no declared initial value."""

    @abstractmethod
    def coerce(self, value: Any) -> Any:
        """Turn a Python value into this type's canonical value (wrapping integers like FORTE)."""

    def copy(self, value: Any) -> Any:
        """A value that can be assigned without sharing: identity for immutable values."""
        return value

    def format(self, value: Any) -> str:
        """The literal FORTE prints for ``value`` (its toString); ``parse`` reads it back."""
        from .printing import format_value

        return format_value(self, value)

    def parse(self, text: str, *, where: str = "") -> Any:
        """Read a literal meant for this type and return the value (see ``parse_literal``)."""
        from .literals import parse_literal

        return parse_literal(text, self, where=where)[1]

    def __str__(self) -> str:
        return self.name
