"""The deployment journal's own connection: appends that a device waits for before it replies.

A management reply of OK is sent once the change is committed, so an append is on the path of
every reply and must cost little and vary little, also on a loaded machine. It therefore does not
queue behind the store's `Writer` and keeps a connection of its own, open across appends:

* on a SQLite file, the append is one multi-row INSERT (its own transaction) on a plain
  ``sqlite3`` connection, run in the event loop's thread: about 20 us, and no hand-over to a
  driver thread, which is what makes a commit slow when the CPUs are busy. That connection never
  waits for a lock (``busy_timeout=0``) and never checkpoints (``wal_autocheckpoint=0``), so it
  cannot stall the loop: if the store's writer holds the database, the append goes through the
  driver's thread instead, which waits; checkpoints run there too, in the background, every few
  hundred appends, and restart the WAL so that it stays small. WAL with ``synchronous=NORMAL``, as the rest of the store: a commit survives
  the process being killed (an OS crash may lose the last ones);
* on SQLite without a file, through the aiosqlite driver's thread;
* on other databases, through SQLAlchemy Core on the kept connection.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from fbruntime.store.models import DeploymentJournalRow

__all__ = ["JournalConnection"]

log = logging.getLogger(__name__)

ROWS_PER_INSERT = 300  # 900 parameters: below SQLite's oldest limit of 999 per statement
CHECKPOINT_EVERY = 256  # appends on the direct connection between background checkpoints


def insert_statement(device: str, entries: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """One multi-row INSERT of ``(destination, request)`` *entries* and its parameters."""
    values = ", ".join(["(?, ?, ?)"] * len(entries))
    sql = f"INSERT INTO deployment_journal (device, destination, request) VALUES {values}"
    return sql, [value for d, r in entries for value in (device, d, r)]


def _chunks(entries: Sequence[tuple[str, str]]) -> list[Sequence[tuple[str, str]]]:
    return [entries[i : i + ROWS_PER_INSERT] for i in range(0, len(entries), ROWS_PER_INSERT)]


class JournalConnection:
    """A connection kept open for journal appends (``DeploymentRepository.append_journal``)."""

    def __init__(
        self, connection: AsyncConnection, driver: Any, direct: sqlite3.Connection | None
    ) -> None:
        self.connection = connection
        self.driver = driver  # the aiosqlite connection on SQLite, else None
        self.direct = direct  # a plain sqlite3 connection to the same file, else None
        self._since_checkpoint = 0
        self._checkpoint: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, sessions: async_sessionmaker[AsyncSession]) -> JournalConnection:
        engine = sessions.kw["bind"]
        connection = await engine.connect()
        driver = None
        direct = None
        if engine.dialect.name == "sqlite" and engine.dialect.driver == "aiosqlite":
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            database = engine.url.database or ""
            if database not in ("", ":memory:") and not engine.url.query:
                direct = sqlite3.connect(database, isolation_level=None)
                for pragma in (
                    "PRAGMA synchronous=NORMAL",
                    "PRAGMA busy_timeout=0",
                    "PRAGMA wal_autocheckpoint=0",
                ):
                    direct.execute(pragma)
        return cls(connection, driver, direct)

    async def append(self, device: str, entries: Sequence[tuple[str, str]]) -> None:
        if self.direct is not None and self._append_directly(device, entries):
            return
        if self.driver is not None:
            await self._append_by_driver(device, entries)
            return
        rows = [{"device": device, "destination": d, "request": r} for d, r in entries]
        async with self.connection.begin():
            await self.connection.execute(insert(DeploymentJournalRow), rows)

    def _append_directly(self, device: str, entries: Sequence[tuple[str, str]]) -> bool:
        """Commit in this thread; False (nothing written) when another writer holds the file."""
        assert self.direct is not None
        chunks = _chunks(entries)
        try:
            if len(chunks) == 1:
                self.direct.execute(*insert_statement(device, chunks[0]))
            else:
                self.direct.execute("BEGIN IMMEDIATE")
                try:
                    for chunk in chunks:
                        self.direct.execute(*insert_statement(device, chunk))
                    self.direct.execute("COMMIT")
                except BaseException:
                    if self.direct.in_transaction:
                        self.direct.execute("ROLLBACK")
                    raise
        except sqlite3.OperationalError as failure:
            if "locked" in str(failure) or "busy" in str(failure):
                return False
            raise
        self._since_checkpoint += 1
        if self._since_checkpoint >= CHECKPOINT_EVERY:
            self._start_checkpoint()
        return True

    async def _append_by_driver(self, device: str, entries: Sequence[tuple[str, str]]) -> None:
        chunks = _chunks(entries)
        if len(chunks) == 1:
            await self._run(*insert_statement(device, chunks[0]))
            if self.driver.in_transaction:
                await self.driver.commit()
            return
        await self._run("BEGIN")
        try:
            for chunk in chunks:
                await self._run(*insert_statement(device, chunk))
        except BaseException:
            await self._run("ROLLBACK")
            raise
        await self._run("COMMIT")

    async def _run(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        """Execute on the driver and finish the statement: a cursor left open would hold a
        read snapshot, and the WAL could then never be checkpointed to its end."""
        async with self.driver.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())

    def _start_checkpoint(self) -> None:
        if self._checkpoint is not None and not self._checkpoint.done():
            return
        self._since_checkpoint = 0
        self._checkpoint = asyncio.get_running_loop().create_task(
            self._run_checkpoint(), name="fbrt journal checkpoint"
        )

    async def _run_checkpoint(self) -> None:
        try:
            # RESTART: the next append writes the WAL from its start again (PASSIVE would leave
            # it growing while appends keep coming). It waits in the driver's thread; an append
            # meanwhile finds the file busy and goes that way too, after it.
            await self._run("PRAGMA wal_checkpoint(RESTART)")
        except Exception:  # the WAL only grows until the next one succeeds
            log.exception("journal: a background WAL checkpoint failed")

    async def close(self) -> None:
        if self._checkpoint is not None:
            await self._checkpoint
        if self.direct is not None:
            self.direct.close()
        await self.connection.close()
