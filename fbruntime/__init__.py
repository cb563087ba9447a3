"""fbrt: a Python runtime for IEC 61499 function blocks in the style of Eclipse 4diac.

Layering (each layer imports only the layers listed before it; nothing imports upward):

1. ``fbruntime.iec``   IEC 61131-3 values: types, fixed-width arithmetic, literals, conversions.
2. ``fbruntime.core``  the engine: interfaces, Python blocks, instances, connections, networks,
                       composites, the ECC, resources (the dispatcher), the device, the clock.
                       It knows nothing of XML, ST source text, HTTP, SQL or the web page.
3. ``fbruntime.st``        Structured Text compiled to Python (uses iec, targets core's ECC).
   ``fbruntime.fourdiac``  4diac XML (.fbt .adp .sub .fct .dtp .gcf .sys) read safely and built
                           into core types (uses iec, st, core).
   ``fbruntime.mgmt``      the 4diac management protocol, boot files (uses core, fourdiac).
   ``fbruntime.comm``      FORTE's FBDK ASN.1 wire encoding and the ip/loc/mqtt layers that the
                           communication blocks in ``blocks/net`` use (uses iec, core).
   ``fbruntime.blockfiles``  Python block files found on disk (uses core).
   ``fbruntime.builtin``   the FB types FORTE compiles in (its standard library), built by name
                           on first use (uses iec, core, st, fourdiac, comm, blockfiles; the
                           management layer and the Loader use it).
4. ``fbruntime.loader``, ``fbruntime.store``, ``fbruntime.orchestrator``, ``fbruntime.pipelines``,
   ``fbruntime.opcua`` (a device over OPC UA; uses core and mgmt).
5. ``fbruntime.api``, ``fbruntime.web``, ``fbruntime.cli``: the outermost shells; nothing imports them.
   ``fbruntime.eventloop`` picks the loop they all run on (uvloop).

The event dispatch path lives in ``fbruntime.core.resource`` and is kept free of validation,
logging and allocation: everything is checked and prebuilt when a network is linked.
"""

from typing import TYPE_CHECKING

from fbruntime.core import (
    Block,
    BlockFault,
    CompositeBuilder,
    CompositeType,
    DataInput,
    DataOutput,
    Device,
    EventInput,
    EventOutput,
    FBState,
    FBType,
    OutputEvent,
    Parameter,
    RealClock,
    Resource,
    ResourceState,
    TestClock,
)
from fbruntime.core.typeref import set_default_resolver

if TYPE_CHECKING:  # type checkers see the real classes; at run time they load on first use
    from fbruntime.loader import Loader
    from fbruntime.orchestrator import Orchestrator
    from fbruntime.store import Store

__all__ = [
    "Block",
    "BlockFault",
    "CompositeBuilder",
    "CompositeType",
    "DataInput",
    "DataOutput",
    "Device",
    "EventInput",
    "EventOutput",
    "FBState",
    "FBType",
    "Loader",
    "Orchestrator",
    "OutputEvent",
    "Parameter",
    "RealClock",
    "Resource",
    "ResourceState",
    "Store",
    "TestClock",
]


def _library_resolver(name: str, version: str | None) -> FBType:
    """Names taken outside any Loader (a script's ``b.add("C", "E_CTU")``): the shipped
    library's file of that name, else one Loader over the shipped library, made on first use."""
    from fbruntime.loader.loader import library_resolver

    return library_resolver(name, version)


set_default_resolver(_library_resolver)


def __getattr__(name: str) -> object:
    # The Loader, the Orchestrator and the Store pull in SQLAlchemy and the importer (lxml):
    # loaded on first use, so ``from fbruntime import Block`` stays light.
    if name == "Store":
        from fbruntime.store import Store

        return Store
    if name == "Loader":
        from fbruntime.loader import Loader

        return Loader
    if name == "Orchestrator":
        from fbruntime.orchestrator import Orchestrator

        return Orchestrator
    raise AttributeError(f"module 'fbruntime' has no attribute {name!r}")
