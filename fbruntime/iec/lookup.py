"""Finding a type by the name written in a 4diac file or ST declaration."""

from __future__ import annotations

from collections.abc import Mapping

from .aggregates import StructType
from .base import IecType
from .elementary import find_elementary
from .errors import IecTypeError
from .generic import find_generic

__all__ = ["lookup_type"]

_NO_STRUCTS: Mapping[str, StructType] = {}


def lookup_type(name: str, *, structs: Mapping[str, StructType] = _NO_STRUCTS) -> IecType:
    """The elementary, generic or named struct type called ``name``.

    Elementary and generic names match in any case; a struct is looked up by its exact name
    first, then case-insensitively. IecTypeError names the unknown type.
    """
    found: IecType | None = find_elementary(name) or find_generic(name)
    if found is not None:
        return found
    key = name.strip()
    struct = structs.get(key)
    if struct is None:
        upper = key.upper()
        struct = next((s for n, s in structs.items() if n.upper() == upper), None)
    if struct is None:
        raise IecTypeError(f"unknown data type {name!r}")
    return struct
