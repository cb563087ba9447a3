"""Linking: turn a checked network into the prebuilt callables the dispatcher runs.

This is where the hot path is made small. For each event input the linker builds an *entry*: a
zero-argument callable that samples the WITH inputs from their connection buffers and runs the
handler. For each event output it builds an *emitter*: it copies the WITH outputs into their
buffers and extends the FIFO with the destinations' entries. Where there is nothing to sample or
copy, the entry *is* the handler and the emitter is a C-level ``partial(deque.extend, dests)``.
Where there is, the code is generated once per shape (the pin names and what is converted) and
cached, so the dispatcher never loops over descriptions, looks up dicts or builds objects per event.

Monitoring (event counts, tracing, subscriptions, forcing) changes what is generated for the
watched instance only; an unwatched network pays nothing for it.

Every event pin's total since creation is counted without a Python frame: the dispatcher counts
the entries it ran in C once per slice (``Resource.run_slice``), and the linker leaves it a map
from each FIFO entry to the input it feeds and the output that sent it (``Resource.slot_map``).
An entry that feeds two places is sent as a distinct copy of itself (``_alias``), so every
connection has its own key. An output with no connection sends nothing to count; its emitter is a
C-level counter (``unsent_counter``), read back by ``FBInstance.rt__event_total``.

`link` builds everything; `link_additions` builds only what FBs and connections added to the
resource's top network since the last link need (the new FBs; the sources whose emitters gain a
destination; the destinations whose entries gain a sampled input, and the sources that call
those entries), from an index of connections kept between links, and adds their FIFO keys to the
slot map. That keeps a deployment into a running resource at a constant cost per command, where
relinking the whole resource made each command cost the size of the resource. Anything else (a
removal, a state change, monitoring) is a full `link`.
"""

from __future__ import annotations

import keyword
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice
from types import FunctionType, MethodType
from typing import TYPE_CHECKING, Any

from fbruntime.core.composite import CompositeInstance
from fbruntime.core.connection import Buffer, Connection
from fbruntime.core.instance import (
    FBInstance,
    FBState,
    counter_value,
    noop,
    own_dict,
    unsent_counter,
)
from fbruntime.core.network import Network

if TYPE_CHECKING:
    from fbruntime.core.resource import Resource

__all__ = ["LinkState", "call_entry", "link", "link_additions"]

Entry = Callable[[], Any]
# (destination attribute, source attribute, converted?) per sampled input
_SampleKey = tuple[tuple[str, str, bool], ...]
_entry_factories: dict[tuple[_SampleKey, bool, str | None], Callable[..., Entry]] = {}
_EmitterKey = tuple[tuple[tuple[str, bool], ...], bool, bool, bool]
_emitter_factories: dict[_EmitterKey, Callable[..., Entry]] = {}
# Where the arrivals of one FIFO entry are counted, as one int (no tuple per connection):
# (index of the input's total + 1) | (index of the sending output's total + 1) << 32; 0 is none.
SlotRecord = int


def _attr(obj: str, name: str) -> str:
    if name.isidentifier() and not keyword.iskeyword(name):
        return f"{obj}.{name}"
    raise ValueError(f"pin name {name!r} is not an identifier")


def _entry_factory(key: _SampleKey, count: bool, call_attr: str | None) -> Callable[..., Entry]:
    cache_key = (key, count, call_attr)
    factory = _entry_factories.get(cache_key)
    if factory is not None:
        return factory
    lines = ["def factory(fb, h, srcs, convs, cnt, clock):"]
    for i in range(len(key)):
        lines.append(f"    s{i} = srcs[{i}]; c{i} = convs[{i}]")
    lines.append("    def entry():")
    for i, (dst, src, conv) in enumerate(key):
        value = _attr(f"s{i}", src)
        lines.append(f"        {_attr('fb', dst)} = {f'c{i}({value})' if conv else value}")
    if count:
        lines.append("        cnt[0] += 1; cnt[1] = clock()")
    lines.append(f"        {_attr('fb', call_attr)}()" if call_attr else "        h()")
    lines.append("    return entry")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<fbrt entry {len(_entry_factories)}>", "exec"), namespace)
    factory = namespace["factory"]
    _entry_factories[cache_key] = factory
    return factory  # type: ignore[no-any-return]


