"""The persistence layer: types, applications, deployments, pipeline runs, schedules, settings.

A leaf of the package: it imports nothing else from ``fbruntime``, takes plain data and JSON-able
values in, and gives frozen dataclasses back. SQLAlchemy 2 in async mode over any URL; the default
is a SQLite file (aiosqlite, WAL) under the data directory, PostgreSQL (asyncpg) is tested too.
Alembic migrations ship in ``migrations/`` and run from :meth:`Database.migrate`.

Modules: ``models`` (tables), ``db`` (engine, URL, migrations), ``writer`` (the single batching
writer), one repository module per table group (``typelib``, ``applications``, ``deployments``,
``runs`` with ``run_records`` and ``run_writes``, ``schedules``, ``settings``, ``chats``),
``journal`` (the deployment journal's own connection, for commits a reply waits on), ``reads``
(a SQLite file's reader threads, for reads of many rows in one hand-over), and ``store`` (the
facade holding them all).
"""

from fbruntime.store.applications import Application, ApplicationRepository
from fbruntime.store.chats import ChatRepository, KnownChat
from fbruntime.store.db import Database, default_url, resolve_url
from fbruntime.store.deployments import (
    DEVICE,
    DeploymentRepository,
    JournalEntry,
    ResourceDeployment,
)
from fbruntime.store.errors import (
    Conflict,
    NotFound,
    StoreError,
    StoreUnavailable,
    StoreWriteError,
    WriteFailure,
    WriterClosed,
)
from fbruntime.store.repository import UNSET
from fbruntime.store.runs import (
    INTERRUPTED,
    Attempt,
    LogLine,
    Run,
    RunDetail,
    RunRepository,
    TaskRun,
)
from fbruntime.store.schedules import Schedule, ScheduleRepository
from fbruntime.store.settings import SettingsRepository
from fbruntime.store.store import Store
from fbruntime.store.typelib import StoredType, TypeFormat, TypeInfo, TypeRepository
from fbruntime.store.writer import Writer

__all__ = [
    "DEVICE",
    "INTERRUPTED",
    "UNSET",
    "Application",
    "ApplicationRepository",
    "Attempt",
    "ChatRepository",
    "Conflict",
    "Database",
    "DeploymentRepository",
    "JournalEntry",
    "KnownChat",
    "LogLine",
    "NotFound",
    "ResourceDeployment",
    "Run",
    "RunDetail",
    "RunRepository",
    "Schedule",
    "ScheduleRepository",
    "SettingsRepository",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "StoreWriteError",
    "StoredType",
    "TaskRun",
    "TypeFormat",
    "TypeInfo",
    "TypeRepository",
    "WriteFailure",
    "Writer",
    "WriterClosed",
    "default_url",
    "resolve_url",
]
