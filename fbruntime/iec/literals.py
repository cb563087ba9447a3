"""Reading IEC 61131-3 literals as they appear in 4diac files, boot files and ST source.

``parse_literal`` reads every form of the 4diac literal grammar (4DIAC-FORMATS.md section b):
typed prefixes (``INT#-5``, ``BYTE#16#FF``, ``T#1s``), booleans, integers in bases 2, 8, 10 and 16
with ``_`` separators, reals, durations, dates, times of day, quoted strings with ``$`` escapes,
arrays with repeat counts (``[3(0), 1]``) and structs (``(A := 1, B := TRUE)``).

Decisions where FORTE and the IDE leave room:
  * An untyped literal with no expected type: an integer is DINT, else LINT, else ULINT; a real is
    LREAL; ``'x'`` is STRING, ``"x"`` is WSTRING; TRUE/FALSE are BOOL.
  * For an integer or bit-string type, as in FORTE, the prefix only has to name an elementary
    type: the digits are read by the expected type. ``INT#5`` for a UINT is 5, ``INT#16#FF``
    for a SINT is -1, ``UINT#70000`` for an INT and ``INT#-5`` for a UINT are refused (they do
    not fit). For any other type a typed literal must be that type or widen to it implicitly
    (``INT#5`` for an LREAL is 5.0, ``LREAL#1.5`` for a REAL is refused).
  * Integer literals out of the type's range are refused (no wrap), except that a based literal
    for a signed type may use the whole bit pattern: ``SINT#16#FF`` is -1, like FORTE.
  * A STRING or WSTRING expected value given without quotes (``Value="executiontime.csv"`` in old
    4diac files) is taken as the raw text, and so is an unquoted ``STRING#abc``. A double-quoted
    literal for STRING (or single-quoted for WSTRING) is accepted when its characters fit.
  * A bare integer for TIME is nanoseconds (FORTE's internal unit); ``1s`` without ``T#`` is read
    as a duration too.
  * An array literal with fewer elements than the array leaves the rest at their default; a
    struct literal leaves unnamed members at their initial value.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .aggregates import ArrayType, StructType
from .base import IecType
from .conversions import _elementary_converter, is_widening
from .elementary import ELEMENTARY_TYPES, ElementaryType, find_elementary
from .errors import LiteralError
from .generic import GenericType
from .limits import MAX_ELEMENTS, MAX_LITERAL_LENGTH
from .numeric import to_real32, wrap_int
from .strings import scan_quoted
from .times import parse_date, parse_dt, parse_duration, parse_tod

__all__ = ["parse_literal"]


class _Bad(Exception):
    """Internal: the reason a literal is wrong; parse_literal adds the literal and context."""


_PREFIX = re.compile(r"([A-Za-z_]\w*)#(.*)", re.DOTALL)
_SHORT_PREFIXES = {"T": "TIME", "D": "DATE", "LT": "LTIME", "LD": "LDATE"}
_INTEGRAL = ("int", "bits")
_BASED = re.compile(r"(2|8|10|16)#(.*)", re.DOTALL)
_DIGITS = {
    2: re.compile(r"[01](?:_?[01])*"),
    8: re.compile(r"[0-7](?:_?[0-7])*"),
    10: re.compile(r"[0-9](?:_?[0-9])*"),
    16: re.compile(r"[0-9A-Fa-f](?:_?[0-9A-Fa-f])*"),
}
_DECIMAL = re.compile(r"[+-]?[0-9](?:_?[0-9])*")
_REAL = re.compile(r"[+-]?[0-9](?:_?[0-9])*(?:\.[0-9](?:_?[0-9])*)?(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "nan": math.nan}
_REPEAT = re.compile(r"(\d+)\s*\((.*)\)", re.DOTALL)
_MEMBER = re.compile(r"\s*([A-Za-z_]\w*)\s*:=(.*)", re.DOTALL)

_DINT = ELEMENTARY_TYPES["DINT"]
_LINT = ELEMENTARY_TYPES["LINT"]
_ULINT = ELEMENTARY_TYPES["ULINT"]
_LREAL = ELEMENTARY_TYPES["LREAL"]
_BOOL = ELEMENTARY_TYPES["BOOL"]
_STRING = ELEMENTARY_TYPES["STRING"]
_WSTRING = ELEMENTARY_TYPES["WSTRING"]


def parse_literal(
    text: str, expected: IecType | None = None, *, where: str = ""
) -> tuple[IecType, Any]:
    """Read ``text``; return its type and value.

    With ``expected`` the result is of that type (or, for a generic, of a type it accepts); a
    literal that does not fit raises LiteralError naming the literal, the type and the reason.
    """
    try:
        if len(text) > MAX_LITERAL_LENGTH:
            raise _Bad(
                f"{len(text):,} characters; a literal may have at most {MAX_LITERAL_LENGTH:,}"
            )
        return _parse(text, expected)
    except _Bad as bad:
        raise LiteralError(
            text, expected.name if expected else None, str(bad), where=where
        ) from None


def _parse(text: str, expected: IecType | None) -> tuple[IecType, Any]:
    s = text.strip()
    if isinstance(expected, ArrayType):
        return expected, _parse_array(s, expected)
    if isinstance(expected, StructType):
        return expected, _parse_struct(s, expected)
    if isinstance(expected, GenericType):
        return _parse_for_generic(s, expected)
    if expected is None and s.startswith("["):
        return _infer_array(s)
    if expected is None and s.startswith("("):
        raise _Bad("a struct literal needs its struct type")
    assert expected is None or isinstance(expected, ElementaryType)
    match = _PREFIX.fullmatch(s)
    if (
        expected is not None
        and expected.is_string
        and s[:1] not in ("'", '"')
        and (match is None or _prefix_type(match.group(1)) is None)
    ):
        return expected, expected.coerce(text)  # old 4diac files: unquoted string values
    if not s:
        raise _Bad("empty literal")
    if match is not None:
        return _parse_typed(match.group(1), match.group(2), expected)
    if expected is not None:
        return expected, _parse_body(expected, s, typed=False)
    return _infer(s)


def _parse_typed(prefix: str, body: str, expected: ElementaryType | None) -> tuple[IecType, Any]:
    source = _prefix_type(prefix)
    if source is None:
        raise _Bad(f"unknown type prefix {prefix!r}")
    if expected is None or expected == source:
        return source, _parse_body(source, body, typed=True)
    if expected.kind in _INTEGRAL:
        # FORTE: the prefix only has to name a type; the digits are the pin's.
        try:
            return expected, _parse_body(expected, body, typed=True)
        except _Bad:
            if source.kind in _INTEGRAL:
                raise
            raise _Bad(
                f"a {source.name} literal does not convert implicitly to {expected.name}"
            ) from None
    value = _parse_body(source, body, typed=True)
    if not is_widening(source, expected):
        raise _Bad(f"a {source.name} literal does not convert implicitly to {expected.name}")
    convert = _elementary_converter(source, expected)
    return expected, value if convert is None else convert(value)


def _prefix_type(prefix: str) -> ElementaryType | None:
    upper = prefix.upper()
    return find_elementary(_SHORT_PREFIXES.get(upper, upper))


def _parse_for_generic(s: str, expected: GenericType) -> tuple[IecType, Any]:
    typ, value = _parse(s, None)
    if expected.accepts(typ):
        return typ, value
    if isinstance(typ, ElementaryType) and typ.is_integer and expected.accepts(_LREAL):
        return _LREAL, float(value)
    raise _Bad(f"a {typ.name} literal is not one of {expected.name}")


def _infer(s: str) -> tuple[IecType, Any]:
    if s[0] == "'":
        return _STRING, _parse_body(_STRING, s, typed=True)
    if s[0] == '"':
        return _WSTRING, _parse_body(_WSTRING, s, typed=True)
    if s.upper() in ("TRUE", "FALSE"):
        return _BOOL, s.upper() == "TRUE"
    if _BASED.fullmatch(s) or _DECIMAL.fullmatch(s):
        for typ in (_DINT, _LINT, _ULINT):
            try:
                return typ, _parse_integer(typ, s)
            except _Bad:
                continue
        raise _Bad("integer is out of range for every integer type")
    if _REAL.fullmatch(s):
        return _LREAL, _parse_real(_LREAL, s)
    raise _Bad("cannot tell the type of this literal (write a type prefix such as INT#)")


def _parse_body(t: ElementaryType, body: str, *, typed: bool) -> Any:
    """The value of ``body`` (the text after any ``TYPE#``) for elementary type ``t``."""
    kind = t.kind
    body = body.strip()
    if not body:
        raise _Bad("no value")
    if kind == "bool":
        upper = body.upper()
        if upper in ("TRUE", "1"):
            return True
        if upper in ("FALSE", "0"):
            return False
        raise _Bad("expected TRUE, FALSE, 1 or 0")
    if kind in ("int", "bits"):
        return _parse_integer(t, body)
    if kind == "real":
        return _parse_real(t, body)
    if kind == "string" and body[0] not in ("'", '"'):
        return t.coerce(body)  # ``STRING#abc``: old 4diac files leave typed strings unquoted
    if kind in ("string", "char"):
        return _parse_chars(t, body)
    try:
        if kind == "duration":
            if not typed and _DECIMAL.fullmatch(body):
                return wrap_int(int(body.replace("_", "")), 64, True)
            return parse_duration(body)
        if kind == "date":
            return parse_date(body)
        if kind == "tod":
            return parse_tod(body)
        return parse_dt(body)
    except ValueError as exc:
        raise _Bad(str(exc)) from None


def _parse_integer(t: ElementaryType, body: str) -> int:
    based = _BASED.fullmatch(body)
    if based is not None:
        base = int(based.group(1))
        digits = based.group(2)
        if not _DIGITS[base].fullmatch(digits):
            raise _Bad(f"{digits!r} is not a base-{base} number")
        value = int(digits.replace("_", ""), base)
        if value >= 1 << t.bits:
            raise _Bad(f"value {value} does not fit in {t.bits} bits")
        return wrap_int(value, t.bits, t.signed)
    if body[:1] in "+-" and _BASED.fullmatch(body[1:]):
        raise _Bad("a based number (16#...) cannot have a sign")
    if not _DECIMAL.fullmatch(body):
        if _REAL.fullmatch(body):
            raise _Bad("not an integer")
        raise _Bad("not a number")
    value = int(body.replace("_", ""))
    if t.signed:
        lo, hi = -(1 << (t.bits - 1)), (1 << (t.bits - 1)) - 1
    else:
        lo, hi = 0, (1 << t.bits) - 1
    if not lo <= value <= hi:
        raise _Bad(f"value {value} is out of range for {t.name} ({lo}..{hi})")
    return value


def _parse_real(t: ElementaryType, body: str) -> float:
    special = _NON_FINITE.get(body.lower())
    if special is not None:
        return special
    if not _REAL.fullmatch(body):
        raise _Bad("not a number")
    value = float(body.replace("_", ""))
    if t.bits == 32:
        value = to_real32(value)
    if math.isinf(value):
        raise _Bad(f"value is out of range for {t.name}")
    return value


def _parse_chars(t: ElementaryType, body: str) -> str:
    if body[0] not in ("'", '"'):
        raise _Bad("expected a quoted string")
    try:
        value, end = scan_quoted(body, 0)
    except ValueError as exc:
        raise _Bad(str(exc)) from None
    if end != len(body):
        raise _Bad(f"unexpected text after the closing quote: {body[end:]!r}")
    if not t.is_wide and any(ord(c) > 0xFF for c in value):
        raise _Bad("STRING holds only characters 0..255 (use WSTRING)")
    if t.is_char:
        if value == "":
            return "\x00"
        if len(value) != 1:
            raise _Bad(f"a {t.name} literal holds exactly one character")
    return value


def _split_top(s: str, open_: str, close: str) -> list[str]:
    """The comma-separated items between the outer brackets of ``s``, nesting and quotes kept."""
    if not (s.startswith(open_) and s.endswith(close)) or len(s) < 2:
        raise _Bad(f"expected {open_}...{close}")
    inner = s[1:-1]
    items: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(inner):
        c = inner[i]
        if c in "'\"":
            try:
                i = scan_quoted(inner, i)[1]
            except ValueError as exc:
                raise _Bad(str(exc)) from None
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
            if depth < 0:
                raise _Bad(f"unbalanced {c!r}")
        elif c == "," and depth == 0:
            items.append(inner[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        raise _Bad("unbalanced brackets")
    items.append(inner[start:])
    if len(items) == 1 and not items[0].strip():
        return []
    for item in items:
        if not item.strip():
            raise _Bad("empty element")
    return items


def _array_items(s: str) -> list[str | None]:
    """The elements of an array literal with repeat counts expanded (None: a default value)."""
    out: list[str | None] = []
    for item in _split_top(s, "[", "]"):
        repeat = _REPEAT.fullmatch(item.strip())
        if repeat is not None:
            inner = repeat.group(2).strip()
            count = repeat.group(1)
            if len(count) > 7 or len(out) + int(count) > MAX_ELEMENTS:
                raise _Bad(f"more than {MAX_ELEMENTS:,} elements")
            out.extend([inner or None] * int(count))
        else:
            out.append(item)
    return out


def _parse_array(s: str, typ: ArrayType) -> list[Any]:
    items = _array_items(s)
    if len(items) > typ.length:
        raise _Bad(f"{len(items)} elements do not fit in {typ.length}")
    element = typ.element
    values = []
    for index, item in enumerate(items, typ.lower):
        if item is None:
            values.append(element.default())
            continue
        try:
            values.append(_parse(item, element)[1])
        except _Bad as bad:
            raise _Bad(f"element [{index}]: {bad}") from None
    values.extend(element.default() for _ in range(typ.length - len(values)))
    return values


def _infer_array(s: str) -> tuple[IecType, Any]:
    items = _array_items(s)
    if not items or any(item is None for item in items):
        raise _Bad("cannot tell the element type of this array literal")
    parsed = [_parse(item, None) for item in items if item is not None]
    types = {t for t, _ in parsed}
    if len(types) == 1:
        element = types.pop()
    elif all(isinstance(t, ElementaryType) and t.is_numeric for t in types):
        reals = any(isinstance(t, ElementaryType) and t.is_real for t in types)
        element = _LREAL if reals else _LINT
    else:
        raise _Bad("array elements have different types")
    values = [element.coerce(v) for _, v in parsed]
    return ArrayType(element, 0, len(values) - 1), values


def _parse_struct(s: str, typ: StructType) -> Any:
    value = typ.default()
    seen: set[str] = set()
    for item in _split_top(s, "(", ")"):
        match = _MEMBER.fullmatch(item)
        if match is None:
            raise _Bad(f"expected 'member := value' in struct {typ.name}, got {item.strip()!r}")
        name = typ.find_member(match.group(1))
        if name is None:
            raise _Bad(f"struct {typ.name} has no member {match.group(1)!r}")
        if name in seen:
            raise _Bad(f"member {name} is given twice")
        seen.add(name)
        try:
            setattr(value, name, _parse(match.group(2), typ.member_type(name))[1])
        except _Bad as bad:
            raise _Bad(f"member {name}: {bad}") from None
    return value
