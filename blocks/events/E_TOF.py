"""E_TOF: event-driven off-delay timer; a composite of E_SWITCH, E_DELAY and E_RS, as FORTE's.

REQ with IN TRUE sets Q (CNF when Q rises) and stops a running delay; REQ with IN FALSE starts
the delay, whose end resets Q (CNF). R resets Q and stops the delay.
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder("E_TOF", version="1.0", description="Off-delay timer driven by REQ")
    b.event_input("REQ", with_=["IN", "PT"])
    b.event_input("R")
    b.event_output("CNF", with_=["Q"])
    b.data_input("IN", "BOOL")
    b.data_input("PT", "TIME")
    b.data_output("Q", "BOOL")
    b.add("E_SWITCH", library_type("E_SWITCH"))
    b.add("E_DELAY", library_type("E_DELAY"))
    b.add("E_RS", library_type("E_RS"))
    for source, destination in (
        ("REQ", "E_SWITCH.EI"),
        ("E_RS.EO", "CNF"),
        ("E_DELAY.EO", "E_RS.R"),
        ("E_SWITCH.EO1", "E_RS.S"),
        ("E_SWITCH.EO1", "E_DELAY.STOP"),
        ("E_SWITCH.EO0", "E_DELAY.START"),
        ("R", "E_RS.R"),
        ("R", "E_DELAY.STOP"),
        ("IN", "E_SWITCH.G"),
        ("PT", "E_DELAY.DT"),
        ("E_RS.Q", "Q"),
    ):
        b.connect(source, destination)
    return b.build()


E_TOF = _build()
