"""The behaviour of PUBLISH_n, SUBSCRIBE_n, CLIENT_m_n and SERVER_m_n (FORTE's ``CCommFB``).

The block files in ``blocks/net`` declare the pins; :func:`comm_block` makes each class from
:class:`CommBlock`, which holds what FORTE's ``commfb.cpp`` does:

* INIT with QI TRUE opens the stack the ID names (see :mod:`fbruntime.comm.ids`); INITO answers
  QO TRUE, STATUS 'OK', or QO FALSE, STATUS 'INVALID_ID' when the ID is bad or the socket cannot
  be opened (the reason goes to ``comm_error`` and the log). An INIT on an open stack answers OK
  and keeps it. A CLIENT's INITO comes when the TCP connect has succeeded or failed.
  INIT with QI FALSE closes the stack: QO FALSE, STATUS 'TERMINATED'.
* REQ (PUBLISH, CLIENT) and RSP (SERVER) send SD_1..SD_m: with QI FALSE the data event (CNF or
  IND) says 'INHIBITED'; without an open stack 'NO_SOCKET'; a value that cannot be encoded
  'DATA_TYPE_ERROR'. A PUBLISH confirms each datagram with CNF 'OK'; CLIENT and SERVER send
  silently (a CLIENT's CNF is the server's answer). A failed send closes a PUBLISH's or CLIENT's
  stack and answers INITO 'TERMINATED'; a SERVER stays silent. SUBSCRIBE.RSP does nothing (with
  QI FALSE it answers IND 'INHIBITED', as FORTE does).
* Received data is posted to the resource as an external event: RD_1..RD_n are set and the data
  event (IND, or CNF for a CLIENT) carries QO TRUE, 'OK'. Bytes that do not decode as the RD
  types give QO FALSE, 'DATA_TYPE_ERROR' (RDs unchanged) and the block keeps receiving.
  A server that closes a CLIENT's connection gives INITO with QO FALSE, 'TERMINATED'.
* Sockets close on INIT with QI FALSE, on reset, and when the resource is killed or stopped
  (after the stop's event chain has run, so a STOP handler can still publish).

SD and RD pins are ANY. An SD value is encoded as the declared type of the output connected to
it; fed by another communication block's untyped RD, as the type that RD received (a gateway
passes values on unchanged); unconnected (a parameter, whose literal's type fbrt does not keep),
as the type its value suggests (BOOL, DINT or LINT, LREAL, STRING or WSTRING). An RD pin decodes as the declared type of the input it feeds (the first
typed one, fixed at INIT); an RD that feeds only ANY pins takes whatever elementary value or
array arrives, typed by its tag.

Where fbrt differs from FORTE: every complete message in a TCP chunk or datagram gives its own
event (FORTE delivers only the last); a datagram that ends inside a value is a DATA_TYPE_ERROR
(FORTE waits for more bytes even on UDP); after a decoding error the stream restarts at RD_1
with the next chunk; a CLIENT connects without blocking the resource (REQs sent meanwhile are
queued and go out once connected).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Literal

from fbruntime.comm.asn1 import FBDK, Asn1Error, Codec, Decoded, MessageDecoder
from fbruntime.comm.ids import CommId, CommIdError, parse_id
from fbruntime.comm.ip import TcpClient, TcpServer, UdpReceiver, UdpSender
from fbruntime.comm.local import LOCAL_GROUPS, Membership
from fbruntime.comm.mqtt import MQTT_BROKERS, MqttLink
from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.iec import ELEMENTARY_TYPES, IecType, type_of_value

__all__ = [
    "DATA_TYPE_ERROR",
    "INHIBITED",
    "INVALID_ID",
    "NO_SOCKET",
    "OK",
    "TERMINATED",
    "CommBlock",
    "Service",
    "comm_block",
    "value_type",
]

log = logging.getLogger(__name__)

# FORTE's CBaseCommFB::scmResponseTexts
OK = "OK"
INVALID_ID = "INVALID_ID"
TERMINATED = "TERMINATED"
INVALID_OBJECT = "INVALID_OBJECT"
DATA_TYPE_ERROR = "DATA_TYPE_ERROR"
INHIBITED = "INHIBITED"
NO_SOCKET = "NO_SOCKET"
SEND_FAILED = "SEND_FAILED"
RECV_FAILED = "RECV_FAILED"

Service = Literal["publisher", "subscriber", "client", "server"]
Stack = UdpSender | UdpReceiver | TcpClient | TcpServer | Membership | MqttLink

_DINT_RANGE = range(-(1 << 31), 1 << 31)
_STRING = ELEMENTARY_TYPES["STRING"]


def value_type(value: Any) -> IecType:
    """The type an unconnected SD value is sent as: the IEC type its literal would have."""
    if isinstance(value, int) and not isinstance(value, bool) and value in _DINT_RANGE:
        return ELEMENTARY_TYPES["DINT"]
    return type_of_value(value)


class CommBlock(Block):
    """What every communication block shares; the pins come from :func:`comm_block`."""

    name = "CommBlock"
    service: ClassVar[Service] = "publisher"
    sd_pins: ClassVar[tuple[str, ...]] = ()
    rd_pins: ClassVar[tuple[str, ...]] = ()
    #: The event that carries data and send results: CNF for requesters, IND for responders.
    data_event: ClassVar[str] = "CNF"
    codec: ClassVar[Codec] = FBDK

    QI: bool
    ID: str
    QO: bool
    STATUS: str
    INITO: Callable[[], None]

    _stack: Stack | None
    _comm_id: CommId | None
    _decoder: MessageDecoder | None
    _rd_types: list[IecType | None]
    _generation: int
    _received_types: dict[str, IecType]
    comm_error: str

    def setup(self) -> None:
        self._close_quietly()
        self._generation = getattr(self, "_generation", 0) + 1
        self.comm_error = ""
        self._received_types = {}

    # -- events -----------------------------------------------------------------------------

    def on_INIT(self) -> None:
        if not self.QI:
            self._close_quietly()
            self._answer(False, TERMINATED, init=True)
            return
        if self._stack is not None:
            self._answer(True, OK, init=True)
            return
        self._open()

    def on_REQ(self) -> None:
        self._send()

    def on_RSP(self) -> None:
        self._send()

    def rt__on_kill(self) -> None:
        self._close_quietly()
        super().rt__on_kill()

    # -- what tests and tools may look at -------------------------------------------------------

    @property
    def comm_address(self) -> tuple[str, int] | None:
        """The local address a SUBSCRIBE or SERVER is bound to (to learn a port 0 choice)."""
        stack = getattr(self, "_stack", None)
        if isinstance(stack, (UdpReceiver, TcpServer)):
            return stack.local_address
        return None

    # -- opening and closing ----------------------------------------------------------------------

    def _open(self) -> None:
        try:
            comm_id = parse_id(self.ID or "")
        except CommIdError as exc:
            self._fail_init(INVALID_ID, str(exc))
            return
        self._generation += 1
        self._comm_id = comm_id
        self._rd_types = [self._rd_type(pin) for pin in self.rd_pins]
        for pin, typ in zip(self.rd_pins, self._rd_types, strict=True):
            if typ is not None and getattr(self, pin) is None:
                setattr(self, pin, typ.default())  # as FORTE's RD, typed by its connection
        if comm_id.encoding == "raw":
            why = self._raw_problem()
            if why is not None:
                self._fail_init(TERMINATED, f"ID {comm_id.text!r}: {why}")
                return
        if comm_id.mqtt is not None and self.service in ("client", "server"):
            # FORTE's MQTT layer serves PUBLISH and SUBSCRIBE only: INIT answers TERMINATED.
            self._fail_init(TERMINATED, f"ID {comm_id.text!r}: mqtt[] serves PUBLISH/SUBSCRIBE")
            return
        try:
            self._stack = self._make_stack(comm_id)
        except CommIdError as exc:
            self._fail_init(INVALID_ID, str(exc))
            return
        except OSError as exc:
            self._fail_init(INVALID_ID, f"ID {comm_id.text!r}: {exc.strerror or exc}")
            return
        self._decoder = MessageDecoder(self._rd_types, self.codec)
        if self.service != "client" or comm_id.encoding == "local":
            self._answer(True, OK, init=True)

    def _make_stack(self, comm_id: CommId) -> Stack:
        if comm_id.encoding == "local":
            if self.service == "publisher":
                types = [self._sd_source_type(pin) for pin in self.sd_pins]
                return LOCAL_GROUPS.join(comm_id.group, types)
            if self.service == "subscriber":
                generation = self._generation
                return LOCAL_GROUPS.join(
                    comm_id.group,
                    self._rd_types,
                    lambda values, types: self.post(
                        lambda: self._deliver(generation, values, types)
                    ),
                )
            raise CommIdError(f"ID {comm_id.text!r}: loc[] serves PUBLISH and SUBSCRIBE only")
        if comm_id.mqtt is not None:
            generation = self._generation
            deliver = (
                (lambda data: self._datagram(generation, data))
                if self.service == "subscriber"
                else None
            )
            try:
                return MQTT_BROKERS.link(comm_id.mqtt, deliver)
            except CommIdError as exc:
                raise CommIdError(f"ID {comm_id.text!r}: {exc}") from None
        address = comm_id.address
        assert address is not None
        generation = self._generation
        if self.service == "publisher":
            return UdpSender(address)
        if self.service == "subscriber":
            return UdpReceiver(address, lambda data: self._datagram(generation, data))
        if self.service == "server":
            return TcpServer(address, lambda data: self._stream_data(generation, data))
        return TcpClient(
            address,
            lambda data: self._stream_data(generation, data),
            lambda error: self.post(lambda: self._connected(generation, error)),
            lambda: self.post(lambda: self._peer_closed(generation)),
        )

    def _raw_problem(self) -> str | None:
        """Why raw[] cannot serve these pins (FORTE: one STRING SD or RD), or None."""
        sending = self.service in ("publisher", "client")
        pins = self.sd_pins if sending else self.rd_pins
        if len(pins) != 1:
            return f"raw[] carries exactly one STRING, this block has {len(pins)} data pins"
        typ = self._sd_source_type(pins[0]) if sending else self._rd_types[0]
        if typ is not None and typ != ELEMENTARY_TYPES["STRING"]:
            return f"raw[] carries a STRING, but {pins[0]} is {typ.name}"
        return None

    def _close_quietly(self) -> None:
        stack = getattr(self, "_stack", None)
        self._stack = None
        self._comm_id = None
        self._decoder = None
        self._rd_types = []
        if stack is not None:
            stack.close()
            self._generation += 1

    def _fail_init(self, status: str, detail: str) -> None:
        self._close_quietly()
        self.comm_error = detail
        log.warning("%s: %s", self.path, detail)
        self._answer(False, status, init=True)

    # -- sending ----------------------------------------------------------------------------------

    def _send(self) -> None:
        if not self.QI:
            self._answer(False, INHIBITED)
            return
        if self.service == "subscriber":
            return
        stack = self._stack
        comm_id = self._comm_id
        if stack is None or comm_id is None:
            self._answer(False, NO_SOCKET)
            return
        items = [(self._sd_type(pin), getattr(self, pin)) for pin in self.sd_pins]
        if isinstance(stack, Membership):
            stack.publish(items)
            self._answer(True, OK)
            return
        try:
            data = self._encode(comm_id, items)
        except Asn1Error as exc:
            self.comm_error = str(exc)
            log.warning("%s: %s", self.path, exc)
            self._answer(False, DATA_TYPE_ERROR)
            return
        if isinstance(stack, MqttLink):
            sent = stack.publish(data)
            self._answer(sent, OK if sent else SEND_FAILED)
            return
        try:
            if isinstance(stack, TcpServer):
                stack.send(data)  # no client, or a failed send: FORTE stays silent
            elif isinstance(stack, (UdpSender, TcpClient)):
                stack.send(data)
        except OSError as exc:
            self.comm_error = f"send failed: {exc.strerror or exc}"
            log.warning("%s: %s", self.path, self.comm_error)
            self._close_quietly()
            self._answer(False, TERMINATED, init=True)
            return
        if self.service == "publisher":
            self._answer(True, OK)

    def _encode(self, comm_id: CommId, items: Sequence[tuple[IecType, Any]]) -> bytes:
        if comm_id.encoding == "raw":
            value = items[0][1]
            text = value if isinstance(value, str) else str(value)
            try:
                return text.encode("latin-1")
            except UnicodeEncodeError:
                raise Asn1Error("raw[] sends a STRING: characters above 255 do not fit") from None
        return self.codec.encode_message(items)

    # -- receiving (socket callbacks: they only post) ------------------------------------------

    def _datagram(self, generation: int, data: bytes) -> None:
        comm_id = self._comm_id
        if generation != self._generation or comm_id is None:
            return
        if comm_id.encoding == "raw":
            text = data.decode("latin-1")
            self.post(lambda: self._deliver(generation, [text], [_STRING]))
            return
        decoder = MessageDecoder(self._rd_types, self.codec)
        result = decoder.feed(data)
        if result.error is None and decoder.pending:
            error = Asn1Error(f"the datagram ends inside a value ({decoder.pending} bytes left)")
            result = Decoded(result.messages, error, result.types)
        self._post_results(generation, result)

    def _stream_data(self, generation: int, data: bytes) -> None:
        comm_id = self._comm_id
        decoder = self._decoder
        if generation != self._generation or comm_id is None or decoder is None:
            return
        if comm_id.encoding == "raw":
            text = data.decode("latin-1")
            self.post(lambda: self._deliver(generation, [text], [_STRING]))
            return
        self._post_results(generation, decoder.feed(data))

    def _post_results(self, generation: int, result: Decoded) -> None:
        for values, types in zip(result.messages, result.types, strict=True):
            self.post(lambda v=values, t=types: self._deliver(generation, v, t))  # type: ignore[misc]
        error = result.error
        if error is not None:
            self.post(lambda: self._bad_data(generation, error))

    # -- posted entries (run in the resource's FIFO) -------------------------------------------

    def _deliver(
        self, generation: int, values: list[Any], types: Sequence[IecType | None] = ()
    ) -> None:
        if generation != self._generation:
            return
        for pin, value in zip(self.rd_pins, values, strict=False):
            setattr(self, pin, value)
        for pin, typ in zip(self.rd_pins, types, strict=False):
            if typ is not None:
                self._received_types[pin] = typ
        self._answer(True, OK)

    def _bad_data(self, generation: int, error: Asn1Error) -> None:
        if generation != self._generation:
            return
        self.comm_error = str(error)
        log.warning("%s: received data does not decode: %s", self.path, error)
        self._answer(False, DATA_TYPE_ERROR)

    def _connected(self, generation: int, error: OSError | None) -> None:
        if generation != self._generation:
            return
        if error is None:
            self._answer(True, OK, init=True)
            return
        text = self._comm_id.text if self._comm_id is not None else self.ID
        self._fail_init(INVALID_ID, f"ID {text!r}: {error.strerror or error}")

    def _peer_closed(self, generation: int) -> None:
        if generation != self._generation:
            return
        self.comm_error = "the server closed the connection"
        self._close_quietly()
        self._answer(False, TERMINATED, init=True)

    # -- helpers ----------------------------------------------------------------------------------

    def _answer(self, qo: bool, status: str, *, init: bool = False) -> None:
        self.QO = qo
        self.STATUS = status
        getattr(self, "INITO" if init else self.data_event)()

    def _sd_source_type(self, pin: str) -> IecType | None:
        typ: IecType | None = self.rt__source_type(pin)
        return None if typ is None or typ.is_generic else typ

    def _sd_type(self, pin: str) -> IecType:
        typ = self._sd_source_type(pin) or self._relayed_type(pin)
        return typ if typ is not None else value_type(getattr(self, pin))

    def _relayed_type(self, pin: str) -> IecType | None:
        """The type an untyped RD of another communication block feeding ``pin`` received, so a
        gateway (SUBSCRIBE.RD_1 -> PUBLISH.SD_1) passes an INT on as an INT."""
        parent = self.rt__parent
        net = getattr(parent, "rt__network", None)
        if net is None and self.rt__resource is not None:
            net = self.rt__resource.network
        conn = net.data_source(self, pin) if net is not None else None
        if conn is not None and isinstance(conn.src_fb, CommBlock):
            return conn.src_fb._received_types.get(conn.src_pin)
        return None

    def _rd_type(self, pin: str) -> IecType | None:
        """The declared type of the first typed input RD ``pin`` feeds (None: only ANY pins)."""
        parent = self.rt__parent
        net = getattr(parent, "rt__network", None)
        if net is None and self.rt__resource is not None:
            net = self.rt__resource.network
        if net is None:
            return None
        for conn in net.data_connections:
            if conn.src_fb is not self or conn.src_pin != pin:
                continue
            owner = conn.dst_fb if conn.dst_fb is not None else parent
            port = owner.rt__type.interface.data_port(conn.dst_pin) if owner is not None else None
            if port is not None and not port.type.is_generic:
                typ: IecType = port.type
                return typ
        return None


_SERVICES: dict[str, tuple[Service, str, str, str]] = {
    # family: (service, data event input, data event output, comment of the data output event)
    "PUBLISH": ("publisher", "REQ", "CNF", "Confirmation of Requested Service"),
    "SUBSCRIBE": ("subscriber", "RSP", "IND", "New data available"),
    "CLIENT": ("client", "REQ", "CNF", "New data available from Server"),
    "SERVER": ("server", "RSP", "IND", "New data available from Client"),
}


def comm_block(family: str, sd: int, rd: int, module: str, name: str = "") -> type[CommBlock]:
    """The class ``PUBLISH_<sd>``, ``SUBSCRIBE_<rd>``, ``CLIENT_<sd>_<rd>`` or ``SERVER_<sd>_<rd>``.

    (FORTE reads the first number as the SD count and the second as the RD count for both, so
    SERVER_1_2 answers CLIENT_2_1.) ``module`` is the block file's module, so its loader claims
    the class; ``name`` overrides the type name (CLIENT_1 is FORTE's short CLIENT_1_1).
    """
    service, data_in, data_out, comment = _SERVICES[family]
    sd_pins = tuple(f"SD_{i}" for i in range(1, sd + 1))
    rd_pins = tuple(f"RD_{i}" for i in range(1, rd + 1))
    if not name:
        if family == "PUBLISH":
            name = f"PUBLISH_{sd}"
        elif family == "SUBSCRIBE":
            name = f"SUBSCRIBE_{rd}"
        elif family == "CLIENT":
            name = f"CLIENT_{sd}_{rd}"
        else:
            name = f"SERVER_{sd}_{rd}"
    namespace: dict[str, Any] = {
        "__module__": module,
        "__doc__": f"{name}: {family} with {sd} SD and {rd} RD pins (see fbruntime.comm.commfb).",
        "name": name,
        "description": f"{family.title()} block of the FBDK/IP and local communication stacks",
        "service": service,
        "sd_pins": sd_pins,
        "rd_pins": rd_pins,
        "data_event": data_out,
        "INIT": EventInput(with_=("QI", "ID"), comment="Service Initialization"),
        data_in: EventInput(with_=("QI", *sd_pins), comment="Service Request or Response"),
        "INITO": EventOutput(with_=("QO", "STATUS"), comment="Initialization Confirm"),
        data_out: EventOutput(with_=("QO", "STATUS", *rd_pins), comment=comment),
        "QI": DataInput("BOOL", comment="Event Input Qualifier"),
        "ID": DataInput("WSTRING", comment="Communication ID, e.g. 225.0.0.1:61000"),
    }
    for pin in sd_pins:
        namespace[pin] = DataInput("ANY", comment="Data to send")
    namespace["QO"] = DataOutput("BOOL", comment="Event Output Qualifier")
    namespace["STATUS"] = DataOutput("WSTRING", comment="Service Status")
    for pin in rd_pins:
        namespace[pin] = DataOutput("ANY", comment="Data received")
    return type(name, (CommBlock,), namespace)
