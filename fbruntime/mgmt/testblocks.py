"""FORTE's system-test block TEST_CONDITION, which boot-file tests use to check results.

FORTE's ``src/modules/utils/TEST_CONDITION_fbt.cpp``: REQ samples ``check`` (BOOL), logs that the
condition passed (INFO) or failed (ERROR), counts it, then sends CNF. When the device ends, a final
report says how many conditions ran and how many failed. fbrt writes the same lines, in FORTE's
log format (``INFO: T#<ns>: message``, on standard error), so FORTE's own test harness, which
looks for ``ERROR: T`` or ``TEST_CONDITION_FAILED``, judges an fbrt run as it judges FORTE's::

    INFO: T#...:  ------------------------------ [TEST_CONDITION_PASSED] RES.OK passed
    ERROR: T#...: ------------------------------ [TEST_CONDITION_FAILED] RES.BAD failed ---...
    INFO: T#...:  ------------------------------------------------------------------------------
    INFO: T#...:  ------------------------ [TEST_CONDITION FINAL REPORT] -----------------------
    ERROR: T#...:  ------------------------ 2 tests executed, 1 failed -----------------------
    INFO: T#...:  ------------------------------------------------------------------------------

FORTE counts in static variables and prints the report when the first TEST_CONDITION is
destroyed; fbrt counts per device and prints it when the device asks to end (STEST_END, a
device KILL), for any device where a TEST_CONDITION was started. A failure is also recorded in
the device's ``failed_conditions``, which makes the process end with exit code 1 (FORTE's ends
with 0 either way). It lives here, not in ``blocks/``, because the management resolver
registers it.
"""

from __future__ import annotations

import sys
import time
import weakref
from dataclasses import dataclass

from fbruntime.core import Block, DataInput, Device, EventInput, EventOutput

_RULE = " " + "-" * 78
_BAR = "-" * 30


@dataclass
class ConditionReport:
    """The TEST_CONDITIONs of one device: how many ran, how many failed."""

    executed: int = 0
    failed: int = 0
    printed: bool = False

    def lines(self) -> list[tuple[str, str]]:
        """(level, message) of FORTE's final report."""
        counts = f" {'-' * 24} {self.executed} tests executed, {self.failed} failed {'-' * 23}"
        return [
            ("INFO", _RULE),
            ("INFO", f" {'-' * 24} [TEST_CONDITION FINAL REPORT] {'-' * 23}"),
            ("ERROR" if self.failed else "INFO", counts),
            ("INFO", _RULE),
        ]


_REPORTS: weakref.WeakKeyDictionary[Device, ConditionReport] = weakref.WeakKeyDictionary()


def log(level: str, message: str) -> None:
    """One line in FORTE's log format on standard error."""
    sys.stderr.write(f"{level}: T#{time.time_ns()}: {message}\n")
    sys.stderr.flush()


def _report_for(device: Device) -> ConditionReport:
    report = _REPORTS.get(device)
    if report is None:
        report = _REPORTS[device] = ConditionReport()

        def final_report(code: int) -> None:
            if not report.printed:
                report.printed = True
                for level, message in report.lines():
                    log(level, message)

        device.on_exit.append(final_report)
    return report


class TEST_CONDITION(Block):
    name = "TEST_CONDITION"
    version = "1.0"
    description = "Logs whether check is TRUE on REQ; a failure makes the run exit non-zero"

    REQ = EventInput(with_=("check",))
    CNF = EventOutput()
    check = DataInput("BOOL")

    def on_start(self, warm: bool) -> None:
        res = self.rt__resource
        if res is not None and res.device is not None:
            _report_for(res.device)

    def on_REQ(self) -> None:
        res = self.rt__resource
        device = res.device if res is not None else None
        where = f"{res.name if res is not None else ''}.{self.rt__path()}"
        report = _report_for(device) if device is not None else ConditionReport()
        report.executed += 1
        if self.check:
            log("INFO", f" {_BAR} [TEST_CONDITION_PASSED] {where} passed")
        else:
            report.failed += 1
            log("ERROR", f"{_BAR} [TEST_CONDITION_FAILED] {where} failed {_BAR}")
            if device is not None:
                device.failed_conditions.append(where)
        self.emit("CNF")
