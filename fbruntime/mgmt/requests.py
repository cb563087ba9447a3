"""Management request XML, both ways: `parse_request` reads it, `render_request` writes it.

Reading uses lxml with DTDs, entities and network access switched off, so FORTE's attribute-order
and quoting rules (it compares prefixes with ``strncmp``) do not bind us; the element and attribute
names, the actions and the failure reasons do follow FORTE's ``DEV_MGR::parseRequest`` and friends:

* not a ``<Request ID=.. Action=..>`` at all, an ID longer than 7 characters, or an unknown action
  -> ``UNSUPPORTED_CMD``;
* a known action with a body it cannot use (wrong element, missing attribute, bad XML)
  -> ``INVALID_OBJECT``; so is text without any ``>``;
* ``QUERY <DataType Name="X"/>`` for one named type, and creating types from source
  (``CREATE <FBType ..>``, FORTE's LUA profile) -> ``UNSUPPORTED_CMD``, as in FORTE.

Two leniencies match what FORTE accepts in practice: a bare ``&`` in an attribute (the IDE escapes
``" ' < >`` in values but not ``&``) is taken literally, and surrounding whitespace is ignored.
Writing follows the IDE's templates (``DeploymentExecutor.java``) byte for byte, so a boot file we
write looks like one the IDE writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from fbruntime.mgmt.commands import (
    ALL,
    ClearForce,
    Command,
    CreateConnection,
    CreateFB,
    CreateWatch,
    DeleteConnection,
    DeleteFB,
    DeleteWatch,
    ForceValue,
    Kill,
    QueryAdapterType,
    QueryAdapterTypes,
    QueryConnections,
    QueryDataTypes,
    QueryFB,
    QueryFBType,
    QueryFBTypes,
    ReadValue,
    ReadWatches,
    Reset,
    ResetEventCount,
    Start,
    StateCommand,
    Stop,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.reasons import Reason

#: FORTE stores at most this many ID characters and refuses longer IDs.
MAX_ID_LENGTH = 7

ACTIONS = ("CREATE", "DELETE", "START", "STOP", "KILL", "RESET", "READ", "WRITE", "QUERY")

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
)
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")
_REQUEST_HEAD = re.compile(r'\s*<Request\s+ID="([^"]*)"(?:\s+Action="([^"]*)")?')


@dataclass(frozen=True, slots=True)
class Request:
    id: str
    command: Command


class RequestError(ValueError):
    """A request that cannot be executed; `reason` and `request_id` make its reply."""

    def __init__(self, reason: Reason, request_id: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.request_id = request_id
        self.message = message


def parse_request(text: str) -> Request:
    """Parse one management request; raises `RequestError` carrying FORTE's reason."""
    if ">" not in text:
        raise RequestError(Reason.INVALID_OBJECT, "", "the request is not XML (it has no '>')")
    root = _parse_xml(text)
    if root.tag != "Request":
        raise RequestError(
            Reason.UNSUPPORTED_CMD, "", f"expected a <Request> element, got <{root.tag}>"
        )
    request_id = root.get("ID")
    if request_id is None:
        raise RequestError(Reason.UNSUPPORTED_CMD, "", "<Request> lacks the ID attribute")
    if len(request_id) > MAX_ID_LENGTH:
        raise RequestError(
            Reason.UNSUPPORTED_CMD,
            "",
            f"request ID {request_id!r} is longer than {MAX_ID_LENGTH} characters",
        )
    action = root.get("Action")
    if action not in ACTIONS:
        shown = "no Action attribute" if action is None else f"unknown Action {action!r}"
        raise RequestError(
            Reason.UNSUPPORTED_CMD,
            request_id,
            f"request {request_id} has {shown}; expected one of {', '.join(ACTIONS)}",
        )
    children = list(root)
    if len(children) > 1:
        raise RequestError(
            Reason.INVALID_OBJECT,
            request_id,
            f"{action} request {request_id} has {len(children)} elements; it takes at most one",
        )
    body = children[0] if children else None
    return Request(request_id, _BodyParser(request_id, action).parse(body))


