"""The exceptions the store raises; each message names the record and says what is wrong."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


class StoreError(Exception):
    """Base of every error raised by ``fbruntime.store``."""


class NotFound(StoreError, LookupError):
    """The named record does not exist."""


class Conflict(StoreError, ValueError):
    """The write would overwrite something that must not change silently."""


@dataclass(frozen=True)
class WriteFailure:
    """A write submitted without waiting that the database refused."""

    operation: str
    error: BaseException
    at: datetime


class StoreWriteError(StoreError):
    """Writes submitted with ``submit``/``*_nowait`` failed; raised by the next flush or close."""

    def __init__(self, failures: Sequence[WriteFailure]) -> None:
        self.failures = list(failures)
        first = self.failures[0]
        more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
        super().__init__(f"store write failed: {first.operation}: {first.error!r}{more}")


class WriterClosed(StoreError, RuntimeError):
    """A write was submitted after the writer shut down."""


class StoreUnavailable(StoreError):
    """The database cannot be opened: the data directory is a file or unreadable, the file is
    not a database, the server refuses. The message names the place and the reason."""
