"""A network of block instances and their connections, checked as it is built.

The same object serves a resource's top level and the inside of a composite (where a bare pin
name such as ``REQ`` means the composite's own interface, as in 4diac files). Every refusal names
both ends and says why; nothing is half-applied.

Data fan-in (the client's "several connections into one input are combined with OR"): IEC 61499
and FORTE give a data input at most one connection. A network built in Python or from a JSON
composite (``data_fan_in=True``, the default) lets a data input take several: when an event
arrives, the input takes the value sent by the block whose event triggered it, if that block
feeds it; otherwise the value most recently sent by any of its sources. Networks read from
4diac files and deployed over the management protocol keep FORTE's rule (``data_fan_in=False``:
a second source is refused). The linker builds the extra sampling only where an input has
several sources, so networks without fan-in pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from fbruntime.core.block import Block
from fbruntime.core.connection import Buffer, Connection
from fbruntime.core.errors import ConnectionError_, NetworkError, NoSuchObject
from fbruntime.core.fbtype import FBType
from fbruntime.core.instance import FBInstance, own_dict
from fbruntime.core.typeref import NamedType
from fbruntime.iec import IecError, implicit_conversion, parse_literal

if TYPE_CHECKING:
    from fbruntime.core.interface import Interface

__all__ = ["Network", "TypeLike", "as_fbtype"]

TypeLike = FBType | type[Block] | str

_IN_KINDS = ("event_input", "data_input", "inout")


def as_fbtype(t: TypeLike) -> FBType:
    """A type, a Block class, or a type's name (see :mod:`fbruntime.core.typeref`)."""
    if isinstance(t, FBType):
        return t
    if isinstance(t, str):
        return NamedType(t)()
    if isinstance(t, type) and issubclass(t, Block):
        return t.fbtype
    raise NetworkError(f"{t!r} is not a block type")


