"""The executor on a real device: deployments, queries, watches, forces and FORTE's refusals."""

from __future__ import annotations

from typing import Any

import pytest

from fbruntime.core import TestClock
from fbruntime.mgmt import ManagementClient, parse_reply
from fbruntime.mgmt.commands import (
    ClearForce,
    Command,
    CreateConnection,
    CreateFB,
    CreateWatch,
    DeleteConnection,
    DeleteFB,
    DeleteWatch,
    ForceValue,
    Kill,
    QueryAdapterType,
    QueryConnections,
    QueryDataTypes,
    QueryFB,
    QueryFBType,
    QueryFBTypes,
    ReadValue,
    ReadWatches,
    Reset,
    ResetEventCount,
    Start,
    Stop,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.reasons import Reason

DEPLOYMENT: list[tuple[str, Command]] = [
    ("", CreateFB("RES", "iec61499::system::EMB_RES")),
    ("RES", CreateFB("App.SPL", "E_SPLIT")),
    ("RES", CreateFB("App.CTR", "iec61499::events::E_CTU")),
    ("RES", CreateFB("App.SWI", "iec61499__events__E_SWITCH")),
    ("RES", CreateFB("DLY", "E_DELAY")),
    ("RES", WriteParameter("10", "App.CTR.PV")),
    ("RES", CreateConnection("START.COLD", "App.SPL.EI")),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.CU")),
    ("RES", CreateConnection("App.CTR.Q", "App.SWI.G")),
]


async def deploy(target: DeviceTarget, *, start: bool = True) -> None:
    for dst, command in [*DEPLOYMENT, *([("RES", Start())] if start else [])]:
        response = await target.execute(dst, command)
        assert response.ok, (dst, command, response)
    await target.device.settle()


def snapshot(target: DeviceTarget) -> Any:
    """Everything a refused command must leave as it was."""
    resources = {}
    for name, res in target.device.resources.items():
        net = res.network
        resources[name] = (
            res.state,
            [
                (n, i.rt__type.name, i.rt__state, dict(i.rt__params), dict(i.rt__forced))
                for n, i in net.instances.items()
            ],
            [(c.source, c.destination) for c in net.event_connections],
            [(c.source, c.destination) for c in net.data_connections],
            {n: getattr(i, "CV", None) for n, i in net.instances.items()},
        )
    watches = {
        r: {fb: (list(w.data), list(w.events)) for fb, w in fbs.items()}
        for r, fbs in target._watches.items()
    }
    return resources, target.record.commands(), watches


# -- the IDE's deployment over TCP -------------------------------------------------------------


async def test_the_ide_deployment_order_builds_and_starts_the_device(
    device_target: DeviceTarget, device_client: ManagementClient
) -> None:
    replies = [await device_client.send("", QueryFB())]
    for dst, command in [*DEPLOYMENT, ("RES", Start()), ("", Start())]:
        replies.append(await device_client.send(dst, command))
    assert replies[0] == '<Response ID="1" />'  # nothing deployed yet: FORTE's short form
    assert [parse_reply(r).reason for r in replies] == [Reason.RDY] * len(replies)
    await device_target.device.settle()
    read = await device_client.send("RES", ReadValue("App.CTR.CV"))
    assert read == (
        '<Response ID="13">\n  <Connection Source="App.CTR.CV" Destination="1" />\n</Response>'
    )
    listing = await device_client.send("", QueryFB())
    assert '<FB name="RES" type="EMB_RES"/>' in listing


async def test_fb_list_names_start_first_and_keeps_creation_order(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target)
    response = await device_target.execute("RES", QueryFB())
    assert response.payload is not None
    assert response.payload.fbs == (  # type: ignore[union-attr]
        ("START", "E_RESTART"),
        ("App.SPL", "E_SPLIT"),
        ("App.CTR", "E_CTU"),
        ("App.SWI", "E_SWITCH"),
        ("DLY", "E_DELAY"),
    )


async def test_connections_are_listed_per_fb_events_before_data(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target)
    response = await device_target.execute("RES", QueryConnections())
    assert response.payload.connections == (  # type: ignore[union-attr]
        # named from the resource down, except a source on START (FORTE's form)
        ("START.COLD", "RES.App.SPL.EI"),
        ("RES.App.SPL.EO1", "RES.App.CTR.CU"),
        ("RES.App.CTR.Q", "RES.App.SWI.G"),
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (QueryFB("App.CTR", "*"), '<FB Name="App.CTR" Type="E_CTU" />'),
        (QueryFB("App.CTR", "E_CTU"), '<FBStatus Status="RUNNING" />'),
        (QueryFBType("iec61499::events::E_SPLIT"), '<Event Name="EO2" Type="Event"/>'),
        (QueryFBType("E_CTU"), '<VarDeclaration Name="PV" Type="UINT"/>'),
        (QueryDataTypes(), "<DTList>\n    BOOL, SINT, INT"),
        (QueryFBTypes(), "TEST_CONDITION"),
    ],
)
async def test_queries_answer_in_forte_form(
    device_target: DeviceTarget, device_client: ManagementClient, command: Command, expected: str
) -> None:
    await deploy(device_target)
    reply = await device_client.send("RES", command)
    assert parse_reply(reply).ok
    assert expected in reply


