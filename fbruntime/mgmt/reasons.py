"""The management reply reasons, spelled exactly as FORTE's DEV_MGR writes them.

FORTE keeps these as ``EMGMResponse`` (``src/core/mgmcmd.h``) and the texts in
``DEV_MGR::scmMGMResponseTexts``; the IDE matches the spelling, so the values here are the wire text.
``RDY`` is success and is never written into a reply: a successful reply has no ``Reason``.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    RDY = "RDY"
    BAD_PARAMS = "BAD_PARAMS"
    LOCAL_TERMINATION = "LOCAL_TERMINATION"
    SYSTEM_TERMINATION = "SYSTEM_TERMINATION"
    NOT_READY = "NOT_READY"
    UNSUPPORTED_CMD = "UNSUPPORTED_CMD"
    UNSUPPORTED_TYPE = "UNSUPPORTED_TYPE"
    NO_SUCH_OBJECT = "NO_SUCH_OBJECT"
    INVALID_OBJECT = "INVALID_OBJECT"
    INVALID_OPERATION = "INVALID_OPERATION"
    INVALID_STATE = "INVALID_STATE"
    OVERFLOW = "OVERFLOW"
    INVALID_DST = "INVALID_DST"
