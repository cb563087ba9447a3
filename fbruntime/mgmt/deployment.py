"""What a device was deployed, kept compact: the basis of persistence and of ``.fboot`` export.

`DeploymentRecord` is told every management command that succeeded and keeps only what rebuilds
the same device: per resource its type, the FB creations, parameter writes and connections still in
effect, and whether it runs. Compaction follows what the commands mean, so a deleted FB takes its
creation, its connections and its parameters with it (writes to the pins of FBs inside it too,
``B.Cycle.DT`` for an FB ``B``), a deleted connection removes its creation, a repeated write keeps
only the last value, and a deleted resource vanishes. Each of these costs what it changes, never
a pass over the whole deployment, so a 20,000-FB deployment is recorded in linear time. Lifecycle commands
only set ``running``; watches, forces and triggers are debugging and are not kept (FORTE does not
keep them across a restart either).

Replaying `commands()` on an empty device rebuilds it. `StoredResource` is the stored form (one
per resource, plus ``""`` for device-level writes), field for field the ``ResourceDeployment`` of
``fbruntime.store``, which this layer may not import (the store sits above it); the store's
repository takes these as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fbruntime.mgmt.commands import (
    Command,
    CreateConnection,
    CreateFB,
    DeleteConnection,
    DeleteFB,
    Kill,
    Reset,
    Start,
    Stop,
    WriteParameter,
)
from fbruntime.mgmt.requests import parse_request, render_request

DEVICE = ""


@dataclass(frozen=True)
class StoredResource:
    resource: str
    commands: tuple[str, ...] = ()
    resource_type: str | None = None
    running: bool = False


Key = tuple[str, ...]
"""What a kept command is about: ``("fb", name)``, ``("conn", source, destination)`` or
``("write", destination)``; a later command with the same key replaces the earlier one."""


@dataclass
class ResourceRecord:
    """One resource's kept commands, in the order they were first given.

    ``entries`` is keyed by what a command is about, so a repeated WRITE replaces the earlier one
    and a DELETE finds its CREATE without a scan; ``by_fb`` lists the keys that mention each FB
    (its creation, its connections, the writes to its pins and to the pins of FBs inside it), so
    deleting an FB costs what it takes with it, not the size of the deployment.
    """

    name: str
    type_name: str
    running: bool = False
    entries: dict[Key, Command] = field(default_factory=dict)
    by_fb: dict[str, set[Key]] = field(default_factory=dict)

    @property
    def commands(self) -> list[Command]:
        return list(self.entries.values())

    def keep(self, command: CreateFB | CreateConnection | WriteParameter) -> None:
        key: Key
        owners: tuple[str, ...]
        match command:
            case CreateFB(name):
                key, owners = ("fb", name), (name,)
            case CreateConnection(source, destination):
                key = ("conn", source, destination)
                owners = (self.owner(source), self.owner(destination))
            case WriteParameter(_, destination):
                key, owners = ("write", destination), (self.owner(destination),)
        self.entries.pop(key, None)  # a replaced command moves to the end, as it was given last
        self.entries[key] = command
        for fb in owners:
            self.by_fb.setdefault(fb, set()).add(key)

    def drop_fb(self, name: str) -> None:
        # A key may outlive its entry in another FB's set; it still names that FB, so removing
        # whatever holds that key when that FB goes is right.
        for key in self.by_fb.pop(name, set()):
            self.entries.pop(key, None)

    def drop_connection(self, source: str, destination: str) -> bool:
        return self.entries.pop(("conn", source, destination), None) is not None

    def owner(self, path: str) -> str:
        """The FB a pin path belongs to: the recorded FB whose name is a prefix of it (names
        may contain dots; ``App.B.Cycle.DT`` belongs to ``App.B``), else what precedes the last
        dot (``START.COLD``: the resource's own E_RESTART, which no CREATE made)."""
        dot = path.find(".")
        while dot != -1:
            if ("fb", path[:dot]) in self.entries:
                return path[:dot]
            dot = path.find(".", dot + 1)
        return path.rpartition(".")[0]


class DeploymentRecord:
    """The compacted deployment of one device (device-level writes live under ``""``)."""

    def __init__(self) -> None:
        self.resources: dict[str, ResourceRecord] = {}
        self.device_writes: dict[str, Command] = {}
        self.version = 0

    @property
    def size(self) -> int:
        """How many commands rebuild the device (what a snapshot of it stores)."""
        return len(self.device_writes) + sum(1 + len(r.entries) for r in self.resources.values())

    def apply(self, dst: str, command: Command) -> bool:
        """Note a command that succeeded; returns whether the record changed."""
        changed = self._device(command) if dst == DEVICE else self._resource(dst, command)
        if changed:
            self.version += 1
        return changed

    def _device(self, command: Command) -> bool:
        match command:
            case CreateFB(name, type_name):
                self.resources[name] = ResourceRecord(name, type_name)
                return True
            case DeleteFB(name):
                return self.resources.pop(name, None) is not None
            case WriteParameter(_, destination):
                self.device_writes.pop(destination, None)
                self.device_writes[destination] = command
                return True
            case Start(target) | Stop(target) | Kill(target) | Reset(target):
                running = isinstance(command, Start)
                if isinstance(command, Reset):
                    return False
                names = [target] if target else list(self.resources)
                changed = False
                for name in names:
                    record = self.resources.get(name)
                    if record is not None and record.running != running:
                        record.running = running
                        changed = True
                return changed
        return False

    def _resource(self, dst: str, command: Command) -> bool:
        record = self.resources.get(dst)
        if record is None:
            return False
        match command:
            case CreateFB() | CreateConnection() | WriteParameter():
                record.keep(command)
                return True
            case DeleteFB(name):
                record.drop_fb(name)
                return True
            case DeleteConnection(source, destination):
                return record.drop_connection(source, destination)
            case Start(""):
                changed = not record.running
                record.running = True
                return changed
            case Stop("") | Kill(""):
                changed = record.running
                record.running = False
                return changed
        return False

    # -- views ------------------------------------------------------------------------------

    def commands(self) -> list[tuple[str, Command]]:
        """``(dst, command)`` pairs that rebuild the device, STARTs last, as the IDE orders them."""
        out: list[tuple[str, Command]] = []
        for record in self.resources.values():
            out.append((DEVICE, CreateFB(record.name, record.type_name)))
            out.extend((record.name, c) for c in record.entries.values())
        out.extend((DEVICE, c) for c in self.device_writes.values())
        out.extend((r.name, Start()) for r in self.resources.values() if r.running)
        return out

    def to_store(self) -> list[StoredResource]:
        stored = [
            StoredResource(
                r.name, _rendered(r.entries.values()), resource_type=r.type_name, running=r.running
            )
            for r in self.resources.values()
        ]
        if self.device_writes:
            stored.append(StoredResource(DEVICE, _rendered(self.device_writes.values())))
        return stored

    @classmethod
    def from_stored(cls, stored: Sequence[Any]) -> DeploymentRecord:
        """The record a stored snapshot describes (raises ``RequestError`` if one is corrupt)."""
        record = cls()
        for entry in stored:
            commands = [parse_request(text).command for text in entry.commands]
            if entry.resource == DEVICE:
                for command in commands:
                    record.apply(DEVICE, command)
                continue
            kept = record.resources[entry.resource] = ResourceRecord(
                entry.resource, entry.resource_type or "EMB_RES", entry.running
            )
            for command in commands:
                if isinstance(command, CreateFB | CreateConnection | WriteParameter):
                    kept.keep(command)
        return record


def _rendered(commands: Iterable[Command]) -> tuple[str, ...]:
    return tuple(render_request(i, c) for i, c in enumerate(commands, start=1))