class Network:
    """Instances by name plus event and data connections."""

    def __init__(
        self,
        owner: FBInstance | None = None,
        interface: Interface | None = None,
        *,
        data_fan_in: bool = True,
    ) -> None:
        self.owner = owner
        self.interface = interface
        self.data_fan_in = data_fan_in
        self.instances: dict[str, FBInstance] = {}
        self.event_connections: list[Connection] = []
        self.data_connections: list[Connection] = []
        self._data_sources: dict[tuple[int, str], Connection] = {}  # the first source of each
        self._fan_in: dict[tuple[int, str], list[Connection]] = {}  # inputs with several
        # The value most recently sent to each fan-in input: (its block or None, pin, cell).
        # Kept across relinks (the linker creates and prunes them) and set back on reset.
        self.fan_in_cells: dict[tuple[int, str], tuple[FBInstance | None, str, Buffer]] = {}
        self._event_keys: set[tuple[Any, str, Any, str]] = set()
        self.version = 0
        # Told of every change, so the owning resource relinks before its next slice.
        self.listener: Callable[[], None] | None = None

    # -- instances -----------------------------------------------------------------------------

    def add(self, name: str, fbtype: TypeLike | FBInstance, /, **params: Any) -> FBInstance:
        """Create (or adopt) an instance; keyword arguments set its parameters."""
        if not name or name in self.instances:
            raise NetworkError(
                f"{self._where()}: a block named {name!r} already exists"
                if name
                else f"{self._where()}: a block needs a name"
            )
        if isinstance(fbtype, FBInstance):
            inst = fbtype
            inst.rt__name = name
        else:
            inst = as_fbtype(fbtype).create(name)
        inst.rt__parent = self.owner
        self.instances[name] = inst
        for pin, value in params.items():
            self.set_parameter(f"{name}.{pin}", value)
        self._changed()
        return inst

    def remove(self, name: str) -> FBInstance:
        inst = self.instances.pop(name, None)
        if inst is None:
            raise NoSuchObject(f"{self._where()}: no block named {name!r}")
        self.event_connections = [
            c for c in self.event_connections if c.src_fb is not inst and c.dst_fb is not inst
        ]
        self._event_keys = {
            (c.src_fb, c.src_pin, c.dst_fb, c.dst_pin) for c in self.event_connections
        }
        keep = [c for c in self.data_connections if c.src_fb is not inst and c.dst_fb is not inst]
        self.data_connections = keep
        self._index_data()
        self._changed()
        return inst

    def walk(self) -> Iterator[FBInstance]:
        """Every instance, depth first, composites before their insides."""
        for inst in self.instances.values():
            yield inst
            inner = getattr(inst, "rt__network", None)
            if isinstance(inner, Network):
                yield from inner.walk()

    # -- pins ----------------------------------------------------------------------------------

    def endpoint(self, path: str) -> tuple[FBInstance | None, str, str, Any]:
        """Resolve ``FB.PIN`` (instance names may contain dots) or a bare interface pin."""
        head, dot, pin = path.rpartition(".")
        if not dot:
            if self.interface is None:
                raise NoSuchObject(f"{self._where()}: {path!r} names no block pin (use FB.PIN)")
            kind = self.interface.kind_of(path)
            if kind is None:
                raise NoSuchObject(f"{self._where()}: the interface has no pin {path!r}")
            return None, path, kind, self.interface.port(path)
        inst = self.instances.get(head)
        if inst is None:
            raise NoSuchObject(f"{self._where()}: no block named {head!r} (in {path!r})")
        kind = inst.rt__type.interface.kind_of(pin)
        if kind is None:
            raise NoSuchObject(
                f"{self._where()}: block {head} ({inst.rt__type.name}) has no pin {pin!r}"
            )
        return inst, pin, kind, inst.rt__type.interface.port(pin)

    def set_parameter(self, path: str, value: Any) -> None:
        """Set a data input (already typed, or a literal string for non-string types)."""
        inst, pin, kind, port = self.endpoint(path)
        if inst is None:
            raise NetworkError(f"{self._where()}: {path!r} is the composite's own pin")
        if kind not in ("data_input", "inout", "data_output"):
            raise NetworkError(f"{self._where()}: {path} is not a data pin")
        set_typed_param(inst, pin, port.type, value, f"{self._where()}: {path}")

    # -- connections ---------------------------------------------------------------------------

    def connect(self, source: str, destination: str) -> Connection:
        src_fb, src_pin, src_kind, src_port = self.endpoint(source)
        dst_fb, dst_pin, dst_kind, dst_port = self.endpoint(destination)

        # Formatted only when refusing: a pipeline run makes thousands of connections.
        def where() -> str:
            return f"{self._where()}: cannot connect {source} to {destination}"

        # Inside a composite the interface's inputs are sources and its outputs destinations.
        src_role = _role(src_kind, src_fb is None)
        dst_role = _role(dst_kind, dst_fb is None)
        if src_role[1] != "out":
            raise ConnectionError_(f"{where()}: {source} is not a source ({src_kind})")
        if dst_role[1] != "in":
            raise ConnectionError_(f"{where()}: {destination} is not a destination ({dst_kind})")
        if src_role[0] != dst_role[0]:
            raise ConnectionError_(
                f"{where()}: {source} is an {src_role[0]} pin but {destination} is a "
                f"{dst_role[0]} pin"
            )
        if src_role[0] == "event":
            key = (src_fb, src_pin, dst_fb, dst_pin)
            if key in self._event_keys:
                raise ConnectionError_(f"{where()}: that connection exists already")
            self._event_keys.add(key)
            conn = Connection("event", source, destination, src_fb, src_pin, dst_fb, dst_pin)
            self.event_connections.append(conn)
            self._changed()
            return conn
        if src_role[0] == "adapter":
            raise ConnectionError_(f"{where()}: adapter connections are made by the importer")
        existing = self._data_sources.get((id(dst_fb), dst_pin))
        if existing is not None and not self.data_fan_in:
            raise ConnectionError_(
                f"{where()}: {destination} already has a source ({existing.source}); "
                "a data input takes one connection"
            )
        if existing is not None and any(
            c.src_fb is src_fb and c.src_pin == src_pin for c in self.data_sources(dst_fb, dst_pin)
        ):
            raise ConnectionError_(f"{where()}: that connection exists already")
        try:
            convert = implicit_conversion(src_port.type, dst_port.type)
        except IecError as exc:
            raise ConnectionError_(
                f"{where()}: {source} is {src_port.type.name}, {destination} is "
                f"{dst_port.type.name}: {exc}"
            ) from None
        conn = Connection("data", source, destination, src_fb, src_pin, dst_fb, dst_pin, convert)
        self.data_connections.append(conn)
        if existing is None:
            self._data_sources[(id(dst_fb), dst_pin)] = conn
        else:
            self._fan_in.setdefault((id(dst_fb), dst_pin), [existing]).append(conn)
        self._changed()
        return conn

    def disconnect(self, source: str, destination: str) -> Connection:
        for lst in (self.event_connections, self.data_connections):
            for c in lst:
                if c.source == source and c.destination == destination:
                    lst.remove(c)
                    self._index_data()
                    self._event_keys.discard((c.src_fb, c.src_pin, c.dst_fb, c.dst_pin))
                    self._changed()
                    return c
        raise NoSuchObject(f"{self._where()}: no connection from {source} to {destination}")

    def data_source(self, fb: FBInstance | None, pin: str) -> Connection | None:
        """The (first) data connection into ``pin``, or None."""
        return self._data_sources.get((id(fb), pin))

    def data_sources(self, fb: FBInstance | None, pin: str) -> list[Connection]:
        """Every data connection into ``pin``, in the order they were made."""
        key = (id(fb), pin)
        several = self._fan_in.get(key)
        if several is not None:
            return list(several)
        first = self._data_sources.get(key)
        return [] if first is None else [first]

    @property
    def has_fan_in(self) -> bool:
        """Whether any input here has several data sources (the linker checks this first)."""
        return bool(self._fan_in)

    def is_fan_in(self, fb: FBInstance | None, pin: str) -> bool:
        """Whether ``pin`` has several data sources (see the module docstring)."""
        return (id(fb), pin) in self._fan_in

    def _index_data(self) -> None:
        self._data_sources = {}
        self._fan_in = {}
        for c in self.data_connections:
            key = (id(c.dst_fb), c.dst_pin)
            first = self._data_sources.get(key)
            if first is None:
                self._data_sources[key] = c
            else:
                self._fan_in.setdefault(key, [first]).append(c)
        self.fan_in_cells = {k: v for k, v in self.fan_in_cells.items() if k in self._fan_in}

    def _changed(self) -> None:
        self.version += 1
        if self.listener is not None:
            self.listener()

    def _where(self) -> str:
        return self.owner.rt__path() if self.owner is not None else "network"


