"""GET_AT_INDEX: OUT := IN_ARRAY[INDEX], QO tells whether INDEX was within the array's bounds.

FORTE's ``utils/GET_AT_INDEX``: IN_ARRAY and OUT are ANY. INDEX is compared with the array's
declared bounds (the type of the output connected to IN_ARRAY, or of the typed literal written
to it; an array without a known type counts from 0). Out of bounds, or IN_ARRAY not an array:
QO := FALSE and OUT keeps its value. CNF is sent either way. OUT is of the element type (a
READ shows ``INT#8``, as FORTE's variant output).
"""

from __future__ import annotations

from typing import Any

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.core.instance import own_dict
from fbruntime.iec import ArrayType


def array_bounds(block: Any, pin: str, value: list[Any]) -> tuple[int, int]:
    """The declared bounds of the array fed to ``pin`` (0-based by its length if unknown)."""
    source = block.rt__source_type(pin)
    if isinstance(source, ArrayType):
        return source.lower, source.upper
    return 0, len(value) - 1


class GET_AT_INDEX(Block):
    name = "GET_AT_INDEX"
    version = "1.0"
    description = "OUT := IN_ARRAY[INDEX]; QO is FALSE if INDEX is out of bounds"

    REQ = EventInput(with_=("IN_ARRAY", "INDEX"))
    CNF = EventOutput(with_=("QO", "OUT"))
    IN_ARRAY = DataInput("ANY")
    INDEX = DataInput("UINT")
    QO = DataOutput("BOOL")
    OUT = DataOutput("ANY")

    def on_REQ(self) -> None:
        array = self.IN_ARRAY
        self.QO = False
        if isinstance(array, list):
            lower, upper = array_bounds(self, "IN_ARRAY", array)
            if lower <= self.INDEX <= upper:
                self.OUT = array[self.INDEX - lower]
                self.QO = True
                source = self.rt__source_type("IN_ARRAY")
                if isinstance(source, ArrayType):
                    own_dict(self, "rt__param_types")["OUT"] = source.element
        self.CNF()
