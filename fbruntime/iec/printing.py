"""Printing values as the literals FORTE's toString produces.

These strings appear in management READ replies, watches and dumps, so they follow FORTE:
``TRUE``, ``-5``, ``1.5`` (REAL as ``%.9g``, LREAL as ``%.17g``, always with a ``.`` or exponent),
``'it$'s'``, ``"wide"``, ``CHAR#'a'``, ``T#1s500ms``, ``D#2024-01-31``, ``TOD#12:30:00.500``,
``DT#2024-01-31-12:30:00.000``, ``[1,2,3]``, ``(A:=1,B:=TRUE)``. Every printed literal reads back
to the same value with ``parse_literal(text, typ)``. Non-finite reals print as ``inf``, ``-inf``
and ``nan`` (FORTE has no literal for them; fbrt reads these back).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .aggregates import ArrayType, StructType
from .base import IecType
from .elementary import ElementaryType
from .generic import GenericType, type_of_value
from .strings import escape
from .times import format_date, format_dt, format_duration, format_tod

__all__ = ["format_typed", "format_value"]


def _real(value: float, digits: int) -> str:
    if not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    text = f"{value:.{digits}g}"
    if "." not in text and "e" not in text:
        text += ".0"
    return text


def _char(t: ElementaryType, value: str) -> str:
    if t.is_wide:
        return f'WCHAR#"{escape(value, True)}"'
    return "CHAR#''" if value == "\x00" else f"CHAR#'{escape(value, False)}'"


_PRINTERS: dict[str, Callable[[ElementaryType, Any], str]] = {
    "bool": lambda t, v: "TRUE" if v else "FALSE",
    "int": lambda t, v: str(v),
    "bits": lambda t, v: str(v),
    "real": lambda t, v: _real(v, 9 if t.bits == 32 else 17),
    "string": lambda t, v: f'"{escape(v, True)}"' if t.is_wide else f"'{escape(v, False)}'",
    "char": _char,
    "duration": lambda t, v: format_duration(v, "LT#" if t.is_long else "T#"),
    "date": lambda t, v: format_date(v, "LD#" if t.is_long else "D#"),
    "tod": lambda t, v: format_tod(v, "LTOD#" if t.is_long else "TOD#"),
    "dt": lambda t, v: format_dt(v, "LDT#" if t.is_long else "DT#"),
}


def format_value(typ: IecType, value: Any) -> str:
    """The canonical literal for ``value`` of type ``typ`` (FORTE's toString form)."""
    if isinstance(typ, ElementaryType):
        return _PRINTERS[typ.kind](typ, value)
    if isinstance(typ, ArrayType):
        element = typ.element
        return "[" + ",".join(format_value(element, v) for v in value) + "]"
    if isinstance(typ, StructType):
        return (
            "("
            + ",".join(f"{n}:={format_value(t, getattr(value, n))}" for n, t, _ in typ.members)
            + ")"
        )
    if isinstance(typ, GenericType):
        concrete = type_of_value(value)
        return repr(value) if concrete.is_generic else format_value(concrete, value)
    raise TypeError(f"cannot print values of {typ!r}")


#: Types whose literal already names its type (``T#1s``, ``D#2024-01-31``, ``CHAR#'a'``).
_SELF_PREFIXED = frozenset(
    {"TIME", "LTIME", "DATE", "LDATE", "TIME_OF_DAY", "LTOD", "DATE_AND_TIME", "LDT"}
    | {"CHAR", "WCHAR"}
)


def format_typed(typ: IecType, value: Any) -> str:
    """``value`` as a typed literal, as FORTE prints a value held by an ANY pin (its variants):
    ``INT#12``, ``BOOL#TRUE``, ``STRING#'ab'``; a time, date or character literal already names
    its type (``T#1s500ms``). For a generic ``typ`` the value's own type is used."""
    if isinstance(typ, GenericType):
        typ = type_of_value(value)
        if typ.is_generic:
            return repr(value)
    text = format_value(typ, value)
    if not isinstance(typ, ElementaryType) or typ.name in _SELF_PREFIXED:
        return text
    return f"{typ.name}#{text}"
