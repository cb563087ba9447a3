"""The ``loc`` layer: in-process publish/subscribe groups, FORTE's ``localcomlayer.cpp``.

A group is named by ``loc[name]`` and lives in the process (so it links resources and devices
that run in one fbrt process). The first member fixes the group's data types (its number of SD
or RD pins and their types where known); a later member whose pins differ is refused, which the
blocks report as ``INVALID_ID``. A publish hands copies of the values to every subscriber, with
no encoding; the subscriber turns them into an external event of its own resource. The group
disappears when its last member leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fbruntime.comm.ids import CommIdError
from fbruntime.iec import IecType

__all__ = ["LOCAL_GROUPS", "LocalGroup", "LocalGroups", "Membership"]

Deliver = Callable[[list[Any], list[IecType | None]], None]


class LocalGroup:
    def __init__(self, name: str, types: Sequence[IecType | None]) -> None:
        self.name = name
        self.types: list[IecType | None] = list(types)
        self.publishers: list[Membership] = []
        self.subscribers: list[Membership] = []

    def accepts(self, types: Sequence[IecType | None]) -> str | None:
        """Why pins of ``types`` cannot join (None: they can); unknown types match anything."""
        if len(types) != len(self.types):
            return f"group {self.name!r} carries {len(self.types)} values, not {len(types)}"
        for i, (mine, theirs) in enumerate(zip(self.types, types, strict=True), 1):
            if mine is not None and theirs is not None and mine != theirs:
                return f"value {i} of group {self.name!r} is {mine.name}, not {theirs.name}"
        return None

    def learn(self, types: Sequence[IecType | None]) -> None:
        self.types = [mine or theirs for mine, theirs in zip(self.types, types, strict=True)]

    def publish(self, values: Sequence[tuple[IecType | None, Any]]) -> int:
        """Hand the values to every subscriber; the number reached."""
        types = [t for t, _ in values]
        for sub in list(self.subscribers):
            if sub.deliver is not None:
                sub.deliver([v if t is None else t.copy(v) for t, v in values], types)
        return len(self.subscribers)


class Membership:
    """One block's place in a group; ``close`` leaves it."""

    def __init__(self, groups: LocalGroups, group: LocalGroup, deliver: Deliver | None) -> None:
        self.groups = groups
        self.group: LocalGroup | None = group
        self.deliver = deliver

    def publish(self, values: Sequence[tuple[IecType | None, Any]]) -> int:
        if self.group is None:
            return 0
        return self.group.publish(values)

    def close(self) -> None:
        group, self.group = self.group, None
        if group is not None:
            self.groups.leave(group, self)


class LocalGroups:
    """Every group of the process, by name."""

    def __init__(self) -> None:
        self.groups: dict[str, LocalGroup] = {}

    def join(
        self, name: str, types: Sequence[IecType | None], deliver: Deliver | None = None
    ) -> Membership:
        """Join as a publisher (``deliver`` None) or a subscriber; CommIdError if refused."""
        group = self.groups.get(name)
        if group is None:
            group = self.groups[name] = LocalGroup(name, types)
        else:
            why = group.accepts(types)
            if why is not None:
                raise CommIdError(f"ID 'loc[{name}]': {why}")
            group.learn(types)
        member = Membership(self, group, deliver)
        (group.publishers if deliver is None else group.subscribers).append(member)
        return member

    def leave(self, group: LocalGroup, member: Membership) -> None:
        for members in (group.publishers, group.subscribers):
            if member in members:
                members.remove(member)
        if not group.publishers and not group.subscribers:
            self.groups.pop(group.name, None)


LOCAL_GROUPS = LocalGroups()
