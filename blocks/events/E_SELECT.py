"""E_SELECT: EO for EI0 when G is false, for EI1 when G is true; the other input is dropped.

ECC: ``EI0[NOT G]`` and ``EI1[G]`` lead to the state that sends EO.
"""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_SELECT(Block):
    name = "E_SELECT"
    version = "1.0"
    description = "Sends EO for EI0 when G is FALSE and for EI1 when G is TRUE"

    EI0 = EventInput(with_=("G",))
    EI1 = EventInput(with_=("G",))
    EO = EventOutput()
    G = DataInput("BOOL")

    def on_EI0(self) -> None:
        if not self.G:
            self.EO()

    def on_EI1(self) -> None:
        if self.G:
            self.EO()
