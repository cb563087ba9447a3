"""E_TON: event-driven on-delay timer; a composite of E_SWITCH, E_DELAY and E_RS, as FORTE's.

REQ with IN TRUE starts the delay, whose end sets Q (CNF); REQ with IN FALSE stops the delay and
resets Q (CNF when Q falls).
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder("E_TON", version="1.0", description="On-delay timer driven by REQ")
    b.event_input("REQ", with_=["IN", "PT"])
    b.event_output("CNF", with_=["Q"])
    b.data_input("IN", "BOOL")
    b.data_input("PT", "TIME")
    b.data_output("Q", "BOOL")
    b.add("E_SWITCH", library_type("E_SWITCH"))
    b.add("E_DELAY", library_type("E_DELAY"))
    b.add("E_RS", library_type("E_RS"))
    for source, destination in (
        ("REQ", "E_SWITCH.EI"),
        ("E_SWITCH.EO1", "E_DELAY.START"),
        ("E_SWITCH.EO0", "E_DELAY.STOP"),
        ("E_SWITCH.EO0", "E_RS.R"),
        ("E_DELAY.EO", "E_RS.S"),
        ("E_RS.EO", "CNF"),
        ("IN", "E_SWITCH.G"),
        ("PT", "E_DELAY.DT"),
        ("E_RS.Q", "Q"),
    ):
        b.connect(source, destination)
    return b.build()


E_TON = _build()
