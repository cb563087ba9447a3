"""E_R_TRIG: EO when QI goes from FALSE to TRUE between two EI events.

4diac defines it as a composite (E_D_FF into E_SWITCH, EO from EO1); this is the same behaviour
in one block, without the composite's extra queue hops. The remembered value starts FALSE, so a
first EI with QI TRUE is a rising edge.
"""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_R_TRIG(Block):
    name = "E_R_TRIG"
    version = "1.0"
    description = "Rising edge: EO when QI turns TRUE"

    EI = EventInput(with_=("QI",))
    EO = EventOutput()
    QI = DataInput("BOOL")

    def setup(self) -> None:
        self._last = False

    def on_EI(self) -> None:
        qi = bool(self.QI)
        if qi != self._last:
            self._last = qi
            if qi:
                self.EO()
