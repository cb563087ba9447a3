"""E_CTU: event-driven up counter over UINT.

ECC: ``CU[CV < 65535]`` runs ``CV := CV + 1; Q := CV >= PV`` and sends CUO, so CV stops at 65535
and a CU there is dropped (no CUO). R runs ``CV := 0; Q := FALSE`` and sends RO.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class E_CTU(Block):
    name = "E_CTU"
    version = "1.0"
    description = "Up counter: CU counts while CV < 65535, Q is CV >= PV; R clears"

    CU = EventInput(with_=("PV",))
    R = EventInput()
    CUO = EventOutput(with_=("Q", "CV"))
    RO = EventOutput(with_=("Q", "CV"))
    PV = DataInput("UINT")
    Q = DataOutput("BOOL")
    CV = DataOutput("UINT")

    def on_CU(self) -> None:
        cv = self.CV
        if cv < 65535:
            cv += 1
            self.CV = cv
            self.Q = cv >= self.PV
            self.CUO()

    def on_R(self) -> None:
        self.CV = 0
        self.Q = False
        self.RO()
