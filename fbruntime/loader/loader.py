"""The Loader: every block type the runtime can use, from folders and from the database.

::

    loader = Loader()                          # the shipped blocks/ and composites/
    loader.add_folder("~/my_blocks")           # Python block files and composite .json files
    loader.get("E_SPLIT")                      # by type name, class name or file name
    loader.get("E_SPLIT.py")
    [e.as_dict() for e in loader.list()]       # name, version, description, kind, origin, error

    loader = Loader(store=await Store.open(data_dir="data"))
    await loader.save_composite(definition)    # several versions coexist in the database
    await loader.load("EveryN", "1.0")          # the newest version when none is given

Folders are scanned on first use and again (a ``stat`` per file) whenever a query comes at least
``rescan_interval`` seconds after the last scan; see :mod:`fbruntime.loader.filecache` for why an
unchanged file is never imported twice. A file that fails to load is listed with its error and
never stops the scan. When a name exists in several places, the highest version wins; on a tie
the file wins, then the later folder.

4diac XML (``fourdiac_folders=``, and XML stored with :meth:`Loader.save_xml`) is listed by kind
(basic, composite, service, adapter, subapp, system, device ...) and built through
:class:`fbruntime.fourdiac.FourdiacTypes` (see :mod:`fbruntime.loader.fourdiac_bridge`). As in
FORTE, a Python or JSON type hides an XML file of the same name; only the FB kinds load as block
types, and a system is run with ``Orchestrator.create_system``.
"""

from __future__ import annotations

import builtins
import contextvars
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fbruntime.core import FBType
from fbruntime.loader.composite_json import (
    CompositeDefinition,
    build_composite,
    parse_definition,
)
from fbruntime.loader.entries import LoaderError, TypeEntry, TypeNotFound, UploadRefused
from fbruntime.loader.filecache import FileCache, FileRecord
from fbruntime.loader.fourdiac_bridge import BUILDABLE_KINDS, FourdiacSource, kind_of_root
from fbruntime.loader.pyfiles import (
    class_name_of,
    default_library_dirs,
    exec_source,
    import_file,
    main_type,
    types_in_module,
)

if TYPE_CHECKING:
    from fbruntime.store import Store, TypeInfo

__all__ = ["Loader", "LoaderStats", "ref"]

_current: contextvars.ContextVar[Loader | None] = contextvars.ContextVar(
    "fbrt_loader", default=None
)
_default: list[Loader] = []


def ref(name: str, version: str | None = None) -> Callable[[], FBType]:
    """A lazy reference to a library type, for composites written in Python::

        b.add("Count", ref("E_CTU"), PV=3)

    It resolves through the Loader that is importing the file (so user folders and the database
    are seen), or, outside any Loader, through one over the shipped library.
    """

    def resolve() -> FBType:
        loader = _current.get()
        if loader is None:
            if not _default:
                _default.append(Loader())
            loader = _default[0]
        return loader.get(name, version)

    return resolve


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    from fbruntime.store.typelib import version_key

    return version_key(version)


@dataclass
class LoaderStats:
    scans: int = 0
    imports: int = 0


@dataclass(frozen=True)
class _Candidate:
    entry: TypeEntry
    fbtype: FBType | None
    order: int


