"""IEC 61131-3 data types and values: the lowest layer of fbrt (it imports nothing else from it).

Values are plain Python objects, fixed so that the engine, the ST compiler and the importer agree:

* BOOL -> bool; the integers and bit strings (SINT..ULINT, BYTE..LWORD) -> int, always in range;
  REAL -> float rounded to binary32; LREAL -> float.
* STRING -> str of code points 0..255; WSTRING -> str; CHAR/WCHAR -> str of length 1.
* TIME, LTIME -> int nanoseconds; DATE, LDATE, DT, LDT -> int nanoseconds since 1970-01-01
  (no time zones); TOD, LTOD -> int nanoseconds since midnight.
* ARRAY -> list (the lower bound lives on the type); STRUCT -> a ``StructValue``.
  Aggregates are values: copy them with ``typ.copy(v)`` on every assignment and transfer.

Modules: ``errors``; ``numeric`` (wrap-around and binary32 rounding); ``base`` (IecType);
``elementary``, ``aggregates``, ``generic`` (the three families of types); ``lookup``;
``strings`` and ``times`` (literal bodies); ``literals`` (reading); ``printing`` (writing, as
FORTE prints); ``conversions`` (implicit along connections, explicit *_TO_* functions).
"""

from .aggregates import ArrayType, StructType, StructValue, array_of, copy_struct, parse_array_size
from .base import IecType
from .conversions import explicit_convert, implicit_conversion, is_widening
from .elementary import ELEMENTARY_TYPES, ElementaryType, elementary, find_elementary, int_range
from .errors import ConnectionTypeError, IecError, IecTypeError, IecValueError, LiteralError
from .generic import GENERIC_TYPES, GenericType, find_generic, type_of_value
from .literals import parse_literal
from .lookup import lookup_type
from .numeric import (
    NS_PER_DAY,
    NS_PER_HOUR,
    NS_PER_MINUTE,
    NS_PER_MS,
    NS_PER_SECOND,
    NS_PER_US,
    to_real32,
    wrap_int,
)
from .printing import format_typed, format_value

__all__ = [
    "ELEMENTARY_TYPES",
    "GENERIC_TYPES",
    "NS_PER_DAY",
    "NS_PER_HOUR",
    "NS_PER_MINUTE",
    "NS_PER_MS",
    "NS_PER_SECOND",
    "NS_PER_US",
    "ArrayType",
    "ConnectionTypeError",
    "ElementaryType",
    "GenericType",
    "IecError",
    "IecType",
    "IecTypeError",
    "IecValueError",
    "LiteralError",
    "StructType",
    "StructValue",
    "array_of",
    "copy_struct",
    "elementary",
    "explicit_convert",
    "find_elementary",
    "find_generic",
    "format_typed",
    "format_value",
    "implicit_conversion",
    "int_range",
    "is_widening",
    "lookup_type",
    "parse_array_size",
    "parse_literal",
    "to_real32",
    "type_of_value",
    "wrap_int",
]
