"""TIMESTAMP_NS: OUT := nanoseconds from startDate to now (FORTE's ``utils::timing``).

``TIME_IN_NS_TO_ULINT(NOW() - startDate)``: a startDate in the future wraps around as an ULINT,
as in FORTE. The function's unnamed result is called OUT, as for every function in fbrt.
"""

from __future__ import annotations

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput

_ULINT = 1 << 64


class TIMESTAMP_NS(Block):
    name = "TIMESTAMP_NS"
    version = "1.0"
    description = "OUT := nanoseconds since startDate"

    REQ = EventInput(with_=("startDate",))
    CNF = EventOutput(with_=("OUT",))
    startDate = DataInput("DATE_AND_TIME")
    OUT = DataOutput("ULINT")

    def on_REQ(self) -> None:
        self.OUT = (self.clock.wall_ns() - self.startDate) % _ULINT
        self.CNF()
