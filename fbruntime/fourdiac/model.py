"""The typed model of 4diac library elements, as read from XML and before anything is built.

One frozen dataclass per concept of the 4diac ``LibraryElement`` schema (see 4DIAC-FORMATS.md §a).
The reader (:mod:`fbruntime.fourdiac.reader`) fills it, the type library indexes it, and the build
step turns it into runtime types.  Nothing here is interpreted: type names, array sizes, initial
values, conditions' guards and algorithm bodies stay text, with an :class:`Origin` on every element
so later errors can name file and line.  Collections are tuples so a model can be shared and cached.

Kinds, one class each: :class:`BasicFBType`, :class:`SimpleFBType`, :class:`CompositeFBType`,
:class:`ServiceFBType`, :class:`FunctionType`, :class:`AdapterType`, :class:`SubAppType`,
:class:`DataType`, :class:`GlobalConstants`, :class:`SystemConfiguration`, :class:`DeviceType`,
:class:`ResourceType`, :class:`SegmentType`, :class:`AttributeDeclaration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fbruntime.fourdiac.errors import Origin


class Kind(StrEnum):
    """What a library element is; the value is what listings show."""

    BASIC = "basic"
    SIMPLE = "simple"
    COMPOSITE = "composite"
    SERVICE = "service"
    FUNCTION = "function"
    ADAPTER = "adapter"
    SUBAPP = "subapp"
    DATATYPE = "datatype"
    GLOBAL_CONSTANTS = "globalconstants"
    SYSTEM = "system"
    DEVICE = "device"
    RESOURCE = "resource"
    SEGMENT = "segment"
    ATTRIBUTE = "attribute"


FB_KINDS = frozenset({Kind.BASIC, Kind.SIMPLE, Kind.COMPOSITE, Kind.SERVICE, Kind.FUNCTION})
"""Kinds that can be instantiated as an ``<FB>`` in a network."""


# --- header ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    type_name: str
    value: str
    comment: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Identification:
    standard: str = ""
    classification: str = ""
    application_domain: str = ""
    function: str = ""
    type: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class VersionInfo:
    organization: str = ""
    version: str = ""
    author: str = ""
    date: str = ""
    remarks: str = ""


@dataclass(frozen=True, slots=True)
class Header:
    """What every library element starts with (§a.2)."""

    name: str
    comment: str
    package: str
    imports: tuple[str, ...]
    identification: Identification
    versions: tuple[VersionInfo, ...]
    attributes: tuple[Attribute, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.package}::{self.name}" if self.package else self.name

    @property
    def version(self) -> str:
        """The last VersionInfo's version: the IDE appends a VersionInfo per revision."""
        return self.versions[-1].version if self.versions else ""

    @property
    def description(self) -> str:
        """One line for listings: the element comment, else the identification's function."""
        text = self.comment or self.identification.function
        return text.strip().splitlines()[0] if text.strip() else ""

    def attribute(self, name: str) -> str | None:
        """The value of an attribute, matched case-insensitively and without a namespace."""
        wanted = name.lower()
        for attribute in self.attributes:
            plain = attribute.name.rsplit("::", 1)[-1].lower()
            if attribute.name.lower() == wanted or plain == wanted:
                return attribute.value
        return None


