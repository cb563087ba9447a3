"""E_TimeOut and E_RTimeOut, the blocks behind FORTE's ATimeOut and ARTimeOut adapters.

Their definitions are the built-in 4diac documents of :mod:`fbruntime.fourdiac.standard` (a
socket joined to an E_DELAY or E_RDELAY), built through the importer like any composite with a
socket, so a Basic FB with an ATimeOut plug (from the user's type folder) connects to them as it
would to FORTE's.
"""

from __future__ import annotations

from functools import cache

from fbruntime.core import FBType
from fbruntime.fourdiac import FourdiacTypes, TypeLibrary
from fbruntime.fourdiac.model import AdapterType

__all__ = ["TIMEOUT_BLOCKS", "adapter_model", "timeout_block"]

TIMEOUT_BLOCKS = ("E_TimeOut", "E_RTimeOut")
ADAPTERS = ("ATimeOut", "ARTimeOut")


@cache
def _types() -> FourdiacTypes:
    from fbruntime.builtin.catalog import BuiltinLibrary

    return FourdiacTypes((), native=BuiltinLibrary())


def timeout_block(name: str) -> FBType:
    """The composite ``E_TimeOut`` or ``E_RTimeOut`` (built from its built-in document)."""
    types = _types()
    entry = types.library.resolve(name, tags=frozenset({"FBType"}))
    if entry is None or name not in TIMEOUT_BLOCKS:
        raise LookupError(f"{name} is not a built-in time-out block")
    return types.build_entry(entry)


def adapter_model(name: str) -> AdapterType | None:
    """The built-in adapter type ``name`` (ATimeOut, ARTimeOut; any case), else None."""
    plain = name.strip().replace("__", "::").rsplit("::", 1)[-1]
    if plain.upper() not in {a.upper() for a in ADAPTERS}:
        return None
    library = TypeLibrary(())
    entry = library.resolve(plain, tags=frozenset({"AdapterType"}))
    model = library.load(entry) if entry is not None else None
    return model if isinstance(model, AdapterType) else None