def _role(kind: str, interface_side: bool) -> tuple[str, str]:
    """(pin class, "in"/"out") as seen by connections inside this network."""
    cls = (
        "event"
        if kind.startswith("event")
        else ("adapter" if kind in ("socket", "plug") else "data")
    )
    is_input = kind in _IN_KINDS
    # An instance's input is a destination; the composite's own input is a source inside it.
    direction = "in" if is_input != interface_side else "out"
    return cls, direction


def set_typed_param(inst: FBInstance, pin: str, typ: Any, value: Any, where: str) -> None:
    """Set a parameter; on an ANY pin a typed literal (``INT#42``) also fixes the pin's type.

    Blocks with ANY inputs send or print a value in the type that feeds it (``rt__source_type``):
    for a parameter that is the literal's own type, as FORTE keeps it.
    """
    if getattr(typ, "is_generic", False) and isinstance(value, str):
        try:
            literal_type, parsed = parse_literal(value, None, where=where)
        except IecError as exc:
            raise NetworkError(f"{where}: {exc}") from None
        if not typ.accepts(literal_type):
            raise NetworkError(f"{where}: {value!r} is {literal_type.name}, not {typ.name}")
        own_dict(inst, "rt__param_types")[pin] = literal_type
        inst.rt__set_param(pin, parsed)
        return
    inst.rt__set_param(pin, coerce_value(typ, value, where))


def coerce_value(typ: Any, value: Any, where: str) -> Any:
    """A Python value or, for non-string types, literal text -> the pin type's value."""
    try:
        if (
            isinstance(value, str)
            and not getattr(typ, "is_string", False)
            and not getattr(typ, "is_char", False)
        ):
            return typ.parse(value, where=where)
        return typ.coerce(value)
    except IecError as exc:
        raise NetworkError(f"{where}: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise NetworkError(f"{where}: bad value {value!r} for {typ.name}: {exc}") from None
