"""GET_STRUCT_VALUE: output := in_struct.member (a dotted path reaches nested members).

FORTE's ``utils/GET_STRUCT_VALUE``: QO := TRUE and ``output`` set when ``in_struct`` is a struct
holding the member; otherwise QO := FALSE (FORTE logs why). CNF is sent either way.
"""

from __future__ import annotations

from typing import Any

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.core.instance import own_dict
from fbruntime.iec import StructValue


def find_member(value: Any, path: str) -> tuple[bool, Any, Any]:
    """(found, member value, member type) for ``a.b.c`` in a struct; names ignore case."""
    member_type = None
    for part in path.split("."):
        if not isinstance(value, StructValue):
            return False, None, None
        key = value.iec_type.find_member(part.strip())
        if key is None:
            return False, None, None
        member_type = value.iec_type.member_type(key)
        value = getattr(value, key)
    return True, value, member_type


class GET_STRUCT_VALUE(Block):
    name = "GET_STRUCT_VALUE"
    version = "1.0"
    description = "output := in_struct.member; QO is FALSE if there is no such member"

    REQ = EventInput(with_=("member", "in_struct"))
    CNF = EventOutput(with_=("QO", "output"))
    in_struct = DataInput("ANY")
    member = DataInput("STRING")
    QO = DataOutput("BOOL")
    output = DataOutput("ANY")

    def on_REQ(self) -> None:
        found, value, member_type = find_member(self.in_struct, self.member)
        self.QO = found
        if found:
            self.output = value
            own_dict(self, "rt__param_types")["output"] = member_type
        self.CNF()
