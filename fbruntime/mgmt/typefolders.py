"""The user's 4diac type folders on a device, reread when their files change.

`FourdiacResolver` is the resolver seam (``fbruntime.mgmt.resolver``) over
``fbruntime.fourdiac.FourdiacTypes``. A device runs for weeks while its project is edited, so a
CREATE must see the type file as it is now, yet a deployment of thousands of CREATEs must not
rescan the folders each time. Both hold because every answer remembers what it was read from:

* a type found remembers the files it was built from (its own file and every file read to build
  it: the FBs inside a composite, adapters, data types), with each file's mtime, size and inode;
  the next lookup of that name ``stat``\\ s those files and nothing else;
* a name not found remembers the files the failed attempt read (a broken file that gets fixed)
  and is checked against the folders' own stamps (adding or removing a file changes its folder's
  mtime).

Any difference rereads the folders once (unchanged files come from the library's per-file cache)
and starts a new generation of built types. Instances created before keep the definition they
were created with, as in FORTE; the next CREATE gets the new one. A file edited twice within the
file system's timestamp granularity without changing its size is the one change not seen.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from fbruntime.core import FBType
from fbruntime.fourdiac import FourdiacTypes
from fbruntime.fourdiac.library import FB_TAGS, TypeEntry, TypeLibrary
from fbruntime.fourdiac.model import LibraryElement
from fbruntime.fourdiac.standard import is_builtin

__all__ = ["FourdiacResolver"]

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int] | None
Stamps = tuple[tuple[str, Stamp], ...]


def stamp(path: str) -> Stamp:
    """What says a file changed: mtime, size and inode (an editor's save-by-rename included)."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def first_changed(stamps: Iterable[tuple[str, Stamp]]) -> str | None:
    for path, then in stamps:
        if stamp(path) != then:
            return path
    return None


def folder_stamps(folders: Sequence[Path]) -> Stamps:
    """Every folder under *folders*, and each root itself (it may be missing, or a file)."""
    found: list[tuple[str, Stamp]] = []
    for root in folders:
        found.append((str(root), stamp(str(root))))
        if root.is_dir():
            for folder, dirs, _files in os.walk(root):
                dirs.sort()
                if folder != str(root):
                    found.append((folder, stamp(folder)))
    return tuple(found)


class Tracker:
    """The files read while a lookup runs: each open frame collects what is read inside it."""

    def __init__(self) -> None:
        self.frames: list[set[str]] = []
        self.built_from: dict[str, frozenset[str]] = {}

    def read(self, files: Iterable[str]) -> None:
        for frame in self.frames:
            frame.update(files)

    @contextmanager
    def frame(self) -> Iterator[set[str]]:
        files: set[str] = set()
        self.frames.append(files)
        try:
            yield files
        finally:
            self.frames.pop()
            self.read(files)


class TrackingLibrary(TypeLibrary):
    """A type library that tells its tracker every file whose model it hands out."""

    def __init__(self, roots: Sequence[Path], tracker: Tracker) -> None:
        super().__init__(roots)
        self.tracker = tracker

    def load(self, entry: TypeEntry) -> LibraryElement | None:
        if not is_builtin(entry.file):
            self.tracker.read((entry.file,))
        return super().load(entry)


class TrackingTypes(FourdiacTypes):
    """Built types remember the files they were built from, so a type built once and reused
    inside others still reports its files to whoever reuses it."""

    def __init__(
        self, tracker: Tracker, library: TypeLibrary, native: Mapping[str, FBType]
    ) -> None:
        super().__init__(native=native, library=library)
        self.tracker = tracker

    def build_entry(self, entry: TypeEntry) -> FBType:
        known = self.tracker.built_from.get(entry.file)
        if known is not None:
            self.tracker.read(known)
            return super().build_entry(entry)
        with self.tracker.frame() as files:
            if not is_builtin(entry.file):
                files.add(entry.file)
            try:
                return super().build_entry(entry)
            finally:
                self.tracker.built_from[entry.file] = frozenset(files)


class FourdiacResolver:
    """4diac XML types from type folders, reread when their files change (see the module).

    A type that cannot be built answers None (the executor replies UNSUPPORTED_TYPE); why it
    failed stays in ``types.problems``. ``types.find`` also reads the names the IDE deploys
    configured generic FBs under (``STRUCT_MUX_1geo::Pair``, ``F_MOVE_1UINT``). FBs inside XML
    composites resolve against *native* first, as FORTE's compiled-in types would.
    """

    def __init__(
        self, folders: Sequence[str | Path], native: Mapping[str, FBType] | None = None
    ) -> None:
        self.folders = tuple(Path(folder) for folder in folders)
        # Kept as given: the built-in library builds a type only when it is named.
        self._native: Mapping[str, FBType] = native if native is not None else {}
        self.generation = 0
        self._read()

    def _read(self) -> None:
        self._listing = folder_stamps(self.folders)
        self._tracker = Tracker()
        library = TrackingLibrary(self.folders, self._tracker)
        self.types: FourdiacTypes = TrackingTypes(self._tracker, library, self._native)
        self._found: dict[str, tuple[FBType, Stamps]] = {}
        self._missing: dict[str, Stamps] = {}
        self.generation += 1

    def __call__(self, name: str) -> FBType | None:
        found = self._found.get(name)
        if found is not None:
            changed = first_changed(found[1])
            if changed is None:
                return found[0]
        else:
            missing = self._missing.get(name)
            changed = first_changed(self._listing)
            if changed is None and missing is not None:
                changed = first_changed(missing)
                if changed is None:
                    return None
        if changed is not None:
            log.info("%s changed: reading the type folders again", changed)
            self._read()
        return self._lookup(name)

    def _lookup(self, name: str) -> FBType | None:
        problems = len(self.types.problems)
        with self._tracker.frame() as files:
            fbtype = self.types.find(name)
        stamps = tuple((file, stamp(file)) for file in sorted(files))
        if fbtype is None:
            self._missing[name] = stamps
            if files:  # a file was read, so the type exists and failed to build: say why
                for problem in self.types.problems[problems:]:
                    log.warning("type %r cannot be built: %s", name, problem)
            return None
        self._found[name] = (fbtype, stamps)
        return fbtype

    def names(self) -> list[str]:
        entries = self.types.library.entries
        return sorted({entry.name for entry in entries if entry.root_tag in FB_TAGS})

    def describe(self) -> str:
        return "the type folders " + ", ".join(str(folder) for folder in self.folders)
