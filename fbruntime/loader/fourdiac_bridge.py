"""The Loader's 4diac side: XML type folders and stored XML, built through :mod:`fbruntime.fourdiac`.

The importer resolves names through a :class:`~fbruntime.fourdiac.TypeLibrary` over folders, so
XML kept in the database is written out ("materialized") into a private working folder the
Loader owns: the newest version of every stored XML type under ``stored/`` (a library root, so
other XML can name it), every version under ``versions/`` (built by file when a version is asked
for), and uploaded systems under ``uploads/<hash>/`` (content-addressed, so recreating or
restoring an application reuses the same file). Roots are searched in order: the configured
folders first, then ``stored/``; inside the importer a native type of the same name wins, as in
FORTE: the Loader's own Python and JSON types, then FORTE's built-ins (``fbruntime.builtin``).

One :class:`~fbruntime.fourdiac.FourdiacTypes` is kept (types are compiled once) and dropped
whenever a scan sees a 4diac file, a stored XML version or a native type change.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

from fbruntime.builtin import BuiltinLibrary
from fbruntime.core import FBType
from fbruntime.fourdiac import FourdiacError, FourdiacTypes, TypeLibrary
from fbruntime.fourdiac import TypeEntry as LibraryEntry
from fbruntime.fourdiac.library import scan_files
from fbruntime.loader.entries import LoaderError, TypeEntry

__all__ = [
    "BUILDABLE_KINDS",
    "FourdiacSource",
    "extension_of",
    "kind_of_root",
]

BUILDABLE_KINDS = frozenset({"basic", "simple", "composite", "service", "function"})
"""4diac kinds that become runtime block types; the others are listed but not loadable."""

_EXTENSIONS = {
    "basic": "fbt",
    "simple": "fbt",
    "composite": "fbt",
    "service": "fbt",
    "function": "fct",
    "adapter": "adp",
    "subapp": "sub",
    "datatype": "dtp",
    "globalconstants": "gcf",
    "system": "sys",
    "device": "dev",
    "resource": "res",
    "segment": "seg",
    "attribute": "atp",
}


def kind_of_root(kind: object) -> str:
    """The listing kind of a model's :class:`~fbruntime.fourdiac.model.Kind` (``basic`` ...)."""
    text = str(getattr(kind, "value", kind) or "").lower()
    return text or "unknown"


def extension_of(kind: str) -> str:
    return _EXTENSIONS.get(kind, "xml")


def _not_loadable(name: str, kind: str, where: str) -> str:
    if kind == "system":
        return (
            f"{where}: {name!r} is a 4diac system, not a block type; create an application "
            f"from it (Orchestrator.create_system or POST /api/apps/system?system={name})"
        )
    return (
        f"{where}: {name!r} is a 4diac {kind} type, which is not a block type "
        f"(loadable kinds: {', '.join(sorted(BUILDABLE_KINDS))})"
    )


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "_-." else "_" for c in name)[:80] or "upload"


