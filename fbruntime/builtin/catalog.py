"""Every built-in type by name, built the first time it is asked for.

:class:`BuiltinTypes` knows FORTE's names without building anything (the listing a QUERY of FB
types answers), and builds a type only when a CREATE, a boot file or an imported system names
it: a device that uses ten types builds ten. Lookups ignore case, since 4diac names are case
insensitive and the importer asks in capitals. What each name is built from:

* the rule-made families of :mod:`fbruntime.builtin.simple` (conversions, ``T2T``, counters,
  bistables, edges, bit packing) and the F_* functions of :mod:`fbruntime.builtin.functions`;
* Python blocks of the shipped library (``blocks/``): FORTE's event blocks, timers, utilities
  and communication blocks, written as fbrt blocks;
* FORTE's generic blocks configured by name (``ADD_3``, ``E_DEMUX_8``, ``PUBLISH_2``), see
  :mod:`fbruntime.builtin.configured`;
* the adapter-socket blocks E_TimeOut and E_RTimeOut, see :mod:`fbruntime.builtin.timeouts`.

TEST_CONDITION is FORTE's too but belongs to the management layer (it reports to the device):
``fbruntime.mgmt.resolver`` adds it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from fbruntime.builtin import facts
from fbruntime.builtin.interfaces import conversion_types
from fbruntime.core import BlockType, FBType

__all__ = [
    "EXCLUDED",
    "FORTE_ADAPTER_TYPES",
    "BuiltinLibrary",
    "BuiltinTypes",
    "builtin_types",
    "forte_type_names",
]

FORTE_ADAPTER_TYPES = ("ANY_ADAPTER", "ATimeOut", "ARTimeOut")
"""What FORTE answers to a QUERY of adapter types (``ANY_ADAPTER`` is its placeholder for
sockets of any adapter type, listed but not a type one connects)."""

EXCLUDED: Mapping[str, str] = {
    "DEV_MGR": (
        "FORTE's device manager as an FB; fbrt serves the management protocol itself "
        "(fbrt device), not through an FB in a resource"
    ),
    "EMB_RES": "a resource type: the device creates it (CREATE on the device), not a resource",
    "RMT_RES": "a resource type: the device creates it (CREATE on the device), not a resource",
    "TEST_CONDITION": "added by the management layer, which it reports to (fbruntime.mgmt)",
}
"""Names FORTE lists that the catalog does not create as FBs in a resource, and why."""

# Built-ins that are Python blocks of the shipped library: name -> (file stem, attribute).
_BLOCKS: dict[str, tuple[str, str]] = {
    **{
        name: (name, name)
        for name in [
            "E_CTU",
            "E_CTD",
            "E_CTUD",
            "E_CTUD_UDINT",
            "E_DELAY",
            "E_D_FF",
            "E_MERGE",
            "E_REND",
            "E_RS",
            "E_SELECT",
            "E_SR",
            "E_CYCLE",
            "E_DEMUX",
            "E_F_TRIG",
            "E_PERMIT",
            "E_RDELAY",
            "E_RESTART",
            "E_R_TRIG",
            "E_SPLIT",
            "E_SWITCH",
            "E_T_FF",
            "E_TRAIN",
            "E_PULSE",
            "E_TP",
            "E_TON",
            "E_TOF",
            "E_TONOF",
            "FB_TOF",
            "FB_TON",
            "FB_TP",
            "OUT_ANY_CONSOLE",
            "STEST_END",
            "E_STOPWATCH",
            "FB_RANDOM",
            "GET_AT_INDEX",
            "SET_AT_INDEX",
            "GET_STRUCT_VALUE",
            "SET_STRUCT_VALUE",
            "GetInstancePath",
            "TIMESTAMP_NS",
        ]
    },
    "GetInstancePathAndName": ("GetInstancePath", "GetInstancePathAndName"),
    "utils__timing__F_NOW": ("F_NOW", "F_NOW"),
    "utils__timing__F_NOW_MONOTONIC": ("F_NOW", "F_NOW_MONOTONIC"),
    "F_SEL_E_2": ("F_SEL_E_2", "F_SEL_E_2"),
    "F_SEL_E_3": ("F_SEL_E_2", "F_SEL_E_3"),
    "F_SEL_E_4": ("F_SEL_E_2", "F_SEL_E_4"),
    "PUBLISH_1": ("PUBLISH_1", "PUBLISH_1"),
    "SUBSCRIBE_1": ("SUBSCRIBE_1", "SUBSCRIBE_1"),
}

_ALIASES = {"F_NOW": "utils__timing__F_NOW", "F_NOW_MONOTONIC": "utils__timing__F_NOW_MONOTONIC"}
"""Plain names fbrt also accepts where FORTE registers a qualified one."""


def block_member(stem: str, attribute: str) -> FBType:
    """The type ``attribute`` defined by the shipped block file ``<stem>.py`` (imported once)."""
    from fbruntime.blockfiles import library_type

    main = library_type(stem)
    if attribute == stem or attribute == main.name:
        return main
    module_name = main.cls.__module__ if isinstance(main, BlockType) else ""
    module = sys.modules.get(module_name)
    found: Any = getattr(module, attribute, None)
    if isinstance(found, type) and hasattr(found, "fbtype"):
        found = found.fbtype
    if not isinstance(found, FBType):
        raise ImportError(f"blocks/{stem}.py defines no type {attribute}")
    return found


_TIMEOUT_BLOCKS = ("E_TimeOut", "E_RTimeOut")


def _fixed_builder(name: str) -> Callable[[], FBType] | None:
    """How to build ``name``; each family's module (the ST compiler, the importer) is imported
    only when one of its types is built, so creating a resource's E_RESTART stays cheap."""
    if name in conversion_types():
        return lambda: _must(_simple().conversion(name))
    if name in {f"{t}2{t}" for t in facts.IDENTITIES}:
        return lambda: _must(_simple().identity(name))
    if name.startswith(("FB_CTU", "FB_CTD")):
        return lambda: _simple().counter(name)
    if name in ("FB_RS", "FB_SR", "FB_R_TRIG", "FB_F_TRIG"):
        return lambda: _simple().edge(name)
    if name in facts.PACKINGS:
        return lambda: _simple().packing(name)
    if name in _BLOCKS:
        stem, attribute = _BLOCKS[name]
        return lambda: block_member(stem, attribute)
    if name in _TIMEOUT_BLOCKS:
        from fbruntime.builtin import timeouts

        return lambda: timeouts.timeout_block(name)
    if name.startswith("F_") and name in facts.INTERFACES:
        from fbruntime.builtin import functions

        return lambda: _must(functions.variant_function(name))
    if name in facts.CONFIGURED_BASES:
        from fbruntime.builtin.configured import unconfigured

        return lambda: unconfigured(name)
    return None


