"""SET_STRUCT_VALUE: out_struct := in_struct with member set to element_value.

FORTE's ``utils/SET_STRUCT_VALUE``: out_struct is always a copy of in_struct; the member (a
dotted path reaches nested members) is changed only when it exists. CNF is sent either way.
"""

from __future__ import annotations

from typing import Any

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.core.instance import own_dict
from fbruntime.iec import StructValue


def with_member(value: Any, path: str, new: Any) -> Any:
    """A copy of struct ``value`` with the member at ``path`` set (unchanged if there is none)."""
    if not isinstance(value, StructValue):
        return value
    head, _, rest = path.partition(".")
    key = value.iec_type.find_member(head.strip())
    copy = value.iec_type.copy(value)
    if key is not None:
        setattr(copy, key, with_member(getattr(copy, key), rest, new) if rest else new)
    return copy


class SET_STRUCT_VALUE(Block):
    name = "SET_STRUCT_VALUE"
    version = "1.0"
    description = "out_struct := in_struct with member := element_value"

    REQ = EventInput(with_=("member", "in_struct", "element_value"))
    CNF = EventOutput(with_=("out_struct",))
    in_struct = DataInput("ANY")
    member = DataInput("STRING")
    element_value = DataInput("ANY")
    out_struct = DataOutput("ANY")

    def on_REQ(self) -> None:
        self.out_struct = with_member(self.in_struct, self.member, self.element_value)
        if isinstance(self.out_struct, StructValue):
            own_dict(self, "rt__param_types")["out_struct"] = self.out_struct.iec_type
        self.CNF()
