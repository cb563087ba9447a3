"""Alembic environment for the fbrt store.

Two ways in: :meth:`fbruntime.store.db.Database.migrate` hands over an open connection in
``config.attributes["connection"]`` (the normal path); or a developer calls Alembic's commands with
``fbruntime.store.db.alembic_config(url)``, and an async engine is created here. A new revision after
changing ``models.py``::

    from alembic import command
    from fbruntime.store.db import alembic_config
    command.revision(alembic_config("sqlite+aiosqlite:////tmp/x.db"), "what changed",
                     autogenerate=True, rev_id="0002")   # then review; migrate the db first

Offline (SQL script) mode works too.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from fbruntime.store.models import Base

target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_configure)
    finally:
        await engine.dispose()


def run() -> None:
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: set sqlalchemy.url or pass a connection in attributes")
    asyncio.run(_run_with_own_engine(url))


run()
