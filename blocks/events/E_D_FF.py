"""E_D_FF: data latch; CLK latches D into Q and sends EO (WITH Q) only when Q changes.

ECC: START --CLK[D]--> SET; SET --CLK[NOT D]--> RESET; RESET --CLK[D]--> SET; each entered
state runs ``Q := D`` and sends EO. A clock that would not change Q takes no transition.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput

_START, _SET, _RESET = 0, 1, 2


class E_D_FF(Block):
    name = "E_D_FF"
    version = "1.0"
    description = "D flip-flop: CLK latches D into Q, EO when Q changes"

    CLK = EventInput(with_=("D",))
    EO = EventOutput(with_=("Q",))
    D = DataInput("BOOL")
    Q = DataOutput("BOOL")

    def setup(self) -> None:
        self._state = _START

    def on_CLK(self) -> None:
        if self.D:
            if self._state != _SET:
                self._state = _SET
                self.Q = True
                self.EO()
        elif self._state == _SET:
            self._state = _RESET
            self.Q = False
            self.EO()
