"""E_CTD: event-driven down counter over UINT.

ECC: ``CD[CV > 0]`` runs ``CV := CV - 1; Q := CV = 0`` and sends CDO, so CV never goes below 0
and a CD at 0 is dropped. LD runs ``CV := PV; Q := CV = 0`` and sends LDO.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class E_CTD(Block):
    name = "E_CTD"
    version = "1.1"
    description = "Down counter: CD counts while CV > 0, Q is CV = 0; LD loads PV"

    CD = EventInput()
    LD = EventInput(with_=("PV",))
    CDO = EventOutput(with_=("Q", "CV"))
    LDO = EventOutput(with_=("Q", "CV"))
    PV = DataInput("UINT")
    Q = DataOutput("BOOL")
    CV = DataOutput("UINT")

    def on_CD(self) -> None:
        cv = self.CV
        if cv > 0:
            cv -= 1
            self.CV = cv
            self.Q = cv == 0
            self.CDO()

    def on_LD(self) -> None:
        cv = self.CV = self.PV
        self.Q = cv == 0
        self.LDO()
