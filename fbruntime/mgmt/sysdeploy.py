"""Send a system's device plans over the management protocol, as the 4diac IDE's Deploy does.

Each device gets one connection to its MGR_ID (fbrt devices and FORTE alike). As the IDE, the
device is first asked for its resources (QUERY at the device); a resource of the plan that exists
already is killed and deleted first when ``replace`` is set (the IDE's "Replace" answer), and
otherwise the device is left untouched and the clash reported. Then the plan's requests go out
one at a time, each waiting for its reply. The first request a device refuses ends that device's
deployment (the IDE would log the reply and go on, leaving a half-wired network running); the
error names the device, its address, the request as sent and the Reason. Devices are deployed
concurrently and independently: one unreachable device does not stop the others.

A refused connection is tried again until the timeout: devices are often started by the same
script that deploys to them, and a device still loading its built-in types refuses for a moment.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from fbruntime.mgmt.client import ManagementClient, Reply, parse_reply
from fbruntime.mgmt.commands import DeleteFB, Kill, QueryFB
from fbruntime.mgmt.requests import render_request
from fbruntime.mgmt.sysplan import DevicePlan, PlannedRequest

__all__ = ["DeviceOutcome", "deploy_device", "deploy_devices"]

DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class DeviceOutcome:
    """How one device's deployment went: requests answered OK, resources replaced, the error."""

    plan: DevicePlan
    sent: int
    replaced: tuple[str, ...]
    seconds: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Refused(Exception):
    pass


async def deploy_devices(
    plans: Sequence[DevicePlan], *, replace: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> list[DeviceOutcome]:
    """Deploy every plan, concurrently; outcomes in the plans' order."""
    return list(
        await asyncio.gather(
            *(deploy_device(plan, replace=replace, timeout=timeout) for plan in plans)
        )
    )


async def deploy_device(
    plan: DevicePlan, *, replace: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> DeviceOutcome:
    """Deploy one plan; never raises for what the device or the network does (see ``error``)."""
    started = time.perf_counter()
    where = f"device {plan.device} at {plan.address}"
    client = ManagementClient(plan.host, plan.port)
    sent = 0
    replaced: list[str] = []

    def outcome(error: str | None = None) -> DeviceOutcome:
        return DeviceOutcome(plan, sent, tuple(replaced), time.perf_counter() - started, error)

    refusals: list[OSError] = []
    try:
        await asyncio.wait_for(_connect_when_listening(client, refusals), timeout)
    except TimeoutError:
        why = " (refused: is a device listening there?)" if refusals else ""
        return outcome(f"{where}: no connection within {timeout:g} s{why}")
    except OSError as exc:
        return outcome(f"{where}: cannot connect: {exc.strerror or exc}")
    try:
        existing = await _existing_resources(client, where, timeout)
        clashing = [name for name, _ in plan.resources if name in existing]
        if clashing and not replace:
            names = ", ".join(clashing)
            return outcome(
                f"{where}: resource(s) {names} exist on the device already; nothing was sent "
                "(--replace kills and deletes them first, as the IDE's Replace)"
            )
        for name in clashing:
            await _send(client, PlannedRequest("", Kill(name)), where, timeout)
            await _send(client, PlannedRequest("", DeleteFB(name)), where, timeout)
            replaced.append(name)
        for request in plan.requests:
            await _send(client, request, where, timeout)
            sent += 1
    except _Refused as refused:
        return outcome(str(refused))
    finally:
        await client.close()
    return outcome()


async def _connect_when_listening(client: ManagementClient, refusals: list[OSError]) -> None:
    """Connect, trying again while the device refuses (the caller bounds the wait)."""
    pause = 0.05
    while True:
        try:
            await client.connect()
            return
        except ConnectionRefusedError as refused:
            refusals.append(refused)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)


async def _existing_resources(client: ManagementClient, where: str, timeout: float) -> set[str]:
    reply = await _send(client, PlannedRequest("", QueryFB()), where, timeout)
    # FORTE writes <FB name= type=/>; accept the IDE's capitalised spelling as well.
    return {
        fb.get("name") or fb.get("Name") or ""
        for fb in reply.root.iter("FB")
        if fb.get("name") or fb.get("Name")
    }


async def _send(
    client: ManagementClient, request: PlannedRequest, where: str, timeout: float
) -> Reply:
    request_id = client.next_id()
    text = render_request(request_id, request.command)
    try:
        answer = await asyncio.wait_for(client.request(request.dst, text), timeout)
    except TimeoutError:
        raise _Refused(
            f"{where}: no reply within {timeout:g} s to {request.describe(request_id)}"
        ) from None
    except (OSError, ConnectionError) as exc:
        raise _Refused(f"{where}: {exc} (at {request.describe(request_id)})") from None
    try:
        reply = parse_reply(answer)
    except (ValueError, etree.XMLSyntaxError) as exc:
        raise _Refused(
            f"{where}: unreadable reply {answer[:200]!r} to {request.describe(request_id)}: {exc}"
        ) from None
    if not reply.ok:
        raise _Refused(
            f"{where}: {request.describe(request_id)} failed with Reason {reply.reason.value}"
        )
    return reply