def _emitter_factory(
    key: tuple[tuple[str, bool], ...], hooked: bool, kicked: bool, counted: bool
) -> Callable[..., Entry]:
    cache_key = (key, hooked, kicked, counted)
    factory = _emitter_factories.get(cache_key)
    if factory is not None:
        return factory
    lines = ["def factory(fb, ext, dests, bufs, convs, hook, kick, name, tot, at):"]
    for i in range(len(key)):
        lines.append(f"    b{i} = bufs[{i}]; c{i} = convs[{i}]")
    lines.append("    def emit():")
    for i, (src, conv) in enumerate(key):
        value = _attr("fb", src)
        lines.append(f"        b{i}.v = {f'c{i}({value})' if conv else value}")
    if counted:  # nothing to send, so nothing the dispatcher could count
        lines.append("        tot[at] += 1")
    else:
        lines.append("        ext(dests)")
    if hooked:
        lines.append("        hook(fb, name)")
    if kicked:
        lines.append("        kick()")
    lines.append("    return emit")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), f"<fbrt emitter {len(_emitter_factories)}>", "exec"), namespace)
    factory = namespace["factory"]
    _emitter_factories[cache_key] = factory
    return factory  # type: ignore[no-any-return]


def _alias(entry: Entry) -> Entry:
    """A distinct callable that does exactly what ``entry`` does, at the same cost."""
    if isinstance(entry, FunctionType):
        copy = FunctionType(
            entry.__code__, entry.__globals__, entry.__name__, entry.__defaults__, entry.__closure__
        )
        copy.__kwdefaults__ = entry.__kwdefaults__
        return copy
    if isinstance(entry, MethodType):
        return MethodType(_alias(entry.__func__), entry.__self__)
    if isinstance(entry, partial):
        return partial(entry.func, *entry.args, **entry.keywords)
    return partial(entry)


class _NetIndex:
    """Connections of one network grouped by source (and event connections by destination FB),
    built once per link; the top network's is kept and extended by `link_additions`."""

    def __init__(self, net: Network) -> None:
        self.net = net
        self.events: dict[tuple[Any, str], list[Connection]] = defaultdict(list)
        self.events_into: dict[Any, list[Connection]] = defaultdict(list)
        self.data_out: dict[tuple[Any, str], list[Connection]] = defaultdict(list)
        for c in net.event_connections:
            self.add_event(c)
        for c in net.data_connections:
            self.add_data(c)

    def add_event(self, c: Connection) -> None:
        self.events[(c.src_fb, c.src_pin)].append(c)
        self.events_into[c.dst_fb].append(c)

    def add_data(self, c: Connection) -> None:
        self.data_out[(c.src_fb, c.src_pin)].append(c)


class LinkState:
    """What the last link saw of a resource's top network, to tell what was only added since."""

    def __init__(self, net: Network, index: _NetIndex) -> None:
        self.net = net
        self.index = index
        self.seen(net)

    def seen(self, net: Network) -> None:
        self.version = net.version
        self.instances = len(net.instances)
        self.event_list = net.event_connections
        self.events = len(net.event_connections)
        self.data_list = net.data_connections
        self.data = len(net.data_connections)


def _buffer(inst: FBInstance, pin: str) -> Buffer:
    buf = inst.rt__buffers.get(pin)
    if buf is None:
        port = inst.rt__type.interface.data_port(pin)
        value = getattr(inst, pin)
        buf = Buffer(port.type.copy(value) if port is not None else value)
        own_dict(inst, "rt__buffers")[pin] = buf
    return buf


