"""Pipeline configs on disk: one folder per dag_id, the user only picks the file name.

::

    <data_dir>/pipelines/<dag_id>/<file name>.json    every version uploaded under that name
    <data_dir>/pipelines/<dag_id>/.active             which file is the pipeline now

The dag_id comes from the config's ``dag_name`` (already checked to be a safe folder name), so a
user never chooses a path; the file name is checked to be a plain name. Uploading again under the
same dag_name makes the new file the active one; older files stay for reference.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ConfigFolder", "StoredConfig", "check_file_name"]

_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,119}")
_ACTIVE = ".active"


def check_file_name(file_name: str) -> str:
    """The file name to keep (``.json`` added if missing); ``ValueError`` says what is wrong."""
    name = file_name.strip()
    if not name.lower().endswith(".json"):
        name += ".json"
    if not _FILE_NAME.fullmatch(name) or ".." in name:
        raise ValueError(
            f"file name {file_name!r} is not allowed: use letters, digits, '_', '-' and '.', "
            "starting with a letter or digit (no folders)"
        )
    return name


@dataclass(frozen=True)
class StoredConfig:
    dag_id: str
    file_name: str
    path: Path


class ConfigFolder:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, dag_id: str, file_name: str, data: bytes) -> StoredConfig:
        name = check_file_name(file_name)
        folder = self.root / dag_id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        partial = folder / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, path)
        marker = folder / f"{_ACTIVE}.part"
        marker.write_text(name, encoding="utf-8")
        os.replace(marker, folder / _ACTIVE)
        return StoredConfig(dag_id, name, path)

    def active(self, dag_id: str) -> StoredConfig | None:
        folder = self.root / dag_id
        try:
            name = (folder / _ACTIVE).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = folder / name
        return StoredConfig(dag_id, name, path) if path.is_file() else None

    def all_active(self) -> list[StoredConfig]:
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            stored = self.active(folder.name)
            if stored is not None:
                found.append(stored)
        return found

    def files(self, dag_id: str) -> list[str]:
        folder = self.root / dag_id
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.glob("*.json"))

    def remove(self, dag_id: str) -> bool:
        folder = self.root / dag_id
        marker = folder / _ACTIVE
        if not marker.exists():
            return False
        marker.unlink()
        return True
