"""E_CYCLE: EO every DT from START until STOP; FORTE's native periodic timed FB.

START samples DT and arms the timer; START while running is ignored (DT changes only after a
STOP). Each expiry hands EO to the resource's FIFO as an external event and re-arms for one
interval after that expiry's deadline, as FORTE's timer handler does at trigger time, so a busy
FIFO delays events but never the period. DT is truncated to whole milliseconds with a minimum
of 1 ms (FORTE's timer resolution; a negative DT also gives 1 ms).

4diac's library file describes E_CYCLE as a composite (E_DELAY feeding EO back to START); FORTE
implements it natively, which avoids that version's drift of one queue pass per period.
"""

from functools import partial
from typing import Any

from fbruntime.core import Block, DataInput, EventInput, EventOutput, FBState

_MS = 1_000_000


class E_CYCLE(Block):
    name = "E_CYCLE"
    version = "1.0"
    description = "Sends EO every DT between START and STOP"

    START = EventInput(with_=("DT",))
    STOP = EventInput()
    EO = EventOutput()
    DT = DataInput("TIME")

    def setup(self) -> None:
        self._timer: Any = None
        self._gen = 0  # which START a tick belongs to (see _fire)
        self._interval = _MS
        self._deadline = 0

    def on_START(self) -> None:
        if self._timer is None:
            clock = self.clock
            self._interval = max(self.DT // _MS, 1) * _MS
            self._deadline = clock.monotonic_ns() + self._interval
            self._gen += 1
            self._timer = clock.call_later(self._interval, partial(self._expired, self._gen))

    def on_STOP(self) -> None:
        self._cancel()

    def _expired(self, gen: int) -> None:
        if self.rt__state is not FBState.RUNNING:  # stopped on its own: FORTE unregisters it
            self._timer = None
            return
        clock = self.clock
        self._deadline += self._interval
        self._timer = clock.call_later(
            self._deadline - clock.monotonic_ns(), partial(self._expired, gen)
        )
        self.post(partial(self._fire, gen))

    def _fire(self, gen: int) -> None:
        # A tick queued before STOP was processed sends nothing: after STOP, no more EO.
        if gen == self._gen and self._timer is not None and self.rt__state is FBState.RUNNING:
            self.EO()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._gen += 1

    def rt__on_kill(self) -> None:
        self._cancel()
        super().rt__on_kill()
