"""Pipeline runs: each run, the state of each of its tasks, its attempts and its log lines.

The pipeline executor reports progress with the ``*_nowait`` methods, which never wait for the
disk; the timestamps are taken when the call is made, not when the row is written. After a crash,
:meth:`RunRepository.mark_interrupted` (called once at startup, before new runs start) turns every
run still pending or running into ``interrupted``, along with its unfinished tasks, and keeps
everything recorded so far. :meth:`RunRepository.delete_ended_before` is the retention setting's
clean-up. The write operations are in :mod:`fbruntime.store.run_writes`, the records given back
in :mod:`fbruntime.store.run_records`.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from fbruntime.store.errors import NotFound
from fbruntime.store.models import AttemptRow, JsonValue, RunRow, TaskLogRow, TaskRunRow
from fbruntime.store.repository import UNSET, Repository, Unset
from fbruntime.store.run_records import (
    INTERRUPTED,
    PENDING,
    RUNNING,
    UNFINISHED,
    Attempt,
    LogLine,
    Run,
    RunDetail,
    TaskRun,
    aware,
    child_order,
    line_of,
    run_of,
)
from fbruntime.store.run_writes import (
    TASK_FIELDS,
    Attempts,
    CreateRun,
    Log,
    Logs,
    SetTask,
    SetTasks,
    UpdateRun,
)

__all__ = [
    "INTERRUPTED",
    "PENDING",
    "RUNNING",
    "TASK_FIELDS",
    "UNFINISHED",
    "Attempt",
    "LogLine",
    "Run",
    "RunDetail",
    "RunRepository",
    "TaskRun",
]

_TASK_COLUMNS = (
    TaskRunRow.run_id,
    TaskRunRow.task_id,
    TaskRunRow.status,
    TaskRunRow.attempt,
    TaskRunRow.error,
    TaskRunRow.output,
    TaskRunRow.started_at,
    TaskRunRow.ended_at,
    TaskRunRow.updated_at,
    TaskRunRow.detail,
)
_ATTEMPT_COLUMNS = (
    AttemptRow.run_id,
    AttemptRow.task_id,
    AttemptRow.attempt,
    AttemptRow.status,
    AttemptRow.error,
    AttemptRow.error_kind,
    AttemptRow.traceback,
    AttemptRow.started_at,
    AttemptRow.ended_at,
    AttemptRow.duration_ms,
)

# A run's detail in statements built once (building one is most of a small read's cost):
# the same as ``_attempts`` and ``_logs`` below give for a whole run.
_TASKS_OF_RUN = (
    select(*_TASK_COLUMNS)
    .where(TaskRunRow.run_id == bindparam("run_id"))
    .order_by(TaskRunRow.task_id)
)
_ATTEMPTS_OF_RUN = (
    select(*_ATTEMPT_COLUMNS)
    .where(AttemptRow.run_id == bindparam("run_id"))
    .order_by(AttemptRow.task_id, AttemptRow.attempt, AttemptRow.id)
)
_LOGS_OF_RUN = (
    select(TaskLogRow)
    .where(TaskLogRow.run_id == bindparam("run_id"), TaskLogRow.id > 0)
    .order_by(TaskLogRow.id)
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
    ) -> CreateRun:
        now = self._now()
        if started_at is None and status == RUNNING:
            started_at = now
        return CreateRun(
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
            UpdateRun(run_id, status, error, archive_path, started_at, ended_at, result)
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
        self._writer.submit(UpdateRun(run_id, status, error, archive_path, started_at, ended_at))

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
            SetTask(
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
            SetTask(
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
            self._writer.submit(SetTasks(run_id, tuple(dict(row) for row in rows)))

    def logs_nowait(self, run_id: str, lines: Sequence[Mapping[str, Any]]) -> None:
        """Append many log lines in one write: ``message``, ``ts`` (aware), optional
        ``task_id`` and ``level`` (INFO)."""
        if lines:
            self._writer.submit(Logs(run_id, tuple(lines)))

    async def log(
        self, run_id: str, message: str, *, task_id: str | None = None, level: str = "INFO"
    ) -> None:
        await self._writer.execute(Log(run_id, task_id, level, message, self._now()))

    def log_nowait(
        self, run_id: str, message: str, *, task_id: str | None = None, level: str = "INFO"
    ) -> None:
        self._writer.submit(Log(run_id, task_id, level, message, self._now()))

    async def get(
        self, run_id: str, *, with_logs: bool = True, with_attempts: bool = True
    ) -> RunDetail | None:
        """A run with its tasks (by start, then id), its attempts and, unless ``with_logs`` is
        off, its logs. Tasks and attempts are read as plain rows (a run may have thousands)."""

        # Many rows in several statements: one hand-over to a reader thread (store.reads).
        return await self._read_rows(partial(_detail, run_id, with_logs, with_attempts))

    async def get_with_children(self, run_id: str) -> tuple[RunDetail, builtins.list[Run]] | None:
        """:meth:`get` and :meth:`children` in one read (what a run's page shows)."""

        def query(session: Session) -> tuple[RunDetail, builtins.list[Run]] | None:
            detail = _detail(run_id, True, True, session)
            return None if detail is None else (detail, _children(run_id, session))

        return await self._read_rows(query)

    async def attempts(self, run_id: str, task_id: str | None = None) -> builtins.list[Attempt]:
        """The attempts of a run (or of one of its tasks), by task then attempt number."""

        def query(session: Session) -> builtins.list[Attempt]:
            return _attempts(session, run_id, task_id)

        return await self._read_rows(query)

    def attempts_nowait(self, run_id: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Append attempt rows in one write; each (task_id, attempt, status, error, error_kind,
        traceback, started_at, ended_at, duration_ms), timestamps aware."""
        if rows:
            self._writer.submit(Attempts(run_id, tuple(rows)))

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

        def query(session: Session) -> builtins.list[Run]:
            statement = select(RunRow).order_by(RunRow.created_at.desc(), RunRow.id.desc())
            if pipeline is not None:
                statement = statement.where(RunRow.pipeline == pipeline)
            if status is not None:
                statement = statement.where(RunRow.status == status)
            rows = session.scalars(statement.limit(limit).offset(offset))
            return [run_of(row) for row in rows]

        return await self._read_rows(query)

    async def children(self, run_id: str) -> builtins.list[Run]:
        """The runs a run started (nested pipelines), oldest first; runs started at the same
        moment in task order (``task[2]`` before ``task[10]``)."""

        return await self._read_rows(partial(_children, run_id))

    async def logs(
        self,
        run_id: str,
        *,
        task_id: str | None = None,
        after_id: int = 0,
        limit: int | None = None,
    ) -> builtins.list[LogLine]:
        """Log lines in the order written; ``after_id`` lets a follower fetch only new lines."""

        def query(session: Session) -> builtins.list[LogLine]:
            return _logs(session, run_id, task_id, after_id, limit)

        return await self._read_rows(query)

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

    async def delete_ended_before(
        self, cutoff: datetime, *, limit: int = 500
    ) -> builtins.list[Run]:
        """Remove up to ``limit`` runs that ended before ``cutoff`` (oldest first) with their
        tasks, attempts and logs; the runs removed (their folders are the caller's to remove).
        Runs not over yet are never removed."""

        async def op(session: AsyncSession) -> builtins.list[Run]:
            rows = builtins.list(
                await session.scalars(
                    select(RunRow)
                    .where(RunRow.ended_at.is_not(None), RunRow.ended_at < cutoff)
                    .where(RunRow.status.not_in(UNFINISHED))
                    .order_by(RunRow.ended_at)
                    .limit(limit)
                )
            )
            if not rows:
                return []
            ids = [row.id for row in rows]
            gone = [run_of(row) for row in rows]
            for table in (TaskLogRow, AttemptRow, TaskRunRow):
                await session.execute(delete(table).where(table.run_id.in_(ids)))
            await session.execute(delete(RunRow).where(RunRow.id.in_(ids)))
            return gone

        return await self._writer.execute(op)

    async def delete(self, run_id: str) -> bool:
        """Remove a run with its tasks and logs."""

        async def op(session: AsyncSession) -> bool:
            await session.execute(delete(TaskLogRow).where(TaskLogRow.run_id == run_id))
            await session.execute(delete(AttemptRow).where(AttemptRow.run_id == run_id))
            await session.execute(delete(TaskRunRow).where(TaskRunRow.run_id == run_id))
            result = await session.execute(delete(RunRow).where(RunRow.id == run_id))
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)


def _attempts(session: Session, run_id: str, task_id: str | None = None) -> list[Attempt]:
    statement = select(*_ATTEMPT_COLUMNS).where(AttemptRow.run_id == run_id)
    if task_id is not None:
        statement = statement.where(AttemptRow.task_id == task_id)
    result = session.execute(
        statement.order_by(AttemptRow.task_id, AttemptRow.attempt, AttemptRow.id)
    )
    return [
        Attempt(r, t, n, st, e, k, tb, aware(a), aware(b), ms)  # type: ignore[arg-type]
        for r, t, n, st, e, k, tb, a, b, ms in result
    ]


def _logs(
    session: Session, run_id: str, task_id: str | None, after_id: int, limit: int | None
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
    return [line_of(row) for row in session.scalars(statement)]


def _detail(
    run_id: str, with_logs: bool, with_attempts: bool, session: Session
) -> RunDetail | None:
    """A run's detail (see :meth:`RunRepository.get`), or None."""
    row = session.get(RunRow, run_id)
    if row is None:
        return None
    result = session.execute(_TASKS_OF_RUN, {"run_id": run_id})
    tasks = [
        TaskRun(r, t, st, n, e, o, aware(a), aware(b), aware(u), d)  # type: ignore[arg-type]
        for r, t, st, n, e, o, a, b, u, d in result
    ]
    tasks.sort(key=lambda t: (t.started_at is None, t.started_at or t.updated_at, t.task_id))
    lines = (
        [line_of(x) for x in session.scalars(_LOGS_OF_RUN, {"run_id": run_id})] if with_logs else []
    )
    attempts = (
        [
            Attempt(r, t, n, st, e, k, tb, aware(a), aware(b), ms)  # type: ignore[arg-type]
            for r, t, n, st, e, k, tb, a, b, ms in session.execute(
                _ATTEMPTS_OF_RUN, {"run_id": run_id}
            )
        ]
        if with_attempts
        else []
    )
    return RunDetail(run_of(row), tasks, lines, attempts)


def _children(run_id: str, session: Session) -> builtins.list[Run]:
    rows = session.scalars(select(RunRow).where(RunRow.parent_run_id == run_id))
    return sorted((run_of(row) for row in rows), key=child_order)
