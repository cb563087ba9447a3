"""A run's progress into the store: task states, attempts, errors, outputs, timings, logs.

The recorder keeps each task's row as it should be and writes the rows that changed in bulk:
one executemany ``UPDATE`` (by primary key) plus one ``INSERT`` of log lines per flush, queued
on the store's single writer like any other write. A flush happens ``flush_delay`` seconds of
real time after the first change (or at once when ``max_pending`` rows wait), and always before
the service finishes a run. Writing each transition as its own ``set_task`` costs about 1 ms on
SQLite (a ``SELECT`` and an ``UPDATE``, each a thread hop); in bulk it is a few microseconds a
row, which is what keeps a 10,000-task run under 100 us of overhead per task. A crash loses at
most the last ``flush_delay`` of progress, the same window as the store's writer.

Each attempt becomes a row too (status, error, its kind, traceback, start, end, duration), in
the same batches. When the run knows secrets, every error, traceback, log line and output is
passed through its :class:`~fbruntime.pipelines.secrets.Redactor` before it is kept, so the
store (and with it the API, the page, the ZIP and the bot) never holds them. Lines at WARNING
and above also go to the server's own log (logger ``fbruntime.pipelines.runs``, with the run,
pipeline and task ids as fields), so failures show where an operator looks first.

Only ``pending`` and ``running`` mean "not over" to the store (a crash turns exactly those into
``interrupted`` on restart), so a task waiting in the queue stays ``pending`` and a task waiting
to retry stays ``running`` with its last error.

The bulk rows go through the store's :meth:`~fbruntime.store.RunRepository.set_tasks_nowait`
and :meth:`~fbruntime.store.RunRepository.logs_nowait`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from fbruntime.core import Clock
from fbruntime.store import Attempt, LogLine, Run, RunDetail, Store, TaskRun, WriterClosed

from .secrets import Redactor

__all__ = ["RUN_LOG", "StoreRecorder", "wall_time"]

log = logging.getLogger(__name__)
RUN_LOG = logging.getLogger("fbruntime.pipelines.runs")
_LEVELS = {"WARNING": logging.WARNING, "ERROR": logging.ERROR, "CRITICAL": logging.CRITICAL}
_TERMINAL = frozenset({"succeeded", "failed", "skipped", "cancelled"})

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
    """Reports one run to the store, in batches (see the module docstring)."""

    def __init__(
        self,
        store: Store,
        run_id: str,
        clock: Clock,
        *,
        flush_delay: float = 0.05,
        max_pending: int = 2000,
        redactor: Redactor | None = None,
        dag_id: str | None = None,
        metrics: Any = None,
    ) -> None:
        self.store = store
        self.run_id = run_id
        self.clock = clock
        self.flush_delay = flush_delay
        self.max_pending = max_pending
        self.redactor = redactor if redactor else None
        self.dag_id = dag_id
        self.metrics = metrics
        self._rows: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._logs: list[dict[str, Any]] = []
        self._attempts: list[tuple[Any, ...]] = []
        self._timer: asyncio.TimerHandle | None = None
        # Everything recorded, kept for the archive: written from here when the run ends, not
        # read back from the database.
        self.logs: list[dict[str, Any]] = []
        self.attempts: list[tuple[Any, ...]] = []

    def task(self, task_id: str, status: str, **fields: Any) -> None:
        stored = _STORED.get(status)
        if stored is None:
            return
        row = self._rows.get(task_id)
        if row is None:
            row = self._rows[task_id] = {
                "task_id": task_id,
                "attempt": 0,
                "error": None,
                "output": None,
                "started_at": None,
                "ended_at": None,
                "detail": None,
            }
        row["status"] = stored
        redactor = self.redactor
        if "attempt" in fields:
            row["attempt"] = fields["attempt"]
        if "error" in fields:
            error = fields["error"]
            row["error"] = redactor.text(error) if redactor and error else error
        if "output" in fields:
            output = fields["output"]
            row["output"] = redactor.value(output) if redactor else output
        if "detail" in fields:
            # A skip reason shows the values a condition saw, a map its items' errors.
            detail = fields["detail"]
            row["detail"] = redactor.value(detail) if redactor and detail else detail
        now = wall_time(self.clock)
        row["updated_at"] = now
        if fields.get("started"):
            row["started_at"] = now
        if fields.get("ended"):
            row["ended_at"] = now
        self._dirty.add(task_id)
        if fields.get("reused"):
            self.log("result reused from the earlier run", task_id=task_id)
        if self.metrics is not None and status in _TERMINAL:
            self.metrics.task_ended(status)
        self._changed()

    def succeeded(self, task_id: str, output: object, duration_ns: int) -> None:
        """A task that succeeded in its first attempt, in one step: its row and its attempt's."""
        now = wall_time(self.clock)
        if self.redactor:
            output = self.redactor.value(output)
        self._rows[task_id] = {
            "task_id": task_id,
            "status": "succeeded",
            "attempt": 1,
            "error": None,
            "output": output,
            "started_at": now,
            "ended_at": now,
            "updated_at": now,
        }
        self._dirty.add(task_id)
        seconds = duration_ns / 1e9
        row = (task_id, 1, "succeeded", None, None, None, now, now, seconds * 1e3)
        self._attempts.append(row)
        self.attempts.append(row)
        if self.metrics is not None:
            self.metrics.task_ended("succeeded")
            self.metrics.attempt_ended("succeeded", seconds)
        if len(self._dirty) + len(self._logs) + len(self._attempts) >= self.max_pending:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.flush_delay, self.flush)

    def log(self, message: str, *, task_id: str | None = None, level: str = "INFO") -> None:
        if self.redactor:
            message = self.redactor.text(message)
        line = {"task_id": task_id, "ts": wall_time(self.clock), "level": level, "message": message}
        self._logs.append(line)
        self.logs.append(line)
        severity = _LEVELS.get(level)
        if severity is not None:
            where = f"run {self.run_id}" + (f" of {self.dag_id}" if self.dag_id else "")
            if task_id is not None:
                where += f", task {task_id}"
            RUN_LOG.log(
                severity,
                "%s: %s",
                where,
                message,
                extra={"run_id": self.run_id, "dag_id": self.dag_id, "task_id": task_id},
            )
        self._changed()

    def attempt(
        self,
        task_id: str,
        attempt: int,
        status: str,
        duration_ns: int,
        *,
        error: str | None = None,
        kind: str | None = None,
        trace: str | None = None,
    ) -> None:
        """An attempt that just ended after ``duration_ns``: its row, with the secrets cut out."""
        redactor = self.redactor
        if redactor:
            error = redactor.text(error) if error else error
            trace = redactor.text(trace) if trace else trace
        ended = wall_time(self.clock)
        started = ended - timedelta(microseconds=duration_ns // 1000)
        seconds = duration_ns / 1e9
        row = (task_id, attempt, status, error, kind, trace, started, ended, seconds * 1000)
        self._attempts.append(row)
        self.attempts.append(row)
        if self.metrics is not None:
            self.metrics.attempt_ended(status, seconds)
        self._changed()

    def _changed(self) -> None:
        if len(self._dirty) + len(self._logs) + len(self._attempts) >= self.max_pending:
            self.flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.flush_delay, self.flush)

    def flush(self) -> None:
        """Queue everything changed so far as one write (await ``store.flush()`` to commit)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._dirty and not self._logs and not self._attempts:
            return
        rows = [self._rows[t] for t in self._dirty]
        logs, self._logs = self._logs, []
        attempts, self._attempts = self._attempts, []
        self._dirty = set()
        try:
            self.store.runs.set_tasks_nowait(self.run_id, rows)
            self.store.runs.attempts_nowait(self.run_id, attempts)
            self.store.runs.logs_nowait(self.run_id, logs)
        except WriterClosed:  # the store closed under a run (shutdown, crash): nothing to do
            log.warning(
                "run %s: %d task rows not recorded, the store is closed", self.run_id, len(rows)
            )

    def detail(self, run: Run, task_ids: Iterable[str]) -> RunDetail:
        """The run as recorded, for its archive: what the store holds once flushed."""
        tasks = []
        for task_id in task_ids:
            row = self._rows.get(task_id)
            if row is None:
                tasks.append(
                    TaskRun(run.id, task_id, "pending", 0, None, None, None, None, run.created_at)
                )
                continue
            tasks.append(
                TaskRun(
                    run.id,
                    task_id,
                    row["status"],
                    row["attempt"],
                    row["error"],
                    row["output"],
                    row["started_at"],
                    row["ended_at"],
                    row["updated_at"],
                    row.get("detail"),
                )
            )
        tasks.sort(key=lambda t: (t.started_at is None, t.started_at or t.updated_at, t.task_id))
        lines = [
            LogLine(number, run.id, x["task_id"], x["ts"], x["level"], x["message"])
            for number, x in enumerate(self.logs, 1)
        ]
        attempts = sorted(
            (Attempt(run.id, *row) for row in self.attempts),
            key=lambda a: (a.task_id, a.attempt),
        )
        return RunDetail(run, tasks, lines, attempts)
