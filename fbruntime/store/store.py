"""The store as one object: a database, its writer, and the repositories over them.

This is what the Orchestrator, the Loader and the API hold::

    store = await Store.open(data_dir=path)       # migrates, starts the writer
    await store.types.save("E_SPLIT", "1.0", xml, format="xml", kind="basic")
    store.runs.log_nowait(run_id, "fetched 3 rows", task_id="fetch")
    await store.close()                            # commits what is queued
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError

from fbruntime.store.applications import ApplicationRepository
from fbruntime.store.chats import ChatRepository
from fbruntime.store.db import Database
from fbruntime.store.deployments import DeploymentRepository
from fbruntime.store.errors import StoreUnavailable
from fbruntime.store.repository import Clock, utcnow
from fbruntime.store.runs import RunRepository
from fbruntime.store.schedules import ScheduleRepository
from fbruntime.store.settings import SettingsRepository
from fbruntime.store.typelib import TypeRepository
from fbruntime.store.writer import Writer


class Store:
    def __init__(self, db: Database, writer: Writer, clock: Clock = utcnow) -> None:
        self.db = db
        self.writer = writer
        self.types = TypeRepository(db.sessions, writer, clock)
        self.applications = ApplicationRepository(db.sessions, writer, clock)
        self.deployments = DeploymentRepository(db.sessions, writer, clock)
        self.runs = RunRepository(db.sessions, writer, clock, db.reader)
        self.schedules = ScheduleRepository(db.sessions, writer, clock)
        self.settings = SettingsRepository(db.sessions, writer, clock)
        self.chats = ChatRepository(db.sessions, writer, clock)

    @classmethod
    async def open(
        cls,
        url: str | None = None,
        *,
        data_dir: str | Path | None = None,
        migrate: bool = True,
        clock: Clock = utcnow,
        max_batch: int = 200,
        max_delay: float = 0.05,
    ) -> Store:
        """Connect (see :func:`~fbruntime.store.db.resolve_url`), migrate, and start the writer."""
        try:
            db = Database(url, data_dir=data_dir)
        except OSError as exc:
            raise StoreUnavailable(f"cannot use the data directory: {exc}") from exc
        try:
            writer = Writer(db.sessions, max_batch=max_batch, max_delay=max_delay)
            if migrate:
                await db.migrate()
        except (OSError, SQLAlchemyError) as exc:
            await db.close()
            reason = getattr(exc, "orig", None) or exc
            raise StoreUnavailable(f"cannot open the database {db.where}: {reason}") from exc
        except BaseException:
            await db.close()
            raise
        writer.start()
        return cls(db, writer, clock)

    async def flush(self) -> None:
        """Wait until every write issued so far is committed."""
        await self.writer.flush()

    async def close(self) -> None:
        """Commit what is queued, then release the connections."""
        try:
            await self.writer.close()
        finally:
            try:
                await self.deployments.close()
            finally:
                await self.db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