def _sampler(
    net: Network, inst: FBInstance | None, pin: str, conn: Connection | None = None
) -> tuple[Any, str, Any] | None:
    """Where a data input (or a composite's output, from inside) reads from, and how.

    ``conn`` names the source to read (fan-in: the block that triggered the event); without
    it a fan-in input reads its cell, the value most recently sent by any of its sources.
    """
    conv: Any = None
    if conn is None and net.is_fan_in(inst, pin):
        src_obj: Any = _cell(net, inst, pin)
        src_attr = "v"
    else:
        conn = conn or net.data_source(inst, pin)
        if conn is None:
            return None
        if conn.src_fb is None:  # the composite's own input, seen from inside
            src_obj = net.owner
            src_attr = conn.src_pin
        else:
            src_obj = _buffer(conn.src_fb, conn.src_pin)
            src_attr = "v"
        conv = conn.convert
    dst_owner = inst if inst is not None else net.owner
    port = dst_owner.rt__type.interface.data_port(pin) if dst_owner is not None else None
    if port is not None and port.type.is_aggregate:
        copy = port.type.copy
        conv = copy if conv is None else _chain(conv, copy)
    return src_obj, src_attr, conv


def _cell(net: Network, inst: FBInstance | None, pin: str) -> Buffer:
    """The fan-in cell of an input: created with the input's current value, kept across links."""
    key = (id(inst), pin)
    found = net.fan_in_cells.get(key)
    if found is None:
        owner = inst if inst is not None else net.owner
        found = net.fan_in_cells[key] = (inst, pin, Buffer(getattr(owner, pin)))
    return found[2]


def _make_entry(
    res: Resource,
    net: Network,
    owner: FBInstance,
    with_: tuple[str, ...],
    handler: Entry | None,
    call_attr: str | None,
    counted: list[int] | None,
    sample_from: FBInstance | None,
    sources: dict[str, Connection] | None = None,
) -> Entry:
    key: list[tuple[str, str, bool]] = []
    srcs: list[Any] = []
    convs: list[Any] = []
    forced = owner.rt__forced
    for var in with_:
        if not var or var in forced:
            continue
        found = _sampler(net, sample_from, var, sources.get(var) if sources else None)
        if found is None:
            continue
        src_obj, src_attr, conv = found
        key.append((var, src_attr, conv is not None))
        srcs.append(src_obj)
        convs.append(conv)
    if not key and counted is None and call_attr is None and handler is not None:
        return handler
    factory = _entry_factory(tuple(key), counted is not None, call_attr)
    return factory(owner, handler, srcs, convs, counted, res.clock.monotonic_ns)


def _triggered(
    net: Network,
    idx: _NetIndex,
    dst: FBInstance | None,
    event: str,
    with_: tuple[str, ...],
    build: Callable[[dict[str, Connection]], Entry],
    out: dict[int, Entry],
) -> None:
    """Fan-in: for each event connection into ``event`` from a block that feeds one of its
    fan-in WITH inputs, an entry that reads those inputs from that block (into ``out``, by
    the connection's id). Nothing happens for an event with no fan-in input."""
    fan = [v for v in with_ if v and net.is_fan_in(dst, v)]
    if not fan:
        return
    for c in idx.events_into.get(dst, ()):
        if c.dst_pin != event:
            continue
        sources: dict[str, Connection] = {}
        for var in fan:
            feeding = [d for d in net.data_sources(dst, var) if d.src_fb is c.src_fb]
            if not feeding:
                continue
            if len(feeding) > 1:  # several outputs of one block: the one its event carries
                carried = _with_of(c.src_fb, c.src_pin, net)
                feeding = [d for d in feeding if d.src_pin in carried] or feeding
            sources[var] = feeding[0]
        if sources:
            out[id(c)] = build(sources)


def _with_of(fb: FBInstance | None, event: str, net: Network) -> tuple[str, ...]:
    owner = fb if fb is not None else net.owner
    if owner is None:
        return ()
    itf = owner.rt__type.interface
    port = itf.event_output(event) if fb is not None else itf.event_input(event)
    return port.with_ if port is not None else ()


def _cell_writes(
    net: Network, idx: _NetIndex, src: FBInstance | None, var: str
) -> list[tuple[Buffer, Any]]:
    """The fan-in cells ``var`` of ``src`` feeds, with each connection's conversion."""
    writes: list[tuple[Buffer, Any]] = []
    for c in idx.data_out.get((src, var), ()):
        if net.is_fan_in(c.dst_fb, c.dst_pin):
            writes.append((_cell(net, c.dst_fb, c.dst_pin), c.convert))
    return writes


