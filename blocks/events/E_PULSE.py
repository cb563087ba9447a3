"""E_PULSE: Q is TRUE for PT after REQ; a composite of E_DELAY and E_SR, as FORTE's.

REQ starts the delay and sets the flip-flop (Q rises, CNF); the delay's end resets it (Q falls,
CNF). R stops the delay and resets at once. A REQ during the pulse sets nothing new (E_SR only
sends EO when Q changes) and does not restart the delay (E_DELAY ignores START while running).
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder("E_PULSE", version="1.0", description="Pulse of length PT on REQ")
    b.event_input("REQ", with_=["PT"])
    b.event_input("R")
    b.event_output("CNF", with_=["Q"])
    b.data_input("PT", "TIME")
    b.data_output("Q", "BOOL")
    b.add("E_DELAY", library_type("E_DELAY"))
    b.add("E_SR", library_type("E_SR"))
    for source, destination in (
        ("REQ", "E_DELAY.START"),
        ("REQ", "E_SR.S"),
        ("E_DELAY.EO", "E_SR.R"),
        ("E_SR.EO", "CNF"),
        ("R", "E_DELAY.STOP"),
        ("R", "E_SR.R"),
        ("PT", "E_DELAY.DT"),
        ("E_SR.Q", "Q"),
    ):
        b.connect(source, destination)
    return b.build()


E_PULSE = _build()
