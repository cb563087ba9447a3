"""Type resolution for the management executor: a type name as a request spells it -> an FBType.

The executor only needs a callable ``name -> FBType | None`` (`TypeResolver`), so the native
Python library (`load_library`) serves today and 4diac XML types (``fbruntime.fourdiac``) plug in
later as one more resolver in a `ChainResolver`. Every lookup tries the candidates of
`normalize_type_name` (``iec61499::events::E_CTU``, ``iec61499__events__E_CTU``, ``E_CTU``).

A resolver may also list what it can create (``names()``), which answers the QUERY of FB types;
one without ``names`` simply contributes nothing to that list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, runtime_checkable

from fbruntime.core import FBType
from fbruntime.mgmt.typenames import normalize_type_name

TypeResolver = Callable[[str], FBType | None]


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


def type_names_of(resolver: TypeResolver) -> list[str]:
    """What *resolver* can list (nothing when it cannot list)."""
    names = getattr(resolver, "names", None)
    return list(names()) if callable(names) else []


def native_resolver(library: Mapping[str, FBType] | None = None) -> LibraryResolver:
    """The shipped Python blocks plus the management test blocks (TEST_CONDITION)."""
    from fbruntime.blockfiles import load_library
    from fbruntime.mgmt.testblocks import TEST_CONDITION

    types = dict(load_library() if library is None else library)
    types.setdefault(TEST_CONDITION.fbtype.name, TEST_CONDITION.fbtype)
    return LibraryResolver(types)


def default_resolver() -> TypeResolver:
    """Native types first, then 4diac XML types when ``fbruntime.fourdiac`` offers a resolver.

    The fourdiac package is being extended to build runtime types (``FourdiacTypes``); until it
    exposes one, only the native library resolves.
    """
    native = native_resolver()
    try:
        from fbruntime import fourdiac
    except ImportError:  # pragma: no cover - the package ships with fbrt
        return native
    xml_types = getattr(fourdiac, "FourdiacTypes", None)
    if xml_types is None:
        return native
    try:
        xml = xml_types()
    except Exception:
        return native
    if not callable(xml):
        return native
    return ChainResolver(native, xml)
