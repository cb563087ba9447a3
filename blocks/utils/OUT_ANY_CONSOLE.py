"""OUT_ANY_CONSOLE: prints ``LABEL = value`` on standard output when REQ arrives with QI TRUE.

Follows FORTE's ``OUT_ANY_CONSOLE.cpp``: QO := QI, the line is printed only when QI is TRUE, and
CNF is sent either way. The line is FORTE's message without its log prefix
(``INFO: T#<ns>:``): the label, `` = ``, then the value as FORTE's ``toString`` writes it, i.e.
an IEC literal for typed values (``T#1s500ms``, ``TRUE``, ``[1,2]``) and the bare text of a
STRING or WSTRING. IN is ANY, so the value's IEC type is taken from whatever is connected to
it; an unconnected IN shows its value as the type of the Python value suggests.
"""

import sys

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.iec import format_value, type_of_value


class OUT_ANY_CONSOLE(Block):
    name = "OUT_ANY_CONSOLE"
    version = "1.0"
    description = "Prints LABEL = IN on the console when QI is TRUE"

    REQ = EventInput(with_=("QI", "IN", "LABEL"))
    CNF = EventOutput(with_=("QO",))
    QI = DataInput("BOOL")
    LABEL = DataInput("STRING")
    IN = DataInput("ANY")
    QO = DataOutput("BOOL")

    def on_REQ(self) -> None:
        self.QO = self.QI
        if self.QI:
            sys.stdout.write(f"{self.LABEL} = {self._text()}\n")
            sys.stdout.flush()
        self.CNF()

    def _text(self) -> str:
        value = self.IN
        if value is None:
            return ""
        typ = self.rt__source_type("IN")
        if typ is None or typ.is_generic:
            typ = type_of_value(value)
        if getattr(typ, "is_string", False):
            return str(value)
        return format_value(typ, value)
