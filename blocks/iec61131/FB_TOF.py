"""FB_TOF: IEC 61131-3 off-delay timer, evaluated on each REQ (FORTE ``Timers/FB_TOF.cpp``).

FORTE implements the timers natively; the 4diac library only declares their interface, so fbrt
needs this block for any application using FB_TOF. Like FORTE it never wakes up by itself: each
REQ samples IN and PT, reads the resource's monotonic clock and answers CNF with Q and ET, so
an application pairs it with E_CYCLE (or any event source) to see Q fall.

IN TRUE sets Q and clears ET. The first REQ with IN FALSE after that starts timing; while IN
stays FALSE, ET is the time since then, saturated at PT, and Q falls once that time reaches PT.
Until IN has been seen TRUE once, IN FALSE changes nothing (Q FALSE, ET T#0s). Once Q has
fallen it stays FALSE until IN rises, even if PT is raised afterwards (as in FORTE); a PT
lowered below the elapsed time ends the delay at the next REQ.

Where fbrt follows IEC 61131-3 rather than FORTE: the REQ that sees the falling edge already
computes the outputs (ET = 0, so PT = T#0s drops Q at once; FORTE waits for the next REQ), and
a negative PT counts as T#0s.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class FB_TOF(Block):
    name = "FB_TOF"
    version = "1.0"
    description = "Off-delay timer: Q stays TRUE for PT after IN falls (evaluated on REQ)"

    REQ = EventInput(with_=("IN", "PT"), comment="Evaluate the timer")
    CNF = EventOutput(with_=("Q", "ET"), comment="Q and ET are up to date")
    IN = DataInput("BOOL", comment="Timer input")
    PT = DataInput("TIME", comment="Delay")
    Q = DataOutput("BOOL", comment="IN is TRUE or fell less than PT ago")
    ET = DataOutput("TIME", comment="Time since IN fell, at most PT")

    def setup(self) -> None:
        self._seen_true = False
        self._timing = False
        self._start_ns = 0
        self._expired = False

    def on_REQ(self) -> None:
        if self.IN:
            self._seen_true = True
            self._timing = False
            self._expired = False
            self.Q = True
            self.ET = 0
        elif self._seen_true:
            now = self.clock.monotonic_ns()
            if not self._timing:
                self._timing = True
                self._start_ns = now
            preset = max(self.PT, 0)
            elapsed = now - self._start_ns
            if elapsed >= preset:
                self._expired = True
            self.Q = not self._expired
            self.ET = min(elapsed, preset)
        self.CNF()
