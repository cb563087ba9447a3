"""Pools: named limits on how many tasks run at once, shared by every run of the service.

``"pool": "weather_api"`` on a task (or on a mapped task: then per item) means an attempt runs
only while it holds one of the pool's slots, so "at most 2 calls to the weather API at once"
holds across all runs and pipelines. Sizes come from the service (``PipelineService(pools=...)``,
``fbrt serve``/``fbrt pipeline run --pool NAME=SIZE``, ``PUT /api/pools/{name}``); a pool the
service does not set takes the size pipelines declare in ``"pools"``, the smallest if they
differ (a limit protects something, so the strictest one wins).

A task that becomes ready asks for its slot *before* it takes a worker: while it waits it holds
neither, so a full pool never blocks the run's other tasks (the per-run ``max_parallel``
workers). Slots are handed out first come, first served across runs. An attempt gives its slot
back when it ends; a retry waits for a slot again after its delay (a task waiting to retry
holds none).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["Pool", "PoolRegistry", "parse_pool_sizes"]

Grant = Callable[[], None]


class Pool:
    """One named limit: ``size`` slots, ``in_use`` taken, grants waiting in order."""

    __slots__ = ("in_use", "name", "size", "waiting")

    def __init__(self, name: str, size: int) -> None:
        if size < 1:
            raise ValueError(f"pool {name!r} must allow at least 1 task at once, got {size}")
        self.name = name
        self.size = size
        self.in_use = 0
        self.waiting: deque[Grant] = deque()

    def request(self, grant: Grant) -> None:
        """Call ``grant`` once a slot is held for the caller: now, or when one is released."""
        if self.in_use < self.size and not self.waiting:
            self.in_use += 1
            grant()
        else:
            self.waiting.append(grant)

    def withdraw(self, grant: Grant) -> bool:
        """Stop waiting (a cancelled run); ``False`` if ``grant`` was not waiting."""
        try:
            self.waiting.remove(grant)
        except ValueError:
            return False
        return True

    def release(self) -> None:
        """Give a slot back; the next waiter gets it at once."""
        if self.waiting and self.in_use <= self.size:
            self.waiting.popleft()()  # the slot passes on; in_use stays
            return
        self.in_use -= 1
        self._fill()

    def resize(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"pool {self.name!r} must allow at least 1 task at once, got {size}")
        self.size = size
        self._fill()

    def _fill(self) -> None:
        while self.waiting and self.in_use < self.size:
            self.in_use += 1
            self.waiting.popleft()()

    async def acquire(self) -> None:
        """Wait for a slot (used by retries, whose worker is already taken)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def grant() -> None:
            if future.done():  # cancelled meanwhile: the slot goes straight back
                self.release()
            else:
                future.set_result(None)

        self.request(grant)
        try:
            await future
        except asyncio.CancelledError:
            if not self.withdraw(grant) and future.done() and not future.cancelled():
                self.release()
            raise

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "in_use": self.in_use,
            "waiting": len(self.waiting),
        }


class PoolRegistry:
    """Every pool of a service: sizes set on the service win over sizes pipelines declare."""

    def __init__(self, sizes: Mapping[str, int] | None = None) -> None:
        self._set: dict[str, int] = {}
        self._declared: dict[str, dict[str, int]] = {}  # pool -> {dag_id: size}
        self._pools: dict[str, Pool] = {}
        for name, size in (sizes or {}).items():
            self.set_size(name, size)

    def names(self) -> frozenset[str]:
        """Pools with a size (set on the service or declared by a pipeline)."""
        return frozenset(self._set) | frozenset(
            name for name, by_dag in self._declared.items() if by_dag
        )

    def size_of(self, name: str) -> int | None:
        if name in self._set:
            return self._set[name]
        declared = self._declared.get(name)
        return min(declared.values()) if declared else None

    def set_size(self, name: str, size: int) -> Pool:
        """Fix a pool's size on the service (growing it lets waiting tasks start)."""
        if size < 1:
            raise ValueError(f"pool {name!r} must allow at least 1 task at once, got {size}")
        self._set[name] = size
        return self._apply(name)

    def declare(self, dag_id: str, pools: Mapping[str, int]) -> None:
        """The sizes a pipeline's config declares (replacing what it declared before)."""
        for by_dag in self._declared.values():
            by_dag.pop(dag_id, None)
        for name, size in pools.items():
            self._declared.setdefault(name, {})[dag_id] = size
        for name in list(self._pools):
            self._apply(name)

    def _apply(self, name: str) -> Pool:
        size = self.size_of(name)
        pool = self._pools.get(name)
        if pool is None:
            pool = self._pools[name] = Pool(name, size or 1)
        elif size is not None and size != pool.size:
            pool.resize(size)
        return pool

    def get(self, name: str) -> Pool:
        """The pool (made on first use; a pool nobody sized allows one task at a time)."""
        pool = self._pools.get(name)
        return pool if pool is not None else self._apply(name)

    def describe(self, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Size, use and waiting tasks of each pool (the API's ``GET /api/pools``)."""
        wanted = sorted(self.names() if names is None else set(names))
        return [self.get(name).as_dict() for name in wanted]


def parse_pool_sizes(text: str) -> dict[str, int]:
    """``"weather_api=2, db=1"`` (the ``FBRT_POOLS`` setting) -> ``{"weather_api": 2, "db": 1}``;
    ``ValueError`` names the bad entry."""
    sizes: dict[str, int] = {}
    for item in text.replace(";", ",").split(","):
        if not item.strip():
            continue
        name, equals, size = item.partition("=")
        if not equals or not name.strip() or not size.strip().isdigit() or int(size) < 1:
            raise ValueError(f"pool size {item.strip()!r}: write NAME=SIZE with SIZE >= 1")
        sizes[name.strip()] = int(size)
    return sizes
