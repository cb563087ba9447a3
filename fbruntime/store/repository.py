"""What every repository shares: reads in short sessions, writes through the one writer, a clock.

A repository turns rows into frozen dataclasses before returning, so nothing session-bound leaves
the store. Writes are small async functions of a session (an ``Op``); the awaited form runs one
through :meth:`Writer.execute` and the ``*_nowait`` form hands it to :meth:`Writer.submit`, so
both keep the order in which they were issued.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Final, Literal, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from fbruntime.store.reads import ThreadReader
from fbruntime.store.writer import Writer

T = TypeVar("T")
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET: Final = _Unset.UNSET
"""Marks an update argument that was not given (distinct from None, which clears a field)."""

Unset = Literal[_Unset.UNSET]


def assign_given(row: object, **fields: object) -> None:
    """Set each field that was given: UNSET leaves the row's value alone, None clears it."""
    for name, value in fields.items():
        if value is not UNSET:
            setattr(row, name, value)


class Repository:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        writer: Writer,
        clock: Clock = utcnow,
        reader: ThreadReader | None = None,
    ) -> None:
        self._sessions = sessions
        self._writer = writer
        self._clock = clock
        self._reader = reader

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock returned a naive datetime; it must return UTC")
        return now

    async def _read(self, query: Callable[[AsyncSession], Awaitable[T]]) -> T:
        async with self._sessions() as session:
            return await query(session)

    async def _read_rows(self, query: Callable[[Session], T]) -> T:
        """A read of many rows as a sync function of a session: on a SQLite file, one hand-over
        to a reader thread (:mod:`fbruntime.store.reads`); elsewhere through ``run_sync``."""
        if self._reader is not None:
            return await self._reader.run(query)
        async with self._sessions() as session:
            return await session.run_sync(query)
