"""The Loader's index: block types found in folders and the database index, looked up by name.

:class:`TypeIndex` is the finding half of :class:`fbruntime.loader.Loader` (which adds the
database: refreshing its index, building stored types, saving and deleting). It scans the
folders (Python block files, composite JSON, 4diac XML through
:mod:`fbruntime.loader.fourdiac_bridge`), keeps each file's types as :class:`Candidate` entries,
and answers ``list`` and ``get`` from them and from the database index the Loader last read.
While a file is imported, :data:`importing_loader` names the Loader doing it and core's
:data:`~fbruntime.core.typeref.type_resolver` is its ``get``, so that a template in that file
naming a block (``b.add("A", "Gain")``, :func:`fbruntime.loader.ref`) resolves through it.

A template may name a type whose file the scan has not reached yet: a name asked for during a
scan imports the pending file of that name at once (then, failing that, the other pending files),
so templates nest across files whatever their order. A file that failed only because a type it
names was missing is tried again when the set of known types changes (a file or the database).
"""

from __future__ import annotations

import builtins
import contextlib
import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from fbruntime.blockfiles import (
    class_name_of,
    default_library_dirs,
    describe_error,
    import_file,
    main_type,
    types_in_module,
)
from fbruntime.builtin import builtin_types
from fbruntime.core import FBType
from fbruntime.core.typeref import type_resolver
from fbruntime.loader.composite_json import CompositeDefinition, build_composite, parse_definition
from fbruntime.loader.entries import LoaderError, TypeEntry, TypeNotFound
from fbruntime.loader.filecache import FileCache, FileRecord
from fbruntime.loader.fourdiac_bridge import BUILDABLE_KINDS, FourdiacSource

if TYPE_CHECKING:
    from fbruntime.store import Store, TypeInfo

importing_loader: contextvars.ContextVar[TypeIndex | None] = contextvars.ContextVar(
    "fbrt_loader", default=None
)
"""The Loader importing a file right now (scans and ``load_file`` set it)."""


def version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    """The store's order of versions (its module is imported on first use, not with this one)."""
    from fbruntime.store import typelib

    return typelib.version_key(version)


@dataclass
class LoaderStats:
    """How often the folders were scanned and files imported (tests check that caching works)."""

    scans: int = 0
    imports: int = 0


@dataclass(frozen=True)
class Candidate:
    """One type a name may mean: its listing entry, the type when built, its precedence."""

    entry: TypeEntry
    fbtype: FBType | None
    order: int


