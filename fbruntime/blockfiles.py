"""Finding Python block files on disk: the project's ``blocks/`` and ``composites/`` and any folder.

A block file is a Python module defining one (or more) ``Block`` subclasses; it is imported by path
under a private module name, so folders need no ``__init__.py`` and two libraries cannot clash. The
Loader (caching, the database, listings) builds on these functions.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType

from fbruntime.core import Block, CompositeType, FBType

__all__ = ["default_library_dirs", "load_block_file", "load_library"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def default_library_dirs() -> list[Path]:
    """The shipped library: next to the package in a checkout, or inside it when installed."""
    found: list[Path] = []
    for name in ("blocks", "composites"):
        for candidate in (_PACKAGE_DIR.parent / name, _PACKAGE_DIR / "_library" / name):
            if candidate.is_dir():
                found.append(candidate)
                break
    return found


def _module_name(path: Path) -> str:
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    return f"fbrt_blocks_{path.stem}_{digest}"


def import_file(path: Path) -> ModuleType:
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def load_block_file(path: Path) -> list[FBType]:
    """The block types a file defines (Block subclasses and module-level CompositeTypes)."""
    module = import_file(path)
    types: list[FBType] = []
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Block)
            and value is not Block
            and value.__module__ == module.__name__
        ):
            types.append(value.fbtype)
        elif isinstance(value, CompositeType):
            types.append(value)
    return types


def load_library(dirs: Iterable[Path] | None = None) -> dict[str, FBType]:
    """Every type in the folders (recursively), by type name; later folders win."""
    library: dict[str, FBType] = {}
    for folder in default_library_dirs() if dirs is None else dirs:
        for path in sorted(Path(folder).rglob("*.py")):
            if path.name.startswith("_"):
                continue
            for t in load_block_file(path):
                library[t.name] = t
    return library
