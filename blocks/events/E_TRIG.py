"""E_TRIG: triggers every unconnected event input of one event type in the resource.

4diac 3.x's ``iec61499::events::E_TRIG`` (FORTE ``E_TRIG_fbt.cpp``, 2025). Its use is the
resource-wide "initialise everything" of 4diac 3.x: connect START.COLD to REQ and every FB whose
``EInit``-typed INIT input nobody connected gets INIT. On REQ the block walks the FBs of its
resource (top level, where the management protocol creates them; it does not look inside
composites, as FORTE does not enter fixed containers) and, for each FB that has typed event inputs
at all, triggers each input whose type is EVENTTYPE and which has no event connection. CNF
follows once the last one was triggered.

As FORTE's reworked version, one input is triggered per FIFO turn so a large resource does not
flood the queue: the triggered FB runs at once (what it sends joins the FIFO), then the block
queues itself to trigger the next, behind those outputs. A REQ that arrives while a walk is still
going is dropped with a warning. An empty EVENTTYPE does nothing, not even CNF (FORTE ignores a
type name it has never heard of). The walk follows the order the FBs were created in.

The event type of a pin is ``EventPort.type_name``; plain ``Event`` pins are never triggered
(FORTE skips FBs without typed events, and ``EVENTTYPE := 'Event'`` then matches nothing useful).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from fbruntime.core import Block, DataInput, EventInput, EventOutput, FBInstance

_log = logging.getLogger("fbruntime.blocks.E_TRIG")

_PLAIN_EVENT = "Event"


class E_TRIG(Block):
    name = "E_TRIG"
    version = "1.0"
    description = "Triggers the unconnected event inputs of type EVENTTYPE in the resource"

    REQ = EventInput(with_=("EVENTTYPE",))
    CNF = EventOutput()
    EVENTTYPE = DataInput("STRING", "EInit")

    def setup(self) -> None:
        self._walk: Iterator[tuple[FBInstance, str]] | None = None

    def on_REQ(self) -> None:
        if self._walk is not None:
            _log.warning("%s: REQ while the previous REQ is still triggering; dropped", self.path)
            return
        if not self.EVENTTYPE:
            return
        self._walk = _unconnected_inputs(self.rt__resource, self.EVENTTYPE)
        self._trigger_next()

    def _trigger_next(self) -> None:
        walk = self._walk
        if walk is None:  # reset or killed since this turn was queued
            return
        found = next(walk, None)
        if found is None:
            self._walk = None
            self.CNF()
            return
        fb, pin = found
        res = self.rt__resource
        assert res is not None  # a walk only starts in a resource
        res.relink_if_needed()
        entry = fb.rt__entries.get(pin)
        try:
            if entry is not None:
                entry()
        except Exception as exc:
            # The triggered FB failed, not this one: record it there and go on.
            fb.rt__record_error(pin, exc)
            _log.error("%s: %s.%s failed when triggered: %r", self.path, fb.rt__path(), pin, exc)
        finally:
            res.queue.append(self._trigger_next)

    def rt__on_kill(self) -> None:
        self._walk = None
        super().rt__on_kill()


def _unconnected_inputs(res: Any, event_type: str) -> Iterator[tuple[FBInstance, str]]:
    """(FB, event input) pairs to trigger, checked lazily as FORTE's cursor does."""
    if res is None:
        return
    network = res.network
    connected: set[tuple[int, str]] = set()
    version = -1
    for fb in list(network.instances.values()):
        ports = fb.rt__type.interface.event_inputs
        if all(port.type_name == _PLAIN_EVENT for port in ports):
            continue
        for port in ports:
            if port.type_name != event_type:
                continue
            if network.instances.get(fb.rt__name) is not fb:
                break  # deleted since the walk began
            if network.version != version:
                version = network.version
                connected = {
                    (id(c.dst_fb), c.dst_pin)
                    for c in network.event_connections
                    if c.dst_fb is not None
                }
            if (id(fb), port.name) not in connected:
                yield fb, port.name