class TypeIndex:
    """Types from folders and the database index, by name; see the module docstring."""

    def __init__(
        self,
        folders: Iterable[str | Path] = (),
        *,
        fourdiac_folders: Iterable[str | Path] = (),
        store: Store | None = None,
        include_library: bool = True,
        rescan_interval: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._folders: list[Path] = list(default_library_dirs()) if include_library else []
        self._folders += [Path(f).expanduser() for f in folders]
        self._fourdiac: list[Path] = [Path(f).expanduser() for f in fourdiac_folders]
        self.fourdiac = FourdiacSource(self._fourdiac)
        self.store = store
        self.rescan_interval = rescan_interval
        self._monotonic = monotonic
        self._last_scan: float | None = None
        self._cache = FileCache()
        self._file_candidates: list[Candidate] = []
        self._fourdiac_entries: list[TypeEntry] = []
        self._db_index: list[TypeInfo] = []
        self._db_types: dict[tuple[str, str, str], FBType] = {}
        # The class name behind each stored Python type, by (name, version, content hash).
        self._db_class_names: dict[tuple[str, str, str], str] = {}
        self._db_sources: dict[tuple[str, str, str], str] = {}  # read by the Loader's refresh
        self._building: set[str] = set()  # stored types being built (a cycle check)
        self._scanning: list[Candidate] | None = None
        # Files of the scan in progress not imported yet: path -> (format, position).
        self._pending: dict[Path, tuple[str, int]] = {}
        self._generation = 0  # bumped whenever the set of known types may have changed
        self._changed_in_scan = False
        self.stats = LoaderStats()

    @contextlib.contextmanager
    def importing(self) -> Iterator[None]:
        """While a file or stored source runs: names it takes resolve through this Loader."""
        token = importing_loader.set(self)
        resolver = type_resolver.set(self._resolve_inner)
        try:
            yield
        finally:
            type_resolver.reset(resolver)
            importing_loader.reset(token)

    # -- folders ------------------------------------------------------------------------------

    @property
    def folders(self) -> tuple[Path, ...]:
        return tuple(self._folders)

    @property
    def fourdiac_folders(self) -> tuple[Path, ...]:
        return tuple(self._fourdiac)

    def add_folder(self, folder: str | Path, *, fourdiac: bool = False) -> None:
        """Add a folder (Python blocks and composite .json, or 4diac XML); rescans next query."""
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise LoaderError(f"{path}: not a folder")
        (self._fourdiac if fourdiac else self._folders).append(path)
        self._last_scan = None

    def scan(self, *, force: bool = False) -> bool:
        """Look at the folders again; returns whether anything changed. Cheap when nothing did."""
        now = self._monotonic()
        if (
            not force
            and self._last_scan is not None
            and now - self._last_scan < self.rescan_interval
        ):
            return False
        if self._scanning is not None:
            return False  # a file being imported asked for a type: answer from what is loaded
        self._last_scan = now
        self.stats.scans += 1
        python_files: list[Path] = []
        json_files: list[Path] = []
        for folder in self._folders:
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*")):
                if path.name.startswith(("_", ".")) or not path.is_file():
                    continue
                if path.suffix == ".py":
                    python_files.append(path)
                elif path.suffix == ".json":
                    json_files.append(path)
        # Composite definitions after every Python file, so they can name those types; a name
        # asked for while a file is imported loads its file first (_load_pending).
        self._pending = {p: ("python", i) for i, p in enumerate(python_files)}
        offset = len(python_files)
        self._pending.update({p: ("composite-json", offset + i) for i, p in enumerate(json_files)})
        seen = set(self._pending)
        candidates: list[Candidate] = []
        self._scanning = candidates
        self._changed_in_scan = False
        try:
            with self.importing():
                while self._pending:
                    self._scan_one(next(iter(self._pending)))
        finally:
            self._scanning = None
            self._pending = {}
        changed = self._changed_in_scan
        changed |= self._cache.forget_missing(seen)
        self.stats.imports = self._cache.imports
        candidates.sort(key=lambda c: c.order)
        self._file_candidates = candidates
        self.fourdiac.set_native(self._native_types())
        changed |= self.fourdiac.scan()
        self._fourdiac_entries = self.fourdiac.entries
        if changed:
            self._generation += 1
        return changed

    def _scan_one(self, path: Path) -> None:
        """Import one pending file of the scan in progress and add its types."""
        fmt, position = self._pending.pop(path)
        assert self._scanning is not None
        old = self._cache.records.get(path)
        retried: str | None = None
        if old is not None and old.extra.get("missing_at", self._generation) != self._generation:
            self._cache.forget(path)  # it lacked a type; the known types changed since
            retried = old.error
        if fmt == "python":
            record, did = self._cache.refresh(path, "python", self._load_python)
        else:
            record, did = self._cache.refresh(path, "composite-json", self._load_json)
            if record is not None and (did or record.error):
                # Inner types may have changed or appeared: rebuild cheaply, no import.
                self._rebuild_json(record)
        if retried is not None and record is not None and record.error == retried:
            did = False  # still missing the same type: nothing changed
        self._changed_in_scan |= did
        if record is not None:
            self._scanning.extend(self._file_candidates_of(record, position * 1000))

    def _load_pending(self, name: str) -> None:
        """During a scan, a type not found yet: import the pending file of that name, then (if
        that was not it) the other pending files, until one defines it."""
        stem = Path(name).stem.lower()
        first = [p for p in self._pending if p.stem.lower() == stem]
        for path in first:
            if path in self._pending:
                self._scan_one(path)
        while self._pending and not self._found_in_scan(name):
            self._scan_one(next(iter(self._pending)))

    def _found_in_scan(self, name: str) -> bool:
        pool = self._scanning or []
        return any(
            c.entry.error is None and name in (c.entry.name, c.entry.class_name, c.entry.file_name)
            for c in pool
        )

    def _native_types(self) -> dict[str, FBType]:
        """Python and JSON types by name (the best of each), as 4diac networks see them."""
        best: dict[str, Candidate] = {}
        for c in self._file_candidates:
            if c.fbtype is None:
                continue
            old = best.get(c.entry.name)
            key = (version_key(c.entry.version), c.order)
            if old is None or key > (version_key(old.entry.version), old.order):
                best[c.entry.name] = c
        return {name: c.fbtype for name, c in best.items() if c.fbtype is not None}

    def _ensure_scanned(self) -> None:
        self.scan()

    # -- loading files -------------------------------------------------------------------------

    def _load_python(self, path: Path, data: bytes) -> FileRecord:
        try:
            module = import_file(path)
            types = types_in_module(module)
        except Exception as exc:
            record = FileRecord(path, (0, 0), "", "python", error=_describe(path, exc))
            if isinstance(exc, LoaderError):  # a type it names is missing: try again later
                record.extra["missing_at"] = self._generation
            return record
        picked = main_type(path.stem, types, vars(module).get("__block__"), str(path))
        return FileRecord(path, (0, 0), "", "python", picked.types, picked.main, picked.main_error)

    def _load_json(self, path: Path, data: bytes) -> FileRecord:
        record = FileRecord(path, (0, 0), "", "composite-json")
        try:
            record.extra["definition"] = parse_definition(data, str(path))
        except ValueError as exc:
            record.error = str(exc)
        return record

    def _rebuild_json(self, record: FileRecord) -> None:
        definition = record.extra.get("definition")
        if not isinstance(definition, CompositeDefinition):
            return
        try:
            ct = build_composite(definition, self._resolve_inner, origin=str(record.path))
        except Exception as exc:
            record.types, record.main, record.error = (), None, _describe(record.path, exc)
            return
        record.types, record.main, record.error = (ct,), ct, None

    def _resolve_inner(self, name: str, version: str | None) -> FBType:
        return self.get(name, version)

    def _file_candidates_of(self, record: FileRecord, start: int) -> builtins.list[Candidate]:
        path = record.path
        if record.error is not None:
            entry = TypeEntry(
                name=path.stem,
                version="",
                description="",
                kind="composite" if record.format == "composite-json" else "python",
                source="file",
                origin=str(path),
                format=record.format,
                file_name=path.name,
                error=record.error,
            )
            return [Candidate(entry, None, start)]
        out: list[Candidate] = []
        for t in record.types:
            entry = TypeEntry(
                name=t.name,
                version=t.version,
                description=t.description,
                kind=t.kind,
                source="file",
                origin=str(path),
                format=record.format,
                class_name=class_name_of(t),
                file_name=path.name if t is record.main else None,
            )
            out.append(Candidate(entry, t, start + len(out)))
        return out

    def load_file(self, path: str | Path) -> FBType:
        """The type a file stands for (see :mod:`fbruntime.blockfiles` for the rule)."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise TypeNotFound(f"{p}: no such file")
        fmt = "composite-json" if p.suffix == ".json" else "python"
        with self.importing():
            record, _ = self._cache.refresh(
                p, fmt, self._load_json if fmt == "composite-json" else self._load_python
            )
            if record is not None and fmt == "composite-json":
                self._rebuild_json(record)
        self.stats.imports = self._cache.imports
        if record is None:
            raise TypeNotFound(f"{p}: no such file")
        if record.error is not None:
            raise LoaderError(record.error)
        if record.main is None:
            raise LoaderError(record.main_error or f"{p}: defines no block type")
        return record.main

    # -- queries -------------------------------------------------------------------------------

    def list(self, *, include_errors: bool = True) -> builtins.list[TypeEntry]:
        """Every available type (files, 4diac folders, the database index last refreshed)."""
        self._ensure_scanned()
        entries = [c.entry for c in self._file_candidates]
        entries += self._fourdiac_entries
        entries += [self._db_entry(info) for info in self._db_index]
        if not include_errors:
            entries = [e for e in entries if e.error is None]
        return sorted(entries, key=lambda e: (e.name.lower(), e.source, e.version))

    def problems(self) -> builtins.list[str]:
        """Every file error, and every file whose name names none of its types."""
        self._ensure_scanned()
        out = [c.entry.error for c in self._file_candidates if c.entry.error]
        out += [r.main_error for r in self._cache.records.values() if r.main_error]
        out += self.fourdiac.problems
        return out

    def _candidates(self, name: str, version: str | None) -> builtins.list[Candidate]:
        pool = list(self._scanning) if self._scanning is not None else list(self._file_candidates)
        pool += [
            Candidate(e, None, -10_000 + i)
            for i, e in enumerate(self._fourdiac_entries)
            if e.error is None
        ]
        pool += [Candidate(self._db_entry(info), None, -1) for info in self._db_index]
        usable = [c for c in pool if c.entry.error is None]
        matchers: tuple[Callable[[TypeEntry], bool], ...] = (
            lambda e: e.name == name,
            lambda e: e.class_name == name,
            lambda e: e.file_name is not None and name in (e.file_name, Path(e.file_name).stem),
            lambda e: name in e.aliases,
            lambda e: e.name.lower() == name.lower(),
        )
        for match in matchers:
            found = [c for c in usable if match(c.entry)]
            if found:
                if version is not None:
                    return _prefer_native([c for c in found if c.entry.version == version]) or [
                        Candidate(_no_version(name, version, found), None, -2)
                    ]
                return _prefer_native(found)
        return []

    def _pick(self, name: str, version: str | None) -> Candidate:
        self._ensure_scanned()
        found = self._candidates(name, version)
        if not found and self._pending:
            self._load_pending(name)
            found = self._candidates(name, version)
        if not found:
            raise TypeNotFound(self._not_found(name))
        best: Candidate = max(
            found,
            key=lambda c: (version_key(c.entry.version), c.entry.source == "file", c.order),
        )
        if best.order == -2 and best.entry.error:
            raise TypeNotFound(best.entry.error)
        return best

    def _not_found(self, name: str) -> str:
        broken = [
            c.entry
            for c in self._file_candidates
            if c.entry.error and name in (c.entry.name, c.entry.file_name)
        ]
        if broken:
            return f"type {name!r} failed to load: {broken[0].error}"
        if Path(name).suffix in (".py", ".json"):
            for record in self._cache.records.values():
                if record.path.name == name and record.main_error:
                    return record.main_error
        where = ", ".join(str(f) for f in (*self._folders, *self._fourdiac)) or "no folder"
        db = " or the database" if self.store is not None else ""
        return f"no type named {name!r} in {where}{db}"

    def entry(self, name: str, version: str | None = None) -> TypeEntry:
        return self._pick(name, version).entry

    def get(self, name: str, version: str | None = None) -> FBType:
        """A type by type name, class name or file name (synchronous).

        Database types are available here once the Loader has read the database
        (``await loader.refresh()``, or a ``load`` or a save).
        """
        if Path(name).suffix == ".py" and ("/" in name or "\\" in name):
            return self.load_file(name)
        try:
            best = self._pick(name, version)
        except TypeNotFound:
            # FORTE's standard types (F_ADD, BOOL2BOOL, ADD_3 ...) are built in, as on a device.
            builtin = builtin_types().get(name) if version is None else None
            if builtin is None:
                raise
            return builtin
        if best.fbtype is not None:
            return best.fbtype
        entry = best.entry
        if entry.source == "database":
            return self._build_stored(entry)
        return self.fourdiac.build(entry)

    def _build_stored(self, entry: TypeEntry) -> FBType:
        """A stored type, built from the source the last refresh read (the Loader does)."""
        built = self._db_types.get((entry.name, entry.version, entry.origin))
        if built is None:
            raise LoaderError(
                f"type {entry.name!r} version {entry.version} is stored in the database; "
                "read it first with `await loader.refresh()` or `await loader.load(...)`"
            )
        return built

    def _db_entry(self, info: TypeInfo) -> TypeEntry:
        entry = db_entry(info)
        class_name = self._db_class_names.get((info.name, info.version, info.content_hash))
        if class_name is None:
            return entry
        return replace(entry, class_name=class_name)


def db_entry(info: TypeInfo) -> TypeEntry:
    """The listing row of a stored type version."""
    return TypeEntry(
        name=info.name,
        version=info.version,
        description=info.description,
        kind=info.kind,
        source="database",
        origin=f"database#{info.content_hash[:12]}",
        format=str(info.format.value if hasattr(info.format, "value") else info.format),
    )


def _prefer_native(found: builtins.list[Candidate]) -> builtins.list[Candidate]:
    """A Python or JSON type hides 4diac XML of the same name, as FORTE's compiled-in types do;
    block types hide listed-only 4diac kinds (adapters, systems ...)."""
    if any(c.entry.source == "file" and c.entry.format != "xml" for c in found):
        found = [c for c in found if c.entry.format != "xml" or c.entry.source != "file"]
    buildable = [c for c in found if c.entry.format != "xml" or c.entry.kind in BUILDABLE_KINDS]
    return buildable or found


def _no_version(name: str, version: str, found: Sequence[Candidate]) -> TypeEntry:
    have = ", ".join(sorted({c.entry.version or "(none)" for c in found}))
    return TypeEntry(
        name=name,
        version=version,
        description="",
        kind="",
        source="",
        origin="",
        format="",
        error=f"type {name!r} has no version {version!r} (available: {have})",
    )


def _describe(path: Path, exc: BaseException) -> str:
    return describe_error(path, exc)
