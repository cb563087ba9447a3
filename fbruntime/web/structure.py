"""The shape of one level of an application's FB network, as the page draws it.

A *level* is a place the user can look into: the application's top (its one block, the inside of
its composite, or the resources of a system), a resource's network, or the inside of a composite
instance. Every block and pin path here is its one name (``fbruntime.core.device``): what REST,
the event stream, logs and the CLI print (``Filter.GAIN`` for an app made from a type,
``App.Block.PIN`` for a system, ``RES2.START.COLD`` only where another resource holds a block of
that name), so the page shows the names the rest of fbrt uses and any of them can be given
straight back to the values, events and forces routes. Levels are addressed by the same names
(a resource's own level by the resource's name); the resource-qualified form is accepted too.

Subapps of 4diac systems are flattened by the importer into dotted instance names
(``App.Sub.FB``); a level groups such names by their next segment into *group* boxes that open
like composites, so the user still sees the structure they drew in the IDE.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fbruntime.core import FBInstance, Network, NoSuchObject, Resource
from fbruntime.core.interface import Interface
from fbruntime.fourdiac.drawing import Drawing, SubappPins, drawing_of
from fbruntime.orchestrator import Application, PinNotFound, WrongState
from fbruntime.web.faults import fault_dict

__all__ = [
    "Level",
    "block_status",
    "describe_level",
    "interface_dict",
    "join",
    "resolve_level",
]


def join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def place_name(app: Application, res: Resource, inner: str) -> str:
    """The one name of a place inside ``res`` (a system's): a block, as ``Device.name_of``
    gives it, or a flattened subapp group, prefixed with the resource's name only when another
    resource holds a group or block of that name (an application mapped to several resources
    has a group in each). ``""`` is the resource itself."""
    if not inner:
        return res.name
    if _top_block(res.network, inner) is not None:
        return app.pin_name(res, inner)
    device = _device(app)
    if any(_holds(r, inner) for r in device.resources.values() if r is not res):
        return f"{res.name}.{inner}"
    return inner


def _top_block(net: Network, path: str) -> str | None:
    parts = path.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in net.instances:
            return ".".join(parts[:n])
    return None


def _holds(res: Resource, inner: str) -> bool:
    """Whether ``inner`` names a block (or a block inside a composite) or a group of ``res``."""
    if _is_group_of(res.network, inner):
        return True
    try:
        _, pin = res.find(inner)
    except NoSuchObject:
        return False
    return pin is None


def _is_group_of(net: Network, prefix: str) -> bool:
    head = prefix + "."
    return prefix not in net.instances and any(name.startswith(head) for name in net.instances)


@dataclass
class Level:
    """What a level shows: its blocks (instance, app path) and the network they live in."""

    path: str
    resource: Resource | None
    network: Network | None
    owner: FBInstance | None  # the composite whose inside this is (its pins are the border)
    owner_path: str
    blocks: list[tuple[str, FBInstance, str]]  # (name shown, instance, app path)
    groups: list[tuple[str, str]]  # (name shown, level path) of flattened subapps
    resources: list[str]  # a system's top level lists its resources
    prefix: str  # the instance-name prefix of a flattened subapp level ("App.Sub.")
    inner: str = ""  # a system's level: its path inside its resource (for the breadcrumbs)


def _device(app: Application) -> Any:
    if app.device is None:
        raise WrongState(f"application {app.name!r} failed to load: {app.error}")
    return app.device


def resolve_level(app: Application, path: str) -> Level:
    """The level at ``path`` (``""`` is the application's top); PinNotFound if there is none."""
    device = _device(app)
    path = path.strip(".")
    if app.root is not None:
        res = next(iter(device.resources.values()))
        try:
            inst, pin = res.find(join(app.root, path))
        except NoSuchObject as exc:
            raise PinNotFound(f"application {app.name!r}: {exc}") from None
        if pin is not None:
            raise PinNotFound(f"application {app.name!r}: {path!r} is a pin, not a block")
        return _inside(res, inst, path)
    if not path:
        return Level("", None, None, None, "", [], [], list(device.resources), "")
    res, inner = _place(app, device, path)
    if not inner:
        return _flat(app, res, "", "")
    name = place_name(app, res, inner)
    if _is_group_of(res.network, inner):
        return _flat(app, res, name, inner + ".")
    try:
        inst, pin = res.find(inner)
    except NoSuchObject as exc:
        raise PinNotFound(f"application {app.name!r}: {exc}") from None
    if pin is not None:
        raise PinNotFound(f"application {app.name!r}: {path!r} is a pin, not a block")
    level = _inside(res, inst, name)
    level.inner = inner
    return level


def _place(app: Application, device: Any, path: str) -> tuple[Resource, str]:
    """The resource a system's level path lies in and the path inside it: a resource's name
    (``RES``), a resource-qualified path (``RES.App.FB``) or a one name (``App.FB``)."""
    res_name, _, rest = path.partition(".")
    res = device.resources.get(res_name)
    if res is not None:
        return res, rest
    holders = [r for r in device.resources.values() if _holds(r, path)]
    if len(holders) == 1:
        return holders[0], path
    if holders:
        which = ", ".join(f"{r.name}.{path}" for r in holders)
        raise PinNotFound(
            f"application {app.name!r}: {path!r} is in several resources; say {which}"
        )
    raise PinNotFound(f"application {app.name!r}: no resource, block or subapp named {path!r}")


def _inside(res: Resource, inst: FBInstance, path: str) -> Level:
    inner = getattr(inst, "rt__network", None)
    if not isinstance(inner, Network):
        # A basic block: the level shows the block alone.
        return Level(path, res, None, None, "", [(inst.rt__name, inst, path)], [], [], "")
    blocks = [(name, child, join(path, name)) for name, child in inner.instances.items()]
    return Level(path, res, inner, inst, path, blocks, [], [], "")


def _flat(app: Application, res: Resource, path: str, prefix: str) -> Level:
    """A resource network, or a flattened subapp of it: dotted names grouped by next segment."""
    net = res.network
    blocks: list[tuple[str, FBInstance, str]] = []
    groups: dict[str, str] = {}
    for name, inst in net.instances.items():
        if not name.startswith(prefix):
            continue
        rest = name[len(prefix) :]
        head, dot, _ = rest.partition(".")
        if dot and _is_group(net, prefix + head):
            if head not in groups:
                groups[head] = place_name(app, res, prefix + head)
        else:
            blocks.append((rest, inst, app.pin_name(res, name)))
    level = Level(path or res.name, res, net, None, "", blocks, list(groups.items()), [], prefix)
    level.inner = prefix[:-1]
    return level


def _is_group(net: Network, name: str) -> bool:
    # An instance may itself be named with dots; only a prefix no instance has is a group.
    return name not in net.instances


def interface_dict(itf: Interface) -> dict[str, Any]:
    def events(ports: Any) -> list[dict[str, Any]]:
        return [{"name": p.name, "with": [w for w in p.with_ if w]} for p in ports]

    def data(ports: Any) -> list[dict[str, Any]]:
        return [{"name": p.name, "type": p.type.name} for p in ports]

    return {
        "event_inputs": events(itf.event_inputs),
        "event_outputs": events(itf.event_outputs),
        "data_inputs": data(itf.data_inputs),
        "data_outputs": data(itf.data_outputs),
        "inouts": data(itf.inouts),
        "sockets": [{"name": p.name, "type": p.type_name} for p in itf.sockets],
        "plugs": [{"name": p.name, "type": p.type_name} for p in itf.plugs],
    }


def block_status(inst: FBInstance) -> dict[str, Any]:
    """What changes about a block while it runs: state, ECC state, forced pins, last fault."""
    fault = inst.rt__fault
    ecc = getattr(inst, "rt__state_name", None)
    return {
        "state": inst.rt__state.value,
        "ecc": ecc() if callable(ecc) else None,
        "forced": sorted(inst.rt__forced),
        "fault": None if fault is None else fault_dict(fault, inst.rt__type),
    }


def _block(
    name: str,
    inst: FBInstance,
    path: str,
    pos: tuple[float, float] | None,
    sources: dict[str, str],
) -> dict[str, Any]:
    return {
        "id": path,
        "name": name,
        "path": path,
        "type": inst.rt__type.name,
        "kind": inst.rt__type.kind,
        **block_status(inst),
        "openable": isinstance(getattr(inst, "rt__network", None), Network),
        "interface": interface_dict(inst.rt__type.interface),
        "pos": None if pos is None else list(pos),
        "connected": sources,  # data input -> the output that feeds it (writes get overwritten)
    }


def _crumbs(app: Application, level: Level) -> list[dict[str, str]]:
    """The way down to ``level``: the application, a system's resource, then each block or
    subapp, each crumb addressed by its one name."""
    crumbs = [{"label": app.name, "path": ""}]
    res = level.resource
    if app.root is not None or res is None:
        parts = [p for p in level.path.split(".") if p]
        for i, part in enumerate(parts):
            crumbs.append({"label": part, "path": ".".join(parts[: i + 1])})
        return crumbs
    crumbs.append({"label": res.name, "path": res.name})
    parts = [p for p in level.inner.split(".") if p]
    for i, part in enumerate(parts):
        crumbs.append({"label": part, "path": place_name(app, res, ".".join(parts[: i + 1]))})
    return crumbs


def _pins_dict(pins: SubappPins) -> dict[str, Any]:
    """A subapp's own pins in the shape of :func:`interface_dict`."""
    return {
        "event_inputs": [{"name": n, "with": []} for n in pins.event_inputs],
        "event_outputs": [{"name": n, "with": []} for n in pins.event_outputs],
        "data_inputs": [{"name": n, "type": t} for n, t in pins.data_inputs],
        "data_outputs": [{"name": n, "type": t} for n, t in pins.data_outputs],
        "inouts": [],
        "sockets": [],
        "plugs": [],
    }


def _sources(net: Network | None) -> dict[int, dict[str, str]]:
    """Per instance (by id), its connected data inputs and what feeds each."""
    out: dict[int, dict[str, str]] = {}
    if net is None:
        return out
    for conn in net.data_connections:
        if conn.dst_fb is None:
            continue
        src = conn.src_pin if conn.src_fb is None else f"{conn.src_fb.rt__name}.{conn.src_pin}"
        out.setdefault(id(conn.dst_fb), {})[conn.dst_pin] = src
    return out


def describe_level(app: Application, path: str) -> dict[str, Any]:
    """The level as JSON: blocks with their pins and positions, groups (subapps with their own
    pins), the border (a composite's or subapp's interface, seen from inside), connections."""
    level = resolve_level(app, path)
    drawing = drawing_of(level.resource.network) if level.resource is not None else None
    container = level.prefix[:-1]
    positions: dict[str, tuple[float, float]] = {}
    if level.owner is not None:
        positions = dict(getattr(level.owner.rt__type, "positions", None) or {})
    elif drawing is not None:
        positions = {
            name: xy for name, xy in drawing.positions.items() if name.startswith(level.prefix)
        }
    sources = _sources(level.network)
    blocks = []
    for name, inst, p in level.blocks:
        key = name if level.owner is not None else inst.rt__name
        blocks.append(_block(name, inst, p, positions.get(key), sources.get(id(inst), {})))
    groups = []
    for name, gpath in level.groups:
        full = level.prefix + name
        pins = drawing.subapps.get(full) if drawing is not None else None
        pos = positions.get(full)
        groups.append(
            {
                "id": gpath,
                "name": name,
                "path": gpath,
                "subapp": pins is not None,
                # a 4diac resource groups its applications' FBs; other dotted names are subapps
                "kind": "application"
                if drawing is not None and not level.prefix and pins is None
                else "subapplication",
                "interface": None if pins is None else _pins_dict(pins),
                "pos": None if pos is None else list(pos),
            }
        )
    border: dict[str, Any] | None = None
    if level.owner is not None:
        border = {
            "path": level.owner_path,
            "type": level.owner.rt__type.name,
            "interface": interface_dict(level.owner.rt__type.interface),
        }
    elif drawing is not None and container in drawing.subapps:
        border = {
            "path": level.path,
            "type": "subapplication " + container.rpartition(".")[2],
            "interface": _pins_dict(drawing.subapps[container]),
            "subapp": True,
        }
    if drawing is not None and level.owner is None and level.network is not None:
        connections = _drawn_connections(level, drawing, container, border is not None)
    else:
        connections = _flat_connections(level)
    return {
        "app": app.name,
        "kind": app.kind,
        "level": level.path,
        "crumbs": _crumbs(app, level),
        "state": app.state,
        "error": app.error,
        "border": border,
        "blocks": blocks,
        "groups": groups,
        "resources": [{"id": r, "name": r, "path": r} for r in level.resources],
        "connections": connections,
        "positioned": bool(positions),
    }


def _drawn_connections(
    level: Level, drawing: Drawing, container: str, has_border: bool
) -> list[dict[str, Any]]:
    """The connections drawn in this level's network, ending on subapp pins where drawn so."""
    blocks = {inst.rt__name: p for _, inst, p in level.blocks}
    groups = {level.prefix + name: g for name, g in level.groups}

    def end(where: tuple[str, str]) -> tuple[str, str] | None:
        element, pin = where
        if element == container and has_border:
            return "", pin
        if element in blocks:
            return blocks[element], pin
        if element in groups:
            return groups[element], pin
        for full, gpath in groups.items():  # an application's FB seen from its resource
            if element.startswith(full + "."):
                return gpath, f"{element[len(full) + 1 :]}.{pin}"
        return None

    out: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    for conn in drawing.connections:
        if conn.container != container or conn.kind == "adapter":
            continue
        src, dst = end(conn.source), end(conn.destination)
        if src is None or dst is None:
            continue
        key = (conn.kind, *src, *dst)
        if key not in seen:
            seen.add(key)
            out.append(
                {
                    "kind": conn.kind,
                    "from": {"block": src[0], "pin": src[1]},
                    "to": {"block": dst[0], "pin": dst[1]},
                }
            )
    return out


def _flat_connections(level: Level) -> list[dict[str, Any]]:
    """The engine's connections at this level (no drawing: a composite, a Python network)."""
    by_id = {id(inst): p for _, inst, p in level.blocks}
    group_of: dict[int, tuple[str, str]] = {}  # instance -> (group path, its name prefix)
    if level.network is not None:
        for head, gpath in level.groups:
            for name, inst in level.network.instances.items():
                if name.startswith(level.prefix + head + "."):
                    group_of[id(inst)] = (gpath, level.prefix + head + ".")
    group_paths = {gpath for _, gpath in level.groups}
    connections: list[dict[str, Any]] = []
    if level.network is None:
        return connections
    seen: set[tuple[str, str, str, str, str]] = set()
    for conn in [*level.network.event_connections, *level.network.data_connections]:
        src = _end(conn.src_fb, conn.src_pin, by_id, group_of, level)
        dst = _end(conn.dst_fb, conn.dst_pin, by_id, group_of, level)
        if src is None or dst is None:
            continue
        if src[0] == dst[0] and src[0] in group_paths:
            continue  # inside one group: drawn when the group is opened
        key = (conn.kind, *src, *dst)
        if key in seen:
            continue
        seen.add(key)
        connections.append(
            {
                "kind": conn.kind,
                "from": {"block": src[0], "pin": src[1]},
                "to": {"block": dst[0], "pin": dst[1]},
            }
        )
    return connections


def _end(
    inst: FBInstance | None,
    pin: str,
    by_id: dict[int, str],
    group_of: dict[int, tuple[str, str]],
    level: Level,
) -> tuple[str, str] | None:
    """The box an end is drawn on (a block, a group, the border ``""``) and its pin; None when
    the end lies outside the level."""
    if inst is None:
        return ("", pin) if level.owner is not None else None
    if id(inst) in by_id:
        return by_id[id(inst)], pin
    group = group_of.get(id(inst))
    if group is not None:
        gpath, prefix = group
        return gpath, f"{inst.rt__name.removeprefix(prefix)}.{pin}"
    return None
