"""The tables, as SQLAlchemy 2 declarative models.

These classes never leave ``fbruntime.store``: the repositories turn rows into plain dataclasses so
the engine, Loader, Orchestrator and API never hold a session-bound object. The Alembic migrations in
``fbruntime.store.migrations`` create exactly this schema (a test compares them).

Portability rules: JSON columns use the generic ``JSON`` type (TEXT on SQLite, ``json`` on
PostgreSQL, which keeps key order as written, unlike ``jsonb``); timestamps go through
:class:`UTCDateTime`, so every value read back is timezone-aware UTC on both backends.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names let Alembic alter constraints later (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonValue = Any
"""Anything ``json.dumps`` accepts; the store does not look inside."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zone type and returns naive values; PostgreSQL returns aware ones in the
    session's zone. Normalising here keeps comparisons and JSON output identical on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; pass an aware UTC time")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class TypeRow(Base):
    """One version of one FB, composite or pipeline type, kept as its source text."""

    __tablename__ = "types"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_types_name_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), index=True)
    version: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ApplicationRow(Base):
    """A deployed instance (a system, graph or pipeline) with its parameters and last state."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    type_name: Mapped[str | None] = mapped_column(String(255))
    type_version: Mapped[str | None] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(Text)
    definition: Mapped[JsonValue] = mapped_column(JSON)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DeploymentRow(Base):
    """What one destination (a resource, or ``""`` for the device) of a 4diac device was sent.

    ``commands`` is the ordered list of management requests (the XML ``<Request .../>`` text of
    each), replayable like the lines of a FORTE ``.fboot`` file.
    """

    __tablename__ = "deployments"
    __table_args__ = (
        UniqueConstraint("device", "resource", name="uq_deployments_device_resource"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device: Mapped[str] = mapped_column(String(255), index=True)
    resource: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(Integer)
    resource_type: Mapped[str | None] = mapped_column(String(255))
    commands: Mapped[list[str]] = mapped_column(JSON)
    running: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime]


class DeploymentJournalRow(Base):
    """A management request a device accepted since its last snapshot in ``deployments``.

    Appending one row per accepted change is what lets a device commit before it replies without
    rewriting its whole deployment; a snapshot (``save_device``) replaces the device's rows here.
    Rows replay in ``id`` order on top of the snapshot.
    """

    __tablename__ = "deployment_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    device: Mapped[str] = mapped_column(String(255), index=True)
    destination: Mapped[str] = mapped_column(String(255))
    request: Mapped[str] = mapped_column(Text)


class RunRow(Base):
    """One run of a pipeline; a nested run names the run and task that started it."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_pipeline_created", "pipeline", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    pipeline: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(32), index=True)
    trigger: Mapped[str | None] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    archive_path: Mapped[str | None] = mapped_column(Text)
    interrupted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    parameters: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    result: Mapped[JsonValue | None] = mapped_column(JSON)
    parent_run_id: Mapped[str | None] = mapped_column(String(64), index=True)
    parent_task_id: Mapped[str | None] = mapped_column(String(255))


class TaskRunRow(Base):
    """The current state of one task in one run; earlier attempts' errors are in the logs."""

    __tablename__ = "task_runs"

    run_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    status: Mapped[str] = mapped_column(String(32))
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    output: Mapped[JsonValue | None] = mapped_column(JSON)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
    detail: Mapped[JsonValue | None] = mapped_column(JSON)


class TaskLogRow(Base):
    """One log line of a run; ``task_id`` is NULL for lines about the run as a whole."""

    __tablename__ = "task_logs"
    __table_args__ = (Index("ix_task_logs_run_id_id", "run_id", "id"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.id", ondelete="CASCADE"))
    task_id: Mapped[str | None] = mapped_column(String(255))
    ts: Mapped[datetime]
    level: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)


class AttemptRow(Base):
    """One attempt of one task: how it ended, its error and traceback, and how long it took."""

    __tablename__ = "task_attempts"
    __table_args__ = (Index("ix_task_attempts_run_id_task_id", "run_id", "task_id", "attempt"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(255))
    attempt: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(255))
    traceback: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime]
    duration_ms: Mapped[float] = mapped_column(Float)


class TelegramChatRow(Base):
    """Someone who has talked to a bot: their @username (lower case) and their private chat."""

    __tablename__ = "telegram_chats"

    bot_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str | None] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class ScheduleRow(Base):
    """A cron trigger for a pipeline."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pipeline: Mapped[str] = mapped_column(String(255), index=True)
    cron: Mapped[str] = mapped_column(String(255))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    overlap: Mapped[str] = mapped_column(String(32))
    catchup_limit: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(Boolean)
    last_fire_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SettingRow(Base):
    """A key/value pair the runtime keeps across restarts (e.g. the API token hash)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[JsonValue] = mapped_column(JSON)
    updated_at: Mapped[datetime]
