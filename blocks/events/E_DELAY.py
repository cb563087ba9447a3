"""E_DELAY: one EO, DT after START; FORTE's one-shot timed FB (``E_DELAY.cpp``, ``timedfb.cpp``).

START while a delay is pending is ignored (the first deadline stands); STOP cancels it. The
timer hands EO to the resource's FIFO as an external event, and the block only becomes idle
again when that event is processed, as in FORTE (so a START in between is still ignored).
DT is truncated to whole milliseconds with a minimum of 1 ms, FORTE's timer resolution; a
negative DT also gives 1 ms (FORTE would wrap it to about 49 days).
"""

from functools import partial
from typing import Any

from fbruntime.core import Block, DataInput, EventInput, EventOutput, FBState

_MS = 1_000_000


class E_DELAY(Block):
    name = "E_DELAY"
    version = "1.0"
    description = "Sends EO once, DT after START; STOP cancels"

    START = EventInput(with_=("DT",))
    STOP = EventInput()
    EO = EventOutput()
    DT = DataInput("TIME")

    def setup(self) -> None:
        self._active = False
        self._timer: Any = None
        self._gen = 0  # which START an expiry belongs to (see _fire)

    def on_START(self) -> None:
        if not self._active:
            self._active = True
            self._gen += 1
            self._timer = self.clock.call_later(
                max(self.DT // _MS, 1) * _MS, partial(self._expired, self._gen)
            )

    def on_STOP(self) -> None:
        self._cancel()

    def _expired(self, gen: int) -> None:
        self._timer = None
        if self.rt__state is FBState.RUNNING:
            self.post(partial(self._fire, gen))
        else:  # stopped on its own (management STOP): FORTE unregisters the timer
            self._active = False

    def _fire(self, gen: int) -> None:
        # An expiry already queued when a STOP is processed sends nothing: STOP means no EO.
        # (FORTE would still send it, as its external event is already in the queue.)
        if gen != self._gen:
            return
        self._active = False
        if self.rt__state is FBState.RUNNING:
            self.EO()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._active = False
        self._gen += 1

    def rt__on_kill(self) -> None:
        self._cancel()
        super().rt__on_kill()
