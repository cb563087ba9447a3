"""Pipeline runs: each run, the state of each of its tasks, and its log lines.

The pipeline executor reports progress with the ``*_nowait`` methods, which never wait for the
disk; the timestamps are taken when the call is made, not when the row is written. After a crash,
:meth:`RunRepository.mark_interrupted` (called once at startup, before new runs start) turns every
run still pending or running into ``interrupted``, along with its unfinished tasks, and keeps
everything recorded so far.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import Conflict, NotFound
from fbruntime.store.models import JsonValue, RunRow, TaskLogRow, TaskRunRow
from fbruntime.store.repository import UNSET, Repository, Unset, assign_given

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
class RunDetail:
    run: Run
    tasks: list[TaskRun]
    logs: list[LogLine]


def _run(row: RunRow) -> Run:
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


def _task(row: TaskRunRow) -> TaskRun:
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


def _child_order(run: Run) -> tuple[datetime, str, int, str]:
    task = run.parent_task_id or ""
    base, bracket, rest = task.partition("[")
    index = int(rest.rstrip("]")) if bracket and rest.rstrip("]").isdigit() else -1
    return (run.created_at, base, index, run.id)


def _line(row: TaskLogRow) -> LogLine:
    return LogLine(row.id, row.run_id, row.task_id, row.ts, row.level, row.message)


async def _run_row(session: AsyncSession, run_id: str) -> RunRow:
    row = await session.get(RunRow, run_id)
    if row is None:
        raise NotFound(f"run {run_id!r} does not exist")
    return row


@dataclass(frozen=True)
class _CreateRun:
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
        for task_id in self.tasks:
            session.add(
                TaskRunRow(
                    run_id=self.run_id,
                    task_id=task_id,
                    status=PENDING,
                    attempt=0,
                    error=None,
                    output=None,
                    updated_at=self.at,
                )
            )
        await session.flush()
        return _run(row)


@dataclass(frozen=True)
class _UpdateRun:
    run_id: str
    status: str | Unset
    error: str | Unset | None
    archive_path: str | Unset | None
    started_at: datetime | Unset | None
    ended_at: datetime | Unset | None
    result: JsonValue | Unset = UNSET

    async def __call__(self, session: AsyncSession) -> Run:
        row = await _run_row(session, self.run_id)
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
        return _run(row)


@dataclass(frozen=True)
class _SetTask:
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
            await _run_row(session, self.run_id)  # a clear error rather than a foreign-key one
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
        return _task(row)


@dataclass(frozen=True)
class _Log:
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
    "ended_at = ?, updated_at = ?, detail = ? WHERE run_id = ? AND task_id = ?"
)


def _sqlite_time(value: datetime | None) -> str | None:
    """A timestamp as SQLAlchemy's SQLite DATETIME stores it (UTC, naive, microseconds)."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} given to the store; pass an aware UTC time")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


@dataclass(frozen=True)
class _SetTasks:
    """Many task rows replaced at once: one executemany.

    On SQLite the parameters go to the driver as it stores them (text timestamps, JSON text),
    skipping SQLAlchemy's per-value bind processing, which costs about 15 us a row, five times
    the UPDATE itself. Other databases take the Core statement.
    """

    run_id: str
    rows: tuple[Mapping[str, Any], ...]

    async def __call__(self, session: AsyncSession) -> None:
        if session.get_bind().dialect.name == "sqlite":
            connection = await session.connection()
            await connection.exec_driver_sql(
                _SQLITE_BULK_UPDATE,
                [
                    (
                        row["status"],
                        row["attempt"],
                        row["error"],
                        json.dumps(row["output"]),
                        _sqlite_time(row["started_at"]),
                        _sqlite_time(row["ended_at"]),
                        _sqlite_time(row["updated_at"]),
                        None if row.get("detail") is None else json.dumps(row["detail"]),
                        self.run_id,
                        row["task_id"],
                    )
                    for row in self.rows
                ],
            )
            return
        await session.execute(
            _BULK_UPDATE,
            [
                {"b_run_id": self.run_id, "b_task_id": row["task_id"]}
                | {name: row.get(name) for name in TASK_FIELDS}
                for row in self.rows
            ],
        )


@dataclass(frozen=True)
class _Logs:
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


