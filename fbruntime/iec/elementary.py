"""The elementary types (BOOL, the integers and bit strings, REAL/LREAL, strings, times, dates).

One ``ElementaryType`` object exists per type; ``elementary(name)`` finds it by any of its names.
The Python representation of each kind of value is fixed here (see the package docstring).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .base import IecType
from .errors import IecTypeError, IecValueError
from .limits import MAX_STRING_LENGTH, shorten
from .numeric import NS_PER_DAY, NS_PER_US, round_half_even, to_real32, wrap_int

__all__ = [
    "ELEMENTARY_TYPES",
    "ElementaryType",
    "Kind",
    "elementary",
    "find_elementary",
    "int_range",
]

#: What sort of values a type holds; the same for a type and its long (L...) variant.
Kind = Literal["bool", "int", "bits", "real", "string", "char", "duration", "date", "tod", "dt"]

_EPOCH = _dt.datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class ElementaryType(IecType):
    """One elementary type. ``bits`` is the storage width (strings: 8 or 16 per character)."""

    name: str
    kind: Kind
    bits: int
    signed: bool = False

    @property
    def is_bool(self) -> bool:
        return self.kind == "bool"

    @property
    def is_integer(self) -> bool:
        """ANY_INT: the signed and unsigned integers (not the bit strings)."""
        return self.kind == "int"

    @property
    def is_signed(self) -> bool:
        return self.signed

    @property
    def is_bit_string(self) -> bool:
        """BYTE, WORD, DWORD, LWORD (BOOL is in ANY_BIT too: see ``is_any_bit``)."""
        return self.kind == "bits"

    @property
    def is_any_bit(self) -> bool:
        return self.kind in ("bits", "bool")

    @property
    def is_integral(self) -> bool:
        """Held as a bounded int: the integers and the bit strings."""
        return self.kind in ("int", "bits")

    @property
    def is_real(self) -> bool:
        return self.kind == "real"

    @property
    def is_numeric(self) -> bool:
        """ANY_NUM: integers and reals."""
        return self.kind in ("int", "real")

    @property
    def is_string(self) -> bool:
        """STRING or WSTRING."""
        return self.kind == "string"

    @property
    def is_char(self) -> bool:
        """CHAR or WCHAR."""
        return self.kind == "char"

    @property
    def is_wide(self) -> bool:
        """WSTRING or WCHAR."""
        return self.kind in ("string", "char") and self.bits == 16

    @property
    def is_duration(self) -> bool:
        """TIME or LTIME."""
        return self.kind == "duration"

    @property
    def is_date_like(self) -> bool:
        """ANY_DATE: DATE, TOD, DT and their long variants."""
        return self.kind in ("date", "tod", "dt")

    @property
    def is_long(self) -> bool:
        """The 64-bit time variants LTIME, LDATE, LTOD, LDT."""
        return self.name in ("LTIME", "LDATE", "LTOD", "LDT")

    def default(self) -> Any:
        return _DEFAULTS[self.kind]

    def coerce(self, value: Any) -> Any:
        return _COERCERS[self.kind](self, value)

    def __repr__(self) -> str:
        return f"elementary({self.name!r})"


def _fail(t: ElementaryType, value: Any, why: str = "") -> IecValueError:
    text = f"cannot store {shorten(value)} ({type(value).__name__}) in {t.name}"
    return IecValueError(f"{text}: {why}" if why else text)


def _as_int(t: ElementaryType, value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _fail(t, value, "not a finite number")
        return round_half_even(value)
    raise _fail(t, value)


def _coerce_bool(t: ElementaryType, value: Any) -> bool:
    if isinstance(value, (bool, int)):
        return bool(value)
    raise _fail(t, value)


def _coerce_integral(t: ElementaryType, value: Any) -> int:
    return wrap_int(_as_int(t, value), t.bits, t.signed)


def _coerce_real(t: ElementaryType, value: Any) -> float:
    if isinstance(value, (int, float)):
        try:
            f = float(value)
        except OverflowError:
            f = math.copysign(math.inf, value)
        return to_real32(f) if t.bits == 32 else f
    raise _fail(t, value)


def _coerce_string(t: ElementaryType, value: Any) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str):
        raise _fail(t, value)
    if len(value) > MAX_STRING_LENGTH and t.kind == "string":
        raise IecValueError(
            f"a {t.name} holds at most {MAX_STRING_LENGTH:,} characters; "
            f"this value has {len(value):,}"
        )
    if t.bits == 8 and any(ord(c) > 0xFF for c in value):
        raise _fail(t, value, "STRING holds only characters 0..255 (use WSTRING)")
    return value


def _coerce_char(t: ElementaryType, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = chr(wrap_int(value, t.bits, False))
    text = _coerce_string(t, value)
    if len(text) != 1:
        raise _fail(t, text, "a character is a string of length 1")
    return text


def _coerce_duration(t: ElementaryType, value: Any) -> int:
    if isinstance(value, _dt.timedelta):
        value = (
            value.days * 86_400 + value.seconds
        ) * 1_000_000_000 + value.microseconds * NS_PER_US
    return wrap_int(_as_int(t, value), 64, True)


def _datetime_ns(value: _dt.datetime) -> int:
    delta = value.replace(tzinfo=None) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * NS_PER_US


def _coerce_date(t: ElementaryType, value: Any) -> int:
    if isinstance(value, _dt.datetime):
        value = _datetime_ns(value)
    elif isinstance(value, _dt.date):
        value = _datetime_ns(_dt.datetime(value.year, value.month, value.day))
    ns = wrap_int(_as_int(t, value), 64, False)
    return ns - ns % NS_PER_DAY


def _coerce_tod(t: ElementaryType, value: Any) -> int:
    if isinstance(value, _dt.time):
        value = (
            (value.hour * 60 + value.minute) * 60 + value.second
        ) * 1_000_000_000 + value.microsecond * NS_PER_US
    return _as_int(t, value) % NS_PER_DAY


def _coerce_dt(t: ElementaryType, value: Any) -> int:
    if isinstance(value, _dt.datetime):
        value = _datetime_ns(value)
    return wrap_int(_as_int(t, value), 64, False)


_COERCERS = {
    "bool": _coerce_bool,
    "int": _coerce_integral,
    "bits": _coerce_integral,
    "real": _coerce_real,
    "string": _coerce_string,
    "char": _coerce_char,
    "duration": _coerce_duration,
    "date": _coerce_date,
    "tod": _coerce_tod,
    "dt": _coerce_dt,
}

_DEFAULTS: Mapping[str, Any] = {
    "bool": False,
    "int": 0,
    "bits": 0,
    "real": 0.0,
    "string": "",
    "char": "\x00",
    "duration": 0,
    "date": 0,
    "tod": 0,
    "dt": 0,
}


def _table() -> dict[str, ElementaryType]:
    types = [
        ElementaryType("BOOL", "bool", 1),
        ElementaryType("SINT", "int", 8, True),
        ElementaryType("INT", "int", 16, True),
        ElementaryType("DINT", "int", 32, True),
        ElementaryType("LINT", "int", 64, True),
        ElementaryType("USINT", "int", 8),
        ElementaryType("UINT", "int", 16),
        ElementaryType("UDINT", "int", 32),
        ElementaryType("ULINT", "int", 64),
        ElementaryType("BYTE", "bits", 8),
        ElementaryType("WORD", "bits", 16),
        ElementaryType("DWORD", "bits", 32),
        ElementaryType("LWORD", "bits", 64),
        ElementaryType("REAL", "real", 32, True),
        ElementaryType("LREAL", "real", 64, True),
        ElementaryType("STRING", "string", 8),
        ElementaryType("WSTRING", "string", 16),
        ElementaryType("CHAR", "char", 8),
        ElementaryType("WCHAR", "char", 16),
        ElementaryType("TIME", "duration", 64, True),
        ElementaryType("LTIME", "duration", 64, True),
        ElementaryType("DATE", "date", 64),
        ElementaryType("LDATE", "date", 64),
        ElementaryType("TIME_OF_DAY", "tod", 64),
        ElementaryType("LTOD", "tod", 64),
        ElementaryType("DATE_AND_TIME", "dt", 64),
        ElementaryType("LDT", "dt", 64),
    ]
    return {t.name: t for t in types}


#: The elementary types by canonical name, in FORTE's type-id order.
ELEMENTARY_TYPES: Mapping[str, ElementaryType] = _table()

_ALIASES = {
    "TOD": "TIME_OF_DAY",
    "DT": "DATE_AND_TIME",
    "LTIME_OF_DAY": "LTOD",
    "LDATE_AND_TIME": "LDT",
}
_BY_NAME: dict[str, ElementaryType] = {
    **ELEMENTARY_TYPES,
    **{alias: ELEMENTARY_TYPES[name] for alias, name in _ALIASES.items()},
}


def find_elementary(name: str) -> ElementaryType | None:
    """The elementary type called ``name`` (any case, any alias), or None."""
    return _BY_NAME.get(name.strip().upper())


def elementary(name: str) -> ElementaryType:
    """The elementary type called ``name``; IecTypeError names the unknown type."""
    found = find_elementary(name)
    if found is None:
        raise IecTypeError(f"unknown elementary data type {name!r}")
    return found


def int_range(t: IecType) -> tuple[int, int]:
    """The (lowest, highest) value of an integer or bit-string type, for inlined arithmetic."""
    if not isinstance(t, ElementaryType) or not t.is_integral:
        raise IecTypeError(f"{t.name} is not an integer or bit-string type")
    if t.signed:
        half = 1 << (t.bits - 1)
        return -half, half - 1
    return 0, (1 << t.bits) - 1
