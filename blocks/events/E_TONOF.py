"""E_TONOF: on- and off-delay timer; a composite of E_SWITCH, two E_DELAYs and E_RS, as FORTE's.

REQ with IN TRUE starts the on-delay (its end sets Q) and stops the off-delay; REQ with IN FALSE
stops the on-delay and starts the off-delay (its end resets Q). CNF is sent when Q changes. R
resets Q and stops the off-delay.
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder(
        "E_TONOF", version="1.0", description="Q follows IN after PT_ON (rising), PT_OFF (falling)"
    )
    b.event_input("REQ", with_=["IN", "PT_ON", "PT_OFF"])
    b.event_input("R")
    b.event_output("CNF", with_=["Q"])
    b.data_input("IN", "BOOL")
    b.data_input("PT_ON", "TIME")
    b.data_input("PT_OFF", "TIME")
    b.data_output("Q", "BOOL")
    b.add("E_SWITCH", library_type("E_SWITCH"))
    b.add("E_DELAY_ON", library_type("E_DELAY"))
    b.add("E_RS", library_type("E_RS"))
    b.add("E_DELAY_OFF", library_type("E_DELAY"))
    for source, destination in (
        ("REQ", "E_SWITCH.EI"),
        ("E_SWITCH.EO1", "E_DELAY_ON.START"),
        ("E_SWITCH.EO1", "E_DELAY_OFF.STOP"),
        ("E_SWITCH.EO0", "E_DELAY_ON.STOP"),
        ("E_SWITCH.EO0", "E_DELAY_OFF.START"),
        ("E_DELAY_ON.EO", "E_RS.S"),
        ("E_RS.EO", "CNF"),
        ("E_DELAY_OFF.EO", "E_RS.R"),
        ("R", "E_RS.R"),
        ("R", "E_DELAY_OFF.STOP"),
        ("IN", "E_SWITCH.G"),
        ("PT_ON", "E_DELAY_ON.DT"),
        ("E_RS.Q", "Q"),
        ("PT_OFF", "E_DELAY_OFF.DT"),
    ):
        b.connect(source, destination)
    return b.build()


E_TONOF = _build()
