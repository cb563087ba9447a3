"""E_RS: event-driven bistable; EO (WITH Q) is sent only when Q changes.

ECC: START --S--> SET (Q := TRUE, EO); SET --R--> RESET (Q := FALSE, EO); RESET --S--> SET.
So R in START, S in SET and R in RESET send nothing. E_SR and E_RS differ only in pin order.
"""

from fbruntime.core import Block, DataOutput, EventInput, EventOutput

_START, _SET, _RESET = 0, 1, 2


class E_RS(Block):
    name = "E_RS"
    version = "1.0"
    description = "Event-driven bistable: S sets Q, R resets it, EO when Q changes"

    R = EventInput()
    S = EventInput()
    EO = EventOutput(with_=("Q",))
    Q = DataOutput("BOOL")

    def setup(self) -> None:
        self._state = _START

    def on_S(self) -> None:
        if self._state != _SET:
            self._state = _SET
            self.Q = True
            self.EO()

    def on_R(self) -> None:
        if self._state == _SET:
            self._state = _RESET
            self.Q = False
            self.EO()
