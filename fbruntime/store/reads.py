"""Reads of many rows in one hand-over to a thread, for a SQLite file.

Through aiosqlite every statement is several hand-overs between the event loop and the driver's
thread (cursor, execute, fetch, close), each one a wake-up of the loop. A run's detail (the run,
its tasks, logs and attempts) is about twenty of them: milliseconds of the event loop per read,
tens of milliseconds of waiting when a few pages watch runs at once. For a SQLite file a
:class:`ThreadReader` runs the same SQLAlchemy code synchronously (pysqlite, its own small pool,
the same pragmas, one read transaction so the statements see one snapshot) on a reader thread:
one hand-over per read. Other databases, and SQLite in memory (which only the async engine's one
connection sees), run the same function through the async session's ``run_sync``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import URL, create_engine
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["ThreadReader"]

T = TypeVar("T")

READ_THREADS = 2


class ThreadReader:
    """Sync sessions on a SQLite file, run on their own threads (see the module docstring)."""

    def __init__(self, path: str, threads: int = READ_THREADS) -> None:
        from fbruntime.store.db import tune_sqlite

        self.engine = create_engine(URL.create("sqlite", database=path), pool_size=threads)
        tune_sqlite(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="fbrt-store-read")

    async def run(self, query: Callable[[Session], T]) -> T:
        """``query(session)`` on a reader thread, in a read transaction rolled back after."""

        def work() -> T:
            with self._sessions() as session:
                return query(session)

        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.engine.dispose()
