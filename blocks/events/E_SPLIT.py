"""E_SPLIT: one event in, two out (EO1 queued before EO2), as FORTE's E_SPLIT.

Part of the ring benchmark: the handler is the whole hot path and does nothing else.
"""

from fbruntime.core import Block, EventInput, EventOutput


class E_SPLIT(Block):
    name = "E_SPLIT"
    version = "1.0"
    description = "Splits one event into EO1 then EO2"

    EI = EventInput()
    EO1 = EventOutput()
    EO2 = EventOutput()

    def on_EI(self) -> None:
        self.EO1()
        self.EO2()