class FourdiacSource:
    """Folders of 4diac XML plus the materialized database XML; see the module docstring."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders  # the Loader's own list: folders added later are seen
        self._work: Path | None = None
        self._signature: tuple[tuple[str, int, int], ...] = ()
        self._types: FourdiacTypes | None = None
        self._native: Mapping[str, FBType] | None = None
        self.entries: list[TypeEntry] = []
        self.problems: list[str] = []
        self._labels: dict[str, str] = {}

    # -- the working folder ---------------------------------------------------------------------

    @property
    def work(self) -> Path:
        if self._work is None:
            self._work = Path(tempfile.mkdtemp(prefix="fbrt-4diac-"))
            weakref.finalize(self, shutil.rmtree, self._work, True)
        return self._work

    @property
    def stored_dir(self) -> Path:
        return self.work / "stored"

    @property
    def has_stored(self) -> bool:
        """Whether database XML was written out (without creating the working folder)."""
        return self._work is not None and self.stored_dir.is_dir()

    def roots(self, project: Path | None = None) -> list[Path]:
        roots = [project] if project is not None else []
        roots += [f for f in self.folders if f != project]
        if self.has_stored:
            roots.append(self.stored_dir)
        return roots

    # -- scanning ---------------------------------------------------------------------------------

    def scan(self) -> bool:
        """List the folders again (a ``stat`` per file when nothing changed)."""
        signature: list[tuple[str, int, int]] = []
        for path in scan_files(self.folders) if self.folders else []:
            try:
                st = os.stat(path)
            except OSError:
                continue
            signature.append((path, st.st_mtime_ns, st.st_size))
        changed = tuple(signature) != self._signature
        if changed or (not self.entries and self.folders):
            self._signature = tuple(signature)
            self._types = None
            self.entries, self.problems = self._list(self.folders)
        return changed

    @staticmethod
    def _list(folders: Sequence[Path]) -> tuple[list[TypeEntry], list[str]]:
        if not folders:
            return [], []
        entries: list[TypeEntry] = []
        problems: list[str] = []
        for info in TypeLibrary(folders).list_types():
            kind = kind_of_root(info.kind) if info.kind is not None else "unknown"
            unreadable = info.kind is None
            text = "; ".join(str(p) for p in info.problems)
            if text:
                problems.append(text)
            aliases: tuple[str, ...] = ()
            if info.qualified_name != info.name:
                aliases = (info.qualified_name, info.qualified_name.replace("::", "__"))
            entries.append(
                TypeEntry(
                    name=info.name,
                    version=info.version,
                    description=info.description,
                    kind=kind,
                    source="file",
                    origin=info.file,
                    format="xml",
                    file_name=Path(info.file).name,
                    error=(text or f"{info.file}: cannot be read") if unreadable else None,
                    aliases=aliases,
                )
            )
        return entries, problems

    def set_native(self, native: Mapping[str, FBType]) -> None:
        """The Loader's own types (Python, JSON), which XML networks may name as native ones."""
        if self._native is None or dict(self._native) != dict(native):
            self._native = dict(native)
            self._types = None

    # -- types --------------------------------------------------------------------------------------

    def types(self, project: Path | None = None) -> FourdiacTypes:
        """The resolver over every root (``project`` first); the shared one when no project."""
        if project is None and self._types is not None:
            return self._types
        types = FourdiacTypes(self.roots(project), native=BuiltinLibrary(self._native))
        if project is None:
            self._types = types
        return types

    def build(self, entry: TypeEntry) -> FBType:
        """The runtime type of a listed (or materialized) 4diac file."""
        if entry.kind not in BUILDABLE_KINDS:
            raise LoaderError(_not_loadable(entry.name, entry.kind, entry.origin))
        return self.build_file(Path(entry.origin))

    def build_file(self, path: Path) -> FBType:
        types = self.types()
        library_entry = self._library_entry(types, path)
        try:
            return types.build_entry(library_entry)
        except FourdiacError as exc:
            raise LoaderError(self.relabel(str(exc))) from None

    def relabel(self, message: str) -> str:
        """``message`` with each working-folder path replaced by what the user knows it as."""
        if self._work is None or str(self._work) not in message:
            return message
        for path, label in sorted(self._labels.items(), key=lambda kv: -len(kv[0])):
            message = message.replace(path, label)
        return message

    @staticmethod
    def _library_entry(types: FourdiacTypes, path: Path) -> LibraryEntry:
        wanted = str(path)
        for entry in types.library.entries:
            if entry.file == wanted:
                return entry
        # Outside every root (an older stored version): index the file on its own.
        single = TypeLibrary([path])
        if not single.entries:
            problems = "; ".join(str(p) for p in single.problems) or "cannot be read"
            raise LoaderError(f"{path}: {problems}")
        return single.entries[0]

    # -- the database's XML ------------------------------------------------------------------------

    def version_path(self, name: str, version: str, kind: str, digest: str) -> Path:
        """Where one stored version lives (see :meth:`write_version`); named in errors by label."""
        file_name = f"{_safe(name)}@{_safe(version)}-{digest[:12]}.{extension_of(kind)}"
        path = self.work / "versions" / file_name
        label = f"<database:{name}@{version}>"
        self._labels[str(path)] = self._labels[str(self.stored_dir / file_name)] = label
        return path

    @staticmethod
    def write_version(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def publish_newest(self, newest: Mapping[str, Path]) -> bool:
        """Make ``stored/`` hold exactly the newest version of each stored XML type."""
        folder = self.stored_dir
        folder.mkdir(parents=True, exist_ok=True)
        wanted = {p.name: p for p in newest.values()}
        changed = False
        for old in folder.iterdir():
            if old.name not in wanted:
                old.unlink()
                changed = True
        for file_name, source in wanted.items():
            target = folder / file_name
            if not target.exists():
                shutil.copyfile(source, target)
                changed = True
        if changed:
            self._types = None
        return changed

    def upload(self, data: bytes, filename: str) -> Path:
        """An uploaded system or ``.fbt`` as a file of its own (its folder is its project)."""
        name = Path(filename).name or "upload.sys"
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = self.work / "uploads" / digest
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / _safe(name)
        if not path.is_file():
            path.write_bytes(data)
        self._labels[str(path)] = name
        return path
