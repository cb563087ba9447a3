"""SET_AT_INDEX: OUT_ARRAY := IN_ARRAY with element INDEX set to VALUE; QO tells if it was.

FORTE's ``utils/SET_AT_INDEX``: only when IN_ARRAY is an array, INDEX is within its declared
bounds and VALUE is of the element type (when both types are known) is OUT_ARRAY written and
QO TRUE; otherwise QO := FALSE and OUT_ARRAY keeps its value. CNF is sent either way.
"""

from __future__ import annotations

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.core.instance import own_dict
from fbruntime.iec import ArrayType


class SET_AT_INDEX(Block):
    name = "SET_AT_INDEX"
    version = "1.0"
    description = "OUT_ARRAY := IN_ARRAY with [INDEX] := VALUE; QO is FALSE if that cannot be"

    REQ = EventInput(with_=("IN_ARRAY", "INDEX", "VALUE"))
    CNF = EventOutput(with_=("QO", "OUT_ARRAY"))
    IN_ARRAY = DataInput("ANY")
    INDEX = DataInput("UINT")
    VALUE = DataInput("ANY")
    QO = DataOutput("BOOL")
    OUT_ARRAY = DataOutput("ANY")

    def on_REQ(self) -> None:
        array = self.IN_ARRAY
        self.QO = False
        if isinstance(array, list):
            source = self.rt__source_type("IN_ARRAY")
            lower, upper = (
                (source.lower, source.upper)
                if isinstance(source, ArrayType)
                else (0, len(array) - 1)
            )
            value_type = self.rt__source_type("VALUE")
            fits = not (
                isinstance(source, ArrayType)
                and value_type is not None
                and not value_type.is_generic
                and value_type != source.element
            )
            if fits and lower <= self.INDEX <= upper and self.VALUE is not None:
                changed = list(array)
                changed[self.INDEX - lower] = self.VALUE
                self.OUT_ARRAY = changed
                self.QO = True
                if isinstance(source, ArrayType):
                    own_dict(self, "rt__param_types")["OUT_ARRAY"] = source
        self.CNF()
