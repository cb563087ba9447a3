"""A device over OPC UA, checked with asyncua's own client on 127.0.0.1 (ephemeral ports).

One server and one client serve the module (starting asyncua's server takes seconds); each test
deploys FBs of its own names into the running device, so the tree's updates are tested each time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
import pytest_asyncio
from asyncua import Client, ua
from asyncua.common.node import Node

from fbruntime.mgmt import DeviceTarget, new_target
from fbruntime.mgmt.commands import (
    Command,
    CreateConnection,
    CreateFB,
    DeleteFB,
    Start,
    WriteParameter,
)
from fbruntime.opcua.server import DeviceOpcUaServer

PATIENCE = 10.0


async def run(target: DeviceTarget, *commands: tuple[str, Command]) -> None:
    for dst, command in commands:
        response = await target.execute(dst, command)
        assert response.ok, (dst, command, response)


pytestmark = pytest.mark.asyncio(loop_scope="module")

Device = tuple[DeviceTarget, Client, int]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def device() -> AsyncIterator[Device]:
    target = new_target("DEV")
    await run(target, ("", CreateFB("RES", "EMB_RES")), ("RES", Start()))
    server = DeviceOpcUaServer(target, "127.0.0.1", 0, interval=0.02)
    await server.start()
    try:
        async with Client(server.endpoint) as client:
            yield target, client, server.namespace
    finally:
        await server.stop()
        target.device.kill()


async def counter(device: Device, name: str) -> Node:
    """A fresh E_CTU *name* (PV 3) whose CUO adds 2 + 40 in App.Sub.<name>Add; its node."""
    target, client, _ = device
    await run(
        target,
        ("RES", CreateFB(name, "E_CTU")),
        ("RES", WriteParameter("3", f"{name}.PV")),
        ("RES", CreateFB(f"App.Sub.{name}Add", "F_ADD")),
        ("RES", WriteParameter("INT#2", f"App.Sub.{name}Add.IN1")),
        ("RES", WriteParameter("INT#40", f"App.Sub.{name}Add.IN2")),
        ("RES", CreateConnection(f"{name}.CUO", f"App.Sub.{name}Add.REQ")),
        # created in a running resource, they wait in IDLE until started (as in FORTE)
        ("RES", Start(name, "E_CTU")),
        ("RES", Start(f"App.Sub.{name}Add", "F_ADD")),
    )
    res = await child(client.nodes.objects, "DEV", "RES")
    await eventually(lambda: _children_include(res, name))
    return await child(res, name)


async def child(node: Node, *names: str) -> Node:
    for name in names:
        # One request (references with their browse names): no race with a node going away.
        found = {d.BrowseName.Name: d.NodeId for d in await node.get_children_descriptions()}
        assert name in found, f"{name!r} not among {sorted(found)}"
        node = Node(node.session, found[name])
    return node


async def eventually(check: Callable[[], Any]) -> None:
    deadline = time.monotonic() + PATIENCE
    while not await check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def test_resources_fbs_and_pins_are_browsable_with_forte_s_types(
    device: Device,
) -> None:
    _, client, ns = device
    fb = await counter(device, "Count")
    names = await _names(fb)
    assert {"CU", "R", "PV", "CV", "Q"} <= names
    cv = await child(fb, "CV")
    assert cv.nodeid == ua.NodeId("RES.Count.CV", ns)
    assert await cv.read_data_type_as_variant_type() == ua.VariantType.UInt16
    assert await (await child(fb, "Q")).read_data_type_as_variant_type() == ua.VariantType.Boolean
    # A dotted instance name nests in folders; an ANY pin is the literal READ would answer.
    out = await child(client.nodes.objects, "DEV", "RES", "App", "Sub", "CountAdd", "OUT")
    assert await out.read_data_type_as_variant_type() == ua.VariantType.String


async def test_events_fire_as_methods_and_values_follow(
    device: Device,
) -> None:
    target, client, ns = device
    fb = await counter(device, "Fired")
    cv = client.get_node(ua.NodeId("RES.Fired.CV", ns))
    out = client.get_node(ua.NodeId("RES.App.Sub.FiredAdd.OUT", ns))
    await fb.call_method(ua.QualifiedName("CU", ns))
    await fb.call_method(ua.QualifiedName("CU", ns))
    await eventually(lambda: _equals(cv, 2))
    assert target.device.resources["RES"].read("Fired.CV") == 2
    await eventually(lambda: _equals(out, "INT#42"))


async def _equals(node: Node, expected: Any) -> bool:
    return bool(await node.read_value() == expected)


async def test_inputs_are_writable_outputs_are_not_and_bad_values_are_refused(
    device: Device,
) -> None:
    target, client, ns = device
    res = target.device.resources["RES"]
    await counter(device, "Written")
    pv = client.get_node(ua.NodeId("RES.Written.PV", ns))
    await pv.write_value(ua.DataValue(ua.Variant(7, ua.VariantType.UInt16)))
    assert res.read("Written.PV") == 7
    in1 = client.get_node(ua.NodeId("RES.App.Sub.WrittenAdd.IN1", ns))
    await in1.write_value(ua.DataValue(ua.Variant("INT#5", ua.VariantType.String)))
    assert res.read("App.Sub.WrittenAdd.IN1") == 5
    with pytest.raises(ua.UaStatusCodeError):
        await in1.write_value(ua.DataValue(ua.Variant("not a literal", ua.VariantType.String)))
    assert res.read("App.Sub.WrittenAdd.IN1") == 5
    cv = client.get_node(ua.NodeId("RES.Written.CV", ns))
    with pytest.raises(ua.UaStatusCodeError):
        await cv.write_value(ua.DataValue(ua.Variant(9, ua.VariantType.UInt16)))
    assert res.read("Written.CV") == 0


class _Changes:
    def __init__(self) -> None:
        self.values: list[Any] = []

    def datachange_notification(self, node: Node, value: Any, data: Any) -> None:
        self.values.append(value)


async def test_subscriptions_see_changes_and_deployments_reshape_the_tree(
    device: Device,
) -> None:
    target, client, ns = device
    changes = _Changes()
    subscription = await client.create_subscription(10, changes)
    fb = await counter(device, "Watched")
    cv = client.get_node(ua.NodeId("RES.Watched.CV", ns))
    await subscription.subscribe_data_change(cv)
    for _ in range(3):
        await fb.call_method(ua.QualifiedName("CU", ns))
    await eventually(lambda: _has(changes, 3))
    assert changes.values[0] == 0 and changes.values[-1] == 3
    assert changes.values == sorted(changes.values)
    await subscription.delete()

    # A resource deployed later appears with its FBs; deleted, it goes.
    dev = await child(client.nodes.objects, "DEV")
    await run(target, ("", CreateFB("LATE", "EMB_RES")), ("LATE", CreateFB("Split", "E_SPLIT")))
    await eventually(lambda: _children_include(dev, "LATE"))
    assert "Split" in await _names(await child(dev, "LATE"))
    await run(target, ("", DeleteFB("LATE")))  # never started, so no KILL first
    await eventually(lambda: _children_lack(dev, "LATE"))


async def _has(changes: _Changes, value: Any) -> bool:
    return value in changes.values


async def _names(node: Node) -> set[str]:
    return {d.BrowseName.Name for d in await node.get_children_descriptions()}


async def _children_include(node: Node, name: str) -> bool:
    return name in await _names(node)


async def _children_lack(node: Node, name: str) -> bool:
    return name not in await _names(node)
