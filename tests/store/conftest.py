"""Fixtures for the store tests: every backend test runs on SQLite and, when
``FBRT_TEST_POSTGRES_URL`` is set (see tests/conformance/postgres.sh), on PostgreSQL too."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from fbruntime.store import Store
from fbruntime.store.models import Base

POSTGRES_URL = os.environ.get("FBRT_TEST_POSTGRES_URL")

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param(
        "postgresql",
        id="postgresql",
        marks=pytest.mark.skipif(
            not POSTGRES_URL,
            reason="FBRT_TEST_POSTGRES_URL is not set (start a server with tests/conformance/postgres.sh)",
        ),
    ),
]


class FakeClock:
    """The store's clock, moved by hand."""

    def __init__(self, start: datetime = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


async def _empty_postgres(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                await connection.execute(text(f'DROP TABLE IF EXISTS "{table.name}" CASCADE'))
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database: a new SQLite file, or the test PostgreSQL database with no tables."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'fbrt.db'}"
    assert POSTGRES_URL is not None
    await _empty_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


OpenStore = Callable[..., Awaitable[Store]]


@pytest.fixture
async def open_store(database_url: str, clock: FakeClock) -> AsyncIterator[OpenStore]:
    """Open (and at the end close) stores on the test database; call it again to "restart"."""
    opened: list[Store] = []

    async def open_(**options: object) -> Store:
        store = await Store.open(database_url, clock=clock, **options)  # type: ignore[arg-type]
        opened.append(store)
        return store

    yield open_
    for store in opened:
        await store.close()


@pytest.fixture
async def store(open_store: OpenStore) -> Store:
    return await open_store()
