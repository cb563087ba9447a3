"""E_TRAIN: N events EO, DT apart, numbered by CV (0 .. N-1); a composite as in FORTE.

The inner network is 4diac's: START resets the counter CTR (E_CTU, PV = N); its RO and CUO go
to GATE (E_SWITCH on CTR.Q), whose EO0 starts DLY (E_DELAY, DT); DLY.EO is both the composite's
EO (CV = CTR.CV, taken before counting) and CTR.CU. So the train stops when CV reaches N; with
N = 0 one event is still sent. STOP cancels the pending delay. START while a delay is pending
restarts the count but not the delay (E_DELAY ignores it). N is read by CTR on each count, DT by
DLY on each start; like every composite, each boundary crossing is one extra queue hop.

The inner types are this folder's own E_CTU, E_SWITCH and E_DELAY: the ones the library has
already imported when it loads this file after them, or imported here otherwise.
"""

from fbruntime.blockfiles import library_type
from fbruntime.core import CompositeBuilder, FBType


def _build() -> FBType:
    b = CompositeBuilder(
        "E_TRAIN", version="1.0", description="Sends N events EO, DT apart, with CV counting"
    )
    b.event_input("START", with_=["DT"])
    b.event_input("STOP", with_=["DT"])
    b.event_output("EO", with_=["CV"])
    b.data_input("DT", "TIME")
    b.data_input("N", "UINT")
    b.data_output("CV", "UINT")
    b.add("CTR", library_type("E_CTU"))
    b.add("GATE", library_type("E_SWITCH"))
    b.add("DLY", library_type("E_DELAY"))
    for source, destination in (
        ("CTR.CUO", "GATE.EI"),
        ("CTR.RO", "GATE.EI"),
        ("START", "CTR.R"),
        ("GATE.EO0", "DLY.START"),
        ("STOP", "DLY.STOP"),
        ("DLY.EO", "EO"),
        ("DLY.EO", "CTR.CU"),
        ("N", "CTR.PV"),
        ("CTR.CV", "CV"),
        ("DT", "DLY.DT"),
        ("CTR.Q", "GATE.G"),
    ):
        b.connect(source, destination)
    return b.build()


E_TRAIN = _build()
