"""Typing rules of the compiler: the value record of an expression, promotion and assignability.

The rules are FORTE's, made lenient where FORTE's C++ would compile anyway: integers of any width
mix (the result is wrapped on assignment), integers mix with reals, but strings, booleans, times
and numbers never mix implicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fbruntime.iec.aggregates import ArrayType, StructType
from fbruntime.iec.base import IecType
from fbruntime.iec.elementary import ElementaryType, elementary

NOCONST: Any = object()

BOOL = elementary("BOOL")
LINT = elementary("LINT")
ULINT = elementary("ULINT")
DINT = elementary("DINT")
INT = elementary("INT")
REAL = elementary("REAL")
LREAL = elementary("LREAL")
STRING = elementary("STRING")
WSTRING = elementary("WSTRING")
TIME = elementary("TIME")
DT = elementary("DATE_AND_TIME")
TOD = elementary("TIME_OF_DAY")
DATE = elementary("DATE")


@dataclass(slots=True)
class Val:
    """A compiled expression: Python source, its IEC type and what the generator knows of it.

    ``untyped`` marks a plain numeric literal, which takes the type of the other operand.
    ``clean`` says the value is already within its type (no wrap or REAL rounding needed).
    ``fresh`` says an aggregate value is not shared with any variable (no copy needed).
    """

    code: str
    type: IecType
    untyped: bool = False
    const: Any = NOCONST
    clean: bool = True
    fresh: bool = False
    simple: bool = False  # a name or attribute chain: cheap and safe to evaluate twice

    @property
    def type_name(self) -> str:
        """The type as users should read it in messages (literals are ANY_INT / ANY_REAL)."""
        if self.untyped and is_numeric(self.type):
            return "ANY_REAL" if is_real(self.type) else "ANY_INT"
        return self.type.name


def kind(t: IecType) -> str:
    return (
        t.kind
        if isinstance(t, ElementaryType)
        else (
            "array"
            if isinstance(t, ArrayType)
            else "struct"
            if isinstance(t, StructType)
            else "other"
        )
    )


def is_integral(t: IecType) -> bool:
    return isinstance(t, ElementaryType) and t.kind in ("int", "bits")


def is_numeric(t: IecType) -> bool:
    return isinstance(t, ElementaryType) and t.kind in ("int", "bits", "real")


def is_real(t: IecType) -> bool:
    return isinstance(t, ElementaryType) and t.kind == "real"


def is_bool(t: IecType) -> bool:
    return isinstance(t, ElementaryType) and t.kind == "bool"


def is_stringy(t: IecType) -> bool:
    return isinstance(t, ElementaryType) and t.kind in ("string", "char")


def wider(a: IecType, b: IecType) -> IecType:
    """The result type of arithmetic on two typed numeric operands."""
    assert isinstance(a, ElementaryType) and isinstance(b, ElementaryType)
    if a.kind == "real" or b.kind == "real":
        if a.kind == "real" and b.kind == "real":
            return a if a.bits >= b.bits else b
        return a if a.kind == "real" else b
    if b.bits > a.bits:
        return b
    return a


def assignable(src: Val, dst: IecType) -> str | None:
    """Why ``src`` cannot be stored in ``dst`` (None when it can)."""
    st = src.type
    if st == dst:
        return None
    if isinstance(dst, ElementaryType) and isinstance(st, ElementaryType):
        sk, dk = st.kind, dst.kind
        if dk == "bool":
            if sk == "bool" or (src.untyped and src.const in (0, 1)):
                return None
        elif dk in ("int", "bits"):
            # A BOOL widens into any bit string (IDE DataTypeAnnotations: BYTE..LWORD accept BOOL).
            if sk in ("int", "bits") or (dk == "bits" and sk == "bool"):
                return None
        elif dk == "real":
            if sk in ("int", "bits", "real"):
                return None
        elif dk == "string":
            # an unprefixed literal fits either width: old 4diac files quote STRINGs with "..."
            if sk in ("string", "char") and (st.bits == dst.bits or src.untyped):
                return None
        elif dk == "char":
            if sk == "char" and st.bits == dst.bits:
                return None
            if (
                sk == "string"
                and src.untyped
                and isinstance(src.const, str)
                and len(src.const) == 1
            ):
                return None
        elif dk == sk:
            return None
    elif isinstance(dst, ArrayType) and isinstance(st, ArrayType):
        if dst.element == st.element and dst.length == st.length:
            return None
    elif isinstance(dst, StructType) and isinstance(st, StructType) and st.name == dst.name:
        return None
    return f"cannot assign a {src.type_name} value to {dst.name}"


def mask_code(code: str, t: ElementaryType) -> str:
    """Inline code wrapping an unbounded int into ``t``'s two's complement range."""
    mask = (1 << t.bits) - 1
    if not t.signed:
        return f"({code}) & {mask:#x}"
    half = 1 << (t.bits - 1)
    return f"((({code}) + {half:#x}) & {mask:#x}) - {half:#x}"
