"""The seam between the protocol and the engine: what the server and boot-file loader call.

The engine side (device, resources, FB instances) implements `ManagementTarget`; this package never
touches the engine directly. The server hands the target one command at a time, never two at once,
even with several clients connected, as FORTE's single DEV_MGR does, so an implementation needs no
locking of its own against the protocol. A target that stores what it is told may also have
``async def commit()``: the server awaits it before sending the replies of the requests it
executed (``DeviceTarget.commit``).
"""

from __future__ import annotations

from typing import Protocol

from fbruntime.mgmt.commands import Command
from fbruntime.mgmt.replies import Response


class ManagementTarget(Protocol):
    async def execute(self, dst: str, command: Command) -> Response:
        """Execute *command* on the device (*dst* ``""``) or on the resource named *dst*.

        Failures are answers, not exceptions: return ``Response(Reason.NO_SUCH_OBJECT)`` and the
        like (``INVALID_DST`` for an unknown resource, ``UNSUPPORTED_TYPE`` for an unknown type,
        ``BAD_PARAMS`` for a value that does not parse, ``INVALID_STATE`` for a wrong lifecycle
        step). An exception is a bug: the server logs it and answers ``INVALID_OPERATION``.
        """
        ...
