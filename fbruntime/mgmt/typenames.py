"""Type names as requests spell them, and the names a type library should try for each.

The IDE sends the qualified name of 4diac 3.x (``iec61499::events::E_CTU``), older tools and boot
files the plain one (``E_CTU``), and FORTE's generated C++ identifiers use ``__`` for ``::``
(``iec61499__events__E_CTU``). A lookup tries `normalize_type_name`'s candidates in order.
"""

from __future__ import annotations

SEPARATOR = "::"
CPP_SEPARATOR = "__"


def normalize_type_name(name: str) -> tuple[str, ...]:
    """Candidate names for *name*, the most specific first and the bare type name last.

    >>> normalize_type_name("iec61499::events::E_CTU")
    ('iec61499::events::E_CTU', 'E_CTU')
    >>> normalize_type_name("iec61499__events__E_CTU")
    ('iec61499__events__E_CTU', 'iec61499::events::E_CTU', 'E_CTU')
    """
    name = name.strip()
    candidates = [name]
    qualified = name
    if SEPARATOR not in name and CPP_SEPARATOR in name.strip("_"):
        parts = name.split(CPP_SEPARATOR)
        if all(parts):
            qualified = SEPARATOR.join(parts)
            candidates.append(qualified)
    if SEPARATOR in qualified:
        candidates.append(qualified.rsplit(SEPARATOR, 1)[1])
    return tuple(dict.fromkeys(candidate for candidate in candidates if candidate))


def namespace_of(name: str) -> str:
    """The namespace part of a qualified name (``iec61499::events``), or ``""``."""
    qualified = normalize_type_name(name)
    for candidate in qualified:
        if SEPARATOR in candidate:
            return candidate.rsplit(SEPARATOR, 1)[0]
    return ""
