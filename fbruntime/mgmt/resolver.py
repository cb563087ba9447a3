"""Type resolution for the management executor: a type name as a request spells it -> an FBType.

The executor only needs a callable ``name -> FBType | None`` (`TypeResolver`). `native_resolver`
serves what fbrt has built in: FORTE's standard types (``fbruntime.builtin``, each built the
first time it is named, so a device starts without building ~460 types), TEST_CONDITION, and the
rest of the shipped Python blocks (imported the first time a name is none of FORTE's). 4diac XML
types (``fbruntime.fourdiac``) plug in as one more resolver in a `ChainResolver`
(`FourdiacResolver`, used by `default_resolver` when type folders are given). Every lookup tries
the candidates of `normalize_type_name` (``iec61499::events::E_CTU``, ``iec61499__events__E_CTU``,
``E_CTU``).

A resolver may also list what it can create (``names()``), which answers the QUERY of FB types,
and the adapter types it knows (``adapter_names()``, ``adapter(name)``); one without them simply
contributes nothing to those lists. One with ``describe()`` says where it looks, which the
executor logs when a type is not found.

The type folders (``fbrt device --types``, ``FBRT_TYPES``) are the user's project and change while
a device runs; `fbruntime.mgmt.typefolders` rereads them when a file changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from fbruntime.core import FBType
from fbruntime.mgmt.typenames import normalize_type_name

TypeResolver = Callable[[str], FBType | None]

TYPES_ENV = "FBRT_TYPES"
"""Type folders for ``fbrt device`` and ``fbrt run``, separated by ``os.pathsep``."""


@runtime_checkable
class ListingResolver(Protocol):
    def __call__(self, name: str) -> FBType | None: ...

    def names(self) -> Iterable[str]: ...


class LibraryResolver:
    """Types from a ``{name: FBType}`` mapping, found by any spelling of their name."""

    def __init__(self, library: Mapping[str, FBType]) -> None:
        self._library = dict(library)
        # Qualified names are indexed too, so ``iec61499::events::E_CTU`` finds its own entry
        # before falling back to the bare name.
        for fbtype in list(self._library.values()):
            self._library.setdefault(fbtype.qualified_name, fbtype)

    def __call__(self, name: str) -> FBType | None:
        for candidate in normalize_type_name(name):
            found = self._library.get(candidate)
            if found is not None:
                return found
        return None

    def names(self) -> list[str]:
        return sorted({fbtype.name for fbtype in self._library.values()})

    def describe(self) -> str:
        return f"the built-in library ({len(self.names())} types)"


class ChainResolver:
    """The first resolver that knows a name wins; listings are merged."""

    def __init__(self, *resolvers: TypeResolver) -> None:
        self.resolvers = list(resolvers)

    def __call__(self, name: str) -> FBType | None:
        for resolver in self.resolvers:
            found = resolver(name)
            if found is not None:
                return found
        return None

    def names(self) -> list[str]:
        found: set[str] = set()
        for resolver in self.resolvers:
            found.update(type_names_of(resolver))
        return sorted(found)

    def adapter_names(self) -> list[str]:
        found: dict[str, None] = {}
        for resolver in self.resolvers:
            names = getattr(resolver, "adapter_names", None)
            if callable(names):
                found.update(dict.fromkeys(names()))
        return list(found)

    def adapter(self, name: str) -> Any:
        for resolver in self.resolvers:
            find = getattr(resolver, "adapter", None)
            model = find(name) if callable(find) else None
            if model is not None:
                return model
        return None

    def describe(self) -> str:
        return ", then ".join(describe_resolver(r) for r in self.resolvers)


def type_names_of(resolver: TypeResolver) -> list[str]:
    """What *resolver* can list (nothing when it cannot list)."""
    names = getattr(resolver, "names", None)
    return list(names()) if callable(names) else []


def describe_resolver(resolver: TypeResolver) -> str:
    """Where *resolver* looks for types, for a log line about a type it did not find."""
    describe = getattr(resolver, "describe", None)
    return str(describe()) if callable(describe) else repr(resolver)


def type_dirs_from_env(given: Sequence[str | Path] = ()) -> list[Path]:
    """*given* folders, then those of ``FBRT_TYPES`` (``os.pathsep``-separated), each once."""
    folders = [Path(folder) for folder in given]
    env = os.environ.get(TYPES_ENV, "")
    folders += [Path(part) for part in env.split(os.pathsep) if part.strip()]
    return list(dict.fromkeys(folders))


class NativeResolver(LibraryResolver):
    """FORTE's built-in types first, then TEST_CONDITION and the shipped Python blocks.

    Nothing is built or imported up front: a built-in is built when first named, and the
    shipped library is imported when a name is none of FORTE's or when the types are listed.
    """

    def __init__(self, library: Mapping[str, FBType] | None = None) -> None:
        from fbruntime.builtin import builtin_types
        from fbruntime.mgmt.testblocks import TEST_CONDITION

        self.builtins = builtin_types()
        self._given = library
        self._test_condition = TEST_CONDITION.fbtype
        self._loaded = False
        super().__init__({})

    def _load(self) -> None:
        if self._loaded:
            return
        from fbruntime.blockfiles import load_library

        self._loaded = True
        types = dict(load_library() if self._given is None else self._given)
        types.setdefault(self._test_condition.name, self._test_condition)
        self._library.update(types)
        for fbtype in types.values():
            self._library.setdefault(fbtype.qualified_name, fbtype)

    def __call__(self, name: str) -> FBType | None:
        for candidate in normalize_type_name(name):
            if candidate == self._test_condition.name:
                return self._test_condition
            found = self.builtins.get(candidate)
            if found is not None:
                return found
        self._load()
        return super().__call__(name)

    def names(self) -> list[str]:
        self._load()
        return sorted({*self.builtins.names(), *super().names()})

    def adapter_names(self) -> list[str]:
        return self.builtins.adapter_names()

    def adapter(self, name: str) -> Any:
        for candidate in normalize_type_name(name):
            model = self.builtins.adapter(candidate)
            if model is not None:
                return model
        return None


def native_resolver(library: Mapping[str, FBType] | None = None) -> NativeResolver:
    """FORTE's built-ins, TEST_CONDITION and the shipped Python blocks (or *library* instead)."""
    return NativeResolver(library)


def default_resolver(type_dirs: Sequence[str | Path] = ()) -> TypeResolver:
    """Native types first (they include TEST_CONDITION), then 4diac XML types from *type_dirs*.

    The XML types' inner FBs (a composite's F_ADD) find FORTE's built-ins too.
    """
    native = native_resolver()
    if not type_dirs:
        return native
    from fbruntime.builtin import BuiltinLibrary
    from fbruntime.mgmt.typefolders import FourdiacResolver

    return ChainResolver(native, FourdiacResolver(type_dirs, BuiltinLibrary(shipped=False)))


def __getattr__(name: str) -> Any:
    # The folder resolver imports the 4diac importer (lxml, the ST compiler): loaded on first use.
    if name == "FourdiacResolver":
        from fbruntime.mgmt.typefolders import FourdiacResolver

        return FourdiacResolver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
