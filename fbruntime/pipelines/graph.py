"""The shape of a pipeline: who waits for whom, in which order things can run.

:class:`TaskGraph` is built once from an acyclic ``task id -> dependencies`` mapping and answers
the runner's questions: the stable run order, the layers that can run in parallel, what is
upstream of a task (what a dependent param may refer to), and what is downstream of a failed
task (what to skip now, and what to run again on "rerun from failure").

"Stable" means ties are broken by the order tasks appear in the config, so the same config always
gives the same order, the same layers and the same listings.

:func:`find_cycles` and :func:`reaches` are separate because a graph with a cycle cannot become a
TaskGraph: the validator and the 4diac importer ask them before there is one.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property

__all__ = ["TaskGraph", "find_cycles", "reaches"]


def reaches(dependencies: Mapping[str, Iterable[str]], task: str, target: str) -> bool:
    """Whether ``task`` waits for ``target``, in a graph that may have cycles."""
    seen = {task}
    todo = [task]
    while todo:
        for dep in dependencies.get(todo.pop(), ()):
            if dep == target:
                return True
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return False


def find_cycles(dependencies: Mapping[str, Sequence[str]]) -> list[tuple[str, ...]]:
    """One cycle per tangle of tasks that wait on each other, in run direction.

    Each cycle starts and ends with the same task, the one of its tangle that comes first in
    the mapping: ``("a", "b", "c", "a")`` reads "a runs before b, b before c, c before a".
    Dependencies on ids not in the mapping are ignored (the validator reports them apart).
    Iterative Tarjan, so a 10,000-task chain does not hit the recursion limit.
    """
    ids = list(dependencies)
    position = {task: index for index, task in enumerate(ids)}
    edges: list[list[int]] = [
        [position[dep] for dep in dependencies[task] if dep in position] for task in ids
    ]
    index_of = [-1] * len(ids)
    low = [0] * len(ids)
    on_stack = [False] * len(ids)
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(len(ids)):
        if index_of[root] >= 0:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, edge = work[-1]
            if edge < len(edges[node]):
                work[-1] = (node, edge + 1)
                target = edges[node][edge]
                if index_of[target] < 0:
                    index_of[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack[target] = True
                    work.append((target, 0))
                elif on_stack[target]:
                    low[node] = min(low[node], index_of[target])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    components.append(component)
    cycles = [_cycle_in(sorted(component), edges, ids) for component in components]
    cycles.sort(key=lambda cycle: position[cycle[0]])
    return cycles


def _cycle_in(component: list[int], edges: list[list[int]], ids: list[str]) -> tuple[str, ...]:
    """The shortest cycle through the component's first task (breadth-first over dependencies)."""
    start = component[0]
    members = set(component)
    came_from: dict[int, int] = {}
    frontier = [start]
    while frontier:
        following: list[int] = []
        for node in frontier:
            for target in edges[node]:
                if target not in members:
                    continue
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    # `start` waits for the end of `path` and so on back to `node`, which waits
                    # for `start`: in run direction that is start -> node -> ... -> start.
                    return (ids[start], *(ids[i] for i in path))
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    raise AssertionError("a strongly connected component always holds a cycle")


