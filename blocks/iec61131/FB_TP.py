"""FB_TP: IEC 61131-3 pulse timer, evaluated on each REQ (FORTE ``Timers/FB_TP.cpp``).

FORTE implements the timers natively; the 4diac library only declares their interface, so fbrt
needs this block for any application using FB_TP. Like FORTE it never wakes up by itself: each
REQ samples IN and PT, reads the resource's monotonic clock and answers CNF with Q and ET, so
an application pairs it with E_CYCLE (or any event source) to see the pulse end.

A REQ with IN TRUE starts a pulse when the timer is idle and has seen IN FALSE since its last
pulse (FORTE's "IN and ET = 0"; a fresh block counts as having seen it). While the pulse runs
Q is TRUE and ET is the time since its start; IN is ignored meanwhile, so the pulse cannot be
retriggered or cut short. The first REQ at or after start + PT ends it: Q FALSE, and ET stays
at PT while IN is TRUE and drops to T#0s once a REQ sees IN FALSE, which also re-arms the
timer. PT is read on every REQ, so changing it moves the end of a running pulse.

Where fbrt follows IEC 61131-3 rather than FORTE: ET saturates at PT and the pulse ends at the
first REQ at or after start + PT (FORTE reports ET beyond PT and ends the pulse one REQ later,
when the previously reported ET has reached PT), and a negative PT counts as T#0s.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class FB_TP(Block):
    name = "FB_TP"
    version = "1.0"
    description = "Pulse timer: a rising IN gives a Q pulse of length PT (evaluated on REQ)"

    REQ = EventInput(with_=("IN", "PT"), comment="Evaluate the timer")
    CNF = EventOutput(with_=("Q", "ET"), comment="Q and ET are up to date")
    IN = DataInput("BOOL", comment="Starts a pulse when TRUE and the timer is idle")
    PT = DataInput("TIME", comment="Pulse length")
    Q = DataOutput("BOOL", comment="The pulse")
    ET = DataOutput("TIME", comment="Time since the pulse started, at most PT")

    def setup(self) -> None:
        self._running = False
        self._armed = True
        self._start_ns = 0

    def on_REQ(self) -> None:
        now = self.clock.monotonic_ns()
        preset = max(self.PT, 0)
        if self.IN and self._armed and not self._running:
            self._running = True
            self._armed = False
            self._start_ns = now
        elapsed = now - self._start_ns
        if self._running and elapsed < preset:
            self.Q = True
            self.ET = elapsed
        else:
            self._running = False
            self.Q = False
            if self.IN:
                self.ET = min(elapsed, preset)
            else:
                self._armed = True
                self.ET = 0
        self.CNF()
