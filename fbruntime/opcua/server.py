"""The OPC UA server of a device: every resource, FB and pin, kept in step with deployments.

Address space (namespace ``urn:fbrt:<device>``, browse names in it)::

    Objects/<device>/<resource>/<FB>            an FB; a dotted name (App.Sub.FB) nests in folders
    Objects/<device>/<resource>/<FB>/<pin>      a data pin: readable, subscribable; inputs and
                                                in-outs writable (the value is set as the
                                                management WRITE sets it, kept across resets)
    Objects/<device>/<resource>/<FB>/<event>()  an event input: calling the method fires it

Node ids are strings, the pin's full path (``ns=2;s=RES.App.Count.CV``), so a client can also
address a pin directly. Types follow FORTE's OPC UA mapping (:mod:`fbruntime.opcua.values`).

FORTE's opc_ua layer publishes what communication FBs name (``opc_ua[READ;...]``); this server
instead shows the whole device, as DINASORE does per device, and follows it: the management
commands that change the device (a CREATE or DELETE of an FB or resource) update the address
space, and pin values are sampled every ``interval`` seconds (100 ms by default) and written to
their nodes when they changed, which is what a subscription is notified of. A value that changes
and changes back between two samples is not seen; the event loop never waits for a client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from asyncua import ua
from asyncua.common.node import Node
from asyncua.server.address_space import NodeData
from asyncua.server.server import Server
from asyncua.ua.status_codes import StatusCodes
from asyncua.ua.uaerrors import UaStatusCodeError

from fbruntime.core import Resource
from fbruntime.core.errors import NetworkError
from fbruntime.core.instance import FBInstance
from fbruntime.core.network import set_typed_param
from fbruntime.mgmt.commands import Command, CreateFB, DeleteFB
from fbruntime.mgmt.executor import DeviceTarget
from fbruntime.mgmt.pins import current_value, read_text
from fbruntime.opcua.values import from_variant, to_variant

__all__ = ["DeviceOpcUaServer"]

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.1


@dataclass
class _Pin:
    node: Node
    inst: FBInstance
    name: str
    port: Any
    writable: bool
    last: Any = None


@dataclass
class _FB:
    inst: FBInstance
    node: Node
    pins: dict[str, _Pin] = field(default_factory=dict)


class DeviceOpcUaServer:
    """Serve *target*'s device over OPC UA at ``opc.tcp://host:port`` (port 0: any free one)."""

    def __init__(
        self,
        target: DeviceTarget,
        host: str = "127.0.0.1",
        port: int = 4840,
        *,
        interval: float = DEFAULT_INTERVAL,
    ) -> None:
        self.target = target
        self.host = host
        self.port = port
        self.interval = interval
        self.server = Server()
        self.namespace = 0
        self._device_node: Node | None = None
        self._resources: dict[str, Node] = {}
        self._folders: dict[str, Node] = {}
        self._fbs: dict[tuple[str, str], _FB] = {}
        self._pins: dict[ua.NodeId, _Pin] = {}
        self._internal_write = False
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._methods: dict[ua.NodeId, Callable[[], None]] = {}

    @property
    def endpoint(self) -> str:
        return f"opc.tcp://{self.host}:{self.port}"

    async def start(self) -> None:
        device = self.target.device
        server = self.server
        await server.init()
        server.set_endpoint(f"opc.tcp://{self.host}:{self.port}")
        server.set_server_name(f"fbrt {device.name}")
        server.set_security_policy([ua.SecurityPolicyType.NoSecurity])
        self.namespace = await server.register_namespace(f"urn:fbrt:{device.name}")
        # "/" cannot occur in a resource name, so the device's id never clashes with one.
        self._device_node = await server.nodes.objects.add_object(
            ua.NodeId(ua.String(f"{device.name}/"), ua.Int16(self.namespace)),
            self._name(device.name),
        )
        await self._reconcile()
        await server.start()
        self.port = server.bserver.port if server.bserver is not None else self.port
        self.target.listeners.append(self._changed)
        self._task = asyncio.get_running_loop().create_task(self._run(), name="opcua sampler")

    async def stop(self) -> None:
        if self._changed in self.target.listeners:
            self.target.listeners.remove(self._changed)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.server.stop()

    # -- keeping up with the device ---------------------------------------------------------

    def _changed(self, dst: str, command: Command) -> None:
        if isinstance(command, (CreateFB, DeleteFB)):
            self._dirty.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), self.interval)
            try:
                if self._dirty.is_set():
                    self._dirty.clear()
                    await self._reconcile()
                await self._sample()
            except Exception:  # a client's view must never take the device down
                log.exception("OPC UA: updating the address space failed")

    async def _reconcile(self) -> None:
        """Add what the device has and the address space lacks; remove what is gone."""
        assert self._device_node is not None
        resources = self.target.device.resources
        for name in [n for n in self._resources if n not in resources]:
            await self._drop_resource(name)
        for name, res in resources.items():
            if name not in self._resources:
                self._resources[name] = await self._device_node.add_object(
                    self._id(name), self._name(name)
                )
            instances = res.network.instances
            for key in [k for k in self._fbs if k[0] == name]:
                known = self._fbs[key]
                if instances.get(key[1]) is not known.inst:
                    await self._drop_fb(key)
            for fb_name, inst in instances.items():
                if (name, fb_name) not in self._fbs:
                    await self._add_fb(res, fb_name, inst)

    async def _add_fb(self, res: Resource, fb_name: str, inst: FBInstance) -> None:
        *folders, leaf = fb_name.split(".")
        parent = self._resources[res.name]
        path = res.name
        for folder in folders:
            path = f"{path}.{folder}"
            node = self._folders.get(path)
            if node is None:
                node = self._folders[path] = await parent.add_folder(
                    self._id(path), self._name(folder)
                )
            parent = node
        fb_path = f"{res.name}.{fb_name}"
        node = await parent.add_object(self._id(fb_path), self._name(leaf))
        entry = _FB(inst, node)
        interface = inst.rt__type.interface
        writable_pins = {p.name for p in (*interface.data_inputs, *interface.inouts)}
        for port in interface.data_ports():
            value = current_value(inst, port.name)
            variant = to_variant(
                port.type.name, value, read_text(inst, port.name, port.type, value)
            )
            pin_node = await node.add_variable(
                self._id(f"{fb_path}.{port.name}"),
                self._name(port.name),
                variant.Value,
                variant.VariantType,
            )
            pin = _Pin(pin_node, inst, port.name, port, port.name in writable_pins, variant.Value)
            if pin.writable:
                await pin_node.set_writable()
                self.server.set_attribute_value_setter(pin_node.nodeid, self._setter(pin))
            entry.pins[port.name] = pin
            self._pins[pin_node.nodeid] = pin
        for event in interface.event_inputs:
            await node.add_method(
                self._id(f"{fb_path}.{event.name}"),
                self._name(event.name),
                self._firer(res, fb_name, event.name),
                [],
                [],
            )
        self._fbs[(res.name, fb_name)] = entry

    async def _drop_fb(self, key: tuple[str, str]) -> None:
        entry = self._fbs.pop(key)
        for pin in entry.pins.values():
            self._pins.pop(pin.node.nodeid, None)
        await self.server.delete_nodes([entry.node], recursive=True)

    async def _drop_resource(self, name: str) -> None:
        for key in [k for k in self._fbs if k[0] == name]:
            await self._drop_fb(key)
        for path in [p for p in self._folders if p.startswith(f"{name}.")]:
            del self._folders[path]
        node = self._resources.pop(name)
        await self.server.delete_nodes([node], recursive=True)

    # -- values -----------------------------------------------------------------------------

    async def _sample(self) -> None:
        for pin in list(self._pins.values()):
            value = current_value(pin.inst, pin.name)
            variant = to_variant(
                pin.port.type.name, value, read_text(pin.inst, pin.name, pin.port.type, value)
            )
            if variant.Value == pin.last:
                continue
            pin.last = variant.Value
            self._internal_write = True
            try:
                await self.server.write_attribute_value(pin.node.nodeid, ua.DataValue(variant))
            finally:
                self._internal_write = False

    def _setter(self, pin: _Pin) -> Callable[[NodeData, Any, ua.DataValue], None]:
        def setter(node: NodeData, attr: Any, value: ua.DataValue) -> None:
            if not self._internal_write:
                self._write_pin(pin, value)
            node.attributes[attr].value = value

        return setter

    def _write_pin(self, pin: _Pin, value: ua.DataValue) -> None:
        """A client's write: the pin is set as the management WRITE sets it, or refused."""
        raw = value.Value.Value if value.Value is not None else None
        typ = pin.port.type
        where = f"{pin.inst.rt__path()}.{pin.name}"
        try:
            set_typed_param(pin.inst, pin.name, typ, from_variant(typ.name, raw), where)
        except NetworkError as exc:
            log.warning("OPC UA: write refused: %s", exc)
            raise UaStatusCodeError(StatusCodes.BadTypeMismatch) from None  # type: ignore[no-untyped-call]
        pin.last = raw

    def _firer(self, res: Resource, fb_name: str, event: str) -> Callable[..., Any]:
        path = f"{fb_name}.{event}"

        async def fire(parent: ua.NodeId) -> list[ua.Variant]:
            res.fire(path)
            return []

        return fire

    # -- naming -----------------------------------------------------------------------------

    def _id(self, path: str) -> ua.NodeId:
        return ua.NodeId(ua.String(path), ua.Int16(self.namespace))

    def _name(self, name: str) -> ua.QualifiedName:
        return ua.QualifiedName(name, self.namespace)
