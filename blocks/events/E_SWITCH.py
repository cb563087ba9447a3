"""E_SWITCH: routes EI to EO0 (G false) or EO1 (G true), as FORTE's E_SWITCH.

Part of the ring benchmark: the handler is the whole hot path and does nothing else.
"""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_SWITCH(Block):
    name = "E_SWITCH"
    version = "1.0"
    description = "Routes EI to EO0 when G is FALSE, to EO1 when G is TRUE"

    EI = EventInput(with_=("G",))
    EO0 = EventOutput()
    EO1 = EventOutput()
    G = DataInput("BOOL")

    def on_EI(self) -> None:
        if self.G:
            self.EO1()
        else:
            self.EO0()
