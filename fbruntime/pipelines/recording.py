"""A run's progress into the store: task states, attempts, errors, outputs, timings, logs.

Every call is a ``*_nowait`` write, batched by the store's single writer, so recording costs the
dispatcher a queue put. Only ``pending`` and ``running`` mean "not over" to the store (a crash
turns exactly those into ``interrupted`` on restart), so a task waiting in the queue stays
``pending`` and a task waiting to retry stays ``running`` with its last error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fbruntime.core import Clock
from fbruntime.store import Store

__all__ = ["StoreRecorder", "wall_time"]

_STORED = {
    "running": "running",
    "retrying": "running",
    "succeeded": "succeeded",
    "failed": "failed",
    "skipped": "skipped",
    "cancelled": "cancelled",
}


def wall_time(clock: Clock) -> datetime:
    """The engine clock's wall time as an aware UTC datetime (what the store keeps)."""
    return datetime.fromtimestamp(clock.wall_ns() / 1e9, UTC)


class StoreRecorder:
    """Reports one run to ``store.runs``."""

    def __init__(self, store: Store, run_id: str, clock: Clock) -> None:
        self.runs = store.runs
        self.run_id = run_id
        self.clock = clock

    def task(self, task_id: str, status: str, **fields: Any) -> None:
        stored = _STORED.get(status)
        if stored is None:
            return
        changes: dict[str, Any] = {}
        if "attempt" in fields:
            changes["attempt"] = fields["attempt"]
        if "error" in fields:
            changes["error"] = fields["error"]
        if "output" in fields:
            changes["output"] = fields["output"]
        if fields.get("started") or fields.get("ended"):
            now = wall_time(self.clock)
            if fields.get("started"):
                changes["started_at"] = now
            if fields.get("ended"):
                changes["ended_at"] = now
        self.runs.set_task_nowait(self.run_id, task_id, stored, **changes)
        if fields.get("reused"):
            self.log("result reused from the earlier run", task_id=task_id)

    def log(self, message: str, *, task_id: str | None = None, level: str = "INFO") -> None:
        self.runs.log_nowait(self.run_id, message, task_id=task_id, level=level)
