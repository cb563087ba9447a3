"""The engine: types, instances, connections, networks, composites and the dispatcher.

It imports only ``fbruntime.iec``; nothing here knows of XML, Structured Text source, HTTP, SQL or
the web page. Modules, one concept each (as FORTE's ``src/core``): ``interface`` (pins and WITH),
``fbtype`` (a type), ``instance`` (an instance and its lifecycle state), ``block`` (blocks written
in Python), ``asyncrun`` (async handler runs, each on its own event's inputs), ``connection``
(buffers), ``network`` (checked building, data fan-in), ``typeref`` (block types named by text),
``composite`` (templates), ``linker`` (prebuilding the hot path), ``resource`` (FIFO and
dispatcher), ``device`` (resources, and each pin's one name), ``clock``.
"""

from fbruntime.core.block import (
    Block,
    BlockType,
    DataInput,
    DataOutput,
    EventInput,
    EventOutput,
    Parameter,
)
from fbruntime.core.clock import Clock, RealClock, TestClock
from fbruntime.core.composite import CompositeBuilder, CompositeInstance, CompositeType, InnerBlock
from fbruntime.core.device import Device
from fbruntime.core.errors import (
    ConnectionError_,
    DefinitionError,
    EngineError,
    LifecycleError,
    NetworkError,
    NoSuchObject,
)
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import BlockFault, FBInstance, FBState
from fbruntime.core.interface import AdapterPort, DataPort, EventPort, Interface
from fbruntime.core.network import Network
from fbruntime.core.resource import OutputEvent, Resource, ResourceState

__all__ = [
    "AdapterPort",
    "Block",
    "BlockFault",
    "BlockType",
    "Clock",
    "CompositeBuilder",
    "CompositeInstance",
    "CompositeType",
    "ConnectionError_",
    "DataInput",
    "DataOutput",
    "DataPort",
    "DefinitionError",
    "Device",
    "EngineError",
    "EventInput",
    "EventOutput",
    "EventPort",
    "FBInstance",
    "FBState",
    "FBType",
    "InnerBlock",
    "Interface",
    "LifecycleError",
    "Network",
    "NetworkError",
    "NoSuchObject",
    "OutputEvent",
    "Parameter",
    "RealClock",
    "Resource",
    "ResourceState",
    "TestClock",
]
