"""Type resolution for the management executor: a type name as a request spells it -> an FBType.

The executor only needs a callable ``name -> FBType | None`` (`TypeResolver`), so the native
Python library (`load_library`) serves today and 4diac XML types (``fbruntime.fourdiac``) plug in
as one more resolver in a `ChainResolver` (`FourdiacResolver`, used by `default_resolver` when type
folders are given). Every lookup tries the candidates of
`normalize_type_name` (``iec61499::events::E_CTU``, ``iec61499__events__E_CTU``, ``E_CTU``).

A resolver may also list what it can create (``names()``), which answers the QUERY of FB types;
one without ``names`` simply contributes nothing to that list. One with ``describe()`` says where
it looks, which the executor logs when a type is not found.

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


def native_resolver(library: Mapping[str, FBType] | None = None) -> LibraryResolver:
    """The shipped Python blocks plus the management test blocks (TEST_CONDITION)."""
    from fbruntime.blockfiles import load_library
    from fbruntime.mgmt.testblocks import TEST_CONDITION

    types = dict(load_library() if library is None else library)
    types.setdefault(TEST_CONDITION.fbtype.name, TEST_CONDITION.fbtype)
    return LibraryResolver(types)


def default_resolver(type_dirs: Sequence[str | Path] = ()) -> TypeResolver:
    """Native types first (they include TEST_CONDITION), then 4diac XML types from *type_dirs*."""
    native = native_resolver()
    if not type_dirs:
        return native
    from fbruntime.mgmt.typefolders import FourdiacResolver

    by_name = {name: found for name in native.names() if (found := native(name)) is not None}
    return ChainResolver(native, FourdiacResolver(type_dirs, by_name))


def __getattr__(name: str) -> Any:
    # The folder resolver imports the 4diac importer (lxml, the ST compiler): loaded on first use.
    if name == "FourdiacResolver":
        from fbruntime.mgmt.typefolders import FourdiacResolver

        return FourdiacResolver
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
