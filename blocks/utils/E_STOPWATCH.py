"""E_STOPWATCH: measures the monotonic time between START and STOP (or each ET) into TD.

The ECC of 4diac's utils library: START --START--> Measure (remember NOW_MONOTONIC);
Measure --STOP--> STOP (TD := now - start, EO) --> START; Measure or Trig --ET--> Trig
(TD := now - start, ETO); Trig --STOP--> STOP; START, Measure or Trig --RESET--> RESET
(TD := T#0s, RESETO) --> START. Anything else is ignored: START while measuring does not
restart, ET and STOP before START send nothing. The ring benchmark times itself with it.
"""

from fbruntime.core import Block, DataOutput, EventInput, EventOutput

_IDLE, _MEASURE, _TRIG = 0, 1, 2


class E_STOPWATCH(Block):
    name = "E_STOPWATCH"
    version = "1.2"
    description = "Measures the time from START to STOP (EO) or to each ET (ETO) in TD"

    START = EventInput()
    ET = EventInput()
    STOP = EventInput()
    RESET = EventInput()
    EO = EventOutput(with_=("TD",))
    ETO = EventOutput(with_=("TD",))
    RESETO = EventOutput(with_=("TD",))
    TD = DataOutput("TIME")

    def setup(self) -> None:
        self._state = _IDLE
        self._start_ns = 0

    def on_START(self) -> None:
        if self._state == _IDLE:
            self._state = _MEASURE
            self._start_ns = self.clock.monotonic_ns()

    def on_ET(self) -> None:
        if self._state != _IDLE:
            self._state = _TRIG
            self.TD = self.clock.monotonic_ns() - self._start_ns
            self.ETO()

    def on_STOP(self) -> None:
        if self._state != _IDLE:
            self._state = _IDLE
            self.TD = self.clock.monotonic_ns() - self._start_ns
            self.EO()

    def on_RESET(self) -> None:
        self._state = _IDLE
        self.TD = 0
        self.RESETO()
