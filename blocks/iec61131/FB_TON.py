"""FB_TON: IEC 61131-3 on-delay timer, evaluated on each REQ (FORTE ``Timers/FB_TON.cpp``).

FORTE implements the timers natively; the 4diac library only declares their interface, so fbrt
needs this block for any application using FB_TON. Like FORTE it never wakes up by itself: each
REQ samples IN and PT, reads the resource's monotonic clock and answers CNF with Q and ET, so
an application pairs it with E_CYCLE (or any event source) to see Q rise.

IN rising (first REQ with IN TRUE) starts timing; while IN stays TRUE, ET is the time since then,
saturated at PT, and Q turns TRUE once that time reaches PT; IN FALSE clears Q and ET. Once Q is
TRUE it stays TRUE until IN falls, even if PT is raised afterwards (FORTE and CODESYS agree);
a PT lowered below the elapsed time ends the delay at the next REQ.

Where fbrt follows IEC 61131-3 rather than FORTE: the REQ that sees the rising edge already
computes the outputs (ET = 0, so PT = T#0s gives Q at once; FORTE waits for the next REQ), and
a negative PT counts as T#0s (FORTE would report the negative PT as ET).
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class FB_TON(Block):
    name = "FB_TON"
    version = "1.0"
    description = "On-delay timer: Q turns TRUE once IN has been TRUE for PT (evaluated on REQ)"

    REQ = EventInput(with_=("IN", "PT"), comment="Evaluate the timer")
    CNF = EventOutput(with_=("Q", "ET"), comment="Q and ET are up to date")
    IN = DataInput("BOOL", comment="Timer input")
    PT = DataInput("TIME", comment="Delay")
    Q = DataOutput("BOOL", comment="IN has been TRUE for PT")
    ET = DataOutput("TIME", comment="Time IN has been TRUE, at most PT")

    def setup(self) -> None:
        self._timing = False
        self._start_ns = 0
        self._done = False

    def on_REQ(self) -> None:
        if not self.IN:
            self._timing = False
            self._done = False
            self.Q = False
            self.ET = 0
        else:
            now = self.clock.monotonic_ns()
            if not self._timing:
                self._timing = True
                self._start_ns = now
            preset = max(self.PT, 0)
            elapsed = now - self._start_ns
            if elapsed >= preset:
                self._done = True
            self.Q = self._done
            self.ET = min(elapsed, preset)
        self.CNF()
