"""E_CTUD: event-driven up/down counter over UINT.

ECC (first match): ``CU[CV < 65535]`` counts up and sends CO; R clears CV and sends RO;
``CD[CV > 0]`` counts down and sends CO; LD loads PV and sends LDO. Each state then runs
``QU := CV >= PV; QD := CV = 0``. CU at the maximum and CD at 0 send nothing.
"""

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput


class E_CTUD(Block):
    name = "E_CTUD"
    version = "1.1"
    description = "Up/down counter: QU is CV >= PV, QD is CV = 0"

    CU = EventInput(with_=("PV",))
    CD = EventInput()
    R = EventInput()
    LD = EventInput(with_=("PV",))
    CO = EventOutput(with_=("QU", "CV", "QD"))
    RO = EventOutput(with_=("QU", "CV", "QD"))
    LDO = EventOutput(with_=("QU", "QD", "CV"))
    PV = DataInput("UINT")
    QU = DataOutput("BOOL")
    QD = DataOutput("BOOL")
    CV = DataOutput("UINT")

    def on_CU(self) -> None:
        cv = self.CV
        if cv < 65535:
            cv += 1
            self.CV = cv
            self.QU = cv >= self.PV
            self.QD = False  # CV >= 1 after counting up
            self.CO()

    def on_CD(self) -> None:
        cv = self.CV
        if cv > 0:
            cv -= 1
            self.CV = cv
            self.QU = cv >= self.PV
            self.QD = cv == 0
            self.CO()

    def on_R(self) -> None:
        self.CV = 0
        self.QU = self.PV == 0
        self.QD = True
        self.RO()

    def on_LD(self) -> None:
        cv = self.CV = self.PV
        self.QU = True  # CV = PV
        self.QD = cv == 0
        self.LDO()
