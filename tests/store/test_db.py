"""The database: URL choice, SQLite tuning, and migrations from an empty database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from fbruntime.store import Database, resolve_url
from fbruntime.store.models import Base

HEAD = "0004g"  # the newest migration in fbruntime/store/migrations/versions
TABLES = {
    "alembic_version",
    "applications",
    "deployment_journal",
    "deployments",
    "runs",
    "schedules",
    "settings",
    "task_attempts",
    "task_logs",
    "task_runs",
    "telegram_chats",
    "types",
}


def _table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _schema_drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrating_an_empty_database_creates_every_table(database_url: str) -> None:
    db = Database(database_url)
    try:
        assert await db.revision() is None
        await db.migrate()
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_table_names) == TABLES
        assert await db.revision() == HEAD
    finally:
        await db.close()


async def test_migrating_twice_changes_nothing(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.migrate()
        await db.migrate()
        assert await db.revision() == HEAD
    finally:
        await db.close()


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    db = Database(database_url)
    try:
        await db.migrate()
        async with db.engine.connect() as connection:
            assert await connection.run_sync(_schema_drift) == []
    finally:
        await db.close()


@pytest.mark.parametrize(
    ("pragma", "expected"),
    [("journal_mode", "wal"), ("foreign_keys", 1), ("synchronous", 1), ("busy_timeout", 5000)],
)
async def test_sqlite_connections_are_tuned(tmp_path: Path, pragma: str, expected: object) -> None:
    db = Database(data_dir=tmp_path)
    try:
        async with db.engine.connect() as connection:
            value = (await connection.execute(text(f"PRAGMA {pragma}"))).scalar()
        assert value == expected
    finally:
        await db.close()


async def test_default_database_is_a_file_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FBRT_DATABASE_URL", raising=False)
    data_dir = tmp_path / "new" / "data"
    db = Database(data_dir=data_dir)
    try:
        await db.migrate()
    finally:
        await db.close()
    assert (data_dir / "fbrt.db").is_file()


@pytest.mark.parametrize(
    ("url", "env_url", "data_dir_env", "expected"),
    [
        (
            "sqlite+aiosqlite:///given.db",
            "postgresql+asyncpg://env/db",
            None,
            "sqlite+aiosqlite:///given.db",
        ),
        (None, "postgresql+asyncpg://env/db", None, "postgresql+asyncpg://env/db"),
        (None, None, "/srv/fbrt", "sqlite+aiosqlite:////srv/fbrt/fbrt.db"),
    ],
    ids=["explicit-url-wins", "env-url-next", "data-dir-env-last"],
)
def test_database_url_is_chosen_in_order(
    monkeypatch: pytest.MonkeyPatch,
    url: str | None,
    env_url: str | None,
    data_dir_env: str | None,
    expected: str,
) -> None:
    for name, value in (("FBRT_DATABASE_URL", env_url), ("FBRT_DATA_DIR", data_dir_env)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert resolve_url(url) == expected


def test_data_dir_argument_puts_the_file_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FBRT_DATABASE_URL", raising=False)
    assert resolve_url(data_dir=tmp_path) == f"sqlite+aiosqlite:///{tmp_path.resolve()}/fbrt.db"
