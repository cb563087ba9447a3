"""The writes of pipeline runs, as operations for the store's single writer.

Each is a small frozen dataclass called with a session (see :mod:`fbruntime.store.repository`).
The bulk ones (:class:`SetTasks`, :class:`Logs`, :class:`Attempts`, and the task rows of a new
run) are what a run's progress costs per task, so on SQLite they hand the driver its parameters
as it stores them (text timestamps, JSON text), skipping SQLAlchemy's per-value bind processing,
which costs about 15 us a row, five times the statement itself. Other databases take Core
statements.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring_ascii as _encode_str
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import Conflict, NotFound
from fbruntime.store.models import AttemptRow, JsonValue, RunRow, TaskLogRow, TaskRunRow
from fbruntime.store.repository import UNSET, Unset, assign_given
from fbruntime.store.run_records import PENDING, Run, TaskRun, run_of, sqlite_time, task_of

__all__ = [
    "TASK_FIELDS",
    "Attempts",
    "CreateRun",
    "Log",
    "Logs",
    "SetTask",
    "SetTasks",
    "UpdateRun",
    "run_row",
]


class _Stamps:
    """``sqlite_time`` remembered by object: a batch's rows share their timestamp objects.

    The texts of the last batches are remembered by value too (``_RECENT``): a task's row and
    its attempt's row carry the same instant, and are written by two operations of one batch.
    """

    __slots__ = ("_last", "_text")

    def __init__(self) -> None:
        self._last: object = None
        self._text: str | None = None

    def __call__(self, value: datetime | None) -> str | None:
        if value is self._last:
            return self._text
        self._last = value
        if value is None:
            self._text = None
            return None
        text = _RECENT.get(value)
        if text is None:
            if len(_RECENT) >= _RECENT_MAX:
                _RECENT.clear()
            text = _RECENT[value] = sqlite_time(value)
        self._text = text
        return text


_RECENT: dict[datetime, str | None] = {}
_RECENT_MAX = 8192


def json_text(value: Any) -> str:
    """``json.dumps(value)``, with the scalars task outputs mostly are written out directly
    (the same text; ``json.dumps`` costs about 1.5 us even for an int, per row of a batch)."""
    kind = type(value)
    if value is None:
        return "null"
    if kind is str:
        return _encode_str(value)
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    return json.dumps(value)


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"


async def _insert_tasks(
    session: AsyncSession, run_id: str, tasks: Iterable[str], at: datetime
) -> None:
    if _is_sqlite(session):
        connection = await session.connection()
        stamp = sqlite_time(at)
        await connection.exec_driver_sql(
            "INSERT INTO task_runs (run_id, task_id, status, attempt, error, output, started_at, "
            "ended_at, updated_at) VALUES (?, ?, ?, 0, NULL, 'null', NULL, NULL, ?)",
            [(run_id, task_id, PENDING, stamp) for task_id in tasks],
        )
        return
    await session.execute(
        insert(TaskRunRow),
        [
            {
                "run_id": run_id,
                "task_id": task_id,
                "status": PENDING,
                "attempt": 0,
                "error": None,
                "output": None,
                "updated_at": at,
            }
            for task_id in tasks
        ],
    )


async def run_row(session: AsyncSession, run_id: str) -> RunRow:
    row = await session.get(RunRow, run_id)
    if row is None:
        raise NotFound(f"run {run_id!r} does not exist")
    return row


@dataclass(frozen=True)
class CreateRun:
    run_id: str
    pipeline: str
    status: str
    trigger: str | None
    params: dict[str, Any]
    archive_path: str | None
    tasks: tuple[str, ...]
    at: datetime
    started_at: datetime | None
    parameters: dict[str, Any] | None = None
    parent_run_id: str | None = None
    parent_task_id: str | None = None

    async def __call__(self, session: AsyncSession) -> Run:
        if await session.get(RunRow, self.run_id) is not None:
            raise Conflict(f"run {self.run_id!r} already exists")
        row = RunRow(
            id=self.run_id,
            pipeline=self.pipeline,
            status=self.status,
            trigger=self.trigger,
            params=self.params,
            error=None,
            archive_path=self.archive_path,
            interrupted=False,
            created_at=self.at,
            started_at=self.started_at,
            ended_at=None,
            parameters=self.parameters,
            parent_run_id=self.parent_run_id,
            parent_task_id=self.parent_task_id,
        )
        session.add(row)
        await session.flush()
        if self.tasks:
            await _insert_tasks(session, self.run_id, self.tasks, self.at)
        return run_of(row)


@dataclass(frozen=True)
class UpdateRun:
    run_id: str
    status: str | Unset
    error: str | Unset | None
    archive_path: str | Unset | None
    started_at: datetime | Unset | None
    ended_at: datetime | Unset | None
    result: JsonValue | Unset = UNSET

    async def __call__(self, session: AsyncSession) -> Run:
        row = await run_row(session, self.run_id)
        assign_given(
            row,
            status=self.status,
            error=self.error,
            archive_path=self.archive_path,
            started_at=self.started_at,
            ended_at=self.ended_at,
            result=self.result,
        )
        await session.flush()
        return run_of(row)


@dataclass(frozen=True)
class SetTask:
    run_id: str
    task_id: str
    status: str
    attempt: int | Unset
    error: str | Unset | None
    output: JsonValue | Unset
    started_at: datetime | Unset | None
    ended_at: datetime | Unset | None
    at: datetime

    async def __call__(self, session: AsyncSession) -> TaskRun:
        row = await session.get(TaskRunRow, (self.run_id, self.task_id))
        if row is None:
            await run_row(session, self.run_id)  # a clear error rather than a foreign-key one
            row = TaskRunRow(run_id=self.run_id, task_id=self.task_id, attempt=0)
            session.add(row)
        row.status = self.status
        assign_given(
            row,
            attempt=self.attempt,
            error=self.error,
            output=self.output,
            started_at=self.started_at,
            ended_at=self.ended_at,
        )
        row.updated_at = self.at
        await session.flush()
        return task_of(row)


@dataclass(frozen=True)
class Log:
    run_id: str
    task_id: str | None
    level: str
    message: str
    ts: datetime

    async def __call__(self, session: AsyncSession) -> None:
        session.add(
            TaskLogRow(
                run_id=self.run_id,
                task_id=self.task_id,
                ts=self.ts,
                level=self.level,
                message=self.message,
            )
        )


TASK_FIELDS = (
    "status",
    "attempt",
    "error",
    "output",
    "started_at",
    "ended_at",
    "updated_at",
    "detail",
)
"""What one row of :meth:`RunRepository.set_tasks_nowait` holds, besides its ``task_id``."""

_TASKS: Any = TaskRunRow.__table__
_BULK_UPDATE = (
    update(_TASKS)
    .where(_TASKS.c.run_id == bindparam("b_run_id"), _TASKS.c.task_id == bindparam("b_task_id"))
    .values({name: bindparam(name) for name in TASK_FIELDS})
)
_SQLITE_BULK_UPDATE = (
    "UPDATE task_runs SET status = ?, attempt = ?, error = ?, output = ?, started_at = ?, "
    "ended_at = ?, updated_at = ? WHERE run_id = ? AND task_id = ?"
)
_SQLITE_BULK_UPDATE_DETAIL = (
    "UPDATE task_runs SET status = ?, attempt = ?, error = ?, output = ?, started_at = ?, "
    "ended_at = ?, updated_at = ?, detail = ? WHERE run_id = ? AND task_id = ?"
)
_CORE_FIELDS = TASK_FIELDS[:-1]  # without "detail"
_BULK_UPDATE_PLAIN = (
    update(_TASKS)
    .where(_TASKS.c.run_id == bindparam("b_run_id"), _TASKS.c.task_id == bindparam("b_task_id"))
    .values({name: bindparam(name) for name in _CORE_FIELDS})
)


@dataclass(frozen=True)
class SetTasks:
    """Many task rows replaced at once: one executemany.

    On SQLite the parameters go to the driver as it stores them (text timestamps, JSON text),
    skipping SQLAlchemy's per-value bind processing, which costs about 15 us a row, five times
    the UPDATE itself. Other databases take the Core statement.
    """

    run_id: str
    rows: tuple[Mapping[str, Any], ...]

    async def __call__(self, session: AsyncSession) -> None:
        # A task's detail (a skip reason, a map's counts) is set once and never cleared, so a
        # batch where no row has one leaves the column alone: plain runs write what they did
        # before the graph extras.
        detailed = any(row.get("detail") is not None for row in self.rows)
        if _is_sqlite(session):
            connection = await session.connection()
            stamp = _Stamps()
            if detailed:
                await connection.exec_driver_sql(
                    _SQLITE_BULK_UPDATE_DETAIL,
                    [
                        (
                            row["status"],
                            row["attempt"],
                            row["error"],
                            json_text(row["output"]),
                            stamp(row["started_at"]),
                            stamp(row["ended_at"]),
                            stamp(row["updated_at"]),
                            None if row.get("detail") is None else json.dumps(row["detail"]),
                            self.run_id,
                            row["task_id"],
                        )
                        for row in self.rows
                    ],
                )
                return
            await connection.exec_driver_sql(
                _SQLITE_BULK_UPDATE,
                [
                    (
                        row["status"],
                        row["attempt"],
                        row["error"],
                        json_text(row["output"]),
                        stamp(row["started_at"]),
                        stamp(row["ended_at"]),
                        stamp(row["updated_at"]),
                        self.run_id,
                        row["task_id"],
                    )
                    for row in self.rows
                ],
            )
            return
        fields = TASK_FIELDS if detailed else _CORE_FIELDS
        await session.execute(
            _BULK_UPDATE if detailed else _BULK_UPDATE_PLAIN,
            [
                {"b_run_id": self.run_id, "b_task_id": row["task_id"]}
                | {name: row.get(name) for name in fields}
                for row in self.rows
            ],
        )


@dataclass(frozen=True)
class Logs:
    run_id: str
    lines: tuple[Mapping[str, Any], ...]

    async def __call__(self, session: AsyncSession) -> None:
        await session.execute(
            insert(TaskLogRow),
            [
                {
                    "run_id": self.run_id,
                    "task_id": line.get("task_id"),
                    "ts": line["ts"],
                    "level": line.get("level", "INFO"),
                    "message": line["message"],
                }
                for line in self.lines
            ],
        )


@dataclass(frozen=True)
class Attempts:
    """Attempt rows appended at once: each a tuple (task_id, attempt, status, error,
    error_kind, traceback, started_at, ended_at, duration_ms), timestamps aware."""

    run_id: str
    rows: tuple[tuple[Any, ...], ...]

    async def __call__(self, session: AsyncSession) -> None:
        run_id = self.run_id
        if _is_sqlite(session):
            connection = await session.connection()
            stamp = _Stamps()
            await connection.exec_driver_sql(
                "INSERT INTO task_attempts (run_id, task_id, attempt, status, error, error_kind, "
                "traceback, started_at, ended_at, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, t, n, st, e, k, tb, stamp(a), stamp(b), ms)
                    for t, n, st, e, k, tb, a, b, ms in self.rows
                ],
            )
            return
        await session.execute(
            insert(AttemptRow),
            [
                {
                    "run_id": run_id,
                    "task_id": t,
                    "attempt": n,
                    "status": st,
                    "error": e,
                    "error_kind": k,
                    "traceback": tb,
                    "started_at": a,
                    "ended_at": b,
                    "duration_ms": ms,
                }
                for t, n, st, e, k, tb, a, b, ms in self.rows
            ],
        )