def _simple() -> Any:
    from fbruntime.builtin import simple

    return simple


def _must(found: FBType | None) -> FBType:
    if found is None:
        raise LookupError("a built-in type could not be built")
    return found


@cache
def forte_type_names() -> tuple[str, ...]:
    """Every FB type name FORTE lists (its QUERY of FB types), in fbrt's facts."""
    names: dict[str, None] = {}
    names.update(dict.fromkeys(facts.INTERFACES))
    names.update(dict.fromkeys(conversion_types()))
    names.update(dict.fromkeys(f"{t}2{t}" for t in facts.IDENTITIES))
    names.update(dict.fromkeys(facts.PACKINGS))
    names.update(dict.fromkeys(facts.CONFIGURED_BASES))
    names.update(dict.fromkeys(("EMB_RES", "RMT_RES")))
    return tuple(names)


class BuiltinTypes:
    """FORTE's built-in FB types by name (any case), each built once, on first use."""

    def __init__(self) -> None:
        self._by_upper = {name.upper(): name for name in forte_type_names()}
        self._by_upper.update({alias.upper(): name for alias, name in _ALIASES.items()})
        self._built: dict[str, FBType] = {}

    def names(self) -> list[str]:
        """The names a device offers (FORTE's list, but those :data:`EXCLUDED`)."""
        return [name for name in forte_type_names() if name not in EXCLUDED]

    def adapter_names(self) -> list[str]:
        return list(FORTE_ADAPTER_TYPES)

    def canonical(self, name: str) -> str | None:
        """FORTE's spelling of a built-in name, or None."""
        return self._by_upper.get(name.strip().upper())

    def get(self, name: str) -> FBType | None:
        """The type called ``name``, or a generic type configured by it (``ADD_3``), or None."""
        key = name.strip().upper()
        found = self._built.get(key)
        if found is not None:
            return found
        canonical = self._by_upper.get(key)
        if canonical is not None and canonical not in EXCLUDED:
            builder = _fixed_builder(canonical)
            if builder is None:
                return None
            found = builder()
        else:
            from fbruntime.builtin.configured import configured_type

            found = configured_type(name.strip())
        if found is not None:
            self._built[key] = found
        return found

    def adapter(self, name: str) -> Any:
        """The adapter type ``name`` (its 4diac model), or None."""
        from fbruntime.builtin import timeouts

        return timeouts.adapter_model(name)


@cache
def builtin_types() -> BuiltinTypes:
    """The process's one catalog (types are immutable once built, so all devices share them)."""
    return BuiltinTypes()


class BuiltinLibrary(Mapping[str, FBType]):
    """The built-ins and the shipped block library as one lazy, case-insensitive mapping.

    This is the ``native`` library the 4diac importer takes
    (:class:`~fbruntime.fourdiac.FourdiacTypes`): looking a name up builds at most that type;
    the shipped blocks that are not FORTE's (fbrt's own, such as E_BLINK or the pipeline
    operations) are imported all at once the first time a name misses the catalog, and listing
    the mapping builds everything.
    """

    case_insensitive = True

    def __init__(self, extra: Mapping[str, FBType] | None = None, *, shipped: bool = True) -> None:
        """``extra`` types win over the built-ins; ``shipped=False`` leaves fbrt's other
        shipped blocks out (FORTE's types only)."""
        self._catalog = builtin_types()
        self._extra = {k.upper(): v for k, v in (extra or {}).items()}
        self._library: dict[str, FBType] | None = None if shipped else {}

    def _shipped(self) -> dict[str, FBType]:
        if self._library is None:
            from fbruntime.blockfiles import load_library

            self._library = {k.upper(): v for k, v in load_library().items()}
        return self._library

    def get(self, key: str, default: Any = None) -> Any:
        upper = key.strip().upper()
        found = self._extra.get(upper) or self._catalog.get(upper)
        if found is None:
            found = self._shipped().get(upper)
        return found if found is not None else default

    def __getitem__(self, key: str) -> FBType:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found  # type: ignore[no-any-return]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def _names(self) -> list[str]:
        names = dict.fromkeys(self._catalog.names())
        names.update(dict.fromkeys(t.name for t in self._shipped().values()))
        names.update(dict.fromkeys(t.name for t in self._extra.values()))
        return list(names)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())
