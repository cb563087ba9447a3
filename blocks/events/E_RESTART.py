"""E_RESTART: tells the application that its resource started (COLD or WARM) or is stopping.

The resource calls ``on_start``/``on_stop``; the events enter the FIFO as external events, as
FORTE's ``startNewEventChain``. COLD on the first start and after a reset, WARM when the previous
transition was a STOP. The resource delivers the chain STOP starts before it stops the blocks.
"""

from fbruntime.core import Block, EventOutput


class E_RESTART(Block):
    name = "E_RESTART"
    version = "1.0"
    description = "COLD or WARM when the resource starts, STOP when it stops"

    COLD = EventOutput()
    WARM = EventOutput()
    STOP = EventOutput()

    def on_start(self, warm: bool) -> None:
        self.post(self._send_warm if warm else self._send_cold)

    def on_stop(self) -> None:
        self.post(self._send_stop)

    # Emitters are replaced when the resource relinks, so look them up when the event runs.
    def _send_cold(self) -> None:
        self.COLD()

    def _send_warm(self) -> None:
        self.WARM()

    def _send_stop(self) -> None:
        self.STOP()
