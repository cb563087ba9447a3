"""Small Python blocks the core tests build networks from."""

from __future__ import annotations

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput, Parameter


class Split(Block):
    EI = EventInput()
    EO1 = EventOutput()
    EO2 = EventOutput()

    def on_EI(self) -> None:
        self.EO1()
        self.EO2()


class Counter(Block):
    """Counts every arrival of CU; CO carries CV. Its PV is a data input WITH CU."""

    CU = EventInput(with_=("PV",))
    R = EventInput()
    CO = EventOutput(with_=("CV", "Q"))
    PV = DataInput("UINT", 3)
    CV = DataOutput("UINT")
    Q = DataOutput("BOOL")

    def on_CU(self) -> None:
        self.CV = (self.CV + 1) & 0xFFFF
        self.Q = self.CV >= self.PV
        self.CO()

    def on_R(self) -> None:
        self.CV = 0
        self.Q = False
        self.CO()


class Recorder(Block):
    """Remembers the IN value it sampled at each REQ; SET sets IN but is not WITH it."""

    REQ = EventInput(with_=("IN",))
    SET = EventInput()
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("DINT")
    OUT = DataOutput("DINT")

    def setup(self) -> None:
        self.seen: list[int] = []

    def on_REQ(self) -> None:
        self.seen.append(self.IN)
        self.OUT = self.IN
        self.CNF()

    def on_SET(self) -> None:
        self.seen.append(-self.IN)


class Source(Block):
    """Emits its VALUE parameter plus an offset each time REQ arrives."""

    REQ = EventInput()
    CNF = EventOutput(with_=("OUT",))
    STEP = Parameter("DINT", 1)
    OUT = DataOutput("DINT")
    SILENT = DataOutput("DINT")

    def on_REQ(self) -> None:
        self.OUT += self.STEP
        self.SILENT = self.OUT
        self.CNF()


class Scale(Block):
    name = "Scale"
    version = "2.1"
    description = "OUT := IN * GAIN"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("REAL")
    GAIN = Parameter("REAL", 1.0)
    OUT = DataOutput("REAL")

    def on_REQ(self) -> None:
        self.OUT = self.IN * self.GAIN
        self.CNF()


class Faulty(Block):
    REQ = EventInput(with_=("D",))
    CNF = EventOutput()
    D = DataInput("DINT")

    def on_REQ(self) -> None:
        if self.D == 0:
            raise ZeroDivisionError("D must not be 0")
        if self.D < 0:
            raise IndexError("negative index")
        self.CNF()


class Waiter(Block):
    """An async block: waits DT seconds (on the resource clock), then answers."""

    REQ = EventInput(with_=("ID",))
    CNF = EventOutput(with_=("OUT",))
    ID = DataInput("DINT")
    DT = Parameter("LREAL", 1.0)
    OUT = DataOutput("DINT")

    def setup(self) -> None:
        self.started: list[int] = []

    async def on_REQ(self) -> None:
        my_id = self.ID
        self.started.append(my_id)
        await self.sleep(self.DT)
        self.OUT = my_id
        self.CNF()
