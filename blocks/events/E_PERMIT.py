"""E_PERMIT: passes EI on as EO only while PERMIT is true (ECC ``EI[PERMIT]``)."""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_PERMIT(Block):
    name = "E_PERMIT"
    version = "1.0"
    description = "Passes EI on as EO when PERMIT is TRUE"

    EI = EventInput(with_=("PERMIT",))
    EO = EventOutput()
    PERMIT = DataInput("BOOL")

    def on_EI(self) -> None:
        if self.PERMIT:
            self.EO()
