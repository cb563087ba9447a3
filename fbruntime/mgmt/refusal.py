"""A management command refused: the FORTE Reason the reply carries and why, for the log.

Raised anywhere below :meth:`fbruntime.mgmt.executor.DeviceTarget.execute`, which turns it into
the reply, so that every check can refuse at the point it finds the fault.
"""

from __future__ import annotations

from fbruntime.mgmt.reasons import Reason


class ManagementRefusal(Exception):
    """Internal: a command refused with *reason*; the message says why, for the log."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def refuse(reason: Reason, message: str) -> ManagementRefusal:
    """The refusal to raise: ``raise refuse(Reason.X, "why")`` reads as the rule it enforces."""
    return ManagementRefusal(reason, message)
