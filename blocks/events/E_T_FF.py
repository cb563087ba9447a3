"""E_T_FF: toggle flip-flop; every CLK inverts Q and sends EO (WITH Q)."""

from fbruntime.core import Block, DataOutput, EventInput, EventOutput


class E_T_FF(Block):
    name = "E_T_FF"
    version = "1.0"
    description = "Toggle flip-flop: each CLK inverts Q and sends EO"

    CLK = EventInput()
    EO = EventOutput(with_=("Q",))
    Q = DataOutput("BOOL")

    def on_CLK(self) -> None:
        self.Q = not self.Q
        self.EO()
