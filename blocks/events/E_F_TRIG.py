"""E_F_TRIG: EO when QI goes from TRUE to FALSE between two EI events.

4diac defines it as a composite (E_D_FF into E_SWITCH, EO from EO0); this is the same behaviour
in one block, without the composite's extra queue hops. The remembered value starts FALSE, so
QI must have been TRUE at an earlier EI before a falling edge can be seen.
"""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_F_TRIG(Block):
    name = "E_F_TRIG"
    version = "1.0"
    description = "Falling edge: EO when QI turns FALSE"

    EI = EventInput(with_=("QI",))
    EO = EventOutput()
    QI = DataInput("BOOL")

    def setup(self) -> None:
        self._last = False

    def on_EI(self) -> None:
        qi = bool(self.QI)
        if qi != self._last:
            self._last = qi
            if not qi:
                self.EO()
