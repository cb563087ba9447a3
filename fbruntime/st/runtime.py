"""Helpers that generated code calls for the rare operations that are not inlined.

Everything common (integer add with wrap, comparisons, boolean logic, variable access) is inlined
by the code generator; only division (C truncation and the zero check), index faults, REAL
rounding, math functions and string functions come here. Faults raise ``STFault``; the algorithm
wrapper adds the algorithm name and ST line.
"""

from __future__ import annotations

import math
import time
from typing import Any, NoReturn

from fbruntime.core import watchdog
from fbruntime.iec.limits import MAX_STRING_LENGTH
from fbruntime.iec.numeric import to_real32

from .errors import STFault, WatchdogTrip

__all__ = ["HELPERS"]


def div_int(a: int, b: int) -> int:
    """Integer division truncating toward zero, as C (and FORTE) do; Python's // floors."""
    if b == 0:
        raise STFault("integer division by zero")
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def mod_int(a: int, b: int) -> int:
    """C remainder: the sign follows the dividend; MOD 0 is a fault, like division by zero."""
    if b == 0:
        raise STFault("MOD by zero")
    r = abs(a) % abs(b)
    return -r if a < 0 else r


def div_real(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def index_fault(index: int, lower: int, upper: int) -> NoReturn:
    raise STFault(f"array index {index} is out of bounds [{lower}..{upper}]")


def watchdog_check(started: float) -> int:
    """Called by compiled loops every ``CHECK_EVERY`` iterations; returns the next count."""
    if watchdog.expired(started):
        raise WatchdogTrip("watchdog")
    return watchdog.CHECK_EVERY


def sqrt(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def ln(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def log10(x: float) -> float:
    if x > 0:
        return math.log10(x)
    return -math.inf if x == 0 else math.nan


def exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def asin(x: float) -> float:
    return math.asin(x) if -1 <= x <= 1 else math.nan


def acos(x: float) -> float:
    return math.acos(x) if -1 <= x <= 1 else math.nan


def safe_trig(fn: Any) -> Any:
    def wrapped(x: float) -> float:
        try:
            return float(fn(x))
        except ValueError:
            return math.nan

    return wrapped


def expt(a: float, b: float) -> float:
    """``**`` and EXPT: computed in double precision, as FORTE's ``pow`` (never as Python's exact
    integer power, which makes ``10 ** 10_000_000`` a multi-second, megabyte-sized stall)."""
    try:
        r = float(a) ** b
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return math.inf if a > 0 or b % 2 == 0 else -math.inf
    return math.nan if isinstance(r, complex) else r


def trunc(x: float) -> int:
    if not math.isfinite(x):
        raise STFault(f"cannot truncate {x} to an integer")
    return int(x)


def shl(value: int, n: int, mask: int) -> int:
    return (value << n) & mask if n >= 0 else value


def rol(value: int, n: int, bits: int) -> int:
    n %= bits
    mask = (1 << bits) - 1
    return ((value << n) | (value >> (bits - n))) & mask


def ror(value: int, n: int, bits: int) -> int:
    n %= bits
    mask = (1 << bits) - 1
    return ((value >> n) | (value << (bits - n))) & mask


def mux(k: int, *values: Any) -> Any:
    if not 0 <= k < len(values):
        raise STFault(f"MUX selector {k} is out of range 0..{len(values) - 1}")
    return values[k]


def limit(mn: Any, value: Any, mx: Any) -> Any:
    return mn if value < mn else mx if value > mx else value


# --- strings (positions are 1-based, like IEC) ---------------------------------------------


def s_left(s: str, n: int) -> str:
    return s[: max(n, 0)]


def s_right(s: str, n: int) -> str:
    return s[len(s) - n :] if n > 0 else ""


def s_mid(s: str, n: int, p: int) -> str:
    if p < 1:
        raise STFault(f"MID position {p} is below 1")
    return s[p - 1 : p - 1 + max(n, 0)]


def s_insert(s1: str, s2: str, p: int) -> str:
    if p < 0 or p > len(s1):
        raise STFault(f"INSERT position {p} is outside 0..{len(s1)}")
    return (s1[:p] + s2 + s1[p:])[:MAX_STRING_LENGTH]


def s_delete(s: str, n: int, p: int) -> str:
    if p < 1:
        raise STFault(f"DELETE position {p} is below 1")
    return s[: p - 1] + s[p - 1 + max(n, 0) :]


def s_replace(s1: str, s2: str, n: int, p: int) -> str:
    if p < 1:
        raise STFault(f"REPLACE position {p} is below 1")
    return (s1[: p - 1] + s2 + s1[p - 1 + max(n, 0) :])[:MAX_STRING_LENGTH]


def s_find(s1: str, s2: str) -> int:
    return s1.find(s2) + 1


def from_bcd(value: int) -> int:
    """Packed BCD (one decimal digit per nibble) to its number; a nibble above 9 is a fault."""
    result, scale = 0, 1
    while value:
        digit = value & 0xF
        if digit > 9:
            raise STFault(f"{value:#x} is not a BCD value")
        result += digit * scale
        scale *= 10
        value >>= 4
    return result


def to_bcd(value: int) -> int:
    if value < 0:
        raise STFault(f"{value} cannot be written as BCD")
    result, shift = 0, 0
    for ch in reversed(str(value)):
        result |= int(ch) << shift
        shift += 4
    return result


HELPERS: dict[str, Any] = {
    "h__from_bcd": from_bcd,
    "h__to_bcd": to_bcd,
    "h__div": div_int,
    "h__mod": mod_int,
    "h__fdiv": div_real,
    "h__oob": index_fault,
    "h__f32": to_real32,
    "h__sqrt": sqrt,
    "h__ln": ln,
    "h__log": log10,
    "h__exp": exp,
    "h__sin": safe_trig(math.sin),
    "h__cos": safe_trig(math.cos),
    "h__tan": safe_trig(math.tan),
    "h__asin": asin,
    "h__acos": acos,
    "h__atan": math.atan,
    "h__atan2": math.atan2,
    "h__expt": expt,
    "h__trunc": trunc,
    "h__shl": shl,
    "h__rol": rol,
    "h__ror": ror,
    "h__mux": mux,
    "h__limit": limit,
    "h__left": s_left,
    "h__right": s_right,
    "h__mid": s_mid,
    "h__insert": s_insert,
    "h__delete": s_delete,
    "h__replace": s_replace,
    "h__find": s_find,
    "h__fault": STFault,
    "h__now": time.perf_counter,
    "h__wd": watchdog_check,
}
