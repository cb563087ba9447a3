"""Management replies: what a target returns (`Response`) and the reply text FORTE would send.

A target answers each command with a `Response`: a `Reason` and, for reads and queries, a payload of
plain data (names, already formatted values). `format_reply` turns it into the reply text with
FORTE's exact layout (``DEV_MGR::generateResponse``, ``generateLongResponse``,
``generateMonitorResponse``; the list bodies from ``resource.cpp`` and ``monitoring.cpp``):

* ``<Response ID="n" />`` or ``<Response ID="n" Reason="X" />`` when FORTE has nothing to add;
* the long form ``<Response ID="n">\\n  BODY\\n</Response>`` when it has. FORTE also uses the long
  form, with an empty body, for every WRITE (it keeps the written value in the buffer that decides
  the form), and a failed long reply is ``<Response ID="n" Reason="X">\\n  \\n</Response>``;
* an empty list (no FBs, no watches, no types) gives the short form, again as FORTE does.

Two FORTE slips are not copied: a READ reply names the port the request named (FORTE writes the
FB name twice), and values are always XML-escaped (FORTE skips that for arrays and structs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fbruntime.mgmt.commands import (
    ClearForce,
    Command,
    ForceValue,
    QueryAdapterType,
    QueryConnections,
    QueryDataTypes,
    ReadValue,
    ResetEventCount,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.requests import escape_attribute as _esc

# --- payloads -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Value:
    """The current value of the port a `ReadValue` named, as an IEC 61131-3 literal."""

    text: str


@dataclass(frozen=True, slots=True)
class FBList:
    """``(instance name, type name)`` per FB, in creation order; at device level, the resources."""

    fbs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class FBStatus:
    """The execution state of one FB (``QueryFB`` with a name and a type)."""

    status: str


@dataclass(frozen=True, slots=True)
class FBTypeOf:
    """The type of one FB (``QueryFB`` with a name and ``Type="*"``)."""

    name: str
    type_name: str


@dataclass(frozen=True, slots=True)
class ConnectionList:
    """``(source, destination)`` endpoints, grouped by source port as FORTE walks them."""

    connections: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class TypeNames:
    """Names of the FB, adapter or data types the target can create."""

    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class EventDecl:
    name: str
    with_vars: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TypeInterface:
    """One type's interface, for ``QueryFBType`` and ``QueryAdapterType``."""

    name: str
    event_inputs: tuple[EventDecl, ...] = ()
    event_outputs: tuple[EventDecl, ...] = ()
    input_vars: tuple[tuple[str, str], ...] = ()
    output_vars: tuple[tuple[str, str], ...] = ()
    plugs: tuple[tuple[str, str], ...] = ()
    sockets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DataWatch:
    port: str
    value: str
    forced: bool = False


@dataclass(frozen=True, slots=True)
class EventWatch:
    """An event port's count and the device time (FORTE's ``getForteTime``) when read."""

    port: str
    count: int
    time: int


@dataclass(frozen=True, slots=True)
class FBWatches:
    name: str
    data: tuple[DataWatch, ...] = ()
    events: tuple[EventWatch, ...] = ()


@dataclass(frozen=True, slots=True)
class ResourceWatches:
    name: str
    fbs: tuple[FBWatches, ...] = ()


@dataclass(frozen=True, slots=True)
class Watches:
    resources: tuple[ResourceWatches, ...] = ()


Payload = (
    Value | FBList | FBStatus | FBTypeOf | ConnectionList | TypeNames | TypeInterface | Watches
)


@dataclass(frozen=True, slots=True)
class Response:
    """A target's answer to one command."""

    reason: Reason = Reason.RDY
    payload: Payload | None = None

    @property
    def ok(self) -> bool:
        return self.reason is Reason.RDY


# --- builders for targets -------------------------------------------------------------------

OK = Response()


def error(reason: Reason) -> Response:
    return Response(reason)


def value(text: str) -> Response:
    return Response(payload=Value(text))


def fb_list(fbs: Iterable[tuple[str, str]]) -> Response:
    return Response(payload=FBList(tuple(fbs)))


def fb_status(status: str) -> Response:
    return Response(payload=FBStatus(status))


def fb_type_of(name: str, type_name: str) -> Response:
    return Response(payload=FBTypeOf(name, type_name))


def connection_list(connections: Iterable[tuple[str, str]]) -> Response:
    return Response(payload=ConnectionList(tuple(connections)))


def type_names(names: Iterable[str]) -> Response:
    return Response(payload=TypeNames(tuple(names)))


def type_interface(interface: TypeInterface) -> Response:
    return Response(payload=interface)


def watches(resources: Iterable[ResourceWatches]) -> Response:
    return Response(payload=Watches(tuple(resources)))


# --- reply text -----------------------------------------------------------------------------


def short_reply(request_id: str, reason: Reason = Reason.RDY) -> str:
    if reason is Reason.RDY:
        return f'<Response ID="{request_id}" />'
    return f'<Response ID="{request_id}" Reason="{reason.value}" />'


def long_reply(request_id: str, body: str, reason: Reason = Reason.RDY) -> str:
    if reason is not Reason.RDY:
        return f'<Response ID="{request_id}" Reason="{reason.value}">\n  \n</Response>'
    return f'<Response ID="{request_id}">\n  {body}\n</Response>'