class RunRepository(Repository):
    def _create_op(
        self,
        pipeline: str,
        run_id: str | None,
        params: dict[str, Any] | None,
        status: str,
        trigger: str | None,
        archive_path: str | None,
        tasks: Iterable[str],
        started_at: datetime | None,
        parameters: dict[str, Any] | None = None,
        parent_run_id: str | None = None,
        parent_task_id: str | None = None,
    ) -> _CreateRun:
        now = self._now()
        if started_at is None and status == RUNNING:
            started_at = now
        return _CreateRun(
            run_id or uuid.uuid4().hex,
            pipeline,
            status,
            trigger,
            dict(params or {}),
            archive_path,
            tuple(tasks),
            now,
            started_at,
            dict(parameters) if parameters is not None else None,
            parent_run_id,
            parent_task_id,
        )

    async def create(
        self,
        pipeline: str,
        *,
        run_id: str | None = None,
        params: dict[str, Any] | None = None,
        status: str = RUNNING,
        trigger: str | None = None,
        archive_path: str | None = None,
        tasks: Iterable[str] = (),
        started_at: datetime | None = None,
        parameters: dict[str, Any] | None = None,
        parent_run_id: str | None = None,
        parent_task_id: str | None = None,
    ) -> Run:
        """Record a new run (``tasks`` are recorded as pending); the id is a new uuid if not given.

        ``parameters`` are the trigger parameters it runs with; a nested run names the run and
        task that started it (``parent_run_id``, ``parent_task_id``).
        """
        return await self._writer.execute(
            self._create_op(
                pipeline,
                run_id,
                params,
                status,
                trigger,
                archive_path,
                tasks,
                started_at,
                parameters,
                parent_run_id,
                parent_task_id,
            )
        )

    def create_nowait(
        self,
        pipeline: str,
        *,
        run_id: str | None = None,
        params: dict[str, Any] | None = None,
        status: str = RUNNING,
        trigger: str | None = None,
        archive_path: str | None = None,
        tasks: Iterable[str] = (),
        started_at: datetime | None = None,
    ) -> str:
        """Like :meth:`create` without waiting; returns the run id at once."""
        op = self._create_op(
            pipeline, run_id, params, status, trigger, archive_path, tasks, started_at
        )
        self._writer.submit(op)
        return op.run_id

    async def update(
        self,
        run_id: str,
        *,
        status: str | Unset = UNSET,
        error: str | Unset | None = UNSET,
        archive_path: str | Unset | None = UNSET,
        started_at: datetime | Unset | None = UNSET,
        ended_at: datetime | Unset | None = UNSET,
        result: JsonValue | Unset = UNSET,
    ) -> Run:
        return await self._writer.execute(
            _UpdateRun(run_id, status, error, archive_path, started_at, ended_at, result)
        )

    def update_nowait(
        self,
        run_id: str,
        *,
        status: str | Unset = UNSET,
        error: str | Unset | None = UNSET,
        archive_path: str | Unset | None = UNSET,
        started_at: datetime | Unset | None = UNSET,
        ended_at: datetime | Unset | None = UNSET,
    ) -> None:
        self._writer.submit(_UpdateRun(run_id, status, error, archive_path, started_at, ended_at))

    async def finish(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None = None,
        archive_path: str | Unset | None = UNSET,
        result: JsonValue | Unset = UNSET,
    ) -> Run:
        """Record the end of a run now, with its final status, error and result."""
        return await self.update(
            run_id,
            status=status,
            error=error,
            archive_path=archive_path,
            ended_at=self._now(),
            result=result,
        )

    def finish_nowait(
        self,
        run_id: str,
        status: str,
        *,
        error: str | None = None,
        archive_path: str | Unset | None = UNSET,
    ) -> None:
        self.update_nowait(
            run_id, status=status, error=error, archive_path=archive_path, ended_at=self._now()
        )

    async def set_task(
        self,
        run_id: str,
        task_id: str,
        status: str,
        *,
        attempt: int | Unset = UNSET,
        error: str | Unset | None = UNSET,
        output: JsonValue | Unset = UNSET,
        started_at: datetime | Unset | None = UNSET,
        ended_at: datetime | Unset | None = UNSET,
    ) -> TaskRun:
        """Record a task's state; fields not given keep their value."""
        return await self._writer.execute(
            _SetTask(
                run_id, task_id, status, attempt, error, output, started_at, ended_at, self._now()
            )
        )

    def set_task_nowait(
        self,
        run_id: str,
        task_id: str,
        status: str,
        *,
        attempt: int | Unset = UNSET,
        error: str | Unset | None = UNSET,
        output: JsonValue | Unset = UNSET,
        started_at: datetime | Unset | None = UNSET,
        ended_at: datetime | Unset | None = UNSET,
    ) -> None:
        self._writer.submit(
            _SetTask(
                run_id, task_id, status, attempt, error, output, started_at, ended_at, self._now()
            )
        )

    def set_tasks_nowait(self, run_id: str, rows: Sequence[Mapping[str, Any]]) -> None:
        """Replace the state of many tasks of a run in one write (a run's progress in bulk).

        Each row is complete: ``task_id`` and every field of :data:`TASK_FIELDS` (timestamps
        aware). The tasks must exist (``create`` made them); rows naming other tasks change
        nothing. The rows are copied, so the caller may go on changing its dicts.
        """
        if rows:
            self._writer.submit(_SetTasks(run_id, tuple(dict(row) for row in rows)))

    def logs_nowait(self, run_id: str, lines: Sequence[Mapping[str, Any]]) -> None:
        """Append many log lines in one write: ``message``, ``ts`` (aware), optional
        ``task_id`` and ``level`` (INFO)."""
        if lines:
            self._writer.submit(_Logs(run_id, tuple(lines)))

    async def log(
        self, run_id: str, message: str, *, task_id: str | None = None, level: str = "INFO"
    ) -> None:
        await self._writer.execute(_Log(run_id, task_id, level, message, self._now()))

    def log_nowait(
        self, run_id: str, message: str, *, task_id: str | None = None, level: str = "INFO"
    ) -> None:
        self._writer.submit(_Log(run_id, task_id, level, message, self._now()))

    async def get(self, run_id: str, *, with_logs: bool = True) -> RunDetail | None:
        """A run with its tasks (by start, then id) and, unless ``with_logs`` is off, its logs."""

        async def query(session: AsyncSession) -> RunDetail | None:
            row = await session.get(RunRow, run_id)
            if row is None:
                return None
            tasks = await session.scalars(
                select(TaskRunRow).where(TaskRunRow.run_id == run_id).order_by(TaskRunRow.task_id)
            )
            ordered = sorted(
                (_task(t) for t in tasks),
                key=lambda t: (t.started_at is None, t.started_at or t.updated_at, t.task_id),
            )
            lines = await _logs(session, run_id, None, 0, None) if with_logs else []
            return RunDetail(_run(row), ordered, lines)

        return await self._read(query)

    async def require(self, run_id: str, *, with_logs: bool = True) -> RunDetail:
        detail = await self.get(run_id, with_logs=with_logs)
        if detail is None:
            raise NotFound(f"run {run_id!r} does not exist")
        return detail

    async def list(
        self,
        *,
        pipeline: str | None = None,
        status: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> builtins.list[Run]:
        """Runs, newest first."""

        async def query(session: AsyncSession) -> builtins.list[Run]:
            statement = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id.desc())
            if pipeline is not None:
                statement = statement.where(RunRow.pipeline == pipeline)
            if status is not None:
                statement = statement.where(RunRow.status == status)
            rows = await session.scalars(statement.limit(limit).offset(offset))
            return [_run(row) for row in rows]

        return await self._read(query)

    async def children(self, run_id: str) -> builtins.list[Run]:
        """The runs a run started (nested pipelines), oldest first; runs started at the same
        moment in task order (``task[2]`` before ``task[10]``)."""

        async def query(session: AsyncSession) -> builtins.list[Run]:
            rows = await session.scalars(select(RunRow).where(RunRow.parent_run_id == run_id))
            return sorted((_run(row) for row in rows), key=_child_order)

        return await self._read(query)

    async def logs(
        self,
        run_id: str,
        *,
        task_id: str | None = None,
        after_id: int = 0,
        limit: int | None = None,
    ) -> builtins.list[LogLine]:
        """Log lines in the order written; ``after_id`` lets a follower fetch only new lines."""

        async def query(session: AsyncSession) -> builtins.list[LogLine]:
            return await _logs(session, run_id, task_id, after_id, limit)

        return await self._read(query)

    async def mark_interrupted(self) -> builtins.list[str]:
        """Mark runs left unfinished by a crash as interrupted; returns their ids."""
        now = self._now()

        async def op(session: AsyncSession) -> builtins.list[str]:
            ids = builtins.list(
                await session.scalars(select(RunRow.id).where(RunRow.status.in_(UNFINISHED)))
            )
            if not ids:
                return []
            await session.execute(
                update(TaskRunRow)
                .where(TaskRunRow.run_id.in_(ids), TaskRunRow.status.in_(UNFINISHED))
                .values(status=INTERRUPTED, updated_at=now)
            )
            await session.execute(
                update(RunRow)
                .where(RunRow.id.in_(ids))
                .values(status=INTERRUPTED, interrupted=True, ended_at=now)
            )
            for run_id in ids:
                session.add(
                    TaskLogRow(
                        run_id=run_id,
                        task_id=None,
                        ts=now,
                        level="WARNING",
                        message="run interrupted: the runtime stopped while it was in progress",
                    )
                )
            return sorted(ids)

        return await self._writer.execute(op)

    async def delete(self, run_id: str) -> bool:
        """Remove a run with its tasks and logs."""

        async def op(session: AsyncSession) -> bool:
            await session.execute(delete(TaskLogRow).where(TaskLogRow.run_id == run_id))
            await session.execute(delete(TaskRunRow).where(TaskRunRow.run_id == run_id))
            result = await session.execute(delete(RunRow).where(RunRow.id == run_id))
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)


async def _logs(
    session: AsyncSession, run_id: str, task_id: str | None, after_id: int, limit: int | None
) -> list[LogLine]:
    statement = (
        select(TaskLogRow)
        .where(TaskLogRow.run_id == run_id, TaskLogRow.id > after_id)
        .order_by(TaskLogRow.id)
    )
    if task_id is not None:
        statement = statement.where(TaskLogRow.task_id == task_id)
    if limit is not None:
        statement = statement.limit(limit)
    return [_line(row) for row in await session.scalars(statement)]
