"""Type conversions: implicit ones along data connections, explicit ones for the *_TO_* functions.

Implicit conversions follow FORTE's ``CIEC_ANY::isCastable`` up-cast table (``forte_any.cpp``),
that is the safe widenings of IEC 61131-3 plus FORTE's additions: BOOL to any number or bit string,
between an integer and the bit string of at least its width, REAL/DWORD and LREAL/LWORD
(binary transfer). One entry of FORTE's table is left out on purpose: LWORD to REAL, which loses
data. FORTE would also connect down-casts; fbrt refuses them with ConnectionTypeError.

Explicit conversions (``explicit_convert``) give the standard functions' results:
  * integer to integer or bit string wraps to the destination width (a signed source is first
    taken as its own width's bit pattern when the destination is a bit string: INT#-1 -> DWORD 65535,
    like FORTE);
  * REAL/LREAL to an integer rounds half to even (FORTE uses llrint), then wraps; NaN and
    infinities give 0; REAL/LREAL to a bit string and back is a binary transfer (IEC 61131-3);
  * X_TO_BOOL is ``value <> 0``; BOOL_TO_X is 0 or 1;
  * X_TO_STRING is FORTE's printed form (INT_TO_STRING(5) = '5', TIME_TO_STRING = 'T#1s500ms');
    STRING_TO_X reads a literal and gives the type's default value if the text is not one, as
    FORTE's fromString does; STRING_TO_CHAR takes the first character;
  * TIME/LTIME to a number counts milliseconds and a number to TIME is milliseconds (FORTE has no
    TIME_TO_INT; milliseconds is the convention of most PLCs; use TIME_IN_NS_TO_* for precision);
  * DT_TO_DATE keeps the day, DT_TO_TOD the time of day, and each L* type converts to and from
    its short form unchanged (both are nanoseconds).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import Any

from .aggregates import ArrayType, StructType
from .base import IecType
from .elementary import ElementaryType
from .errors import ConnectionTypeError, IecTypeError, LiteralError
from .generic import GenericType
from .numeric import NS_PER_DAY, NS_PER_MS, round_half_even, to_real32, wrap_int

__all__ = ["explicit_convert", "implicit_conversion", "is_widening"]

_INTS = ("SINT", "INT", "DINT", "LINT", "USINT", "UINT", "UDINT", "ULINT")
_BITS = ("BYTE", "WORD", "DWORD", "LWORD")

#: FORTE's up-cast table (forte_any.cpp), source -> destinations, the identity left implicit.
_UPCAST: dict[str, frozenset[str]] = {
    "BOOL": frozenset(_INTS + _BITS + ("REAL", "LREAL")),
    "SINT": frozenset(("INT", "DINT", "LINT", *_BITS, "REAL", "LREAL")),
    "INT": frozenset(("DINT", "LINT", "WORD", "DWORD", "LWORD", "REAL", "LREAL")),
    "DINT": frozenset(("LINT", "DWORD", "LWORD", "LREAL")),
    "LINT": frozenset(("LWORD",)),
    "USINT": frozenset(("INT", "DINT", "LINT", "UINT", "UDINT", "ULINT", *_BITS, "REAL", "LREAL")),
    "UINT": frozenset(
        ("DINT", "LINT", "UDINT", "ULINT", "WORD", "DWORD", "LWORD", "REAL", "LREAL")
    ),
    "UDINT": frozenset(("LINT", "ULINT", "DWORD", "LWORD", "LREAL")),
    "ULINT": frozenset(("LWORD",)),
    "BYTE": frozenset((*_INTS, "WORD", "DWORD", "LWORD")),
    "WORD": frozenset(("INT", "DINT", "LINT", "UINT", "UDINT", "ULINT", "DWORD", "LWORD")),
    "DWORD": frozenset(("DINT", "LINT", "UDINT", "ULINT", "LWORD", "REAL")),
    "LWORD": frozenset(("LINT", "ULINT", "LREAL")),
    "DATE": frozenset(("LDATE",)),
    "TIME_OF_DAY": frozenset(("LTOD",)),
    "DATE_AND_TIME": frozenset(("LDT",)),
    "TIME": frozenset(("LTIME",)),
    "CHAR": frozenset(("STRING",)),
    "WCHAR": frozenset(("WSTRING",)),
    "REAL": frozenset(("DWORD", "LWORD", "LREAL")),
    "LREAL": frozenset(("LWORD",)),
}

_F32 = struct.Struct("<f")
_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_U64 = struct.Struct("<Q")


def _real_bits(value: float, bits: int) -> int:
    """The IEEE bit pattern of a REAL (bits=32) or LREAL (bits=64)."""
    if bits == 32:
        return int(_U32.unpack(_F32.pack(value))[0])
    return int(_U64.unpack(_F64.pack(value))[0])


def _bits_real(pattern: int, bits: int) -> float:
    if bits == 32:
        return float(_F32.unpack(_U32.pack(pattern & 0xFFFF_FFFF))[0])
    return float(_F64.unpack(_U64.pack(pattern & 0xFFFF_FFFF_FFFF_FFFF))[0])


def is_widening(src: ElementaryType, dst: ElementaryType) -> bool:
    """Whether FORTE (and fbrt) convert ``src`` to ``dst`` implicitly."""
    return src == dst or dst.name in _UPCAST.get(src.name, frozenset())


def _elementary_converter(src: ElementaryType, dst: ElementaryType) -> Callable[[Any], Any] | None:
    """The converter for an allowed widening; None where the value already fits as it is."""
    if src.is_bool:
        return float if dst.is_real else int
    if src.is_integral and dst.is_real:
        if src.is_bit_string:  # DWORD -> REAL, LWORD -> LREAL: binary transfer
            bits = dst.bits
            return lambda v: _bits_real(v, bits)
        return (lambda v: to_real32(float(v))) if dst.bits == 32 else float
    if src.is_real and dst.is_bit_string:
        bits = src.bits
        return lambda v: _real_bits(v, bits)
    if src.is_integer and src.signed and dst.is_bit_string:
        mask = (1 << src.bits) - 1
        return lambda v: v & mask
    if src.is_bit_string and dst.is_integer and dst.signed and dst.bits == src.bits:
        bits = dst.bits
        return lambda v: wrap_int(v, bits, True)
    return None


def _refusal_reason(src: IecType, dst: IecType) -> str:
    if isinstance(src, ElementaryType) and isinstance(dst, ElementaryType):
        numeric = ("bool", "int", "bits", "real")
        if src.kind in numeric and dst.kind in numeric:
            return f"narrowing conversion, {src.name} values may not fit in {dst.name}"
        texts = ("string", "char")
        if (src.kind in texts and dst.kind in texts and (src.bits > dst.bits or dst.is_char)) or (
            src.kind == dst.kind and src.is_long and not dst.is_long
        ):
            return f"narrowing conversion from {src.name} to {dst.name}"
    return "incompatible types"


def implicit_conversion(src: IecType, dst: IecType) -> Callable[[Any], Any] | None:
    """How values cross a data connection ``src -> dst``.

    None means the value can be passed as it is (after ``dst.copy`` for aggregates); a callable
    converts it. A connection FORTE would not up-cast raises ConnectionTypeError.
    A generic source (an ANY output) is accepted when the destination belongs to its family:
    the value's concrete type is only known at run time.
    """
    if src == dst:
        return None
    if isinstance(dst, GenericType):
        if dst.accepts(src) or (isinstance(src, GenericType) and src.accepts(dst)):
            return None
        raise ConnectionTypeError(src.name, dst.name, f"{dst.name} does not accept {src.name}")
    if isinstance(src, GenericType):
        if src.accepts(dst):
            return None
        raise ConnectionTypeError(src.name, dst.name, f"{dst.name} is not one of {src.name}")
    if isinstance(src, ElementaryType) and isinstance(dst, ElementaryType):
        if is_widening(src, dst):
            return _elementary_converter(src, dst)
        raise ConnectionTypeError(src.name, dst.name, _refusal_reason(src, dst))
    if isinstance(src, ArrayType) and isinstance(dst, ArrayType):
        if src.element != dst.element:
            raise ConnectionTypeError(src.name, dst.name, "arrays must have the same element type")
        if src.length != dst.length:
            raise ConnectionTypeError(src.name, dst.name, "arrays must have the same size")
        return None
    if isinstance(src, StructType) and isinstance(dst, StructType):
        raise ConnectionTypeError(src.name, dst.name, "structs must be of the same type")
    raise ConnectionTypeError(src.name, dst.name, _refusal_reason(src, dst))


def _to_text(src: ElementaryType, dst: ElementaryType, value: Any) -> str:
    if src.kind in ("string", "char"):
        text = str(value)
    else:
        from .printing import format_value

        text = format_value(src, value)
    if not dst.is_wide:
        text = "".join(c if ord(c) <= 0xFF else "?" for c in text)
    return text


def _from_text(dst: ElementaryType, text: str) -> Any:
    if dst.is_char:
        return text[0] if text else dst.default()
    from .literals import parse_literal

    try:
        return parse_literal(text.strip(), dst)[1]
    except LiteralError:
        return dst.default()


def _number(src: ElementaryType, value: Any) -> int | float:
    """A numeric view of an elementary value, for conversions to numbers."""
    if src.is_bool:
        return int(value)
    if src.is_char:
        return ord(value)
    if src.is_duration:
        return int(value) // NS_PER_MS if value >= 0 else -(-int(value) // NS_PER_MS)
    if src.is_integral or src.is_real:
        return value  # type: ignore[no-any-return]
    raise IecTypeError(f"there is no conversion from {src.name} to a number")


def _elementary_convert(src: ElementaryType, dst: ElementaryType, value: Any) -> Any:
    if src == dst:
        return value
    if dst.kind in ("string",):
        return _to_text(src, dst, value)
    if src.kind == "string":
        return _from_text(dst, value)
    if src.kind == "char" and dst.kind == "char":
        return dst.coerce(chr(ord(value) & ((1 << dst.bits) - 1)))
    if src.kind == dst.kind and src.kind in ("duration", "date", "tod", "dt"):
        return value  # an L* type and its short form: both are nanoseconds
    if src.is_date_like or dst.is_date_like:
        return _date_convert(src, dst, value)
    if dst.is_bool:
        return _number(src, value) != 0
    if src.is_real and dst.is_bit_string:
        return wrap_int(_real_bits(value, src.bits), dst.bits, False)
    if src.is_bit_string and dst.is_real:
        return dst.coerce(_bits_real(value, dst.bits))
    number = _number(src, value)
    if dst.is_char:
        return chr(wrap_int(int(number), dst.bits, False))
    if dst.is_duration:
        if isinstance(number, float):
            return (
                wrap_int(round_half_even(number * NS_PER_MS), 64, True)
                if math.isfinite(number)
                else 0
            )
        return wrap_int(number * NS_PER_MS, 64, True)
    if dst.is_real:
        return dst.coerce(float(number))
    if isinstance(number, float):
        number = round_half_even(number) if math.isfinite(number) else 0
    if src.is_integer and src.signed and dst.is_bit_string:
        number &= (1 << src.bits) - 1
    return wrap_int(number, dst.bits, dst.signed)


def _date_convert(src: ElementaryType, dst: ElementaryType, value: int) -> int:
    if src.kind == "dt" and dst.kind == "date":
        return value - value % NS_PER_DAY
    if src.kind == "dt" and dst.kind == "tod":
        return value % NS_PER_DAY
    if src.kind == "date" and dst.kind == "dt":
        return value
    raise IecTypeError(f"there is no conversion from {src.name} to {dst.name}")


def explicit_convert(src: IecType, dst: IecType, value: Any) -> Any:
    """The result of the standard function ``<src>_TO_<dst>`` applied to ``value``."""
    if isinstance(src, ElementaryType) and isinstance(dst, ElementaryType):
        return _elementary_convert(src, dst, value)
    if src == dst and not src.is_generic:
        return dst.copy(value)
    raise IecTypeError(f"there is no conversion from {src.name} to {dst.name}")
