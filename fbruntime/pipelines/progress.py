"""What a pipeline run reports and keeps per task: statuses, the recorder protocol, task state.

The runner (:mod:`.runner`) changes a task's :class:`TaskState` and tells its
:class:`RunRecorder` (the store's :class:`~fbruntime.pipelines.recording.StoreRecorder` in
production) at every transition; listeners (progress displays) see the same states.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any, Protocol

from .attempts import error_text
from .retry import error_kinds

__all__ = [
    "TERMINAL",
    "NullRecorder",
    "RunRecorder",
    "RunStatus",
    "TaskState",
    "TaskStatus",
    "describe_error",
    "error_kind",
    "jsonable",
]


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


TERMINAL = frozenset(
    {TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.SKIPPED, TaskStatus.CANCELLED}
)


class RunRecorder(Protocol):
    """Where a run reports; every method returns at once (the store batches the writes)."""

    def task(self, task_id: str, status: str, **fields: Any) -> None: ...

    def log(self, message: str, *, task_id: str | None = None, level: str = "INFO") -> None: ...

    def succeeded(self, task_id: str, output: object, duration_ns: int) -> None:
        """A task succeeded in its first attempt (one call for the task row and the attempt)."""

    def attempt(
        self,
        task_id: str,
        attempt: int,
        status: str,
        duration_ns: int,
        *,
        error: str | None = None,
        kind: str | None = None,
        trace: str | None = None,
    ) -> None: ...


class NullRecorder:
    def task(self, task_id: str, status: str, **fields: Any) -> None:
        pass

    def succeeded(self, task_id: str, output: object, duration_ns: int) -> None:
        pass

    def log(self, message: str, *, task_id: str | None = None, level: str = "INFO") -> None:
        pass

    def attempt(
        self,
        task_id: str,
        attempt: int,
        status: str,
        duration_ns: int,
        *,
        error: str | None = None,
        kind: str | None = None,
        trace: str | None = None,
    ) -> None:
        pass


def jsonable(value: object) -> object:
    """The value as stored: itself if JSON can hold it, else its text."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    try:
        return json.loads(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def describe_error(error: BaseException) -> str:
    return error_text(error)


def error_kind(error: BaseException) -> str:
    """The kind an attempt's error is filed under: its ``kind``, else its class name."""
    kinds = error_kinds(error)
    return kinds[0] if kinds else type(error).__name__


@dataclass(slots=True)
class TaskState:
    status: TaskStatus = TaskStatus.PENDING
    attempt: int = 0
    error: str | None = None
    result: object = None
    started_ns: int | None = None
    ended_ns: int | None = None
    detail: dict[str, Any] | None = None  # skip reason, map counts (what the page shows)
