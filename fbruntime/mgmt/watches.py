"""Watches (FORTE's ``monitoring.cpp``): the CREATE/DELETE/READ watch commands of a device.

:class:`WatchCommands` is the monitoring half of :class:`~fbruntime.mgmt.executor.DeviceTarget`,
which inherits it and owns its state: per resource, the watched pins of each FB. A data pin is
read at each READ; an event pin shows the engine's total of events through it since the FB was
created (``rt__event_total``, always counted, as FORTE's monitoring counts), so a watch added
late still shows every event, and ``$er`` sets that total back to zero. Watching installs
nothing in the engine and never relinks a resource.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fbruntime.core import FBInstance, NetworkError, Resource
from fbruntime.core.network import Network
from fbruntime.mgmt import replies
from fbruntime.mgmt.pins import current_value, find_pin, watch_text
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.refusal import refuse
from fbruntime.mgmt.replies import OK, Response


@dataclass
class FBWatch:
    """The watched pins of one FB, in the order they were added: data pins, then event pins."""

    inst: FBInstance
    data: list[str] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    # A Function's unnamed output, watched as "FB.", is shown by that empty name, as FORTE does.
    shown: dict[str, str] = field(default_factory=dict)


class WatchCommands:
    """The watch commands; the state is set up by the class that inherits them."""

    _watches: dict[str, dict[str, FBWatch]]

    def _add_watch(self, res: Resource, path: str) -> Response:
        inst, pin = find_pin(res, path)
        itf = inst.rt__type.interface
        is_data = itf.data_port(pin) is not None
        if not is_data and itf.event_input(pin) is None and itf.event_output(pin) is None:
            raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} cannot be watched")
        watches = self._watches.setdefault(res.name, {})
        fb_path = path.rpartition(".")[0]
        watch = watches.get(fb_path)
        if watch is None:
            watch = watches[fb_path] = FBWatch(inst)
        pins = watch.data if is_data else watch.events
        if pin not in pins:
            pins.append(pin)
        named = path.rpartition(".")[2]
        if named != pin:
            watch.shown[pin] = named
        return OK

    def _remove_watch(self, res: Resource, path: str) -> Response:
        _, pin = find_pin(res, path)
        watches = self._watches.get(res.name, {})
        fb_path = path.rpartition(".")[0]
        watch = watches.get(fb_path)
        if watch is None or (pin not in watch.data and pin not in watch.events):
            raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} is not watched")
        (watch.data if pin in watch.data else watch.events).remove(pin)
        if not watch.data and not watch.events:
            del watches[fb_path]
        return OK

    def _reset_event_count(self, res: Resource, path: str) -> Response:
        """``$er``: the event pin's total since creation starts again from zero."""
        inst, pin = find_pin(res, path)
        itf = inst.rt__type.interface
        if itf.event_input(pin) is None and itf.event_output(pin) is None:
            raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} is not an event pin")
        try:
            inst.rt__set_event_total(pin, 0)
        except NetworkError as failure:
            raise refuse(Reason.INVALID_STATE, str(failure)) from None
        return OK

    def _forget_watches(self, res: Resource, inst: FBInstance) -> None:
        watches = self._watches.get(res.name, {})
        doomed = {inst, *_inside(inst)}
        for fb_path, watch in list(watches.items()):
            if watch.inst in doomed:
                del watches[fb_path]

    def _resource_watches(self, res: Resource) -> replies.ResourceWatches:
        now_ms = res.clock.monotonic_ns() // 1_000_000
        fbs = []
        for fb_path, watch in self._watches.get(res.name, {}).items():
            inst = watch.inst
            itf = inst.rt__type.interface
            data = []
            for pin in watch.data:
                port = itf.data_port(pin)
                assert port is not None
                value = watch_text(inst, pin, port.type, current_value(inst, pin))
                shown = watch.shown.get(pin, pin)
                data.append(replies.DataWatch(shown, value, pin in inst.rt__forced))
            events = [
                replies.EventWatch(pin, inst.rt__event_total(pin), now_ms) for pin in watch.events
            ]
            fbs.append(replies.FBWatches(fb_path, tuple(data), tuple(events)))
        return replies.ResourceWatches(res.name, tuple(fbs))


def _inside(inst: FBInstance) -> list[FBInstance]:
    inner = getattr(inst, "rt__network", None)
    return list(inner.walk()) if isinstance(inner, Network) else []
