"""Python block files: importing one by path, and picking the type a file stands for.

A block file is a Python module defining ``Block`` subclasses and/or module-level
``CompositeType`` objects. It is imported by path under a private module name (derived from the
path, so folders need no ``__init__.py`` and two libraries cannot clash). Source kept in the
database is executed the same way under a name derived from its content hash.

Which type a file *is* (for loading by file name): the type named by the module-level
``__block__`` attribute (a class name or a type name, or the class or type itself) when the file
sets it; else the type whose class name or type name equals the file's stem; else, if the file
defines exactly one type, that one. Anything else is an error that says what the file defines.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from fbruntime.core import Block, BlockType, CompositeType, FBType

__all__ = [
    "FileTypes",
    "class_name_in_source",
    "class_name_of",
    "default_library_dirs",
    "describe_error",
    "exec_source",
    "import_file",
    "library_type",
    "load_block_file",
    "load_library",
    "main_type",
    "types_in_module",
]

_PACKAGE_DIR = Path(__file__).resolve().parent  # the fbruntime package


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
    """Import a file by path (again, if it was imported before: the new module replaces it)."""
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


def exec_source(source: str, label: str) -> ModuleType:
    """Run block source text kept outside files (the database) as a module of its own.

    The module is registered in ``sys.modules`` so that ``inspect`` (and so tracebacks and the
    types' origin) can find it; its name is derived from the content, so equal source shares one.
    """
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    name = f"fbrt_stored_{digest}"
    module = ModuleType(name)
    module.__file__ = label
    sys.modules[name] = module
    try:
        exec(compile(source, label, "exec"), module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    return module


def types_in_module(module: ModuleType) -> list[FBType]:
    """The block types a module defines (its own Block subclasses and its CompositeTypes)."""
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


def class_name_of(t: FBType) -> str | None:
    """The Python class name behind a type, when it is a Block class."""
    return t.cls.__name__ if isinstance(t, BlockType) else None


def class_name_in_source(source: str, type_name: str) -> str | None:
    """The class that defines block type ``type_name`` in Python source, read without running it
    (stored types are listed by class name too): the class whose ``name = "..."`` says so, else
    the class of that name."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.bases]
    for cls in classes:
        for stmt in cls.body:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else []
            if isinstance(stmt, ast.AnnAssign):
                targets = [stmt.target]
            value = getattr(stmt, "value", None)
            if (
                any(isinstance(t, ast.Name) and t.id == "name" for t in targets)
                and isinstance(value, ast.Constant)
                and value.value == type_name
            ):
                return cls.name
    return next((c.name for c in classes if c.name == type_name), None)


@dataclass(frozen=True)
class FileTypes:
    """What one module holds: its types, and which of them the file stands for (or why none)."""

    types: tuple[FBType, ...]
    main: FBType | None
    main_error: str | None


def main_type(stem: str, types: Iterable[FBType], declared: Any, where: str) -> FileTypes:
    """Pick the type a file stands for; see the module docstring for the rule."""
    found = tuple(types)

    def names() -> str:
        if not found:
            return "no block type"
        listed = ", ".join(
            t.name if class_name_of(t) in (None, t.name) else f"{t.name} (class {class_name_of(t)})"
            for t in found
        )
        return f"the types {listed}"

    if declared is not None:
        wanted = declared
        if isinstance(wanted, type) and issubclass(wanted, Block):
            wanted = wanted.fbtype
        for t in found:
            if t is wanted or (isinstance(wanted, str) and wanted in (t.name, class_name_of(t))):
                return FileTypes(found, t, None)
        return FileTypes(
            found,
            None,
            f"{where}: __block__ = {declared!r} names no type here; it defines {names()}",
        )
    for t in found:
        if stem in (t.name, class_name_of(t)):
            return FileTypes(found, t, None)
    if len(found) == 1:
        return FileTypes(found, found[0], None)
    return FileTypes(
        found,
        None,
        f"{where}: no class or type is named {stem!r} and the file defines {names()}; "
        f"rename the file or set __block__ = '<class name>'",
    )


def describe_error(path: Path, exc: BaseException) -> str:
    """One line for an error raised while running a file: ``path:line: Kind: message``, with
    the line of the file itself (a syntax error's, or the deepest frame in that file)."""
    if isinstance(exc, SyntaxError) and exc.filename in (str(path), None):
        return f"{path}:{exc.lineno}: syntax error: {exc.msg}"
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {type(exc).__name__}: {exc}"


def load_block_file(path: Path) -> list[FBType]:
    """The block types a file defines (Block subclasses and module-level CompositeTypes)."""
    return types_in_module(import_file(path))


def load_library(dirs: Iterable[Path] | None = None) -> dict[str, FBType]:
    """Every type in the folders (recursively), by type name; later folders win.

    The plain function without caching or error collection; the Loader is the full version.
    """
    library: dict[str, FBType] = {}
    for folder in default_library_dirs() if dirs is None else dirs:
        for path in sorted(Path(folder).rglob("*.py")):
            if path.name.startswith("_"):
                continue
            for t in load_block_file(path):
                library[t.name] = t
    return library


@cache
def _library_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for folder in default_library_dirs():
        for path in sorted(folder.rglob("*.py")):
            files.setdefault(path.stem, path)
    return files


@cache
def library_type(name: str) -> FBType:
    """One type of the shipped library by name, without scanning or importing the rest.

    For library blocks built from other library blocks (composites written in Python): a file
    the library has already imported is reused, so both see the very same type objects.
    """
    path = _library_files().get(name)
    if path is None:
        raise ImportError(f"the shipped block library has no file {name}.py")
    for module in list(sys.modules.values()):
        if getattr(module, "__file__", None) == str(path):
            found = getattr(module, name, None)
            if isinstance(found, type) and issubclass(found, Block):
                return found.fbtype
            if isinstance(found, FBType):
                return found
    for fbtype in load_block_file(path):
        if fbtype.name == name:
            return fbtype
    raise ImportError(f"{path} defines no block type {name}")
