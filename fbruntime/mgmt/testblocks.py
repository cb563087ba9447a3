"""FORTE's system-test block TEST_CONDITION, which boot-file tests use to check results.

FORTE's ``src/modules/utils/TEST_CONDITION.cpp``: REQ samples ``check`` (BOOL) and logs
``[TEST_CONDITION_PASSED] <resource>.<instance> passed`` or ``[TEST_CONDITION_FAILED] ... failed``,
then sends CNF. FORTE counts the failures in static variables and prints a final report; here a
failure is recorded in the device's ``failed_conditions``, which makes `Device.request_exit`
(STEST_END) end the process with a non-zero code. The lines go to standard output, as FORTE's log.
It lives here, not in ``blocks/``, because the management resolver registers it.
"""

from __future__ import annotations

import sys

from fbruntime.core import Block, DataInput, EventInput, EventOutput


class TEST_CONDITION(Block):
    name = "TEST_CONDITION"
    version = "1.0"
    description = "Logs whether check is TRUE on REQ; a failure makes the run exit non-zero"

    REQ = EventInput(with_=("check",))
    CNF = EventOutput()
    check = DataInput("BOOL")

    def on_REQ(self) -> None:
        res = self.rt__resource
        where = f"{res.name if res is not None else ''}.{self.rt__path()}"
        if self.check:
            sys.stdout.write(f"[TEST_CONDITION_PASSED] {where} passed\n")
        else:
            sys.stdout.write(f"[TEST_CONDITION_FAILED] {where} failed\n")
            device = res.device if res is not None else None
            if device is not None:
                device.failed_conditions.append(where)
        sys.stdout.flush()
        self.emit("CNF")