def _composite_cells(
    inst: CompositeInstance, with_: tuple[str, ...], handler: Entry, idx: _NetIndex
) -> Entry:
    """A composite's event handler that first sends its WITH inputs to the inner fan-in cells
    they feed (the composite's own input is one of their sources)."""
    writes = [
        (cell, var, convert)
        for var in with_
        if var
        for cell, convert in _cell_writes(inst.rt__network, idx, None, var)
    ]
    if not writes:
        return handler
    owner = inst

    def entry() -> Any:
        for cell, pin, convert in writes:
            value = getattr(owner, pin)
            cell.v = value if convert is None else convert(value)
        return handler()

    return entry


def _pairs(net: Network) -> list[tuple[FBInstance, Network]]:
    """Every instance under *net* with the network it sits in, composites before their insides."""
    pairs: list[tuple[FBInstance, Network]] = []

    def collect(net: Network) -> None:
        for inst in net.instances.values():
            pairs.append((inst, net))
            inner = getattr(inst, "rt__network", None)
            if isinstance(inner, Network):
                collect(inner)

    collect(net)
    return pairs


def link(res: Resource) -> None:
    """(Re)build every entry and emitter of the resource's network."""
    top = res.network
    pairs = _pairs(top)
    linker = _Linker(res, {id(top): _NetIndex(top)}, {})
    linker.entries(pairs)
    linker.emitters(pairs)
    res.adopt_slot_map(linker.slots)
    res.link_state = LinkState(top, linker.indexes[id(top)])


def link_additions(res: Resource) -> bool:
    """Link only what was added to the top network since the last link (see the module).

    Returns False, having changed nothing, when anything but additions happened: the caller
    then runs `link`.
    """
    state = res.link_state
    net = res.network
    if state is None or state.net is not net or net.has_fan_in:
        return False  # (fan-in changes which entries and emitters exist: a full link)
    added_fbs = len(net.instances) - state.instances
    added_events = len(net.event_connections) - state.events
    added_data = len(net.data_connections) - state.data
    if (
        net.event_connections is not state.event_list
        or net.data_connections is not state.data_list
        or min(added_fbs, added_events, added_data) < 0
        or net.version - state.version != added_fbs + added_events + added_data
    ):
        return False
    index = state.index
    new_fbs = list(islice(reversed(net.instances.values()), added_fbs))
    new_events = net.event_connections[state.events :]
    new_data = net.data_connections[state.data :]
    for c in new_events:
        index.add_event(c)
    for c in new_data:
        index.add_data(c)
    # New FBs and FBs that gain a sampled input get new entries; so does everything inside a
    # composite among them (its inner emitters call its entries).
    rebuilt: dict[FBInstance, None] = dict.fromkeys(new_fbs)
    rebuilt.update(dict.fromkeys(c.dst_fb for c in new_data if c.dst_fb is not None))
    inner: list[tuple[FBInstance, Network]] = []
    for fb in rebuilt:
        inner_net = getattr(fb, "rt__network", None)
        if isinstance(inner_net, Network):
            inner.extend(_pairs(inner_net))
    # Emitters: of those FBs, of the sources that gained a destination or a buffered output, and
    # of every source that calls an entry just rebuilt.
    emitting: dict[FBInstance, None] = dict(rebuilt)
    for c in (*new_events, *new_data):
        if c.src_fb is not None:
            emitting[c.src_fb] = None
    for fb in rebuilt:
        for c in index.events_into.get(fb, ()):
            if c.src_fb is not None:
                emitting[c.src_fb] = None
    linker = _Linker(res, {id(net): index}, res.slot_map)
    linker.entries([*((fb, net) for fb in rebuilt), *inner])
    linker.emitters([*((fb, net) for fb in emitting), *inner])
    res.slot_map.update(linker.slots)  # the keys of what was not rebuilt stay as they are
    state.seen(net)
    return True