# --- interface ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventDecl:
    name: str
    type_name: str
    comment: str
    with_vars: tuple[str, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class VarDecl:
    name: str
    type_name: str
    array_size: str | None
    initial_value: str | None
    comment: str
    origin: Origin

    @property
    def is_array(self) -> bool:
        return self.array_size is not None


@dataclass(frozen=True, slots=True)
class AdapterDecl:
    name: str
    type_name: str
    comment: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Interface:
    event_inputs: tuple[EventDecl, ...] = ()
    event_outputs: tuple[EventDecl, ...] = ()
    inputs: tuple[VarDecl, ...] = ()
    outputs: tuple[VarDecl, ...] = ()
    in_outs: tuple[VarDecl, ...] = ()
    sockets: tuple[AdapterDecl, ...] = ()
    plugs: tuple[AdapterDecl, ...] = ()

    def input_var(self, name: str) -> VarDecl | None:
        for var in (*self.inputs, *self.in_outs):
            if var.name == name:
                return var
        return None

    def pin_names(self) -> frozenset[str]:
        return frozenset(
            item.name
            for group in (
                self.event_inputs,
                self.event_outputs,
                self.inputs,
                self.outputs,
                self.in_outs,
                self.sockets,
                self.plugs,
            )
            for item in group
        )


# --- networks ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    value: str
    comment: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class FBInstance:
    """``x``/``y``: where the editor drew it (None when the file does not say)."""

    name: str
    type_name: str
    comment: str
    parameters: tuple[Parameter, ...]
    attributes: tuple[Attribute, ...]
    origin: Origin
    x: float | None = None
    y: float | None = None


class ConnectionKind(StrEnum):
    EVENT = "event"
    DATA = "data"
    ADAPTER = "adapter"


@dataclass(frozen=True, slots=True)
class Connection:
    """``Source``/``Destination`` as written: ``FB.PIN`` inside, bare ``PIN`` for the owner's pins."""

    kind: ConnectionKind
    source: str
    destination: str
    comment: str
    attributes: tuple[Attribute, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class SubAppInstance:
    """A ``<SubApp>``: typed when ``type_name`` is set, else its body is inline (untyped).

    A typed instance has no network of its own; an untyped one without a network is an old-style
    mapped copy in a resource, whose body lives in the application.
    """

    name: str
    type_name: str | None
    comment: str
    interface: Interface | None
    network: Network | None
    parameters: tuple[Parameter, ...]
    attributes: tuple[Attribute, ...]
    origin: Origin
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True, slots=True)
class Network:
    fbs: tuple[FBInstance, ...]
    subapps: tuple[SubAppInstance, ...]
    connections: tuple[Connection, ...]
    origin: Origin

    def element_names(self) -> frozenset[str]:
        return frozenset(fb.name for fb in self.fbs) | frozenset(s.name for s in self.subapps)


EMPTY_NETWORK_ORIGIN = Origin("", 0)


# --- behaviour ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Algorithm:
    """An algorithm body as text, with CRLF normalised and any ALGORITHM wrapper kept.

    ``text_line`` is the file line where the text starts, so the ST compiler can report lines in
    the file rather than in the snippet.  For a ``Text=`` attribute that is the line of the
    element holding it.
    """

    name: str
    language: str
    text: str
    comment: str
    text_line: int
    origin: Origin


@dataclass(frozen=True, slots=True)
class Action:
    algorithm: str | None
    output: str | None
    origin: Origin


@dataclass(frozen=True, slots=True)
class State:
    name: str
    comment: str
    actions: tuple[Action, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Condition:
    """A transition condition split into its event part and its guard (§a.3).

    ``event`` is an event input name, ``plug.EVENT`` for an adapter event, or ``None`` for an
    eventless transition; ``guard`` is the ST boolean expression, or ``None`` when always true.
    """

    event: str | None
    guard: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Transition:
    source: str
    destination: str
    condition: Condition
    comment: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class ECC:
    """States in document order: the first one is the initial state."""

    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    origin: Origin

    @property
    def initial_state(self) -> State | None:
        return self.states[0] if self.states else None


# --- library elements --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BasicFBType:
    header: Header
    interface: Interface
    internal_vars: tuple[VarDecl, ...]
    internal_consts: tuple[VarDecl, ...]
    internal_fbs: tuple[FBInstance, ...]
    ecc: ECC
    algorithms: tuple[Algorithm, ...]
    methods: tuple[Algorithm, ...]
    origin: Origin
    kind: Kind = Kind.BASIC


@dataclass(frozen=True, slots=True)
class SimpleFBType:
    """One algorithm per event input, named after the event (stray ECStates are dropped).

    Internal FB instances are allowed, as in every IDE ``BaseFBType`` (OSCAT's CTRL_PID calls
    ``pid.REQ(...)`` from its algorithms)."""

    header: Header
    interface: Interface
    internal_vars: tuple[VarDecl, ...]
    internal_consts: tuple[VarDecl, ...]
    internal_fbs: tuple[FBInstance, ...]
    algorithms: tuple[Algorithm, ...]
    methods: tuple[Algorithm, ...]
    origin: Origin
    kind: Kind = Kind.SIMPLE


@dataclass(frozen=True, slots=True)
class CompositeFBType:
    header: Header
    interface: Interface
    network: Network
    origin: Origin
    kind: Kind = Kind.COMPOSITE


@dataclass(frozen=True, slots=True)
class ServiceFBType:
    """Interface only: behaviour must be native.  ``has_service`` tells whether a Service
    (documentation) element was present."""

    header: Header
    interface: Interface
    has_service: bool
    origin: Origin
    kind: Kind = Kind.SERVICE


@dataclass(frozen=True, slots=True)
class FunctionType:
    """A ``.fct``: the body is the whole ST ``FUNCTION … END_FUNCTION`` text, or None."""

    header: Header
    interface: Interface
    body: Algorithm | None
    origin: Origin
    kind: Kind = Kind.FUNCTION


@dataclass(frozen=True, slots=True)
class AdapterType:
    """The declared interface is the socket side's view (§a.4)."""

    header: Header
    interface: Interface
    origin: Origin
    kind: Kind = Kind.ADAPTER


@dataclass(frozen=True, slots=True)
class SubAppType:
    header: Header
    interface: Interface
    network: Network
    origin: Origin
    kind: Kind = Kind.SUBAPP


@dataclass(frozen=True, slots=True)
class DataType:
    """A STRUCT (``members``) or another derived type (``base_type`` for DirectlyDerivedType)."""

    header: Header
    members: tuple[VarDecl, ...]
    is_struct: bool
    base_type: str | None
    origin: Origin
    kind: Kind = Kind.DATATYPE


@dataclass(frozen=True, slots=True)
class GlobalConstants:
    header: Header
    constants: tuple[VarDecl, ...]
    source: str | None
    origin: Origin
    kind: Kind = Kind.GLOBAL_CONSTANTS

    def constant(self, name: str) -> VarDecl | None:
        wanted = name.lower()
        for constant in self.constants:
            if constant.name.lower() == wanted:
                return constant
        return None


@dataclass(frozen=True, slots=True)
class Application:
    name: str
    comment: str
    network: Network
    origin: Origin


@dataclass(frozen=True, slots=True)
class Resource:
    name: str
    type_name: str
    comment: str
    parameters: tuple[Parameter, ...]
    attributes: tuple[Attribute, ...]
    network: Network
    origin: Origin


@dataclass(frozen=True, slots=True)
class Device:
    name: str
    type_name: str
    comment: str
    parameters: tuple[Parameter, ...]
    attributes: tuple[Attribute, ...]
    resources: tuple[Resource, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Segment:
    name: str
    type_name: str
    comment: str
    parameters: tuple[Parameter, ...]
    attributes: tuple[Attribute, ...]
    origin: Origin


@dataclass(frozen=True, slots=True)
class Link:
    segment: str
    comm_resource: str
    comment: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class Mapping:
    """``From`` an application element path to a ``Dev.Res`` (new) or ``Dev.Res.Name`` (old)."""

    source: str
    destination: str
    origin: Origin


@dataclass(frozen=True, slots=True)
class SystemConfiguration:
    header: Header
    applications: tuple[Application, ...]
    devices: tuple[Device, ...]
    segments: tuple[Segment, ...]
    links: tuple[Link, ...]
    mappings: tuple[Mapping, ...]
    origin: Origin
    kind: Kind = Kind.SYSTEM


@dataclass(frozen=True, slots=True)
class DeviceType:
    header: Header
    parameters: tuple[VarDecl, ...]
    resources: tuple[Resource, ...]
    network: Network | None
    origin: Origin
    kind: Kind = Kind.DEVICE


@dataclass(frozen=True, slots=True)
class ResourceType:
    """``network`` holds the resource's built-in FBs, e.g. ``START:E_RESTART`` in EMB_RES."""

    header: Header
    parameters: tuple[VarDecl, ...]
    network: Network | None
    origin: Origin
    kind: Kind = Kind.RESOURCE


@dataclass(frozen=True, slots=True)
class SegmentType:
    header: Header
    parameters: tuple[VarDecl, ...]
    origin: Origin
    kind: Kind = Kind.SEGMENT


@dataclass(frozen=True, slots=True)
class AttributeDeclaration:
    header: Header
    type_name: str
    origin: Origin
    kind: Kind = Kind.ATTRIBUTE


FBTypeModel = BasicFBType | SimpleFBType | CompositeFBType | ServiceFBType | FunctionType
"""Everything that an ``<FB Type=…>`` can name."""

TypeWithInterface = FBTypeModel | AdapterType | SubAppType

LibraryElement = (
    BasicFBType
    | SimpleFBType
    | CompositeFBType
    | ServiceFBType
    | FunctionType
    | AdapterType
    | SubAppType
    | DataType
    | GlobalConstants
    | SystemConfiguration
    | DeviceType
    | ResourceType
    | SegmentType
    | AttributeDeclaration
)
