"""FB_RANDOM: VAL := a random REAL in [0, 1) on each REQ; INIT seeds the generator.

FORTE's ``utils/FB_RANDOM`` (a Mersenne Twister): SEED 0 seeds from the system's randomness,
any other SEED gives a repeatable sequence. Python's generator is a Mersenne Twister too, but
it draws floats differently, so a seed gives other numbers than FORTE's.
"""

from __future__ import annotations

import random

from fbruntime.core import Block, DataInput, DataOutput, EventInput, EventOutput
from fbruntime.iec import elementary

_REAL = elementary("REAL")


class FB_RANDOM(Block):
    name = "FB_RANDOM"
    version = "1.0"
    description = "VAL := random REAL in [0, 1) on REQ; INIT seeds (SEED 0: from the system)"

    INIT = EventInput(with_=("SEED",))
    REQ = EventInput()
    INITO = EventOutput()
    CNF = EventOutput(with_=("VAL",))
    SEED = DataInput("UINT")
    VAL = DataOutput("REAL")

    def setup(self) -> None:
        self._random = random.Random()

    def on_INIT(self) -> None:
        self._random.seed(self.SEED if self.SEED else None)
        self.INITO()

    def on_REQ(self) -> None:
        value = _REAL.coerce(self._random.random())
        self.VAL = value if value < 1.0 else 0.0
        self.CNF()
