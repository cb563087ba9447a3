"""The per-file cache behind folder scans: never re-import a file that did not change.

A file is looked at again only when its modification time or size changed; then its content is
hashed, and only a different hash imports it again (an editor that rewrites a file unchanged, or a
``touch``, costs a read and a hash, never an import). What a file held, or the error it raised,
is kept with its stamp.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fbruntime.core import FBType

__all__ = ["FileCache", "FileRecord"]


@dataclass
class FileRecord:
    path: Path
    stamp: tuple[int, int]
    digest: str
    format: str
    types: tuple[FBType, ...] = ()
    main: FBType | None = None
    main_error: str | None = None
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


class FileCache:
    """Records by path; :meth:`refresh` returns the record and whether it changed."""

    def __init__(self) -> None:
        self.records: dict[Path, FileRecord] = {}
        self.imports = 0

    def refresh(
        self, path: Path, fmt: str, load: Callable[[Path, bytes], FileRecord]
    ) -> tuple[FileRecord | None, bool]:
        stamp = _stamp(path)
        old = self.records.get(path)
        if stamp is None:
            if old is not None:
                del self.records[path]
                return None, True
            return None, False
        if old is not None and old.stamp == stamp:
            return old, False
        try:
            data = path.read_bytes()
        except OSError as exc:
            record = FileRecord(path, stamp, "", fmt, error=f"{path}: cannot be read: {exc}")
            self.records[path] = record
            return record, True
        digest = hashlib.sha256(data).hexdigest()
        if old is not None and old.digest == digest:
            old.stamp = stamp
            return old, False
        self.imports += 1
        record = load(path, data)
        record.stamp, record.digest = stamp, digest
        self.records[path] = record
        return record, True

    def forget(self, path: Path) -> None:
        """Drop a record so that the next refresh imports the file again."""
        self.records.pop(path, None)

    def forget_missing(self, seen: set[Path]) -> bool:
        gone = [p for p in self.records if p not in seen]
        for p in gone:
            del self.records[p]
        return bool(gone)