async def test_fb_types_list_the_resource_type_and_native_blocks(
    device_target: DeviceTarget, device_client: ManagementClient
) -> None:
    reply = parse_reply(await device_client.send("", QueryFBTypes()))
    names = reply.root.findtext("NameList", "").strip().split(", ")
    assert {"EMB_RES", "E_CTU", "E_RESTART", "STEST_END", "TEST_CONDITION"} <= set(names)


# -- values, triggers, forces, watches -----------------------------------------------------------


async def test_writing_a_string_parameter_takes_the_iec_literal(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target, start=False)
    assert (await device_target.execute("RES", CreateFB("OUT", "OUT_ANY_CONSOLE"))).ok
    await device_target.execute("RES", WriteParameter("STRING#'a$'b'", "OUT.LABEL"))
    assert device_target.device.resources["RES"].network.instances["OUT"].LABEL == "a'b"
    value = await device_target.execute("RES", ReadValue("OUT.LABEL"))
    # READ answers a STRING's bare text, as FORTE's READ does (a watch shows the literal)
    assert value.payload.text == "a'b"  # type: ignore[union-attr]


async def test_triggering_an_event_input_runs_the_block(device_target: DeviceTarget) -> None:
    await deploy(device_target)
    for _ in range(2):
        assert (await device_target.execute("RES", TriggerEvent("App.CTR.CU"))).ok
    await device_target.device.settle()
    assert device_target.device.resources["RES"].network.instances["App.CTR"].CV == 3


async def test_triggering_an_event_output_sends_it_to_its_destinations(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target)
    assert (await device_target.execute("RES", TriggerEvent("App.SPL.EO1"))).ok
    await device_target.device.settle()
    assert device_target.device.resources["RES"].network.instances["App.CTR"].CV == 2


def _watch_table(reply: str) -> dict[tuple[str, str, str], dict[str, str]]:
    root = parse_reply(reply).root
    table = {}
    for resource in root.iter("Resource"):
        for fb in resource.iter("FB"):
            for port in fb.iter("Port"):
                data = port.find("Data")
                assert data is not None
                key = (resource.get("name", ""), fb.get("name", ""), port.get("name", ""))
                table[key] = dict(data.attrib)
    return table


