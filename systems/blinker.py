"""Blinker: a system written in Python, run with ``fbrt run systems/blinker.py``.

E_RESTART starts an E_CYCLE every 100 ms; each tick toggles an E_T_FF (the "LED"), which a
Python block of our own turns into a label, OUT_ANY_CONSOLE prints it, and an E_CTU counts the
ticks. After ten ticks E_SWITCH routes the count to STEST_END, which ends the run.
"""

from __future__ import annotations

from fbruntime.blockfiles import load_library
from fbruntime.core import Block, DataInput, DataOutput, Device, EventInput, EventOutput


class LedLabel(Block):
    name = "LedLabel"
    version = "1.0"
    description = "Turns a BOOL into the text ON or OFF"

    REQ = EventInput(with_=("IN",))
    CNF = EventOutput(with_=("OUT",))
    IN = DataInput("BOOL")
    OUT = DataOutput("STRING")

    def on_REQ(self) -> None:
        self.OUT = "ON" if self.IN else "OFF"
        self.CNF()


def build(device: Device) -> None:
    lib = load_library()
    res = device.add_resource("RES")
    res.add("START", lib["E_RESTART"])
    res.add("CLOCK", lib["E_CYCLE"], DT="T#100ms")
    res.add("LED", lib["E_T_FF"])
    res.add("LABEL", LedLabel)
    res.add("SHOW", lib["OUT_ANY_CONSOLE"], QI=True, LABEL="LED")
    res.add("TICKS", lib["E_CTU"], PV=10)
    res.add("DONE", lib["E_SWITCH"])
    res.add("END", lib["STEST_END"])
    for source, destination in [
        ("START.COLD", "CLOCK.START"),
        ("START.WARM", "CLOCK.START"),
        ("CLOCK.EO", "LED.CLK"),
        ("LED.EO", "LABEL.REQ"),
        ("LED.Q", "LABEL.IN"),
        ("LABEL.CNF", "SHOW.REQ"),
        ("LABEL.OUT", "SHOW.IN"),
        ("CLOCK.EO", "TICKS.CU"),
        ("TICKS.CUO", "DONE.EI"),
        ("TICKS.Q", "DONE.G"),
        ("DONE.EO1", "END.REQ"),
    ]:
        res.connect(source, destination)