def _parse_xml(text: str) -> etree._Element:
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise RequestError(Reason.INVALID_OBJECT, "", "a request must not carry a DOCTYPE")
    try:
        root = etree.fromstring(_BARE_AMPERSAND.sub("&amp;", text.strip()), _PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        head = _REQUEST_HEAD.match(text)
        if head is None:
            raise RequestError(
                Reason.UNSUPPORTED_CMD, "", f"not a <Request ID=.. Action=..>: {error}"
            ) from None
        request_id, action = head.group(1), head.group(2)
        if action not in ACTIONS:
            raise RequestError(
                Reason.UNSUPPORTED_CMD, request_id, f"request {request_id}: unknown action"
            ) from None
        raise RequestError(
            Reason.INVALID_OBJECT, request_id, f"request {request_id} is not well-formed: {error}"
        ) from None
    return root


_STATE_COMMANDS: dict[str, type[Start] | type[Stop] | type[Kill] | type[Reset]] = {
    "START": Start,
    "STOP": Stop,
    "KILL": Kill,
    "RESET": Reset,
}


class _BodyParser:
    """Turns the one child element of a request into a command, per action."""

    def __init__(self, request_id: str, action: str) -> None:
        self._id = request_id
        self._action = action

    def parse(self, body: etree._Element | None) -> Command:
        match self._action:
            case "CREATE":
                return self._create(self._need(body, "FB, Connection or Watch"))
            case "DELETE":
                return self._delete(self._need(body, "FB, Connection or Watch"))
            case "START" | "STOP" | "KILL" | "RESET":
                return self._state(body)
            case "READ":
                return self._read(self._need(body, "Connection or Watches"))
            case "WRITE":
                return self._write(self._need(body, "Connection"))
            case _:
                return self._query(
                    self._need(body, "FB, Connection, FBType, DataType or AdapterType")
                )

    def _create(self, body: etree._Element) -> Command:
        match body.tag:
            case "FB":
                return CreateFB(self._attr(body, "Name"), self._attr(body, "Type"))
            case "Connection":
                return CreateConnection(self._attr(body, "Source"), self._attr(body, "Destination"))
            case "Watch":
                return CreateWatch(self._attr(body, "Source"), body.get("Destination", ALL))
            case "FBType" | "AdapterType":
                raise RequestError(
                    Reason.UNSUPPORTED_CMD,
                    self._id,
                    f"request {self._id}: creating types from source (<{body.tag}>) is not supported",
                )
        raise self._unexpected(body, "FB, Connection or Watch")

    def _delete(self, body: etree._Element) -> Command:
        match body.tag:
            case "FB":
                return DeleteFB(self._attr(body, "Name"))
            case "Connection":
                return DeleteConnection(self._attr(body, "Source"), self._attr(body, "Destination"))
            case "Watch":
                return DeleteWatch(self._attr(body, "Source"), body.get("Destination", ALL))
        raise self._unexpected(body, "FB, Connection or Watch")

    def _state(self, body: etree._Element | None) -> StateCommand:
        kind = _STATE_COMMANDS[self._action]
        if body is None:
            return kind()
        if body.tag != "FB":
            raise self._unexpected(body, "FB")
        return kind(self._attr(body, "Name"), body.get("Type", ""))

    def _read(self, body: etree._Element) -> Command:
        match body.tag:
            case "Watches":
                return ReadWatches()
            case "Connection":
                return ReadValue(self._attr(body, "Source"))
        raise self._unexpected(body, "Connection or Watches")

    def _write(self, body: etree._Element) -> Command:
        if body.tag != "Connection":
            raise self._unexpected(body, "Connection")
        value = self._attr(body, "Source")
        destination = self._attr(body, "Destination")
        force = body.get("force")
        if force == "true":
            return ForceValue(value, destination)
        if force == "false":
            return ClearForce(destination, value)
        if force is not None:
            raise RequestError(
                Reason.INVALID_OBJECT,
                self._id,
                f'request {self._id}: force must be "true" or "false", not {force!r}',
            )
        if value.lower() == "$e":
            return TriggerEvent(destination)
        if value.lower() == "$er":
            return ResetEventCount(destination)
        return WriteParameter(value, destination)

    def _query(self, body: etree._Element) -> Command:
        match body.tag:
            case "FB":
                return QueryFB(self._attr(body, "Name"), body.get("Type", ALL))
            case "Connection":
                return QueryConnections(body.get("Source", ALL), body.get("Destination", ALL))
            case "FBType":
                name = body.get("Name", ALL)
                return QueryFBTypes() if name == ALL else QueryFBType(name)
            case "AdapterType":
                name = body.get("Name", ALL)
                return QueryAdapterTypes() if name == ALL else QueryAdapterType(name)
            case "DataType":
                if body.get("Name", ALL) == ALL:
                    return QueryDataTypes()
                raise RequestError(
                    Reason.UNSUPPORTED_CMD,
                    self._id,
                    f"request {self._id}: querying one data type's declaration is not supported",
                )
        raise self._unexpected(body, "FB, Connection, FBType, DataType or AdapterType")

    def _need(self, body: etree._Element | None, expected: str) -> etree._Element:
        if body is None:
            raise RequestError(
                Reason.INVALID_OBJECT,
                self._id,
                f"{self._action} request {self._id} needs an element ({expected})",
            )
        return body

    def _attr(self, element: etree._Element, name: str) -> str:
        value = element.get(name)
        if value is None:
            raise RequestError(
                Reason.INVALID_OBJECT,
                self._id,
                f"{self._action} request {self._id}: <{element.tag}> lacks the {name} attribute",
            )
        return value

    def _unexpected(self, body: etree._Element, expected: str) -> RequestError:
        return RequestError(
            Reason.INVALID_OBJECT,
            self._id,
            f"{self._action} request {self._id} takes {expected}, not <{body.tag}>",
        )


def escape_attribute(value: str) -> str:
    """Escape a value for a double-quoted attribute, with the entities FORTE knows.

    Line breaks and tabs become character references: an XML reader would turn them into spaces,
    and a boot file keeps one request per line.
    """
    return (
        value.replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def render_request(request_id: str | int, command: Command) -> str:
    """The request XML for *command*, in the IDE's exact layout."""
    rid = str(request_id)
    e = escape_attribute

    def wrap(action: str, body: str) -> str:
        return f'<Request ID="{rid}" Action="{action}">{body}</Request>'

    def state(action: str, target: str, type_name: str) -> str:
        if not target:
            return f'<Request ID="{rid}" Action="{action}"/>'
        return wrap(action, f'<FB Name="{e(target)}" Type="{e(type_name)}"/>')

    match command:
        case CreateFB(name, type_name):
            return wrap("CREATE", f'<FB Name="{e(name)}" Type="{e(type_name)}" />')
        case DeleteFB(name):
            return wrap("DELETE", f'<FB Name="{e(name)}" Type=""/>')
        case CreateConnection(source, destination):
            return wrap(
                "CREATE", f'<Connection Source="{e(source)}" Destination="{e(destination)}" />'
            )
        case DeleteConnection(source, destination):
            return wrap(
                "DELETE", f'<Connection Source="{e(source)}" Destination="{e(destination)}"/>'
            )
        case WriteParameter(value, destination):
            return wrap(
                "WRITE", f'<Connection Source="{e(value)}" Destination="{e(destination)}" />'
            )
        case ForceValue(value, destination):
            return wrap(
                "WRITE",
                f'<Connection Source="{e(value)}" Destination="{e(destination)}" force="true" />',
            )
        case ClearForce(destination, value):
            return wrap(
                "WRITE",
                f'<Connection Source="{e(value)}" Destination="{e(destination)}" force="false" />',
            )
        case TriggerEvent(destination):
            return wrap("WRITE", f'<Connection Source="$e" Destination="{e(destination)}" />')
        case ResetEventCount(destination):
            return wrap("WRITE", f'<Connection Source="$er" Destination="{e(destination)}" />')
        case Start(target, type_name):
            return state("START", target, type_name)
        case Stop(target, type_name):
            return state("STOP", target, type_name)
        case Kill(target, type_name):
            return state("KILL", target, type_name)
        case Reset(target, type_name):
            return state("RESET", target, type_name)
        case QueryFB(name, type_name):
            return wrap("QUERY", f'<FB Name="{e(name)}" Type="{e(type_name)}"/>')
        case QueryConnections(source, destination):
            return wrap(
                "QUERY", f'<Connection Source="{e(source)}" Destination="{e(destination)}"/>'
            )
        case QueryFBTypes():
            return wrap("QUERY", '<FBType Name="*" />')
        case QueryDataTypes():
            return wrap("QUERY", '<DataType Name="*" />')
        case QueryAdapterTypes():
            return wrap("QUERY", '<AdapterType Name="*" />')
        case QueryFBType(name):
            return wrap("QUERY", f'<FBType Name="{e(name)}" />')
        case QueryAdapterType(name):
            return wrap("QUERY", f'<AdapterType Name="{e(name)}" />')
        case ReadValue(source):
            return wrap("READ", f'<Connection Source="{e(source)}" Destination="*" />')
        case CreateWatch(source, destination):
            return wrap("CREATE", f'<Watch Source="{e(source)}" Destination="{e(destination)}" />')
        case DeleteWatch(source, destination):
            return wrap("DELETE", f'<Watch Source="{e(source)}" Destination="{e(destination)}" />')
        case ReadWatches():
            return wrap("READ", "<Watches/>")
    raise TypeError(f"not a management command: {command!r}")
