"""The connection to the database: URL resolution, the async engine, SQLite tuning, migrations.

Any SQLAlchemy async URL works. Without one, the store is a SQLite file (through aiosqlite) under
the data directory. Schema changes are Alembic migrations shipped in ``migrations/``; they are run
from code by :meth:`Database.migrate`, so no ``alembic.ini`` is needed anywhere.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from fbruntime.store.reads import ThreadReader

URL_ENV = "FBRT_DATABASE_URL"
DATA_DIR_ENV = "FBRT_DATA_DIR"
DB_FILE_NAME = "fbrt.db"
MIGRATIONS_DIR = Path(__file__).with_name("migrations")

# NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the last
# commits), and it keeps each commit to one write instead of an fsync per transaction.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
)


def default_url(data_dir: str | Path) -> str:
    """The embedded default: ``<data_dir>/fbrt.db`` through aiosqlite."""
    path = Path(data_dir).expanduser().resolve() / DB_FILE_NAME
    return f"sqlite+aiosqlite:///{path}"


def resolve_url(url: str | None = None, data_dir: str | Path | None = None) -> str:
    """Pick the database: the explicit URL, else ``FBRT_DATABASE_URL``, else SQLite in the data dir.

    The data dir is the argument, else ``FBRT_DATA_DIR``, else ``./data``.
    """
    if url:
        return url
    env_url = os.environ.get(URL_ENV)
    if env_url:
        return env_url
    directory = data_dir or os.environ.get(DATA_DIR_ENV) or "data"
    return default_url(directory)


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration built in code, pointing at the migrations shipped in the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


class Database:
    """One async engine and its session factory.

    Reads open short sessions from :attr:`sessions`; writes go through the
    :class:`~fbruntime.store.writer.Writer` so that only one task writes (SQLite allows one writer).
    """

    def __init__(
        self, url: str | None = None, *, data_dir: str | Path | None = None, echo: bool = False
    ) -> None:
        self.url: URL = make_url(resolve_url(url, data_dir))
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        options: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            database = self.url.database or ""
            if database in ("", ":memory:"):
                # Every new connection to :memory: is a fresh, empty database: share one.
                options["poolclass"] = StaticPool
            else:
                Path(database).parent.mkdir(parents=True, exist_ok=True)
        else:
            options["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(self.url, **options)
        self.reader: ThreadReader | None = None
        if self.is_sqlite:
            tune_sqlite(self.engine.sync_engine)
            if self.url.database not in (None, "", ":memory:"):
                self.reader = ThreadReader(str(self.url.database))
        self.sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @property
    def where(self) -> str:
        """The file (SQLite) or the URL without its password, for messages."""
        if self.is_sqlite and self.url.database not in (None, "", ":memory:"):
            return str(self.url.database)
        return self.url.render_as_string(hide_password=True)

    async def migrate(self, revision: str = "head") -> None:
        """Bring the schema up to ``revision`` (Alembic ``upgrade``); safe to call on every start."""
        async with self.engine.begin() as connection:
            await connection.run_sync(_upgrade, revision)

    async def revision(self) -> str | None:
        """The Alembic revision the database is at, or None before the first migration."""
        async with self.engine.connect() as connection:
            return await connection.run_sync(_current_revision)

    async def close(self) -> None:
        try:
            if self.reader is not None:
                self.reader.close()
        finally:
            await self.engine.dispose()


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def tune_sqlite(engine: Engine) -> None:
    """Apply the pragmas on every connection and let SQLAlchemy, not pysqlite, issue BEGIN.

    pysqlite's own transaction handling starts transactions late and never for DDL, which breaks
    transactional migrations and SAVEPOINTs; this is the recipe from the SQLAlchemy SQLite docs.
    (Also for the reader threads' sync engine: their BEGIN gives a read one snapshot.)
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")
