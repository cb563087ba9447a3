"""Applications: deployed instances (a 4diac system, a graph, a pipeline) that outlive a restart.

Each has a unique name, the type or file it was made from, its definition and parameters as JSON,
and its last known state and error, so the Orchestrator can bring them back after a restart. The
store does not interpret ``kind`` or ``state``; the Orchestrator owns their vocabulary.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from fbruntime.store.errors import Conflict, NotFound
from fbruntime.store.models import ApplicationRow, JsonValue
from fbruntime.store.repository import UNSET, Repository, Unset, assign_given


@dataclass(frozen=True)
class Application:
    id: int
    name: str
    kind: str
    type_name: str | None
    type_version: str | None
    source_path: str | None
    definition: JsonValue
    parameters: dict[str, Any]
    state: str
    last_error: str | None
    created_at: datetime
    updated_at: datetime


def _application(row: ApplicationRow) -> Application:
    return Application(
        row.id,
        row.name,
        row.kind,
        row.type_name,
        row.type_version,
        row.source_path,
        row.definition,
        dict(row.parameters),
        row.state,
        row.last_error,
        row.created_at,
        row.updated_at,
    )


async def _row(session: AsyncSession, name: str) -> ApplicationRow:
    row = await session.scalar(select(ApplicationRow).where(ApplicationRow.name == name))
    if row is None:
        raise NotFound(f"application {name!r} does not exist")
    return row


class ApplicationRepository(Repository):
    async def create(
        self,
        name: str,
        kind: str,
        *,
        definition: JsonValue = None,
        parameters: dict[str, Any] | None = None,
        state: str = "created",
        type_name: str | None = None,
        type_version: str | None = None,
        source_path: str | None = None,
    ) -> Application:
        if not name.strip():
            raise ValueError("an application needs a non-empty name")
        now = self._now()

        async def op(session: AsyncSession) -> Application:
            if await session.scalar(select(ApplicationRow.id).where(ApplicationRow.name == name)):
                raise Conflict(
                    f"application {name!r} already exists; delete it or pick another name"
                )
            row = ApplicationRow(
                name=name,
                kind=kind,
                type_name=type_name,
                type_version=type_version,
                source_path=source_path,
                definition=definition,
                parameters=dict(parameters or {}),
                state=state,
                last_error=None,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            await session.flush()
            return _application(row)

        return await self._writer.execute(op)

    async def get(self, name: str) -> Application | None:
        async def query(session: AsyncSession) -> Application | None:
            row = await session.scalar(select(ApplicationRow).where(ApplicationRow.name == name))
            return None if row is None else _application(row)

        return await self._read(query)

    async def list(self, *, kind: str | None = None) -> builtins.list[Application]:
        """All applications (of one kind if given), by name."""

        async def query(session: AsyncSession) -> builtins.list[Application]:
            statement = select(ApplicationRow).order_by(ApplicationRow.name)
            if kind is not None:
                statement = statement.where(ApplicationRow.kind == kind)
            return [_application(row) for row in await session.scalars(statement)]

        return await self._read(query)

    async def update(
        self,
        name: str,
        *,
        state: str | Unset = UNSET,
        parameters: dict[str, Any] | Unset = UNSET,
        definition: JsonValue | Unset = UNSET,
        last_error: str | Unset | None = UNSET,
    ) -> Application:
        """Change the given fields; ``parameters`` replaces the whole dict."""
        return await self._writer.execute(
            self._update_op(name, state, parameters, definition, last_error)
        )

    def set_state_nowait(self, name: str, state: str, last_error: str | None = None) -> None:
        """Record a state change from the event path without waiting for the disk."""
        self._writer.submit(self._update_op(name, state, UNSET, UNSET, last_error))

    async def delete(self, name: str) -> bool:
        async def op(session: AsyncSession) -> bool:
            result = await session.execute(
                delete(ApplicationRow).where(ApplicationRow.name == name)
            )
            return bool(getattr(result, "rowcount", 0))

        return await self._writer.execute(op)

    def _update_op(
        self,
        name: str,
        state: str | Unset,
        parameters: dict[str, Any] | Unset,
        definition: JsonValue | Unset,
        last_error: str | Unset | None,
    ) -> _ApplicationUpdate:
        return _ApplicationUpdate(name, state, parameters, definition, last_error, self._now())


@dataclass(frozen=True)
class _ApplicationUpdate:
    """An update as data, so a failed ``*_nowait`` write is logged with what it tried to do."""

    name: str
    state: str | Unset
    parameters: dict[str, Any] | Unset
    definition: JsonValue | Unset
    last_error: str | Unset | None
    at: datetime

    async def __call__(self, session: AsyncSession) -> Application:
        row = await _row(session, self.name)
        assign_given(
            row,
            state=self.state,
            parameters=self.parameters if self.parameters is UNSET else dict(self.parameters),
            definition=self.definition,
            last_error=self.last_error,
        )
        row.updated_at = self.at
        await session.flush()
        return _application(row)
