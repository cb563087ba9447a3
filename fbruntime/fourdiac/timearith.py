"""Date and time arithmetic of the IEC 61131-3 library (F_ADD_DT_TIME, F_SUB_DT_DT, F_MULTIME ...).

In the 4diac library these are interface-only ``.fbt`` files that FORTE implements in C++; fbrt
runs them through :mod:`fbruntime.fourdiac.generic` with the operations below. All the values
are int nanoseconds (``fbruntime.iec``), so each operation is plain integer arithmetic and the
output pin's type does the rest: a TIME_OF_DAY wraps at midnight, a TIME at 64 bits, a DATE
drops the time of day. Multiplying or dividing a TIME by a REAL truncates towards zero, as
FORTE's cast to a 64-bit integer does, and dividing by zero gives IN1 unchanged (FORTE's
``DIVTIME``).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from fbruntime import iec

Op = Callable[[list[Any]], Any]


def _truncate(value: Fraction) -> int:
    return int(value)  # int() of a Fraction truncates towards zero


def _multime(values: list[Any]) -> Any:
    duration, factor = values
    if isinstance(factor, float):
        return _truncate(Fraction(duration) * Fraction(factor))
    return duration * int(factor)


def _divtime(values: list[Any]) -> Any:
    duration, divisor = values
    if divisor == 0:
        return duration
    return _truncate(Fraction(duration) / Fraction(divisor))


def _concat_date_tod(values: list[Any]) -> Any:
    date, tod = values
    return date - date % iec.NS_PER_DAY + tod % iec.NS_PER_DAY


def _sum(values: list[Any]) -> Any:
    return values[0] + values[1]


def _difference(values: list[Any]) -> Any:
    return values[0] - values[1]


OPERATIONS: dict[str, Op] = {
    "ADD_TOD_TIME": _sum,
    "ADD_DT_TIME": _sum,
    "SUB_TOD_TIME": _difference,
    "SUB_DT_TIME": _difference,
    "SUB_DT_DT": _difference,
    "SUB_TOD_TOD": _difference,
    "SUB_DATE_DATE": _difference,
    "MULTIME": _multime,
    "DIVTIME": _divtime,
    "CONCAT_DATE_TOD": _concat_date_tod,
}
"""By name without ``F_``; inputs in interface order (IN1, IN2); the result is stored in OUT."""
