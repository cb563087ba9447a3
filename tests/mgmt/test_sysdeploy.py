"""Sending device plans: clashes, replacement, refusals and unreachable devices, named."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from fbruntime.fourdiac.deploy import resolve_system
from fbruntime.fourdiac.library import TypeLibrary
from fbruntime.mgmt import ManagementServer, Reason, serve
from fbruntime.mgmt.commands import Command, CreateFB, DeleteFB, Kill, QueryFB
from fbruntime.mgmt.replies import OK, Response, fb_list
from fbruntime.mgmt.sysdeploy import deploy_device, deploy_devices
from fbruntime.mgmt.sysplan import DevicePlan, plan_system
from tests.mgmt.conftest import RecordingTarget

CHAIN = Path(__file__).resolve().parents[2] / "systems/distributed/Chain.sys"


def sensor_plan(port: int) -> DevicePlan:
    deployment = resolve_system(CHAIN, TypeLibrary([CHAIN.parent]))
    plans, _ = plan_system(deployment, {"Sensor": f"127.0.0.1:{port}"})
    return plans[0]


async def test_the_plan_follows_a_query_of_the_resources(
    target: RecordingTarget, server: ManagementServer
) -> None:
    plan = sensor_plan(server.port)
    outcome = await deploy_device(plan)
    assert outcome.ok and outcome.sent == len(plan.requests)
    assert target.calls[0] == ("", QueryFB())
    assert target.calls[1:] == [(r.dst, r.command) for r in plan.requests]


async def test_a_refused_request_names_device_request_and_reason_and_ends_that_device(
    target: RecordingTarget, server: ManagementServer
) -> None:
    def answer(dst: str, command: Command) -> Response:
        if isinstance(command, CreateFB) and command.type_name == "E_CTU":
            return Response(Reason.UNSUPPORTED_TYPE)
        return OK

    target.answer = answer
    outcome = await deploy_device(sensor_plan(server.port))
    assert not outcome.ok
    assert outcome.error == (
        f"device Sensor at 127.0.0.1:{server.port}: resource SensorRes: "
        '<Request ID="5" Action="CREATE"><FB Name="App.Count" Type="E_CTU" /></Request> '
        "failed with Reason UNSUPPORTED_TYPE"
    )
    assert target.calls[-1] == ("SensorRes", CreateFB("App.Count", "E_CTU"))  # nothing after it


async def test_an_existing_resource_is_left_alone_unless_replace_is_asked(
    target: RecordingTarget, server: ManagementServer
) -> None:
    target.answer = lambda dst, command: (
        fb_list([("SensorRes", "EMB_RES")]) if isinstance(command, QueryFB) else OK
    )
    plan = sensor_plan(server.port)
    refused = await deploy_device(plan)
    assert refused.error is not None and "SensorRes exist on the device already" in refused.error
    assert target.calls == [("", QueryFB())]

    target.calls.clear()
    replaced = await deploy_device(plan, replace=True)
    assert replaced.ok and replaced.replaced == ("SensorRes",)
    assert target.calls[1:3] == [("", Kill("SensorRes")), ("", DeleteFB("SensorRes"))]
    assert target.calls[3] == ("", CreateFB("SensorRes", "EMB_RES"))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_an_unreachable_device_does_not_stop_the_others(
    target: RecordingTarget, server: ManagementServer
) -> None:
    port = closed_port()
    good, bad = sensor_plan(server.port), sensor_plan(port)
    outcomes = await deploy_devices([bad, good], timeout=0.5)
    assert outcomes[0].error == (
        f"device Sensor at 127.0.0.1:{port}: no connection within 0.5 s "
        "(refused: is a device listening there?)"
    )
    assert outcomes[1].ok


async def test_a_device_that_starts_listening_late_is_deployed(target: RecordingTarget) -> None:
    """A script starts its devices and deploys at once: refusals are tried again."""
    port = closed_port()
    plan = sensor_plan(port)
    deploying = asyncio.create_task(deploy_device(plan, timeout=10))
    await asyncio.sleep(0.3)  # refused at least once meanwhile
    assert not deploying.done()
    late = await serve(target, port=port)
    try:
        outcome = await deploying
    finally:
        await late.close()
    assert outcome.ok and outcome.sent == len(plan.requests)
    assert target.calls[0] == ("", QueryFB())
