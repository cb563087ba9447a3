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
    loader.get("EveryN")                        # also sync, once refresh() has read the database

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

Templates name their blocks by text (``b.add("A", "Gain")`` or ``ref("Gain")`` in a Python file,
``"type"`` in a JSON composite): the Loader that loads the template resolves the name, through its
folders and its database, so templates nest across files and across the database. :meth:`refresh`
reads the stored sources (each version once), so stored types build synchronously too.

Finding types (folders scanned, the index, lookup by name and version) lives in
:mod:`fbruntime.loader.index`, whose :class:`~fbruntime.loader.index.TypeIndex` the Loader extends
with the database: refreshing its index, building stored types, saving and deleting.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fbruntime.blockfiles import (
    class_name_in_source,
    exec_source,
    library_type,
    main_type,
    types_in_module,
)
from fbruntime.core import FBType
from fbruntime.core.typeref import NamedType
from fbruntime.loader.composite_json import (
    CompositeDefinition,
    build_composite,
    parse_definition,
)
from fbruntime.loader.entries import LoaderError, TypeEntry, TypeNotFound, UploadRefused
from fbruntime.loader.fourdiac_bridge import BUILDABLE_KINDS, kind_of_root
from fbruntime.loader.index import (
    LoaderStats,
    TypeIndex,
    db_entry,
    version_key,
)

if TYPE_CHECKING:
    from fbruntime.store import Store, TypeInfo

__all__ = ["Loader", "LoaderStats", "ref"]


def ref(name: str, version: str | None = None) -> Callable[[], FBType]:
    """A block type by name, for templates written in Python::

        b.add("Count", ref("E_CTU", "1.0"), PV=3)     # b.add("Count", "E_CTU") takes the newest

    It resolves through the Loader importing the file (its folders and database), each time an
    instance is made; outside any Loader, through the shipped library.
    """
    return NamedType(name, version)


_shipped: list[Loader] = []


def library_resolver(name: str, version: str | None) -> FBType:
    """The resolver for names taken outside any Loader: the shipped library (a file of that
    name without scanning, else one Loader over the shipped library, made on first use)."""
    if version is None:
        try:
            return library_type(name)
        except ImportError:
            pass
    if not _shipped:
        _shipped.append(Loader())
    return _shipped[0].get(name, version)


