"""The executor: management commands carried out on a `fbruntime.core.Device`, as FORTE does.

`DeviceTarget` is the `ManagementTarget` the server and the boot-file loader drive. Each command is
checked completely before anything changes, so a refused command leaves the device as it was, and
the refusal carries the Reason FORTE's ``device.cpp``, ``resource.cpp``, ``fbcontainer.cpp``,
``funcbloc.cpp``, the connection classes and ``monitoring.cpp`` give for the same failure:

* unknown destination resource -> ``INVALID_DST``; unknown type -> ``UNSUPPORTED_TYPE``;
* an FB or resource name that exists -> ``INVALID_STATE`` (``CFBContainer::createFB``);
* an unknown FB or pin anywhere -> ``NO_SUCH_OBJECT``; a value that does not parse as the pin's
  type (or an empty one) -> ``BAD_PARAMS`` (``CResource::writeValue``);
* a lifecycle step the FB or resource is not in the state for -> ``INVALID_STATE``
  (``CFunctionBlock::changeFBExecutionState``), as is deleting something running;
* a connection that exists, or a second source for a data input -> ``INVALID_STATE``; types that
  cannot be connected -> ``INVALID_OPERATION``; deleting a connection that is not there ->
  ``INVALID_STATE`` when both pins exist.

Resources are EMB_RES: an empty resource holding a ``START`` instance of E_RESTART. Dotted FB
names (``App.Sub.FB``) are plain instance names, which the engine resolves longest-name-first.
Successful mutating commands go to the `DeploymentRecord` and to ``on_change`` listeners, which
persistence uses.

Two choices where FORTE's behaviour would not help a client: a device-level START starts every
resource that is not running and succeeds (FORTE's device is already running and refuses), and a
device-level KILL kills every resource and asks the process to end, as FORTE's device KILL does.

Around it: `refusal` (the exception a check raises), `pins` (FBs and pins a command names, found
or refused), `watches` (the watch commands, inherited by `DeviceTarget`), `queries` (what QUERY
commands report). `ManagementRefusal` is re-exported here.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from fbruntime.core import (
    ConnectionError_,
    Device,
    FBInstance,
    FBState,
    NetworkError,
    NoSuchObject,
    Resource,
    ResourceState,
)
from fbruntime.iec import ELEMENTARY_TYPES
from fbruntime.mgmt import replies
from fbruntime.mgmt.commands import (
    ALL,
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
    QueryAdapterTypes,
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
    StateCommand,
    Stop,
    TriggerEvent,
    WriteParameter,
)
from fbruntime.mgmt.deployment import DEVICE, DeploymentRecord
from fbruntime.mgmt.pins import (
    current_value,
    data_pin,
    endpoint,
    fb_instance,
    find_pin,
    function_output,
    parse_value,
    read_text,
    write_parameter,
)
from fbruntime.mgmt.queries import (
    adapter_interface,
    adapter_type_names,
    connection_pairs,
    declared_interface,
)
from fbruntime.mgmt.reasons import Reason
from fbruntime.mgmt.refusal import ManagementRefusal, refuse
from fbruntime.mgmt.replies import OK, Response
from fbruntime.mgmt.resolver import TypeResolver, describe_resolver, type_names_of
from fbruntime.mgmt.typenames import normalize_type_name
from fbruntime.mgmt.watches import FBWatch, WatchCommands

__all__ = ["RESOURCE_TYPES", "DeviceTarget", "ManagementRefusal"]

log = logging.getLogger(__name__)

#: The resource types the device can create (FORTE's EMB_RES, PC's default resource, and its
#: RMT_RES, the same for fbrt: the management protocol is served by the device, not an FB).
RESOURCE_TYPES = ("EMB_RES", "RMT_RES")
RESTART_FB = "START"

_MUTATING = (
    CreateFB,
    DeleteFB,
    CreateConnection,
    DeleteConnection,
    WriteParameter,
    Start,
    Stop,
    Kill,
    Reset,
)

ChangeListener = Callable[[str, Command], None]
Committer = Callable[[], Awaitable[None]]


class DeviceTarget(WatchCommands):
    """A `ManagementTarget` over *device*; types come from *resolver* (``name -> FBType``)."""

    def __init__(
        self,
        device: Device,
        resolver: TypeResolver,
        *,
        record: DeploymentRecord | None = None,
    ) -> None:
        self.device = device
        self.resolver = resolver
        self.record = record if record is not None else DeploymentRecord()
        self.listeners: list[ChangeListener] = []
        self.device_parameters: dict[str, str] = {}
        self._resource_types: dict[str, str] = {}
        self._watches: dict[str, dict[str, FBWatch]] = {}
        # Per resource, how many FBs each dotted name prefix holds (App.Sub.FB: App, App.Sub).
        self._containers: dict[str, Counter[str]] = {}
        self.committers: list[Committer] = []

    # -- the protocol entry point ------------------------------------------------------------

    async def execute(self, dst: str, command: Command) -> Response:
        try:
            response = await self._execute(dst, command)
        except ManagementRefusal as refusal:
            log.info("refused %r on %r: %s: %s", command, dst, refusal.reason.value, refusal)
            return Response(refusal.reason)
        if response.ok and isinstance(command, _MUTATING):
            self.record.apply(dst, command)
            for listener in list(self.listeners):
                listener(dst, command)
        return response

    async def commit(self) -> None:
        """Make every change executed so far durable (each committer: persistence).

        The server awaits this before it sends the replies of the requests it executed, so a
        reply of OK means the change is stored; requests that arrived together share one commit.
        A committer that fails raises, and the server sends no reply for what it could not store.
        """
        for committer in list(self.committers):
            await committer()

    async def _execute(self, dst: str, command: Command) -> Response:
        if dst == DEVICE:
            return await self._device_command(command)
        res = self.device.resources.get(dst)
        if res is None:
            raise refuse(Reason.INVALID_DST, f"the device has no resource {dst!r}")
        return await self._resource_command(res, command)

    # -- device level ------------------------------------------------------------------------

    async def _device_command(self, command: Command) -> Response:
        match command:
            case CreateFB(name, type_name):
                return self._create_resource(name, type_name)
            case DeleteFB(name):
                return self._delete_resource(name)
            case Start() | Stop() | Kill() | Reset():
                return await self._device_state(command)
            case QueryFB(name, _):
                if name == ALL:
                    return replies.fb_list(
                        (n, self._resource_types.get(n, "EMB_RES")) for n in self.device.resources
                    )
                res = self._resource(name)
                return self._query_one(
                    name, self._resource_types.get(name, "EMB_RES"), res, command
                )
            case WriteParameter(value, destination):
                if not value:
                    raise refuse(Reason.BAD_PARAMS, "an empty value cannot be written")
                if destination not in ("MGR_ID",):
                    raise refuse(Reason.NO_SUCH_OBJECT, f"the device has no input {destination!r}")
                self.device_parameters[destination] = value
                return OK
            case ReadWatches():
                return replies.watches(
                    self._resource_watches(res) for res in self.device.resources.values()
                )
            case (
                QueryFBTypes()
                | QueryDataTypes()
                | QueryAdapterTypes()
                | QueryFBType()
                | (QueryAdapterType())
            ):
                return self._query_types(command)
        raise refuse(Reason.UNSUPPORTED_CMD, f"{type(command).__name__} is not a device command")

    def _create_resource(self, name: str, type_name: str) -> Response:
        bare = normalize_type_name(type_name)[-1]
        if bare not in RESOURCE_TYPES:
            raise refuse(Reason.UNSUPPORTED_TYPE, f"{type_name!r} is not a resource type")
        if not name or "." in name:
            raise refuse(Reason.INVALID_OBJECT, f"{name!r} is not a resource name")
        if name in self.device.resources:
            raise refuse(Reason.INVALID_STATE, f"resource {name!r} exists already")
        restart = self.resolver("E_RESTART")
        if restart is None:
            raise refuse(Reason.UNSUPPORTED_TYPE, "E_RESTART is missing from the type library")
        res = self.device.add_resource(name)
        res.add(RESTART_FB, restart)
        self._resource_types[name] = bare
        self._watches[name] = {}
        self._containers[name] = Counter()
        return OK

    def _delete_resource(self, name: str) -> Response:
        res = self._resource(name)
        if res.state is ResourceState.RUNNING:
            raise refuse(Reason.INVALID_STATE, f"resource {name} is running; stop or kill it first")
        self.device.remove_resource(name)
        self._resource_types.pop(name, None)
        self._watches.pop(name, None)
        self._containers.pop(name, None)
        return OK

    async def _device_state(self, command: StateCommand) -> Response:
        if command.target:
            return await self._resource_state(self._resource(command.target), command)
        resources = list(self.device.resources.values())
        match command:
            case Start():
                for res in resources:
                    if res.state is not ResourceState.RUNNING:
                        await self._resource_state(res, command)
            case Stop():
                for res in resources:
                    if res.state is ResourceState.RUNNING:
                        await res.stop()
            case Kill():
                self.device.kill()
                self.device.request_exit(0)
            case Reset():
                for res in resources:
                    if res.state in (ResourceState.STOPPED, ResourceState.KILLED):
                        res.reset()
        return OK

    def _resource(self, name: str) -> Resource:
        res = self.device.resources.get(name)
        if res is None:
            raise refuse(Reason.NO_SUCH_OBJECT, f"the device has no resource {name!r}")
        return res

    # -- resource level ----------------------------------------------------------------------

    async def _resource_command(self, res: Resource, command: Command) -> Response:
        match command:
            case CreateFB(name, type_name):
                return self._create_fb(res, name, type_name)
            case DeleteFB(name):
                return self._delete_fb(res, name)
            case CreateConnection(source, destination):
                return self._connect(res, source, destination)
            case DeleteConnection(source, destination):
                return self._disconnect(res, source, destination)
            case WriteParameter(value, destination):
                inst, pin, typ = data_pin(res, destination)
                write_parameter(inst, pin, typ, value, destination)
                return OK
            case ForceValue(value, destination):
                return self._force(res, destination, value)
            case ClearForce(destination):
                return self._clear_force(res, destination)
            case TriggerEvent(destination):
                return self._trigger(res, destination)
            case ResetEventCount(destination):
                return self._reset_count(res, destination)
            case Start() | Stop() | Kill() | Reset():
                if command.target:
                    return self._fb_state(res, command)
                return await self._resource_state(res, command)
            case QueryFB(name, _):
                if name == ALL:
                    return replies.fb_list(
                        (n, _type_name(i)) for n, i in res.network.instances.items()
                    )
                inst = fb_instance(res, name)
                return self._query_one(name, _type_name(inst), inst, command)
            case QueryConnections():
                return replies.connection_list(connection_pairs(res.network, res.name))
            case ReadValue(source):
                return self._read(res, source)
            case CreateWatch(source):
                return self._add_watch(res, source)
            case DeleteWatch(source):
                return self._remove_watch(res, source)
            case ReadWatches():
                return replies.watches([self._resource_watches(res)])
            case (
                QueryFBTypes()
                | QueryDataTypes()
                | QueryAdapterTypes()
                | QueryFBType()
                | (QueryAdapterType())
            ):
                return self._query_types(command)
        raise refuse(Reason.UNSUPPORTED_CMD, f"{type(command).__name__} is not supported")

    def _create_fb(self, res: Resource, name: str, type_name: str) -> Response:
        # FORTE checks the name before the type: an FB that exists answers INVALID_STATE.
        if not name or any(not part for part in name.split(".")):
            raise refuse(Reason.INVALID_STATE, f"{name!r} is not an FB name")
        # FORTE keeps FBs and name containers apart: App.X cannot exist beside an FB App. Each
        # check is a lookup (the containers are counted as FBs come and go), never a scan.
        instances = res.network.instances
        if name in instances:
            raise refuse(Reason.INVALID_STATE, f"an FB named {name!r} exists already")
        containers = self._containers.get(res.name)
        if containers is None:
            containers = self._containers[res.name] = Counter()
        prefixes = _containers_of(name) if "." in name else ()
        if any(prefix in instances for prefix in prefixes):
            raise refuse(Reason.INVALID_STATE, f"{name!r} would be inside an FB")
        if name in containers:
            raise refuse(Reason.INVALID_STATE, f"{name!r} names a container of other FBs")
        fbtype = self.resolver(type_name)
        if fbtype is None:
            log.warning(
                "CREATE %s in %s: no FB type %r; looked in %s",
                name,
                res.name,
                type_name,
                describe_resolver(self.resolver),
            )
            raise refuse(Reason.UNSUPPORTED_TYPE, f"no FB type {type_name!r}")
        try:
            res.add(name, fbtype)
        except NetworkError as failure:
            raise refuse(Reason.INVALID_STATE, str(failure)) from None
        containers.update(prefixes)
        if res.state is ResourceState.RUNNING:
            # As in FORTE, an FB created in a running resource waits in IDLE until it is started
            # itself (START <FB>, which the IDE's online change sends).
            res.set_block_state(name, FBState.IDLE)
        return OK

    def _delete_fb(self, res: Resource, name: str) -> Response:
        inst = res.network.instances.get(name)
        if inst is None:
            raise refuse(Reason.NO_SUCH_OBJECT, f"resource {res.name} has no FB {name!r}")
        if inst.rt__state is FBState.RUNNING:
            raise refuse(Reason.INVALID_STATE, f"{res.name}.{name} is running")
        self._forget_watches(res, inst)
        res.network.remove(name)
        containers = self._containers.get(res.name)
        if containers is not None:
            containers.subtract(_containers_of(name))
            for prefix in _containers_of(name):
                if containers[prefix] <= 0:
                    del containers[prefix]
        return OK

    def _connect(self, res: Resource, source: str, destination: str) -> Response:
        net = res.network
        source = function_output(res, source)
        _, _, src_kind, _ = endpoint(res, source)
        dst_fb, dst_pin, dst_kind, _ = endpoint(res, destination)
        pairs = {"event_output": "event_input", "data_output": "data_input", "plug": "socket"}
        if src_kind not in pairs:
            raise refuse(Reason.NO_SUCH_OBJECT, f"{source} is not an output")
        if dst_kind != pairs[src_kind] and not (src_kind == "data_output" and dst_kind == "inout"):
            raise refuse(Reason.NO_SUCH_OBJECT, f"{destination} is not an input for {source}")
        if src_kind == "data_output":
            existing = net.data_source(dst_fb, dst_pin)
            if existing is not None:
                raise refuse(
                    Reason.INVALID_STATE, f"{destination} already has a source ({existing.source})"
                )
        elif src_kind == "plug":
            # A plug joined to a socket (an ATimeOut plug to E_TimeOut's socket): both ends share
            # one link, as the importer joins them; the network keeps no connection object.
            from fbruntime.fourdiac.adapters import connect_adapters

            try:
                connect_adapters(net.instances, source, destination)
            except ValueError as failure:
                raise refuse(Reason.INVALID_OPERATION, str(failure)) from None
            return OK
        try:
            net.connect(source, destination)
        except ConnectionError_ as failure:
            # With the pin kinds checked above, the network refuses an event connection only
            # because it exists already (it keeps them in a set: no scan here either).
            reason = (
                Reason.INVALID_STATE if src_kind == "event_output" else Reason.INVALID_OPERATION
            )
            raise refuse(reason, str(failure)) from None
        except NetworkError as failure:
            raise refuse(Reason.NO_SUCH_OBJECT, str(failure)) from None
        return OK

    def _disconnect(self, res: Resource, source: str, destination: str) -> Response:
        source = function_output(res, source)
        endpoint(res, source)
        endpoint(res, destination)
        try:
            res.network.disconnect(source, destination)
        except NoSuchObject as failure:
            raise refuse(Reason.INVALID_STATE, str(failure)) from None
        return OK

    # -- values, forces, events ----------------------------------------------------------------

    def _force(self, res: Resource, path: str, text: str) -> Response:
        inst, pin, typ = data_pin(res, path)
        value = parse_value(typ, text, path)
        res.force(path, value)
        buffer = inst.rt__buffers.get(pin)
        if buffer is not None:
            buffer.v = value  # a forced output is mirrored into its connection at once, as FORTE
        return OK

    def _clear_force(self, res: Resource, path: str) -> Response:
        data_pin(res, path)
        res.unforce(path)
        return OK

    def _trigger(self, res: Resource, path: str) -> Response:
        inst, pin = find_pin(res, path)
        itf = inst.rt__type.interface
        if itf.event_input(pin) is not None:
            res.post(res.external_entry(inst, pin))
            return OK
        if itf.event_output(pin) is not None:
            res.post(lambda: getattr(inst, pin)())
            return OK
        raise refuse(Reason.NO_SUCH_OBJECT, f"{res.name}.{path} is not an event pin")

    def _reset_count(self, res: Resource, path: str) -> Response:
        return self._reset_event_count(res, path)

    def _read(self, res: Resource, path: str) -> Response:
        inst, pin, typ = data_pin(res, path)
        return replies.value(read_text(inst, pin, typ, current_value(inst, pin)))

    # -- lifecycle ----------------------------------------------------------------------------

    async def _resource_state(self, res: Resource, command: StateCommand) -> Response:
        state = res.state
        match command:
            case Start():
                if state not in (ResourceState.IDLE, ResourceState.STOPPED):
                    raise refuse(Reason.INVALID_STATE, f"resource {res.name} is {state.value}")
                res.start()
            case Stop():
                if state is not ResourceState.RUNNING:
                    raise refuse(Reason.INVALID_STATE, f"resource {res.name} is {state.value}")
                await res.stop()
            case Kill():
                if state is not ResourceState.RUNNING:
                    raise refuse(Reason.INVALID_STATE, f"resource {res.name} is {state.value}")
                res.kill()
            case Reset():
                if state not in (ResourceState.STOPPED, ResourceState.KILLED):
                    raise refuse(Reason.INVALID_STATE, f"resource {res.name} is {state.value}")
                res.reset()
        return OK

    def _fb_state(self, res: Resource, command: StateCommand) -> Response:
        inst = fb_instance(res, command.target)
        state = inst.rt__state
        allowed: dict[type, tuple[tuple[FBState, ...], FBState]] = {
            Start: ((FBState.IDLE, FBState.STOPPED), FBState.RUNNING),
            Stop: ((FBState.RUNNING,), FBState.STOPPED),
            Kill: ((FBState.RUNNING,), FBState.KILLED),
            Reset: ((FBState.STOPPED, FBState.KILLED), FBState.IDLE),
        }
        sources, target = allowed[type(command)]
        if state not in sources:
            raise refuse(Reason.INVALID_STATE, f"{res.name}.{command.target} is {state.value}")
        if isinstance(command, Reset):
            inst.rt__reset_values()
        res.set_block_state(command.target, target)
        return OK

    @staticmethod
    def _query_one(name: str, type_name: str, obj: Any, command: QueryFB) -> Response:
        if command.type_name == ALL:
            return replies.fb_type_of(name, type_name)
        state = obj.state if isinstance(obj, Resource) else obj.rt__state
        return replies.fb_status(state.value.upper())

    # -- types ----------------------------------------------------------------------------------

    def _query_types(self, command: Command) -> Response:
        match command:
            case QueryFBTypes():
                names = [*RESOURCE_TYPES, *type_names_of(self.resolver)]
                return replies.type_names(dict.fromkeys(names))
            case QueryDataTypes():
                return replies.type_names(ELEMENTARY_TYPES)
            case QueryAdapterTypes():
                return replies.type_names(adapter_type_names(self.resolver))
            case QueryFBType(name):
                fbtype = self.resolver(name)
                if fbtype is None:
                    raise refuse(Reason.UNSUPPORTED_TYPE, f"no FB type {name!r}")
                return replies.type_interface(declared_interface(fbtype))
            case QueryAdapterType(name):
                adapter = adapter_interface(self.resolver, name)
                if adapter is None:
                    raise refuse(Reason.UNSUPPORTED_TYPE, f"no adapter type {name!r}")
                return replies.type_interface(adapter)
        raise refuse(Reason.UNSUPPORTED_CMD, f"{type(command).__name__} is not a type query")


# -- helpers ----------------------------------------------------------------------------------


def _type_name(inst: FBInstance) -> str:
    return inst.rt__type.name


def _containers_of(name: str) -> list[str]:
    """The dotted prefixes of an FB name: ``App.Sub.FB`` -> ``App``, ``App.Sub``."""
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]
