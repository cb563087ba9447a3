"""E_RDELAY: one EO, DT after the latest START; FORTE's reloadable delay (``E_RDELAY.cpp``).

Unlike E_DELAY, START while a delay is pending restarts it with the new DT. STOP cancels. The
timer hands EO to the resource's FIFO as an external event. DT is truncated to whole
milliseconds with a minimum of 1 ms (FORTE's timer resolution; a negative DT also gives 1 ms).
"""

from functools import partial
from typing import Any

from fbruntime.core import Block, DataInput, EventInput, EventOutput, FBState

_MS = 1_000_000


class E_RDELAY(Block):
    name = "E_RDELAY"
    version = "1.0"
    description = "Sends EO once, DT after the latest START; STOP cancels"

    START = EventInput(with_=("DT",))
    STOP = EventInput()
    EO = EventOutput()
    DT = DataInput("TIME")

    def setup(self) -> None:
        self._timer: Any = None
        self._gen = 0  # which START an expiry belongs to (see _fire)

    def on_START(self) -> None:
        self._cancel()
        self._timer = self.clock.call_later(
            max(self.DT // _MS, 1) * _MS, partial(self._expired, self._gen)
        )

    def on_STOP(self) -> None:
        self._cancel()

    def _expired(self, gen: int) -> None:
        self._timer = None
        if self.rt__state is FBState.RUNNING:
            self.post(partial(self._fire, gen))

    def _fire(self, gen: int) -> None:
        # An expiry queued before a later START or a STOP was processed sends nothing: the
        # restarted (or stopped) delay owns EO now.
        if gen == self._gen and self.rt__state is FBState.RUNNING:
            self.EO()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._gen += 1

    def rt__on_kill(self) -> None:
        self._cancel()
        super().rt__on_kill()
