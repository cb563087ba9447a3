"""Watches (FORTE's ``monitoring.cpp``): the CREATE/DELETE/READ watch commands of a device.

:class:`WatchCommands` is the monitoring half of :class:`~fbruntime.mgmt.executor.DeviceTarget`,
which inherits it and owns its state: per resource, the watched pins of each FB (data pins read
at each READ, event pins counted). The engine counts event inputs itself; event outputs are
counted by an :class:`OutputCounter` posing as a subscriber queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fbruntime.core import FBInstance, Resource
from fbruntime.core.network import Network
from fbruntime.mgmt import replies
from fbruntime.mgmt.pins import current_value, find_pin, watch_text
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.refusal import refuse
from fbruntime.mgmt.replies import OK, Response


class OutputCounter:
    """Counts an instance's event outputs by posing as a subscriber queue (see Resource.emit_hook).

    The engine counts event inputs itself (``watch_events``); outputs are only visible through
    the emit hook, which it arms for instances that have subscribers, and only for those.
    """

    def __init__(self) -> None:
        self.counts: dict[str, list[int]] = {}

    def full(self) -> bool:
        return False

    def put_nowait(self, event: Any) -> None:
        counter = self.counts.get(event.event)
        if counter is not None:
            counter[0] += 1
            counter[1] = event.time_ns


@dataclass
class FBWatch:
    """The watched pins of one FB: data pins by name, event pins with their [count, time]."""

    inst: FBInstance
    data: list[str] = field(default_factory=list)
    events: dict[str, list[int]] = field(default_factory=dict)
    # A Function's unnamed output, watched as "FB.", is shown by that empty name, as FORTE does.
    shown: dict[str, str] = field(default_factory=dict)


class WatchCommands:
    """The watch commands; the state is set up by the class that inherits them."""

    _watches: dict[str, dict[str, FBWatch]]
    _output_counters: dict[int, OutputCounter]

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
        if is_data:
            if pin not in watch.data:
                watch.data.append(pin)
            named = path.rpartition(".")[2]
            if named != pin:
                watch.shown[pin] = named
        elif pin not in watch.events:
            watch.events[pin] = self._count_events(res, inst, pin)
        return OK

    def _count_events(self, res: Resource, inst: FBInstance, pin: str) -> list[int]:
        if inst.rt__type.interface.event_input(pin) is not None:
            return res.watch_events(inst, pin)
        counter = self._output_counters.get(id(inst))
        if counter is None:
            counter = self._output_counters[id(inst)] = OutputCounter()
            subscribers: list[Any] = getattr(inst, "rt__subscribers", [])
            subscribers.append(counter)
            inst.rt__subscribers = subscribers  # type: ignore[attr-defined]
        res.mark_dirty()
        return counter.counts.setdefault(pin, [0, 0])

    def _remove_watch(self, res: Resource, path: str) -> Response:
        inst, pin = find_pin(res, path)
        watches = self._watches.get(res.name, {})
        fb_path = path.rpartition(".")[0]
        watch = watches.get(fb_path)
        if watch is None or (pin not in watch.data and pin not in watch.events):
            raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} is not watched")
        if pin in watch.data:
            watch.data.remove(pin)
        else:
            del watch.events[pin]
            self._uncount(res, inst, pin)
        if not watch.data and not watch.events:
            del watches[fb_path]
        return OK

    def _uncount(self, res: Resource, inst: FBInstance, pin: str) -> None:
        if inst.rt__type.interface.event_input(pin) is not None:
            res.unwatch_events(inst, pin)
        else:
            counter = self._output_counters.get(id(inst))
            if counter is not None:
                counter.counts.pop(pin, None)
                if not counter.counts:
                    del self._output_counters[id(inst)]
                    subscribers = getattr(inst, "rt__subscribers", [])
                    if counter in subscribers:
                        subscribers.remove(counter)
        res.mark_dirty()

    def _forget_watches(self, res: Resource, inst: FBInstance) -> None:
        watches = self._watches.get(res.name, {})
        doomed = {inst, *_inside(inst)}
        for fb_path, watch in list(watches.items()):
            if watch.inst in doomed:
                for pin in list(watch.events):
                    self._uncount(res, watch.inst, pin)
                del watches[fb_path]

    def _resource_watches(self, res: Resource) -> replies.ResourceWatches:
        now_ms = res.clock.monotonic_ns() // 1_000_000
        fbs = []
        for fb_path, watch in self._watches.get(res.name, {}).items():
            itf = watch.inst.rt__type.interface
            data = []
            for pin in watch.data:
                port = itf.data_port(pin)
                assert port is not None
                value = watch_text(watch.inst, pin, port.type, current_value(watch.inst, pin))
                shown = watch.shown.get(pin, pin)
                data.append(replies.DataWatch(shown, value, pin in watch.inst.rt__forced))
            events = [replies.EventWatch(pin, c[0], now_ms) for pin, c in watch.events.items()]
            fbs.append(replies.FBWatches(fb_path, tuple(data), tuple(events)))
        return replies.ResourceWatches(res.name, tuple(fbs))


def _inside(inst: FBInstance) -> list[FBInstance]:
    inner = getattr(inst, "rt__network", None)
    return list(inner.walk()) if isinstance(inner, Network) else []
