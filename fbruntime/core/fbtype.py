"""A function block type: a named interface that can make instances.

Python blocks, Basic/Simple/Function FBs compiled from 4diac XML, composites and native service
blocks are all ``FBType``s, so a network never cares where a type came from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fbruntime.core.interface import Interface

if TYPE_CHECKING:
    from fbruntime.core.instance import FBInstance

__all__ = ["FBType"]


class FBType:
    """Base of every block type.

    ``kind`` is what listings show: ``python``, ``basic``, ``simple``, ``function``,
    ``composite``, ``service``, ``adapter``, ``subapp``.
    """

    kind: str = "service"

    def __init__(
        self,
        name: str,
        interface: Interface,
        *,
        version: str = "",
        description: str = "",
        qualified_name: str | None = None,
        origin: str = "",
    ) -> None:
        interface.validate(name)
        self.name = name
        self.interface = interface
        self.version = version
        self.description = description
        self.qualified_name = qualified_name or name
        self.origin = origin

    def create(self, name: str) -> FBInstance:
        raise NotImplementedError

    def inner_types(self) -> tuple[FBType, ...]:
        """Types this type instantiates inside itself (composites), for cycle checks."""
        return ()

    def describe(self) -> dict[str, Any]:
        """A plain description for listings (Loader, API, management QUERY)."""
        itf = self.interface
        return {
            "name": self.name,
            "qualified_name": self.qualified_name,
            "version": self.version,
            "description": self.description,
            "kind": self.kind,
            "origin": self.origin,
            "interface": {
                "event_inputs": [{"name": e.name, "with": list(e.with_)} for e in itf.event_inputs],
                "event_outputs": [
                    {"name": e.name, "with": list(e.with_)} for e in itf.event_outputs
                ],
                "data_inputs": [{"name": d.name, "type": d.type.name} for d in itf.data_inputs],
                "data_outputs": [{"name": d.name, "type": d.type.name} for d in itf.data_outputs],
                "inouts": [{"name": d.name, "type": d.type.name} for d in itf.inouts],
            },
        }

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