class _Linker:
    """One link's work: entries, then emitters, and the FIFO keys they use (``slots``).

    *linked* is the slot map already in force (empty for a full link): an entry already used as
    another connection's key there is sent as an alias, as it would be within one link.
    """

    def __init__(
        self, res: Resource, indexes: dict[int, _NetIndex], linked: dict[Any, SlotRecord]
    ) -> None:
        self.res = res
        self.indexes = indexes
        self.linked = linked
        self.slots: dict[Any, SlotRecord] = {}
        # Fan-in (several data sources into one input): the entry an event connection leads to
        # when its source block feeds the input, by the connection's id; see _triggered.
        self.triggered: dict[int, Entry] = {}

    def index(self, net: Network) -> _NetIndex:
        idx = self.indexes.get(id(net))
        if idx is None:
            idx = self.indexes[id(net)] = _NetIndex(net)
        return idx

    def keyed(self, entry: Entry, record: SlotRecord) -> Entry:
        """``entry`` as this connection's own FIFO key (a copy if it already is another's)."""
        if entry is noop:  # a block that is not running: nothing arrives to count
            return entry
        if entry in self.slots or self.linked.get(entry, record) != record:
            entry = _alias(entry)
        self.slots[entry] = record
        return entry

    def input_record(self, c: Connection) -> int:
        if c.dst_fb is None:  # to the composite's own output: counted where that one sends
            return 0
        return self.res.totals_index(c.dst_fb, c.dst_pin) + 1

    def entries(self, pairs: Iterable[tuple[FBInstance, Network]]) -> None:
        """Phase 1: entries (what the FIFO will call) for every event input of *pairs*."""
        res = self.res
        for inst, net in pairs:
            inst.rt__resource = res
            itf = inst.rt__type.interface
            if isinstance(inst, CompositeInstance):
                inst.rt__inner_dests = {e.name: [] for e in itf.event_inputs}
            running = inst.rt__state is FBState.RUNNING
            entries: dict[str, Entry] = {}
            for ev in itf.event_inputs:
                if not running:
                    entries[ev.name] = noop
                    continue
                counted = inst.rt__event_counts.get(ev.name)
                if inst.rt__is_async(ev.name):
                    handler = res.async_starter(inst, ev.name)
                else:
                    handler = inst.rt__handler(ev.name)
                if isinstance(inst, CompositeInstance) and inst.rt__network.has_fan_in:
                    handler = _composite_cells(
                        inst, ev.with_, handler, self.index(inst.rt__network)
                    )
                entries[ev.name] = _make_entry(
                    res, net, inst, ev.with_, handler, None, counted, inst
                )
                if net.has_fan_in:
                    _triggered(
                        net,
                        self.index(net),
                        inst,
                        ev.name,
                        ev.with_,
                        partial(
                            _make_entry, res, net, inst, ev.with_, handler, None, counted, inst
                        ),
                        self.triggered,
                    )
            inst.rt__entries = entries
            if isinstance(inst, CompositeInstance):
                inner = inst.rt__network
                outs: dict[str, Entry] = {}
                for ev in itf.event_outputs:
                    # Internal event to the interface: copy the inner values, then emit outside.
                    outs[ev.name] = _make_entry(
                        res, inner, inst, ev.with_, None, ev.name, None, None
                    )
                    if inner.has_fan_in:
                        _triggered(
                            inner,
                            self.index(inner),
                            None,
                            ev.name,
                            ev.with_,
                            partial(
                                _make_entry, res, inner, inst, ev.with_, None, ev.name, None, None
                            ),
                            self.triggered,
                        )
                inst.rt__output_entries = outs

    def emitters(self, pairs: Iterable[tuple[FBInstance, Network]]) -> None:
        """Phase 2: emitters for every event output of *pairs*, and the composites' inner
        fan-outs (every entry they call must be built already)."""
        res = self.res
        ext = res.queue.extend
        hook = res.emit_hook
        keyed = self.keyed
        input_record = self.input_record

        triggered = self.triggered

        def dest_entry(net: Network, c: Connection) -> Entry:
            special = triggered.get(id(c)) if triggered else None
            if special is not None:
                return special
            if c.dst_fb is None:
                assert isinstance(net.owner, CompositeInstance)
                return net.owner.rt__output_entries[c.dst_pin]
            return c.dst_fb.rt__entries[c.dst_pin]

        for inst, net in pairs:
            idx = self.index(net)
            itf = inst.rt__type.interface
            hooked = (
                res.tracing
                or bool(getattr(inst, "rt__subscribers", None))
                or res.answers_waiting(inst)
            )
            kicked = inst.rt__any_async()
            totals = res.totals
            base = res.totals_index(inst)
            for n, ev in enumerate(itf.event_outputs):
                out_at = base + len(itf.event_inputs) + n
                # An unconnected output's C counter is folded in before its emitter is replaced.
                totals[out_at] += counter_value(getattr(inst, ev.name, None))
                dests: list[Entry] = []
                for c in idx.events.get((inst, ev.name), ()):
                    # The first destination's arrivals are also the output's own count.
                    record = input_record(c) | (0 if dests else (out_at + 1) << 32)
                    dests.append(keyed(dest_entry(net, c), record))
                key: list[tuple[str, bool]] = []
                bufs: list[Buffer] = []
                convs: list[Any] = []
                for var in ev.with_:
                    if not var or not idx.data_out.get((inst, var)):
                        continue
                    buf = _buffer(inst, var)
                    port = itf.data_port(var)
                    conv: Any = None
                    if var in inst.rt__forced:
                        conv = partial(_forced, inst.rt__forced[var])
                    elif port is not None and port.type.is_aggregate:
                        conv = port.type.copy
                    key.append((var, conv is not None))
                    bufs.append(buf)
                    convs.append(conv)
                    if net.has_fan_in:  # the fan-in inputs it feeds learn it was sent last
                        for cell, convert in _cell_writes(net, idx, inst, var):
                            both = conv if convert is None else convert
                            if conv is not None and convert is not None:
                                both = _chain(conv, convert)
                            key.append((var, both is not None))
                            bufs.append(cell)
                            convs.append(both)
                if not key and not hooked and not kicked:
                    # C-level either way: the FIFO counts what it sends; with nothing to send the
                    # emitter is a C counter that allocates nothing.
                    emitter: Entry = partial(ext, dests) if dests else unsent_counter()
                else:
                    factory = _emitter_factory(tuple(key), hooked, kicked, not dests)
                    emitter = factory(
                        inst, ext, dests, bufs, convs, hook, res.kick, ev.name, totals, out_at
                    )
                setattr(inst, ev.name, emitter)
            if isinstance(inst, CompositeInstance):
                inner_idx = self.index(inst.rt__network)
                for ev in itf.event_inputs:
                    inst.rt__inner_dests[ev.name][:] = [
                        keyed(dest_entry(inst.rt__network, c), input_record(c))
                        for c in inner_idx.events.get((None, ev.name), ())
                    ]
        # Interface-side data from a composite's inputs needs no buffer: inner blocks read the
        # composite's latched input directly (FORTE's CInterface2InternalDataConnection).


def _chain(first: Callable[[Any], Any], then: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda v: then(first(v))


def _forced(value: Any, _current: Any) -> Any:
    return value


def call_entry(res: Resource, inst: FBInstance, event: str, given: dict[str, Any]) -> Entry:
    """The entry of one ``Resource.call``: its inputs travel with the event (set when it is
    processed, winning over what connections would sample), the other WITH inputs are sampled
    as usual. Built when the call's event is processed (a cold path)."""
    if inst.rt__state is not FBState.RUNNING:
        return noop
    port = inst.rt__type.interface.event_input(event)
    with_ = tuple(v for v in (port.with_ if port else ()) if v not in given)
    parent = inst.rt__parent
    net = parent.rt__network if isinstance(parent, CompositeInstance) else res.network
    if inst.rt__is_async(event):
        handler = res.async_starter(inst, event)
    else:
        handler = inst.rt__handler(event)
    counted = inst.rt__event_counts.get(event)
    sample = _make_entry(res, net, inst, with_, handler, None, counted, inst)
    setting = [(pin, value) for pin, value in given.items() if pin not in inst.rt__forced]

    def entry() -> None:
        for pin, value in setting:
            setattr(inst, pin, value)
        sample()

    return entry