class Loader(TypeIndex):
    """Finds, lists, loads and stores block types; see the module docstring."""

    async def list_all(self, *, include_errors: bool = True) -> builtins.list[TypeEntry]:
        """Like :meth:`list`, after reading the database's index again."""
        await self.refresh()
        return self.list(include_errors=include_errors)

    async def load(self, name: str, version: str | None = None) -> FBType:
        """A type from the folders or the database (the newest version unless one is given)."""
        if self.store is not None and not self._db_index:
            await self.refresh()
        return self.get(name, version)

    def _build_stored(self, entry: TypeEntry) -> FBType:
        """Build a stored type from the source :meth:`refresh` read (once per version)."""
        key = (entry.name, entry.version, entry.origin)
        cached = self._db_types.get(key)
        if cached is not None:
            return cached
        info = next(
            (i for i in self._db_index if (i.name, i.version) == (entry.name, entry.version)), None
        )
        if info is None:
            return super()._build_stored(entry)
        if entry.name in self._building:
            raise LoaderError(f"stored type {entry.name!r} contains itself")
        label = f"<database:{entry.name}@{entry.version}>"
        fmt = str(getattr(info.format, "value", info.format))
        source = self._db_sources.get((info.name, info.version, info.content_hash))
        self._building.add(entry.name)
        try:
            built: FBType
            if fmt == "xml":
                if entry.kind not in BUILDABLE_KINDS:
                    raise LoaderError(
                        f"{label}: {entry.name!r} is stored as a 4diac {entry.kind}, "
                        "not a block type"
                        + (
                            "; create an application from it instead"
                            if entry.kind == "system"
                            else ""
                        )
                    )
                built = self.fourdiac.build_file(self._stored_path(info))
            elif source is None:
                return super()._build_stored(entry)
            elif fmt == "python":
                with self.importing():
                    built = _type_from_source(source, label)
            elif fmt == "composite-json":
                definition = parse_definition(source, label)
                with self.importing():
                    built = build_composite(definition, self._resolve_inner, origin=label)
            else:
                raise LoaderError(
                    f"type {entry.name!r} is stored as {fmt}; this loader cannot build it"
                )
        finally:
            self._building.discard(entry.name)
        self._db_types[key] = built
        return built

    # -- the database --------------------------------------------------------------------------

    def _require_store(self) -> Store:
        if self.store is None:
            raise LoaderError("this Loader has no database (pass store= to Loader)")
        return self.store

    async def refresh(self) -> None:
        """Read the database's index of stored types again (every version), and the source of
        each Python and JSON version not read before, so that they build synchronously.

        Stored 4diac XML is written out for the importer (see
        :mod:`fbruntime.loader.fourdiac_bridge`): each version once, the newest of each name
        where other XML can name it.
        """
        if self.store is None:
            return
        index = await self.store.types.list(newest_only=False)
        newest: dict[str, tuple[TypeInfo, Path]] = {}
        for info in index:
            fmt = str(getattr(info.format, "value", info.format))
            key = (info.name, info.version, info.content_hash)
            if fmt in ("python", "composite-json") and key not in self._db_sources:
                stored = await self.store.types.require(info.name, info.version)
                self._db_sources[key] = stored.source
                if fmt == "python":
                    class_name = class_name_in_source(stored.source, info.name)
                    if class_name is not None:
                        self._db_class_names[key] = class_name
            if fmt != "xml":
                continue
            path = self._stored_path(info)
            if not path.is_file():
                stored = await self.store.types.require(info.name, info.version)
                self.fourdiac.write_version(path, stored.source)
            old = newest.get(info.name)
            if old is None or version_key(info.version) > version_key(old[0].version):
                newest[info.name] = (info, path)
        if [(i.name, i.version, i.content_hash) for i in index] != [
            (i.name, i.version, i.content_hash) for i in self._db_index
        ]:
            self._generation += 1  # templates that lacked a stored type may load now
            self._last_scan = None
        self._db_index = index
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
            for e in [*self._fourdiac_entries, *(self._db_entry(i) for i in self._db_index)]
            if e.kind == "system" and e.error is None and name in (e.name, *e.aliases)
        ]
        if version is not None:
            systems = [e for e in systems if e.version == version]
        if not systems:
            have = ", ".join(sorted({e.name for e in self.list() if e.kind == "system"}))
            which = f"{name!r}" + ("" if version is None else f" version {version!r}")
            raise TypeNotFound(f"no 4diac system {which} (systems: {have or 'none'})")
        best = max(systems, key=lambda e: (version_key(e.version), e.source == "file"))
        if best.source == "file":
            return Path(best.origin), best
        info = next(i for i in self._db_index if i.name == best.name and i.version == best.version)
        return self._stored_path(info), best

    async def save_python(self, source: str, *, replace: bool = False) -> TypeEntry:
        """Store a Python block file's source; it runs here once to learn the type it defines."""
        store = self._require_store()
        with self.importing():
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
        return db_entry(saved)

    async def save_composite(
        self, definition: CompositeDefinition | dict[str, Any] | str, *, replace: bool = False
    ) -> TypeEntry:
        """Check a composite definition (every inner type must load), then store it."""
        store = self._require_store()
        if not isinstance(definition, CompositeDefinition):
            definition = parse_definition(definition, "uploaded composite")
        if self.store is not None and not self._db_index:
            await self.refresh()
        with self.importing():
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
        return db_entry(saved)

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
        return db_entry(saved)

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