class Loader:
    """Finds, lists, loads and stores block types; see the module docstring."""

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
        self._file_candidates: list[_Candidate] = []
        self._fourdiac_entries: list[TypeEntry] = []
        self._db_index: list[TypeInfo] = []
        self._db_types: dict[tuple[str, str, str], FBType] = {}
        self._scanning: list[_Candidate] | None = None
        self.stats = LoaderStats()

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
        changed = False
        seen: set[Path] = set()
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
        candidates: list[_Candidate] = []
        self._scanning = candidates
        token = _current.set(self)
        try:
            for path in python_files:
                seen.add(path)
                record, did = self._cache.refresh(path, "python", self._load_python)
                changed |= did
                if record is not None:
                    candidates.extend(self._file_candidates_of(record, len(candidates)))
            # Composite definitions after every Python file, so they can name those types.
            for path in json_files:
                seen.add(path)
                record, did = self._cache.refresh(path, "composite-json", self._load_json)
                if record is not None and (did or record.error):
                    # Inner types may have changed or appeared: rebuild cheaply, no import.
                    self._rebuild_json(record)
                changed |= did
                if record is not None:
                    candidates.extend(self._file_candidates_of(record, len(candidates)))
        finally:
            _current.reset(token)
            self._scanning = None
        changed |= self._cache.forget_missing(seen)
        self.stats.imports = self._cache.imports
        self._file_candidates = candidates
        self.fourdiac.set_native(self._native_types())
        changed |= self.fourdiac.scan()
        self._fourdiac_entries = self.fourdiac.entries
        return changed

    def _native_types(self) -> dict[str, FBType]:
        """Python and JSON types by name (the best of each), as 4diac networks see them."""
        best: dict[str, _Candidate] = {}
        for c in self._file_candidates:
            if c.fbtype is None:
                continue
            old = best.get(c.entry.name)
            key = (_version_key(c.entry.version), c.order)
            if old is None or key > (_version_key(old.entry.version), old.order):
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
            return FileRecord(path, (0, 0), "", "python", error=_describe(path, exc))
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

    def _file_candidates_of(self, record: FileRecord, start: int) -> builtins.list[_Candidate]:
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
            return [_Candidate(entry, None, start)]
        out: list[_Candidate] = []
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
            out.append(_Candidate(entry, t, start + len(out)))
        return out

    def load_file(self, path: str | Path) -> FBType:
        """The type a file stands for (see :mod:`fbruntime.loader.pyfiles` for the rule)."""
        p = Path(path).expanduser()
        if not p.is_file():
            raise TypeNotFound(f"{p}: no such file")
        fmt = "composite-json" if p.suffix == ".json" else "python"
        token = _current.set(self)
        try:
            record, _ = self._cache.refresh(
                p, fmt, self._load_json if fmt == "composite-json" else self._load_python
            )
            if record is not None and fmt == "composite-json":
                self._rebuild_json(record)
        finally:
            _current.reset(token)
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
        entries += [_db_entry(info) for info in self._db_index]
        if not include_errors:
            entries = [e for e in entries if e.error is None]
        return sorted(entries, key=lambda e: (e.name.lower(), e.source, e.version))

    async def list_all(self, *, include_errors: bool = True) -> builtins.list[TypeEntry]:
        """Like :meth:`list`, after reading the database's index again."""
        await self.refresh()
        return self.list(include_errors=include_errors)

    def problems(self) -> builtins.list[str]:
        """Every file error, and every file whose name names none of its types."""
        self._ensure_scanned()
        out = [c.entry.error for c in self._file_candidates if c.entry.error]
        out += [r.main_error for r in self._cache.records.values() if r.main_error]
        out += self.fourdiac.problems
        return out

    def _candidates(self, name: str, version: str | None) -> builtins.list[_Candidate]:
        pool = list(self._scanning) if self._scanning is not None else list(self._file_candidates)
        pool += [
            _Candidate(e, None, -10_000 + i)
            for i, e in enumerate(self._fourdiac_entries)
            if e.error is None
        ]
        pool += [_Candidate(_db_entry(info), None, -1) for info in self._db_index]
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
                        _Candidate(_no_version(name, version, found), None, -2)
                    ]
                return _prefer_native(found)
        return []

    def _pick(self, name: str, version: str | None) -> _Candidate:
        self._ensure_scanned()
        found = self._candidates(name, version)
        if not found:
            raise TypeNotFound(self._not_found(name))
        best: _Candidate = max(
            found,
            key=lambda c: (_version_key(c.entry.version), c.entry.source == "file", c.order),
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

        Database types are available here once :meth:`load` (or a save) has built them.
        """
        if Path(name).suffix == ".py" and ("/" in name or "\\" in name):
            return self.load_file(name)
        best = self._pick(name, version)
        if best.fbtype is not None:
            return best.fbtype
        entry = best.entry
        if entry.source == "database":
            key = (entry.name, entry.version, entry.origin)
            built = self._db_types.get(key)
            if built is None:
                raise LoaderError(
                    f"type {entry.name!r} version {entry.version} is stored in the database; "
                    "load it first with `await loader.load(...)`"
                )
            return built
        return self.fourdiac.build(entry)

    async def load(self, name: str, version: str | None = None) -> FBType:
        """A type from the folders or the database (the newest version unless one is given)."""
        if self.store is not None and not self._db_index:
            await self.refresh()
        best = self._pick(name, version)
        if best.entry.source != "database":
            return self.get(name, version)
        return await self._build_stored(best.entry, set())

    async def _build_stored(self, entry: TypeEntry, seen: set[str]) -> FBType:
        assert self.store is not None
        key = (entry.name, entry.version, entry.origin)
        cached = self._db_types.get(key)
        if cached is not None:
            return cached
        if entry.name in seen:
            raise LoaderError(f"stored type {entry.name!r} contains itself")
        stored = await self.store.types.require(entry.name, entry.version)
        label = f"<database:{entry.name}@{entry.version}>"
        built: FBType
        if stored.format == "python":
            built = _type_from_source(stored.source, label)
        elif stored.format == "xml":
            if entry.kind not in BUILDABLE_KINDS:
                raise LoaderError(
                    f"{label}: {entry.name!r} is stored as a 4diac {entry.kind}, not a block type"
                    + ("; create an application from it instead" if entry.kind == "system" else "")
                )
            path = self._stored_path(stored)
            if not path.is_file():
                self.fourdiac.write_version(path, stored.source)
            built = self.fourdiac.build_file(path)
        elif stored.format == "composite-json":
            definition = parse_definition(stored.source, label)
            for inner, inner_version in definition.inner_type_names():
                inner_pick = self._pick(inner, inner_version)
                if inner_pick.entry.source == "database":
                    await self._build_stored(inner_pick.entry, seen | {entry.name})
            built = build_composite(definition, self._resolve_inner, origin=label)
        else:
            raise LoaderError(
                f"type {entry.name!r} is stored as {stored.format}; this loader cannot build it"
            )
        self._db_types[key] = built
        return built

    # -- the database --------------------------------------------------------------------------

    def _require_store(self) -> Store:
        if self.store is None:
            raise LoaderError("this Loader has no database (pass store= to Loader)")
        return self.store

    async def refresh(self) -> None:
        """Read the database's index of stored types again (every version).

        Stored 4diac XML is written out for the importer (see
        :mod:`fbruntime.loader.fourdiac_bridge`): each version once, the newest of each name
        where other XML can name it.
        """
        if self.store is None:
            return
        self._db_index = await self.store.types.list(newest_only=False)
        newest: dict[str, tuple[TypeInfo, Path]] = {}
        for info in self._db_index:
            if str(getattr(info.format, "value", info.format)) != "xml":
                continue
            path = self._stored_path(info)
            if not path.is_file():
                stored = await self.store.types.require(info.name, info.version)
                self.fourdiac.write_version(path, stored.source)
            old = newest.get(info.name)
            if old is None or _version_key(info.version) > _version_key(old[0].version):
                newest[info.name] = (info, path)
        if newest or self.fourdiac.has_stored:
            self.fourdiac.publish_newest({n: p for n, (_, p) in newest.items()})

    def _stored_path(self, info: TypeInfo) -> Path:
        return self.fourdiac.version_path(info.name, info.version, info.kind, info.content_hash)

    async def system_file(self, name: str, version: str | None = None) -> tuple[Path, TypeEntry]:
        """The file of a 4diac system listed by the Loader (a folder's or the database's)."""
        if self.store is not None:
            await self.refresh()
        self._ensure_scanned()
        systems = [
            e
            for e in [*self._fourdiac_entries, *(_db_entry(i) for i in self._db_index)]
            if e.kind == "system" and e.error is None and name in (e.name, *e.aliases)
        ]
        if version is not None:
            systems = [e for e in systems if e.version == version]
        if not systems:
            have = ", ".join(sorted({e.name for e in self.list() if e.kind == "system"}))
            which = f"{name!r}" + ("" if version is None else f" version {version!r}")
            raise TypeNotFound(f"no 4diac system {which} (systems: {have or 'none'})")
        best = max(systems, key=lambda e: (_version_key(e.version), e.source == "file"))
        if best.source == "file":
            return Path(best.origin), best
        info = next(i for i in self._db_index if i.name == best.name and i.version == best.version)
        return self._stored_path(info), best

    async def save_python(self, source: str, *, replace: bool = False) -> TypeEntry:
        """Store a Python block file's source; it runs here once to learn the type it defines."""
        store = self._require_store()
        t = _type_from_source(source, "<upload>")
        saved = await store.types.save(
            t.name,
            t.version or "1.0",
            source,
            format="python",
            kind=t.kind,
            description=t.description,
            replace=replace,
        )
        await self.refresh()
        return _db_entry(saved)

    async def save_composite(
        self, definition: CompositeDefinition | dict[str, Any] | str, *, replace: bool = False
    ) -> TypeEntry:
        """Check a composite definition (every inner type must load), then store it."""
        store = self._require_store()
        if not isinstance(definition, CompositeDefinition):
            definition = parse_definition(definition, "uploaded composite")
        if self.store is not None and not self._db_index:
            await self.refresh()
        for inner, inner_version in definition.inner_type_names():
            await self.load(inner, inner_version)
        build_composite(definition, self._resolve_inner, origin="<upload>")
        saved = await store.types.save(
            definition.name,
            definition.version,
            definition.to_json(),
            format="composite-json",
            kind="composite",
            description=definition.description,
            replace=replace,
        )
        await self.refresh()
        return _db_entry(saved)

    async def save_xml(
        self, data: bytes, *, filename: str = "upload.fbt", replace: bool = False
    ) -> TypeEntry:
        """Store a 4diac type file after reading it through the safe parser."""
        store = self._require_store()
        from fbruntime.fourdiac import FourdiacError, read_bytes

        try:
            element = read_bytes(data, filename)
        except FourdiacError as exc:
            raise LoaderError(str(exc)) from None
        except ValueError as exc:
            raise LoaderError(f"{filename}: {exc}") from None
        header = getattr(element, "header", None)
        name = str(getattr(header, "name", "") or Path(filename).stem)
        version = str(getattr(header, "version", "") or "1.0")
        description = str(getattr(header, "description", "") or "")
        kind = kind_of_root(getattr(element, "kind", ""))
        saved = await store.types.save(
            name,
            version,
            data.decode("utf-8", errors="replace"),
            format="xml",
            kind=kind,
            description=description,
            replace=replace,
        )
        await self.refresh()
        return _db_entry(saved)

    async def delete(self, name: str, version: str | None = None) -> int:
        """Remove stored versions of a type; types from files are deleted by deleting the file."""
        store = self._require_store()
        removed = await store.types.delete(name, version)
        if removed == 0:
            self._ensure_scanned()
            if any(c.entry.name == name for c in self._file_candidates):
                raise UploadRefused(
                    f"type {name!r} comes from a file, not the database; delete the file instead"
                )
            raise TypeNotFound(
                f"type {name!r}{'' if version is None else f' version {version!r}'} "
                "is not stored in the database"
            )
        self._db_types = {k: v for k, v in self._db_types.items() if k[0] != name}
        await self.refresh()
        return removed


def _type_from_source(source: str, label: str) -> FBType:
    try:
        module = exec_source(source, label)
        types = types_in_module(module)
    except Exception as exc:
        raise LoaderError(f"{label}: {type(exc).__name__}: {exc}") from None
    picked = main_type("", types, vars(module).get("__block__"), label)
    if picked.main is None:
        raise LoaderError(
            f"{label}: defines {len(types)} types; set __block__ = '<class name>' to say which"
            if types
            else f"{label}: defines no Block subclass"
        )
    return picked.main


def _db_entry(info: TypeInfo) -> TypeEntry:
    return TypeEntry(
        name=info.name,
        version=info.version,
        description=info.description,
        kind=info.kind,
        source="database",
        origin=f"database#{info.content_hash[:12]}",
        format=str(info.format.value if hasattr(info.format, "value") else info.format),
    )


def _prefer_native(found: builtins.list[_Candidate]) -> builtins.list[_Candidate]:
    """A Python or JSON type hides 4diac XML of the same name, as FORTE's compiled-in types do;
    block types hide listed-only 4diac kinds (adapters, systems ...)."""
    if any(c.entry.source == "file" and c.entry.format != "xml" for c in found):
        found = [c for c in found if c.entry.format != "xml" or c.entry.source != "file"]
    buildable = [c for c in found if c.entry.format != "xml" or c.entry.kind in BUILDABLE_KINDS]
    return buildable or found


def _no_version(name: str, version: str, found: Sequence[_Candidate]) -> TypeEntry:
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
    if isinstance(exc, SyntaxError):
        return f"{path}:{exc.lineno}: syntax error: {exc.msg}"
    tb = exc.__traceback__
    line = 0
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == str(path):
            line = tb.tb_lineno
        tb = tb.tb_next
    where = f"{path}:{line}" if line else str(path)
    return f"{where}: {type(exc).__name__}: {exc}"
