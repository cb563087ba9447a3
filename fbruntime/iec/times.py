"""Durations, dates and times of day: reading and printing their literal bodies.

All are int nanoseconds (dates since 1970-01-01 UTC, times of day since midnight). Printing follows
FORTE: ``T#1d2h3m4s5ms6us7ns`` with zero parts left out and ``T#0ns`` for zero;
``D#2024-01-31``; ``TOD#12:30:00.500``; ``DT#2024-01-31-12:30:00.000``. FORTE prints three fraction
digits; fbrt prints six or nine when the value has sub-millisecond parts, so that printing and
reading back never loses anything.

Reading accepts what FORTE accepts plus what the 4diac IDE accepts: decimal parts in durations
(``T#1.5s``, rounded to the nanosecond), any unit case, ``_`` between parts.
"""

from __future__ import annotations

import datetime as _dt
import re
from fractions import Fraction

from .numeric import NS_PER_DAY, NS_PER_HOUR, NS_PER_MINUTE, NS_PER_MS, NS_PER_SECOND, NS_PER_US

__all__ = [
    "format_date",
    "format_dt",
    "format_duration",
    "format_tod",
    "parse_date",
    "parse_dt",
    "parse_duration",
    "parse_tod",
]

_UNITS = {
    "d": NS_PER_DAY,
    "h": NS_PER_HOUR,
    "m": NS_PER_MINUTE,
    "s": NS_PER_SECOND,
    "ms": NS_PER_MS,
    "us": NS_PER_US,
    "ns": 1,
}
_PART = re.compile(r"(\d+(?:_\d+)*)(?:\.(\d+(?:_\d+)*))?([a-zA-Z]*)")
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_UINT64_MAX = (1 << 64) - 1
_EPOCH = _dt.date(1970, 1, 1)


def parse_duration(body: str) -> int:
    """Read ``1h2m3s`` (the part after ``T#``), with an optional sign; return nanoseconds."""
    text = body.strip()
    sign = 1
    if text[:1] in "+-" and text:
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if not text:
        raise ValueError("no duration after '#'")
    total = Fraction(0)
    pos = 0
    while pos < len(text):
        match = _PART.match(text, pos)
        if match is None:
            raise ValueError(f"expected a number at {text[pos:]!r}")
        whole, frac, unit = match.groups()
        if not unit:
            raise ValueError(f"number {whole} has no unit (d, h, m, s, ms, us or ns)")
        factor = _UNITS.get(unit.lower())
        if factor is None:
            raise ValueError(f"unknown time unit {unit!r}")
        number = Fraction(whole.replace("_", ""))
        if frac:
            digits = frac.replace("_", "")
            number += Fraction(int(digits), 10 ** len(digits))
        total += number * factor
        pos = match.end()
        if pos < len(text) and text[pos] == "_":
            pos += 1
            if pos == len(text):
                raise ValueError("'_' at the end of the duration")
    ns = sign * round(total)
    if not _INT64_MIN <= ns <= _INT64_MAX:
        raise ValueError("duration is out of range (at most about 106751 days)")
    return ns


def format_duration(ns: int, prefix: str = "T#") -> str:
    """``T#1h30m``; FORTE's form, zero parts omitted, ``T#0ns`` for zero."""
    if ns == 0:
        return prefix + "0ns"
    sign = "-" if ns < 0 else ""
    rest = abs(ns)
    parts = [
        (rest // NS_PER_DAY, "d"),
        (rest // NS_PER_HOUR % 24, "h"),
        (rest // NS_PER_MINUTE % 60, "m"),
        (rest // NS_PER_SECOND % 60, "s"),
        (rest // NS_PER_MS % 1000, "ms"),
        (rest // NS_PER_US % 1000, "us"),
        (rest % 1000, "ns"),
    ]
    return prefix + sign + "".join(f"{n}{unit}" for n, unit in parts if n)


_DATE = re.compile(r"(\d{1,4})-(\d{1,2})-(\d{1,2})")
_TOD = re.compile(r"(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?")


def _date_ns(match: re.Match[str]) -> int:
    year, month, day = (int(g) for g in match.groups())
    try:
        date = _dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"no such date: {exc}") from None
    if date < _EPOCH:
        raise ValueError("dates before 1970-01-01 cannot be represented")
    ns = (date - _EPOCH).days * NS_PER_DAY
    if ns + NS_PER_DAY > _UINT64_MAX:
        raise ValueError("dates after 2554 cannot be represented (64-bit nanoseconds)")
    return ns


def _tod_ns(match: re.Match[str]) -> int:
    hour, minute = int(match.group(1)), int(match.group(2))
    second = int(match.group(3) or 0)
    fraction = match.group(4) or ""
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"no such time of day: {hour}:{minute}:{second}")
    ns = (hour * 3600 + minute * 60 + second) * NS_PER_SECOND
    if fraction:
        ns += int(fraction[:9].ljust(9, "0"))
    return ns


def parse_date(body: str) -> int:
    """``2024-01-31`` -> nanoseconds since 1970-01-01."""
    match = _DATE.fullmatch(body.strip())
    if match is None:
        raise ValueError("expected a date like 2024-01-31")
    return _date_ns(match)


def parse_tod(body: str) -> int:
    """``12:30:00.5`` -> nanoseconds since midnight (fraction digits beyond 9 are dropped)."""
    match = _TOD.fullmatch(body.strip())
    if match is None:
        raise ValueError("expected a time of day like 12:30:00.500")
    return _tod_ns(match)


def parse_dt(body: str) -> int:
    """``2024-01-31-12:30:00.000`` -> nanoseconds since 1970-01-01T00:00."""
    text = body.strip()
    date = _DATE.match(text)
    if date is None or text[date.end() : date.end() + 1] != "-":
        raise ValueError("expected a date and time like 2024-01-31-12:30:00.000")
    tod = _TOD.fullmatch(text, date.end() + 1)
    if tod is None:
        raise ValueError("expected a date and time like 2024-01-31-12:30:00.000")
    ns = _date_ns(date) + _tod_ns(tod)
    if ns > _UINT64_MAX:
        raise ValueError("date and time is out of range")
    return ns


def _fraction(ns: int) -> str:
    sub = ns % NS_PER_SECOND
    if sub % NS_PER_MS == 0:
        return f"{sub // NS_PER_MS:03d}"
    if sub % NS_PER_US == 0:
        return f"{sub // NS_PER_US:06d}"
    return f"{sub:09d}"


def format_tod(ns: int, prefix: str = "TOD#") -> str:
    seconds = ns // NS_PER_SECOND
    return (
        f"{prefix}{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{_fraction(ns)}"
    )


def _date_text(ns: int) -> str:
    date = _EPOCH + _dt.timedelta(days=ns // NS_PER_DAY)
    return f"{date.year:04d}-{date.month:02d}-{date.day:02d}"


def format_date(ns: int, prefix: str = "D#") -> str:
    return prefix + _date_text(ns)


def format_dt(ns: int, prefix: str = "DT#") -> str:
    return prefix + _date_text(ns) + "-" + format_tod(ns % NS_PER_DAY, "")
