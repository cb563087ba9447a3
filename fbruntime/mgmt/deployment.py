"""What a device was deployed, kept compact: the basis of persistence and of ``.fboot`` export.

`DeploymentRecord` is told every management command that succeeded and keeps only what rebuilds
the same device: per resource its type, the FB creations, parameter writes and connections still in
effect, and whether it runs. Compaction follows what the commands mean, so a deleted FB takes its
creation, its connections and its parameters with it, a deleted connection removes its creation,
a repeated write keeps only the last value, and a deleted resource vanishes. Lifecycle commands
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


@dataclass
class ResourceRecord:
    name: str
    type_name: str
    commands: list[Command] = field(default_factory=list)
    running: bool = False


def _fb_of(endpoint: str) -> str:
    return endpoint.rpartition(".")[0]


class DeploymentRecord:
    """The compacted deployment of one device (device-level writes live under ``""``)."""

    def __init__(self) -> None:
        self.resources: dict[str, ResourceRecord] = {}
        self.device_commands: list[Command] = []
        self.version = 0

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
                _replace_write(self.device_commands, command, destination)
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
        commands = record.commands
        match command:
            case CreateFB():
                commands.append(command)
                return True
            case DeleteFB(name):
                record.commands = [c for c in commands if not _mentions(c, name)]
                return True
            case CreateConnection():
                commands.append(command)
                return True
            case DeleteConnection(source, destination):
                created = CreateConnection(source, destination)
                if created in commands:
                    commands.remove(created)
                    return True
                return False
            case WriteParameter(_, destination):
                _replace_write(commands, command, destination)
                return True
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
            out.extend((record.name, c) for c in record.commands)
        out.extend((DEVICE, c) for c in self.device_commands)
        out.extend((r.name, Start()) for r in self.resources.values() if r.running)
        return out

    def to_store(self) -> list[StoredResource]:
        stored = [
            StoredResource(
                r.name, _rendered(r.commands), resource_type=r.type_name, running=r.running
            )
            for r in self.resources.values()
        ]
        if self.device_commands:
            stored.append(StoredResource(DEVICE, _rendered(self.device_commands)))
        return stored

    @classmethod
    def from_store(cls, stored: Sequence[Any]) -> list[tuple[str, Command]]:
        """The commands that replay a stored deployment (raises ``RequestError`` if corrupt)."""
        record = cls()
        for entry in stored:
            commands = [parse_request(text).command for text in entry.commands]
            if entry.resource == DEVICE:
                record.device_commands = commands
            else:
                record.resources[entry.resource] = ResourceRecord(
                    entry.resource, entry.resource_type or "EMB_RES", commands, entry.running
                )
        return record.commands()


def _mentions(command: Command, fb: str) -> bool:
    match command:
        case CreateFB(name):
            return name == fb
        case CreateConnection(source, destination):
            return fb in (_fb_of(source), _fb_of(destination))
        case WriteParameter(_, destination):
            return _fb_of(destination) == fb
    return False


def _replace_write(commands: list[Command], command: Command, destination: str) -> None:
    commands[:] = [
        c for c in commands if not (isinstance(c, WriteParameter) and c.destination == destination)
    ]
    commands.append(command)


def _rendered(commands: Iterable[Command]) -> tuple[str, ...]:
    return tuple(render_request(i, c) for i, c in enumerate(commands, start=1))