async def test_watches_report_values_forces_and_event_counts(
    device_target: DeviceTarget, device_client: ManagementClient, clock: TestClock
) -> None:
    await deploy(device_target)
    for pin in ("App.CTR.CV", "App.CTR.CU", "App.CTR.CUO", "App.CTR.PV"):
        assert parse_reply(await device_client.send("RES", CreateWatch(pin))).ok
    await device_client.send("RES", TriggerEvent("App.CTR.CU"))
    await device_client.send("RES", ForceValue("7", "App.CTR.PV"))
    await device_target.device.settle()
    table = _watch_table(await device_client.send("", ReadWatches()))
    assert table[("RES", "App.CTR", "CV")] == {"value": "2", "forced": "false"}
    assert table[("RES", "App.CTR", "PV")] == {"value": "7", "forced": "true"}
    # counted since the FB's creation, as FORTE counts: START.COLD's and the trigger
    assert table[("RES", "App.CTR", "CU")]["value"] == "2"
    assert table[("RES", "App.CTR", "CUO")]["value"] == "2"
    assert table[("RES", "App.CTR", "CU")]["time"] == str(clock.monotonic_ns() // 1_000_000)

    await device_client.send("RES", ResetEventCount("App.CTR.CU"))
    await device_client.send("RES", ClearForce("App.CTR.PV"))
    await device_client.send("RES", DeleteWatch("App.CTR.CUO"))
    table = _watch_table(await device_client.send("RES", ReadWatches()))
    assert table[("RES", "App.CTR", "CU")]["value"] == "0"
    # As in FORTE, clearing a force keeps the value until something writes the pin again.
    assert table[("RES", "App.CTR", "PV")] == {"value": "7", "forced": "false"}
    assert ("RES", "App.CTR", "CUO") not in table


async def test_a_forced_input_wins_over_its_connection(device_target: DeviceTarget) -> None:
    await deploy(device_target)
    await device_target.execute("RES", ForceValue("TRUE", "App.SWI.G"))
    await device_target.execute("RES", CreateFB("C2", "E_CTU"))
    await device_target.execute("RES", CreateConnection("App.SWI.EO1", "C2.CU"))
    await device_target.execute("RES", Start("C2", "E_CTU"))  # created in a running resource
    await device_target.execute("RES", TriggerEvent("App.SWI.EI"))
    await device_target.device.settle()
    assert device_target.device.resources["RES"].network.instances["C2"].CV == 1


async def test_deleting_a_watched_fb_drops_its_watches(device_target: DeviceTarget) -> None:
    await deploy(device_target, start=False)
    await device_target.execute("RES", CreateWatch("DLY.DT"))
    assert (await device_target.execute("RES", DeleteFB("DLY"))).ok
    response = await device_target.execute("RES", ReadWatches())
    assert response.payload.resources[0].fbs == ()  # type: ignore[union-attr]


# -- lifecycle ----------------------------------------------------------------------------------


async def test_resource_stop_start_is_warm_and_reset_makes_it_cold(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target)
    res = device_target.device.resources["RES"]
    assert (await device_target.execute("RES", Stop())).ok
    assert (await device_target.execute("RES", Start())).ok
    await device_target.device.settle()
    assert res.network.instances["App.CTR"].CV == 1  # WARM is not connected
    await device_target.execute("RES", Stop())
    assert (await device_target.execute("RES", Reset())).ok
    assert res.network.instances["App.CTR"].CV == 0
    assert (await device_target.execute("RES", Start())).ok
    await device_target.device.settle()
    assert res.network.instances["App.CTR"].CV == 1


async def test_a_stopped_fb_ignores_events_until_started(device_target: DeviceTarget) -> None:
    await deploy(device_target)
    ctr = device_target.device.resources["RES"].network.instances["App.CTR"]
    assert (await device_target.execute("RES", Stop("App.CTR"))).ok
    await device_target.execute("RES", TriggerEvent("App.CTR.CU"))
    await device_target.device.settle()
    assert ctr.CV == 1
    assert (await device_target.execute("RES", Start("App.CTR"))).ok
    await device_target.execute("RES", TriggerEvent("App.CTR.CU"))
    await device_target.device.settle()
    assert ctr.CV == 2


async def test_a_killed_resource_can_be_deleted_and_created_again(
    device_target: DeviceTarget,
) -> None:
    await deploy(device_target)
    assert (await device_target.execute("", Kill("RES"))).ok
    assert (await device_target.execute("", DeleteFB("RES"))).ok
    assert device_target.device.resources == {}
    assert device_target.record.commands() == []
    await deploy(device_target)
    assert device_target.device.resources["RES"].network.instances["App.CTR"].CV == 1


# -- refusals: FORTE's reason, and nothing changes ----------------------------------------------

REFUSALS: list[tuple[str, Command, Reason]] = [
    ("NOPE", CreateFB("X", "E_SPLIT"), Reason.INVALID_DST),
    ("RES", CreateFB("X", "NoSuchType"), Reason.UNSUPPORTED_TYPE),
    ("RES", CreateFB("X", "nowhere::E_NOTHING"), Reason.UNSUPPORTED_TYPE),
    ("RES", CreateFB("App.SPL", "E_SPLIT"), Reason.INVALID_STATE),
    ("RES", CreateFB("App.SPL.Inner", "E_SPLIT"), Reason.INVALID_STATE),
    ("RES", CreateFB("App", "E_SPLIT"), Reason.INVALID_STATE),
    ("", CreateFB("RES", "EMB_RES"), Reason.INVALID_STATE),
    ("", CreateFB("R2", "E_SPLIT"), Reason.UNSUPPORTED_TYPE),
    ("RES", WriteParameter("abc", "App.CTR.PV"), Reason.BAD_PARAMS),
    ("RES", WriteParameter("70000", "App.CTR.PV"), Reason.BAD_PARAMS),
    ("RES", WriteParameter("", "App.CTR.PV"), Reason.BAD_PARAMS),
    ("RES", WriteParameter("T#1s", "App.CTR.PV"), Reason.BAD_PARAMS),
    ("RES", WriteParameter("1", "App.CTR.NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", WriteParameter("1", "Nope.PV"), Reason.NO_SUCH_OBJECT),
    ("RES", WriteParameter("1", "App.CTR.CU"), Reason.NO_SUCH_OBJECT),
    ("RES", ForceValue("zz", "App.CTR.PV"), Reason.BAD_PARAMS),
    ("RES", ForceValue("1", "App.CTR.NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", ClearForce("App.NOPE.PV"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("App.SPL.EO1", "Missing.CU"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("Missing.EO", "App.CTR.CU"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.PV"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("App.CTR.CU", "App.SPL.EI"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateConnection("App.SPL.EO1", "App.CTR.CU"), Reason.INVALID_STATE),
    ("RES", CreateConnection("App.CTR.Q", "App.SWI.G"), Reason.INVALID_STATE),
    ("RES", CreateConnection("App.CTR.CV", "DLY.DT"), Reason.INVALID_OPERATION),
    ("RES", DeleteConnection("App.SPL.EO2", "App.CTR.CU"), Reason.INVALID_STATE),
    ("RES", DeleteConnection("App.SPL.EO1", "Nope.CU"), Reason.NO_SUCH_OBJECT),
    ("RES", DeleteFB("Nope"), Reason.NO_SUCH_OBJECT),
    ("RES", DeleteFB("App.SPL"), Reason.INVALID_STATE),
    ("", DeleteFB("RES"), Reason.INVALID_STATE),
    ("", DeleteFB("NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", Start(), Reason.INVALID_STATE),
    ("RES", Reset(), Reason.INVALID_STATE),
    ("RES", Start("App.CTR"), Reason.INVALID_STATE),
    ("RES", Reset("App.CTR"), Reason.INVALID_STATE),
    ("RES", Stop("Nope"), Reason.NO_SUCH_OBJECT),
    ("", Start("NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", ReadValue("App.CTR.CU"), Reason.NO_SUCH_OBJECT),
    ("RES", ReadValue("App.CTR"), Reason.NO_SUCH_OBJECT),
    ("RES", TriggerEvent("App.CTR.PV"), Reason.NO_SUCH_OBJECT),
    ("RES", ResetEventCount("App.CTR.PV"), Reason.NO_SUCH_OBJECT),
    ("RES", CreateWatch("App.CTR.NOPE"), Reason.NO_SUCH_OBJECT),
    ("RES", DeleteWatch("App.CTR.CV"), Reason.NO_SUCH_OBJECT),
    ("RES", QueryFBType("E_NOTHING"), Reason.UNSUPPORTED_TYPE),
    ("RES", QueryAdapterType("ANothing"), Reason.UNSUPPORTED_TYPE),
    ("RES", QueryFB("Nope", "*"), Reason.NO_SUCH_OBJECT),
    ("", WriteParameter("1", "NOPE"), Reason.NO_SUCH_OBJECT),
]


@pytest.mark.parametrize(
    ("dst", "command", "reason"), REFUSALS, ids=[f"{type(c).__name__}-{r}" for _, c, r in REFUSALS]
)
async def test_a_refused_command_gives_forte_reason_and_changes_nothing(
    device_target: DeviceTarget, dst: str, command: Command, reason: Reason
) -> None:
    await deploy(device_target)
    before = snapshot(device_target)
    response = await device_target.execute(dst, command)
    await device_target.device.settle()
    assert response.reason is reason
    assert snapshot(device_target) == before


async def test_refusals_over_tcp_carry_the_reason_in_the_reply(
    device_target: DeviceTarget, device_client: ManagementClient
) -> None:
    await deploy(device_target)
    reply = await device_client.send("RES", WriteParameter("abc", "App.CTR.PV"))
    assert reply == '<Response ID="1" Reason="BAD_PARAMS">\n  \n</Response>'
    reply = await device_client.send("RES", CreateFB("X", "E_NOTHING"))
    assert reply == '<Response ID="2" Reason="UNSUPPORTED_TYPE" />'
