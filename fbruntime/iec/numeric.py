"""Fixed-width arithmetic helpers shared by value coercion and by code the ST compiler generates.

These functions sit on the hot path of compiled ST, so they are plain functions on Python ints and
floats with no type objects involved.
"""

from __future__ import annotations

import math
import struct

__all__ = [
    "NS_PER_DAY",
    "NS_PER_HOUR",
    "NS_PER_MINUTE",
    "NS_PER_MS",
    "NS_PER_SECOND",
    "NS_PER_US",
    "round_half_even",
    "to_real32",
    "wrap_int",
]

NS_PER_US = 1_000
NS_PER_MS = 1_000_000
NS_PER_SECOND = 1_000_000_000
NS_PER_MINUTE = 60 * NS_PER_SECOND
NS_PER_HOUR = 60 * NS_PER_MINUTE
NS_PER_DAY = 24 * NS_PER_HOUR

_pack_f = struct.Struct("<f")


def wrap_int(value: int, bits: int, signed: bool) -> int:
    """Wrap an unbounded int into a two's complement field, as C integer casts in FORTE do."""
    value &= (1 << bits) - 1
    if signed and value >> (bits - 1):
        value -= 1 << bits
    return value


def to_real32(value: float) -> float:
    """Round a double to the nearest IEEE binary32 value; too large magnitudes become infinities.

    FORTE stores REAL in a C float, so every REAL result must be rounded like this to match it.
    """
    try:
        return float(_pack_f.unpack(_pack_f.pack(value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def round_half_even(value: float) -> int:
    """Round a float to an int the way FORTE's REAL casts do (llrint, default rounding mode)."""
    return round(value)