def format_reply(request_id: str, command: Command, response: Response) -> str:
    """The reply FORTE sends for *command* answered with *response*."""
    payload = response.payload
    if isinstance(payload, Watches) and response.ok:
        body = watches_body(payload)
        if not body:
            return short_reply(request_id)
        return f'<Response ID="{request_id}">\n  <Watches>\n    {body}\n  </Watches>\n</Response>'
    body = "" if payload is None or not response.ok else _body(command, payload)
    if body or _carries_value(command):
        return long_reply(request_id, body, response.reason)
    return short_reply(request_id, response.reason)


def _carries_value(command: Command) -> bool:
    """Whether FORTE keeps a value from the request, which makes it answer in the long form."""
    match command:
        case WriteParameter(value=text) | ForceValue(value=text) | ClearForce(value=text):
            return bool(text)
        case TriggerEvent() | ResetEventCount():
            return True
    return False


def _body(command: Command, payload: Payload) -> str:
    match payload:
        case Value(text):
            if not text:
                return ""
            source = command.source if isinstance(command, ReadValue) else ""
            return f'<Connection Source="{_esc(source)}" Destination="{_esc(text)}" />'
        case FBList(fbs):
            return _wrapped("FBList", fb_list_body(fbs))
        case FBStatus(status):
            return f'<FBStatus Status="{_esc(status)}" />'
        case FBTypeOf(name, type_name):
            return f'<FB Name="{_esc(name)}" Type="{_esc(type_name)}" />'
        case ConnectionList(connections):
            text = connection_list_body(connections)
            if not text:
                return ""
            # FORTE leaves the list bare only when both ends were given empty (not "*").
            bare = isinstance(command, QueryConnections) and not (
                command.source or command.destination
            )
            return text if bare else _wrapped("EndpointList", text)
        case TypeNames(names):
            tag = "DTList" if isinstance(command, QueryDataTypes) else "NameList"
            return _wrapped(tag, ", ".join(names))
        case TypeInterface():
            if isinstance(command, QueryAdapterType):
                return (
                    '<AdapterType Comment="generated" '
                    + type_interface_body(payload)
                    + '   <Service Comment="generated" LeftInterface="SOCKET" '
                    'RightInterface="PLUG"/>\n</AdapterType>'
                )
            return '<FBType Comment="generated" ' + type_interface_body(payload) + "  </FBType>"
        case Watches():
            return ""
    raise TypeError(f"not a reply payload: {payload!r}")


def _wrapped(tag: str, text: str) -> str:
    return f"<{tag}>\n    {text}\n  </{tag}>" if text else ""


def fb_list_body(fbs: Iterable[tuple[str, str]]) -> str:
    """FORTE's FB list entries (lower-case attributes, which the IDE's reader expects)."""
    return "\n".join(
        f'<FB name="{_esc(name)}" type="{_esc(type_name)}"/>' for name, type_name in fbs
    )


def connection_list_body(connections: Iterable[tuple[str, str]]) -> str:
    """FORTE puts a newline only between destinations of the same source port."""
    parts: list[str] = []
    previous: str | None = None
    for source, destination in connections:
        if source == previous:
            parts.append("\n")
        parts.append(f'<Connection Source="{_esc(source)}" Destination="{_esc(destination)}"/>')
        previous = source
    return "".join(parts)


def type_interface_body(interface: TypeInterface) -> str:
    """``Name="X">`` and the interface list, as ``CResource::createXTypeResponseMessage``."""
    out = [f'Name="{_esc(interface.name)}">\n    <InterfaceList>\n      ']
    for tag, events in (
        ("EventInputs", interface.event_inputs),
        ("EventOutputs", interface.event_outputs),
    ):
        if events:
            out.append(f"<{tag}>\n         ")
            for event in events:
                out.append(f'<Event Name="{_esc(event.name)}" Type="Event')
                if event.with_vars:
                    out.append('">\n         ')
                    out.extend(f'<With Var="{_esc(var)}"/>\n      ' for var in event.with_vars)
                    out.append("</Event>\n      ")
                else:
                    out.append('"/>\n')
            out.append(f"</{tag}>\n   ")
    for tag, decls in (("InputVars", interface.input_vars), ("OutputVars", interface.output_vars)):
        if decls:
            out.append(f"<{tag}>\n         ")
            out.extend(_declarations("VarDeclaration", decls))
            out.append(f"</{tag}>\n   ")
    for tag, decls in (("Plugs", interface.plugs), ("Sockets", interface.sockets)):
        if decls:
            out.append(f"<{tag}>\n         ")
            out.extend(_declarations("AdapterDeclaration", decls))
            out.append(f"</{tag}>\n   ")
    out.append("</InterfaceList>\n")
    return "".join(out)


def _declarations(tag: str, decls: Iterable[tuple[str, str]]) -> Iterable[str]:
    return (f'<{tag} Name="{_esc(name)}" Type="{_esc(type_name)}"/>\n' for name, type_name in decls)


def watches_body(payload: Watches) -> str:
    """The resources' watch lists, as ``CMonitoringHandler::readResourceWatches``."""
    out: list[str] = []
    for resource in payload.resources:
        if not resource.fbs:
            continue
        out.append(f'<Resource name="{_esc(resource.name)}">')
        for fb in resource.fbs:
            out.append(f'<FB name="{_esc(fb.name)}">')
            for data in fb.data:
                forced = "true" if data.forced else "false"
                out.append(
                    f'<Port name="{_esc(data.port)}"><Data value="{_esc(data.value)}" '
                    f'forced="{forced}"/></Port>'
                )
            for event in fb.events:
                out.append(
                    f'<Port name="{_esc(event.port)}"><Data value="{event.count}" '
                    f'time="{event.time}"/>\n</Port>'
                )
            out.append("</FB>")
        out.append("</Resource>")
    return "".join(out)
