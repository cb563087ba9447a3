"""E_REND: rendezvous; EO once both EI1 and EI2 have arrived, then it waits for both again.

The ECC has the states START, EI1 (EI1 seen), EI2 (EI2 seen) and EO. A repeated EI1 while in EI1
(or EI2 in EI2) changes nothing; R returns to START from EI1 or EI2 and is ignored in START.
"""

from fbruntime.core import Block, EventInput, EventOutput

_START, _GOT1, _GOT2 = 0, 1, 2


class E_REND(Block):
    name = "E_REND"
    version = "1.0"
    description = "Sends EO when both EI1 and EI2 have arrived; R forgets them"

    EI1 = EventInput()
    EI2 = EventInput()
    R = EventInput()
    EO = EventOutput()

    def setup(self) -> None:
        self._state = _START

    def on_EI1(self) -> None:
        if self._state == _START:
            self._state = _GOT1
        elif self._state == _GOT2:
            self._state = _START
            self.EO()

    def on_EI2(self) -> None:
        if self._state == _START:
            self._state = _GOT2
        elif self._state == _GOT1:
            self._state = _START
            self.EO()

    def on_R(self) -> None:
        self._state = _START
