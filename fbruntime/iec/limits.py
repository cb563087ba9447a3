"""How large one value may be: the bounds that keep a hostile type or write from taking the host.

FORTE's own limits come from C++: a STRING holds at most 65,534 characters, and an array is a
fixed block of memory sized when the type is compiled. fbrt checks the same things when a type
is made or a value arrives, and refuses with a message that names the size and never repeats a
huge value back:

* ``MAX_STRING_LENGTH``: characters in a STRING or WSTRING value (FORTE's ``scmMaxStringLen``).
  Writes and literals longer than that are refused; inside Structured Text, string functions
  cut their result to it, as FORTE's assignment does.
* ``MAX_ELEMENTS``: values in one variable, nested arrays and struct members counted
  (``ARRAY [0..100000000] OF LREAL`` would be 800 MB of Python list).
* ``MAX_INSTANCE_ELEMENTS``: values in all the variables of one FB type together.
* ``MAX_LITERAL_LENGTH``: characters in the text of one literal.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MAX_ELEMENTS",
    "MAX_INSTANCE_ELEMENTS",
    "MAX_LITERAL_LENGTH",
    "MAX_STRING_LENGTH",
    "elements",
    "shorten",
]

MAX_STRING_LENGTH = 65_534
MAX_ELEMENTS = 1_000_000
MAX_INSTANCE_ELEMENTS = 4_000_000
MAX_LITERAL_LENGTH = 1_048_576


def elements(t: Any) -> int:
    """How many elementary values a value of type ``t`` holds (1 for an elementary type)."""
    count = getattr(t, "elements", None)
    return count if isinstance(count, int) else 1


def shorten(value: Any, limit: int = 60) -> str:
    """``repr(value)`` cut to about ``limit`` characters, saying how long it was: error messages
    name the value without sending megabytes back."""
    if isinstance(value, str | bytes | list | tuple | dict) and len(value) > limit:
        head = repr(value[:limit] if not isinstance(value, dict) else "{...}")
        return f"{head}... ({len(value):,} {'characters' if isinstance(value, str) else 'items'})"
    text = repr(value)
    return text if len(text) <= limit + 20 else f"{text[:limit]}... ({len(text):,} characters)"
