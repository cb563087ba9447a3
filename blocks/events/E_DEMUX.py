"""E_DEMUX: sends EI on to EO<K> for K in 0..3; a K above 3 drops the event.

ECC: EI leads to a state with no action whose eventless transitions ``[K = 0]`` .. ``[K = 3]``
pick the output and ``[K > 3]`` returns to START.
"""

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class E_DEMUX(Block):
    name = "E_DEMUX"
    version = "1.0"
    description = "Sends EI on to EO0..EO3 as chosen by K; K > 3 sends nothing"

    EI = EventInput(with_=("K",))
    EO0 = EventOutput()
    EO1 = EventOutput()
    EO2 = EventOutput()
    EO3 = EventOutput()
    K = DataInput("UINT")

    def on_EI(self) -> None:
        k = self.K
        if k == 0:
            self.EO0()
        elif k == 1:
            self.EO1()
        elif k == 2:
            self.EO2()
        elif k == 3:
            self.EO3()
