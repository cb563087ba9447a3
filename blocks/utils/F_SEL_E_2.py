"""F_SEL_E_2 .. F_SEL_E_4: each REQi copies INi to OUT and sends CNF (FORTE's utils/selection).

Selection by event rather than by a selector input: whichever REQi arrives picks its INi. The
pins are ANY; OUT takes the value and the type of what feeds INi. One file holds the three widths FORTE has; it stands
for F_SEL_E_2.
"""

from __future__ import annotations

from typing import Any

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.core.instance import own_dict


def _selector(width: int) -> type[Block]:
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "name": f"F_SEL_E_{width}",
        "version": "1.0",
        "description": f"REQi sends INi as OUT (i = 0 .. {width - 1})",
    }
    for i in range(width):
        namespace[f"REQ{i}"] = EventInput(with_=(f"IN{i}",))
    namespace["CNF"] = EventOutput(with_=("OUT",))
    for i in range(width):
        namespace[f"IN{i}"] = DataInput("ANY")
    namespace["OUT"] = DataOutput("ANY")

    def on_event(self: Any, event: str) -> None:
        pin = f"IN{event[3:]}"
        self.OUT = getattr(self, pin)
        source = self.rt__source_type(pin)
        if source is not None and not source.is_generic:
            own_dict(self, "rt__param_types")["OUT"] = source
        self.CNF()

    namespace["on_event"] = on_event
    return type(f"F_SEL_E_{width}", (Block,), namespace)


F_SEL_E_2 = _selector(2)
F_SEL_E_3 = _selector(3)
F_SEL_E_4 = _selector(4)
