"""E_MERGE: either input event sends EO (event OR), as FORTE's E_MERGE."""

from fbruntime.core import Block, EventInput, EventOutput


class E_MERGE(Block):
    name = "E_MERGE"
    version = "1.0"
    description = "Sends EO for each EI1 and each EI2"

    EI1 = EventInput()
    EI2 = EventInput()
    EO = EventOutput()

    def on_EI1(self) -> None:
        self.EO()

    def on_EI2(self) -> None:
        self.EO()
