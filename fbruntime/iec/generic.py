"""The generic types (ANY, ANY_INT, ANY_NUM, ...): families of types, used for pins and functions.

A generic type has no values of its own; a pin declared ANY_NUM takes the type of whatever is
connected to it. ``accepts`` answers whether a concrete type belongs to the family.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .aggregates import ArrayType, StructType, StructValue
from .base import IecType
from .elementary import ELEMENTARY_TYPES

__all__ = ["GENERIC_TYPES", "GenericType", "find_generic", "type_of_value"]

_SIGNED = frozenset({"SINT", "INT", "DINT", "LINT"})
_UNSIGNED = frozenset({"USINT", "UINT", "UDINT", "ULINT"})
_INT = _SIGNED | _UNSIGNED
_REAL = frozenset({"REAL", "LREAL"})
_NUM = _INT | _REAL
_DURATION = frozenset({"TIME", "LTIME"})
_BIT = frozenset({"BOOL", "BYTE", "WORD", "DWORD", "LWORD"})
_STRING = frozenset({"STRING", "WSTRING"})
_CHAR = frozenset({"CHAR", "WCHAR"})
_DATE = frozenset({"DATE", "LDATE", "TIME_OF_DAY", "LTOD", "DATE_AND_TIME", "LDT"})
_ALL = frozenset(ELEMENTARY_TYPES)

#: Members of each generic family that is a set of elementary types.
_FAMILIES: Mapping[str, frozenset[str]] = {
    "ANY_ELEMENTARY": _ALL,
    "ANY_MAGNITUDE": _NUM | _DURATION,
    "ANY_NUM": _NUM,
    "ANY_REAL": _REAL,
    "ANY_INT": _INT,
    "ANY_SIGNED": _SIGNED,
    "ANY_UNSIGNED": _UNSIGNED,
    "ANY_DURATION": _DURATION,
    "ANY_BIT": _BIT,
    "ANY_CHARS": _STRING | _CHAR,
    "ANY_SCHARS": frozenset({"STRING", "CHAR"}),
    "ANY_WCHARS": frozenset({"WSTRING", "WCHAR"}),
    "ANY_STRING": _STRING,
    "ANY_CHAR": _CHAR,
    "ANY_DATE": _DATE,
}


@dataclass(frozen=True, slots=True)
class GenericType(IecType):
    """A generic family such as ANY_NUM. Its values are those of whatever type it stands for."""

    name: str

    is_generic: ClassVar[bool] = True

    def accepts(self, t: IecType) -> bool:
        """Whether the concrete (or narrower generic) type ``t`` belongs to this family."""
        if isinstance(t, GenericType):
            return self.name == "ANY" or (
                t.name in _FAMILIES and _FAMILIES[t.name] <= _FAMILIES.get(self.name, frozenset())
            )
        if self.name == "ANY":
            return True
        if isinstance(t, (ArrayType, StructType)):
            return self.name == "ANY_DERIVED" or (
                self.name == "ANY_STRUCT" and isinstance(t, StructType)
            )
        return t.name in _FAMILIES.get(self.name, frozenset())

    def default(self) -> Any:
        """None: a generic pin has no value until a concrete type is known."""
        return None

    def coerce(self, value: Any) -> Any:
        """Values pass through unchanged: the concrete type is the value's own."""
        return value

    def copy(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.copy(v) for v in value]
        if isinstance(value, StructValue):
            return value.iec_type.copy(value)
        return value

    def __repr__(self) -> str:
        return f"GenericType({self.name!r})"


GENERIC_TYPES: Mapping[str, GenericType] = {
    name: GenericType(name) for name in ("ANY", "ANY_DERIVED", "ANY_STRUCT", *_FAMILIES)
}


def find_generic(name: str) -> GenericType | None:
    return GENERIC_TYPES.get(name.strip().upper())


def type_of_value(value: Any) -> IecType:
    """A best guess at the type of a bare Python value, for printing values of generic pins."""
    if isinstance(value, bool):
        return ELEMENTARY_TYPES["BOOL"]
    if isinstance(value, int):
        return ELEMENTARY_TYPES["LINT" if value < 1 << 63 else "ULINT"]
    if isinstance(value, float):
        return ELEMENTARY_TYPES["LREAL"]
    if isinstance(value, str):
        wide = any(ord(c) > 0xFF for c in value)
        return ELEMENTARY_TYPES["WSTRING" if wide else "STRING"]
    if isinstance(value, StructValue):
        return value.iec_type
    if isinstance(value, list):
        element: IecType = type_of_value(value[0]) if value else ELEMENTARY_TYPES["LINT"]
        return ArrayType(element, 0, max(len(value) - 1, 0))
    return GENERIC_TYPES["ANY"]
