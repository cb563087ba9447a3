"""Block types named by text, resolved by whoever loads the code that names them.

A template (``b.add("A", "Gain")``) or a network (``res.add("A", "Gain")``) may name a type
instead of passing it. While the Loader imports a file (or builds a stored type) it sets
:data:`type_resolver`; a name taken then is resolved through that Loader (its folders and its
database) each time an instance is made, so templates nest across files and the database.
Outside any Loader the default resolver answers: the package installs one over the shipped
library. Core itself knows no Loader.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from fbruntime.core.errors import DefinitionError
from fbruntime.core.fbtype import FBType

__all__ = ["NamedType", "TypeResolver", "set_default_resolver", "type_resolver"]

TypeResolver = Callable[[str, str | None], FBType]
"""Finds a block type by name (and version, None for the newest): a Loader's ``get``."""

type_resolver: contextvars.ContextVar[TypeResolver | None] = contextvars.ContextVar(
    "fbrt_type_resolver", default=None
)
"""The resolver of the Loader importing a file right now (see the module docstring)."""

_default_resolver: list[TypeResolver] = []


def set_default_resolver(resolver: TypeResolver) -> None:
    """Install the resolver used for names taken outside any Loader (the package does)."""
    _default_resolver[:] = [resolver]


class NamedType:
    """A block type named by text, resolved when an instance is made.

    It remembers the resolver current when it was made (the Loader importing the template's
    file), so the name is looked up where the template was loaded from.
    """

    __slots__ = ("name", "resolver", "version")

    def __init__(self, name: str, version: str | None = None) -> None:
        self.name = name
        self.version = version
        self.resolver = type_resolver.get()

    def __call__(self) -> FBType:
        resolver = self.resolver or type_resolver.get()
        if resolver is None:
            if not _default_resolver:
                raise DefinitionError(
                    f"block type {self.name!r} is named by text but no Loader is loading this "
                    "template; pass the class, or load the file with fbruntime.Loader"
                )
            resolver = _default_resolver[0]
        return resolver(self.name, self.version)

    def __repr__(self) -> str:
        return f"NamedType({self.name!r})"
