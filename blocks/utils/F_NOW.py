"""F_NOW and F_NOW_MONOTONIC: the clock's time on each REQ (FORTE's ``utils::timing``).

F_NOW gives the wall-clock time as DATE_AND_TIME, F_NOW_MONOTONIC the monotonic clock as TIME;
both read the resource's clock, so a test clock drives them. FORTE registers them under their
qualified names (``utils__timing__F_NOW``); fbrt answers to both spellings. Their unnamed
function result is called OUT, as for every function in fbrt.
"""

from __future__ import annotations

from fbruntime.core import Block, DataOutput, EventInput, EventOutput


class F_NOW(Block):
    name = "F_NOW"
    version = "1.0"
    description = "OUT := the current date and time"

    REQ = EventInput()
    CNF = EventOutput(with_=("OUT",))
    OUT = DataOutput("DATE_AND_TIME")

    def on_REQ(self) -> None:
        self.OUT = self.clock.wall_ns()
        self.CNF()


class F_NOW_MONOTONIC(Block):
    name = "F_NOW_MONOTONIC"
    version = "1.0"
    description = "OUT := the monotonic clock's time"

    REQ = EventInput()
    CNF = EventOutput(with_=("OUT",))
    OUT = DataOutput("TIME")

    def on_REQ(self) -> None:
        self.OUT = self.clock.monotonic_ns()
        self.CNF()
