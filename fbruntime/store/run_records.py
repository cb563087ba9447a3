"""What the store gives back about pipeline runs: frozen dataclasses, and the row converters.

The statuses the store itself knows are here too: ``pending`` and ``running`` mean "not over"
(a crash turns exactly those into ``interrupted``); the executor may use any other for the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fbruntime.store.models import JsonValue, RunRow, TaskLogRow, TaskRunRow

PENDING = "pending"
RUNNING = "running"
INTERRUPTED = "interrupted"
UNFINISHED = (PENDING, RUNNING)
"""Statuses that mean "not over yet"; the pipeline executor may use any others for the end."""


@dataclass(frozen=True)
class Run:
    id: str
    pipeline: str
    status: str
    trigger: str | None
    params: dict[str, Any]
    error: str | None
    archive_path: str | None
    interrupted: bool
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    parameters: dict[str, Any] = field(default_factory=dict)
    result: JsonValue = None
    parent_run_id: str | None = None
    parent_task_id: str | None = None


@dataclass(frozen=True)
class TaskRun:
    run_id: str
    task_id: str
    status: str
    attempt: int
    error: str | None
    output: JsonValue
    started_at: datetime | None
    ended_at: datetime | None
    updated_at: datetime
    detail: JsonValue = None


@dataclass(frozen=True)
class LogLine:
    id: int
    run_id: str
    task_id: str | None
    ts: datetime
    level: str
    message: str


@dataclass(frozen=True)
class Attempt:
    """One attempt of one task (numbered from 1), as it ended."""

    run_id: str
    task_id: str
    attempt: int
    status: str
    error: str | None
    error_kind: str | None
    traceback: str | None
    started_at: datetime
    ended_at: datetime
    duration_ms: float


@dataclass(frozen=True)
class RunDetail:
    run: Run
    tasks: list[TaskRun]
    logs: list[LogLine]
    attempts: list[Attempt] = field(default_factory=list)


def run_of(row: RunRow) -> Run:
    return Run(
        row.id,
        row.pipeline,
        row.status,
        row.trigger,
        dict(row.params),
        row.error,
        row.archive_path,
        row.interrupted,
        row.created_at,
        row.started_at,
        row.ended_at,
        dict(row.parameters or {}),
        row.result,
        row.parent_run_id,
        row.parent_task_id,
    )


def child_order(run: Run) -> tuple[datetime, str, int, str]:
    """Nested runs started at the same moment, in task order (``task[2]`` before ``task[10]``)."""
    task = run.parent_task_id or ""
    base, bracket, rest = task.partition("[")
    index = int(rest.rstrip("]")) if bracket and rest.rstrip("]").isdigit() else -1
    return (run.created_at, base, index, run.id)


def task_of(row: TaskRunRow) -> TaskRun:
    return TaskRun(
        row.run_id,
        row.task_id,
        row.status,
        row.attempt,
        row.error,
        row.output,
        row.started_at,
        row.ended_at,
        row.updated_at,
        row.detail,
    )


def line_of(row: TaskLogRow) -> LogLine:
    return LogLine(row.id, row.run_id, row.task_id, row.ts, row.level, row.message)


def aware(value: datetime | None) -> datetime | None:
    """A timestamp read through Core as the ORM would give it: timezone-aware UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def sqlite_time(value: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy's SQLite DATETIME stores it (UTC, naive, microseconds)."""
    if value is None:
        return None
    tz = value.tzinfo
    if tz is UTC:  # what the store's callers pass: the text before "+00:00", one call
        return value.isoformat(" ", "microseconds")[:-6]
    if tz is None:
        raise ValueError(f"naive datetime {value!r} given to the store; pass an aware UTC time")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
