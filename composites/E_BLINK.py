"""E_BLINK: a blinker. After START, Q toggles every DT and each toggle is sent as EO; STOP halts.

Written with CompositeBuilder from library blocks named through ``ref`` (resolved by whichever
Loader imports this file): E_CYCLE makes the period, E_T_FF turns each period into a toggle.
"""

from fbruntime.core import CompositeBuilder
from fbruntime.iec import lookup_type
from fbruntime.loader import ref

_b = CompositeBuilder(
    "E_BLINK", version="1.0", description="Toggles Q every DT after START, sending EO each time"
)
_b.event_input("START", with_=["DT"])
_b.event_input("STOP")
_b.event_output("EO", with_=["Q"])
_b.data_input("DT", "TIME", lookup_type("TIME").parse("T#500ms"), comment="half the blink period")
_b.data_output("Q", "BOOL")
_b.add("Cycle", ref("E_CYCLE"))
_b.add("Flip", ref("E_T_FF"))
for _src, _dst in (
    ("START", "Cycle.START"),
    ("STOP", "Cycle.STOP"),
    ("DT", "Cycle.DT"),
    ("Cycle.EO", "Flip.CLK"),
    ("Flip.EO", "EO"),
    ("Flip.Q", "Q"),
):
    _b.connect(_src, _dst)

E_BLINK = _b.build()
