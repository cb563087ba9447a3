"""Typed evaluation of parameter and initial-value text through :mod:`fbruntime.iec`.

The importer keeps every value as text and adds a parsed value where the pin's type is known.
Old 4diac projects write STRING parameters unquoted (``executiontime.csv``, ``STRING#abc``); the
IDE 1.x sent them raw, so such text is quoted before parsing.  The iec layer is looked up at call
time so this package keeps working while it grows; when it cannot parse, the value stays None.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

_STRING_TYPES = {"STRING": "'", "WSTRING": '"'}
_MISSING = object()


def _iec(name: str) -> Any:
    try:
        module = importlib.import_module("fbruntime.iec")
    except ImportError:  # pragma: no cover - the package always exists
        return None
    return getattr(module, name, None)


def quote_bare_string(text: str, type_name: str) -> str:
    """Quote an old-style unquoted STRING/WSTRING parameter, as IDE 1.x sent it verbatim."""
    quote = _STRING_TYPES.get(type_name.upper())
    if quote is None:
        return text
    stripped = text.strip()
    for prefix in ("STRING#", "WSTRING#"):
        if stripped.upper().startswith(prefix):
            stripped = stripped[len(prefix) :]
            break
    if stripped[:1] in ("'", '"'):
        return stripped
    escaped = stripped.replace("$", "$$").replace(quote, "$" + quote)
    return f"{quote}{escaped}{quote}"


def evaluate(text: str, type_name: str, where: str) -> tuple[Any, str | None]:
    """Parse *text* for the elementary or known type *type_name*.

    Returns ``(value, None)``, ``(None, reason)`` when the literal is wrong, or ``(None, None)``
    when the type is not one the iec layer knows (generic, user struct not registered…).
    """
    lookup: Callable[[str], Any] | None = _iec("lookup_type")
    parse: Callable[..., Any] | None = _iec("parse_literal")
    if lookup is None or parse is None:
        return None, None
    try:
        expected = lookup(type_name)
    except Exception:
        return None, None
    if expected is None or getattr(expected, "is_generic", False):
        return None, None
    literal_error = _iec("LiteralError") or ValueError
    value_error = _iec("IecError") or ValueError
    try:
        _, value = parse(quote_bare_string(text, type_name), expected, where=where)
    except (literal_error, value_error, ValueError) as exc:
        return None, str(exc)
    return value, None
