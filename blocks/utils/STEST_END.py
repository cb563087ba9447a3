"""STEST_END: ends a test run; FORTE's version kills the whole device on REQ.

Here REQ asks the device to end the process (``Device.request_exit(0)``, which turns into
exit code 1 if a test condition failed). A resource outside any device has nobody to end, so
REQ records the request as ``exit_code = 0`` on the resource for whoever runs it to read.
FORTE first sleeps 250 ms (so its own management layer finishes starting); that wait is left out.
"""

from fbruntime.core import Block, EventInput


class STEST_END(Block):
    name = "STEST_END"
    version = "1.0"
    description = "Ends the run: REQ asks the device to exit"

    REQ = EventInput()

    def on_REQ(self) -> None:
        res = self.rt__resource
        if res is not None:
            res.request_exit(0)
