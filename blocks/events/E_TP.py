"""E_TP: event-driven pulse timer; a composite of E_PERMIT, E_DELAY and E_RS, as FORTE's.

REQ with IN TRUE passes E_PERMIT: it sets Q (CNF when Q rises) and starts the delay, whose end
resets Q (CNF). REQ with IN FALSE does nothing. R stops the delay and resets Q.
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder("E_TP", version="1.0", description="Pulse timer: Q for PT after REQ")
    b.event_input("REQ", with_=["IN", "PT"])
    b.event_input("R", with_=["IN"])
    b.event_output("CNF", with_=["Q"])
    b.data_input("IN", "BOOL")
    b.data_input("PT", "TIME")
    b.data_output("Q", "BOOL")
    b.add("E_DELAY", library_type("E_DELAY"))
    b.add("E_RS", library_type("E_RS"))
    b.add("E_PERMIT", library_type("E_PERMIT"))
    for source, destination in (
        ("E_RS.EO", "CNF"),
        ("R", "E_DELAY.STOP"),
        ("R", "E_RS.R"),
        ("E_DELAY.EO", "E_RS.R"),
        ("REQ", "E_PERMIT.EI"),
        ("E_PERMIT.EO", "E_RS.S"),
        ("E_PERMIT.EO", "E_DELAY.START"),
        ("PT", "E_DELAY.DT"),
        ("E_RS.Q", "Q"),
        ("IN", "E_PERMIT.PERMIT"),
    ):
        b.connect(source, destination)
    return b.build()


E_TP = _build()
