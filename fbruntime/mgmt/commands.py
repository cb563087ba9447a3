"""The management commands, one frozen dataclass each, holding plain strings only.

These are what `requests.parse_request` makes of a request and what a `ManagementTarget` executes.
They mirror FORTE's ``EMGMCommandType`` (``src/core/mgmcmd.h``). The destination (``""`` for the
device, else a resource name) travels beside the command, never inside it, as on the wire.

Names are kept as the request spells them: instance paths are dotted (``App.Sub.FB1``), endpoints
are ``<instance path>.<port>`` (``FB1.CV``, ``START.COLD``), type names may be qualified
(``iec61499::events::E_CTU``; see `typenames.normalize_type_name`). ``"*"`` means "all" where the
protocol allows it. Values are unescaped: the XML escaping belongs to the wire form only.
"""

from __future__ import annotations

from dataclasses import dataclass

ALL = "*"


@dataclass(frozen=True, slots=True)
class CreateFB:
    """Create an FB in a resource, or a resource when sent to the device (dst ``""``)."""

    name: str
    type_name: str


@dataclass(frozen=True, slots=True)
class DeleteFB:
    name: str


@dataclass(frozen=True, slots=True)
class CreateConnection:
    """Event, data and adapter connections alike: the target tells them apart by the ports."""

    source: str
    destination: str


@dataclass(frozen=True, slots=True)
class DeleteConnection:
    source: str
    destination: str


@dataclass(frozen=True, slots=True)
class WriteParameter:
    """Set an input (or a resource or device parameter) from an IEC 61131-3 literal."""

    value: str
    destination: str


@dataclass(frozen=True, slots=True)
class ForceValue:
    """``force="true"``: pin the port to *value* until the force is cleared."""

    value: str
    destination: str


@dataclass(frozen=True, slots=True)
class ClearForce:
    """``force="false"``. The IDE sends ``*`` as the value; it is kept only to write it back."""

    destination: str
    value: str = ALL


@dataclass(frozen=True, slots=True)
class TriggerEvent:
    """``$e`` written to an event port: fire that event input (or output) once."""

    destination: str


@dataclass(frozen=True, slots=True)
class ResetEventCount:
    """``$er`` written to an event port: zero its monitoring counter."""

    destination: str


@dataclass(frozen=True, slots=True)
class Start:
    """Start the device or resource (``target`` empty) or one FB or resource named by ``target``."""

    target: str = ""
    type_name: str = ""


@dataclass(frozen=True, slots=True)
class Stop:
    target: str = ""
    type_name: str = ""


@dataclass(frozen=True, slots=True)
class Kill:
    target: str = ""
    type_name: str = ""


@dataclass(frozen=True, slots=True)
class Reset:
    target: str = ""
    type_name: str = ""


@dataclass(frozen=True, slots=True)
class QueryFB:
    """``Name="*" Type="*"`` lists the FBs (the resources, at device level); a name asks about one FB."""

    name: str = ALL
    type_name: str = ALL


@dataclass(frozen=True, slots=True)
class QueryConnections:
    source: str = ALL
    destination: str = ALL


@dataclass(frozen=True, slots=True)
class QueryFBTypes:
    pass


@dataclass(frozen=True, slots=True)
class QueryDataTypes:
    pass


@dataclass(frozen=True, slots=True)
class QueryAdapterTypes:
    pass


@dataclass(frozen=True, slots=True)
class QueryFBType:
    """The interface of one FB type (``<FBType Name="X"/>``)."""

    name: str


@dataclass(frozen=True, slots=True)
class QueryAdapterType:
    name: str


@dataclass(frozen=True, slots=True)
class ReadValue:
    source: str


@dataclass(frozen=True, slots=True)
class CreateWatch:
    source: str
    destination: str = ALL


@dataclass(frozen=True, slots=True)
class DeleteWatch:
    source: str
    destination: str = ALL


@dataclass(frozen=True, slots=True)
class ReadWatches:
    """Every watch of the resource, or of all resources when sent to the device."""


Command = (
    CreateFB
    | DeleteFB
    | CreateConnection
    | DeleteConnection
    | WriteParameter
    | ForceValue
    | ClearForce
    | TriggerEvent
    | ResetEventCount
    | Start
    | Stop
    | Kill
    | Reset
    | QueryFB
    | QueryConnections
    | QueryFBTypes
    | QueryDataTypes
    | QueryAdapterTypes
    | QueryFBType
    | QueryAdapterType
    | ReadValue
    | CreateWatch
    | DeleteWatch
    | ReadWatches
)

StateCommand = Start | Stop | Kill | Reset
