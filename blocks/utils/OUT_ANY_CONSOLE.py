"""OUT_ANY_CONSOLE: prints ``LABEL = value`` on standard output when REQ arrives with QI TRUE.

Follows FORTE's ``OUT_ANY_CONSOLE.cpp``: QO := QI, the line is printed only when QI is TRUE, and
CNF is sent either way. IN is ANY, so the value is printed as FORTE prints what its ANY pins
hold: a typed literal (``INT#12``, ``BOOL#TRUE``, ``STRING#'hello world'``; times, dates and
characters name their type already: ``T#1s500ms``), in the type of whatever feeds IN (the
connected output, or the typed literal written to it). An IN that never held a value prints
``SINT#0``, as FORTE's empty variant does. FORTE logs the label and the value as two INFO
messages, so its console shows ``INFO: T#..:  sum = INFO: T#..: INT#12``; fbrt prints the line
without the log prefixes: ``sum = INT#12``.
"""

import sys

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.iec import format_typed, type_of_value


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
            return "SINT#0"
        typ = self.rt__source_type("IN")
        if typ is None or typ.is_generic:
            typ = type_of_value(value)
        return format_typed(typ, value)