class TaskGraph:
    """An acyclic graph of tasks; ``ValueError`` if the mapping is not one."""

    def __init__(self, dependencies: Mapping[str, Sequence[str]]) -> None:
        self._ids: tuple[str, ...] = tuple(dependencies)
        self._position: dict[str, int] = {task: i for i, task in enumerate(self._ids)}
        deps: dict[str, tuple[str, ...]] = {}
        dependents: dict[str, list[str]] = {task: [] for task in self._ids}
        for task in self._ids:
            seen: dict[str, None] = {}
            for dep in dependencies[task]:
                if dep not in self._position:
                    raise ValueError(f"task {task!r} depends on unknown task {dep!r}")
                seen[dep] = None
            deps[task] = tuple(seen)
            for dep in seen:
                dependents[dep].append(task)
        self._dependencies = deps
        self._dependents = {task: tuple(after) for task, after in dependents.items()}
        cycles = find_cycles(deps)
        if cycles:
            raise ValueError("dependency cycle: " + " -> ".join(cycles[0]))

    @property
    def ids(self) -> tuple[str, ...]:
        """Task ids in config order."""
        return self._ids

    def __contains__(self, task: object) -> bool:
        return task in self._position

    def __len__(self) -> int:
        return len(self._ids)

    def dependencies(self, task: str) -> tuple[str, ...]:
        return self._dependencies[task]

    def dependents(self, task: str) -> tuple[str, ...]:
        return self._dependents[task]

    @cached_property
    def roots(self) -> tuple[str, ...]:
        """Tasks that can start at once."""
        return tuple(task for task in self._ids if not self._dependencies[task])

    @cached_property
    def leaves(self) -> tuple[str, ...]:
        """Tasks nothing waits for: their results are the pipeline's results."""
        return tuple(task for task in self._ids if not self._dependents[task])

    @cached_property
    def order(self) -> tuple[str, ...]:
        """A run order: each task after its dependencies, otherwise as in the config."""
        position = self._position
        waiting = {task: len(deps) for task, deps in self._dependencies.items()}
        ready = [position[task] for task in self.roots]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            task = self._ids[heapq.heappop(ready)]
            order.append(task)
            for after in self._dependents[task]:
                waiting[after] -= 1
                if waiting[after] == 0:
                    heapq.heappush(ready, position[after])
        return tuple(order)

    @cached_property
    def layers(self) -> tuple[tuple[str, ...], ...]:
        """Tasks grouped by depth: layer n needs only layers before it, so each can run at once."""
        depth: dict[str, int] = {}
        for task in self.order:
            deps = self._dependencies[task]
            depth[task] = 1 + max(depth[dep] for dep in deps) if deps else 0
        layers: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
        for task in self._ids:
            layers[depth[task]].append(task)
        return tuple(tuple(layer) for layer in layers)

    def _closure(
        self,
        start: str | Iterable[str],
        step: Mapping[str, tuple[str, ...]],
        include_self: bool,
    ) -> tuple[str, ...]:
        starts = [start] if isinstance(start, str) else list(start)
        for task in starts:
            if task not in self._position:
                raise KeyError(f"unknown task {task!r}")
        seen: set[str] = set(starts) if include_self else set()
        todo = list(starts)
        while todo:
            for other in step[todo.pop()]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        # Sorting what was found, not filtering the whole order: O(k log k) for k tasks found,
        # so skipping after each of many failures in a big pipeline stays cheap.
        return tuple(sorted(seen, key=self._position.__getitem__))

    def upstream(
        self, tasks: str | Iterable[str], *, include_self: bool = False
    ) -> tuple[str, ...]:
        """Everything the tasks wait for, directly or not, in run order."""
        return self._closure(tasks, self._dependencies, include_self)

    def downstream(
        self, tasks: str | Iterable[str], *, include_self: bool = False
    ) -> tuple[str, ...]:
        """Everything that waits for the tasks, directly or not, in run order.

        ``downstream(failed)`` is what to skip after a failure; ``downstream(failed,
        include_self=True)`` is what to run again on "rerun from the failed tasks".
        """
        return self._closure(tasks, self._dependents, include_self)

    @cached_property
    def _ancestor_bits(self) -> dict[str, int]:
        # One big-int bitset of ancestors per task: answers "is a upstream of b" for every
        # dependent param in a 10,000-task pipeline without walking the graph each time.
        position = self._position
        bits: dict[str, int] = {}
        for task in self.order:
            mask = 0
            for dep in self._dependencies[task]:
                mask |= bits[dep] | (1 << position[dep])
            bits[task] = mask
        return bits

    def is_upstream(self, candidate: str, task: str) -> bool:
        """Whether ``task`` (transitively) waits for ``candidate``."""
        return bool(self._ancestor_bits[task] >> self._position[candidate] & 1)
