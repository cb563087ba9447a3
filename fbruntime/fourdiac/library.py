"""The type library: every 4diac file under some folders, indexed and resolved as the IDE does.

Scanning reads each file once (safely) for its root tag, ``Name`` and ``packageName`` and indexes
it by lower-cased qualified name (``package::Name``) and by plain name; models are built on first
use.  Both steps are cached per process by path, mtime and size, so rebuilding a library over an
unchanged folder costs a ``stat`` per file.  A bad file never stops the scan: its problem is kept
as data in :attr:`TypeLibrary.problems`.

Name resolution follows the IDE's ``ImportHelper.resolveImport`` (4DIAC-FORMATS.md §a.7):
the name as given, the referring element's own package, its imports (an exact ``…::Name`` suffix
or a ``pkg::*`` wildcard; an ambiguous import resolves to nothing), all case-insensitive; then
fallbacks so a 3.x project loads against the unnamespaced 1.0.0 library: the deployed
``a__b__C`` spelling, then the last ``::`` segment looked up by plain name.  Last of all come
the device and resource types FORTE has built in (:mod:`fbruntime.fourdiac.standard`), so a
project without ``FORTE_PC.dev``/``EMB_RES.res`` still loads while a file of that name wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fbruntime.fourdiac.errors import FourdiacError, Problem
from fbruntime.fourdiac.model import (
    GlobalConstants,
    Kind,
    LibraryElement,
    VarDecl,
)
from fbruntime.fourdiac.reader import ROOT_TAGS, read_element
from fbruntime.fourdiac.standard import (
    is_builtin,
    standard_model,
    standard_types,
)
from fbruntime.fourdiac.xmlread import line_of, parse_file

EXTENSIONS = frozenset(
    {"fbt", "adp", "sub", "fct", "dtp", "gcf", "sys", "dev", "res", "seg", "atp"}
)
"""4diac library file extensions (TypeLibraryTags.java), matched case-insensitively."""

_GLOBALCONSTANTS = re.compile(r"^\s*GLOBALCONSTANTS\s+\w+", re.IGNORECASE | re.MULTILINE)

FB_TAGS = frozenset({"FBType", "Function"})
INSTANCE_TAGS = frozenset({"FBType", "Function", "SubAppType"})


@dataclass(frozen=True, slots=True)
class TypeEntry:
    """One indexed file: enough to resolve names without building the model."""

    name: str
    package: str
    root_tag: str
    file: str

    @property
    def qualified_name(self) -> str:
        return f"{self.package}::{self.name}" if self.package else self.name


@dataclass(frozen=True, slots=True)
class TypeInfo:
    """One line of :meth:`TypeLibrary.list_types`."""

    name: str
    qualified_name: str
    version: str
    description: str
    kind: Kind | None
    file: str
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of a lookup; ``how`` says which rule matched or why nothing did."""

    entry: TypeEntry | None
    how: str


@dataclass(slots=True)
class _Loaded:
    stamp: tuple[int, int]
    entry: TypeEntry | None
    problems: tuple[Problem, ...]
    model: LibraryElement | None = None
    model_problems: tuple[Problem, ...] = ()
    model_built: bool = False


_CACHE: dict[str, _Loaded] = {}

_BUILTIN_BY_QUALIFIED = {
    f"{t.package}::{t.name}".lower(): TypeEntry(t.name, t.package, t.root_tag, t.file)
    for t in standard_types()
}
_BUILTIN_BY_PLAIN = {entry.name.lower(): entry for entry in _BUILTIN_BY_QUALIFIED.values()}


def _stamp(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _index_file(path: str) -> _Loaded:
    stamp = _stamp(path) or (0, 0)
    cached = _CACHE.get(path)
    if cached is not None and cached.stamp == stamp:
        return cached
    try:
        root = parse_file(path)
    except FourdiacError as exc:
        loaded = _Loaded(stamp, None, (exc.problem,))
    else:
        tag = root.tag if isinstance(root.tag, str) else ""
        name = root.get("Name")
        if tag not in ROOT_TAGS:
            problem = Problem(path, line_of(root), tag, f"unknown root element <{tag}>")
            loaded = _Loaded(stamp, None, (problem,))
        elif not name:
            problem = Problem(path, line_of(root), tag, "missing required attribute 'Name'")
            loaded = _Loaded(stamp, None, (problem,))
        else:
            package = ""
            for child in root:
                if child.tag == "CompilerInfo":
                    package = (child.get("packageName") or "").strip()
                    break
            loaded = _Loaded(stamp, TypeEntry(name, package, tag, path), ())
    _CACHE[path] = loaded
    return loaded


def _build(loaded: _Loaded) -> None:
    if loaded.model_built or loaded.entry is None:
        return
    problems: list[Problem] = []
    try:
        root = parse_file(loaded.entry.file)
        loaded.model = read_element(root, loaded.entry.file, problems)
    except FourdiacError as exc:
        problems.append(exc.problem)
        loaded.model = None
    loaded.model_problems = tuple(problems)
    loaded.model_built = True


def scan_files(roots: Iterable[str | Path]) -> list[str]:
    """Every library file under *roots* (hidden folders such as ``.lib`` included), sorted."""
    found: list[str] = []
    for root in roots:
        root_path = Path(root)
        if root_path.is_file():
            found.append(str(root_path))
            continue
        batch: list[str] = []
        for folder, dirs, files in os.walk(root_path):
            dirs.sort()
            for file in files:
                if file.rsplit(".", 1)[-1].lower() in EXTENSIONS and "." in file:
                    batch.append(os.path.join(folder, file))
        found.extend(sorted(batch))
    return found


def _split(name: str) -> tuple[str, str]:
    package, _, plain = name.rpartition("::")
    return package, plain


class TypeLibrary:
    """All library elements under some folders, with IDE-style name resolution.

    Earlier roots win when two files declare the same qualified name, so a project's own
    folders should come before the standard library.
    """

    def __init__(self, roots: Sequence[str | Path] = ()) -> None:
        self.roots = tuple(str(r) for r in roots)
        self.entries: list[TypeEntry] = []
        self._loaded: dict[str, _Loaded] = {}
        self._scan_problems: list[Problem] = []
        self._by_qualified: dict[str, list[TypeEntry]] = {}
        self._by_plain: dict[str, list[TypeEntry]] = {}
        self._gcf_by_prefix: dict[str, list[GlobalConstants]] | None = None
        for path in scan_files(self.roots):
            self._add(path)

    def _add(self, path: str) -> None:
        loaded = _index_file(path)
        self._loaded[path] = loaded
        self._scan_problems.extend(loaded.problems)
        entry = loaded.entry
        if entry is None:
            return
        self.entries.append(entry)
        self._by_qualified.setdefault(entry.qualified_name.lower(), []).append(entry)
        self._by_plain.setdefault(entry.name.lower(), []).append(entry)

    # -- loading ------------------------------------------------------------------------

    def load(self, entry: TypeEntry) -> LibraryElement | None:
        """The model of *entry*, built on first use; None (and a problem) if it is broken."""
        if is_builtin(entry.file):
            return standard_model(entry.file)
        loaded = self._loaded.get(entry.file)
        if loaded is None:
            loaded = _index_file(entry.file)
            self._loaded[entry.file] = loaded
        _build(loaded)
        return loaded.model

    def problems_of(self, file: str) -> tuple[Problem, ...]:
        loaded = self._loaded.get(file)
        if loaded is None:
            return ()
        return loaded.problems + loaded.model_problems

    @property
    def problems(self) -> list[Problem]:
        """Scan problems plus the problems of every model built so far."""
        result = list(self._scan_problems)
        for loaded in self._loaded.values():
            result.extend(loaded.model_problems)
        return result

    def load_all(self) -> None:
        for entry in self.entries:
            self.load(entry)

    def list_types(self) -> list[TypeInfo]:
        """Name, qualified name, version, description, kind, file and problems of every file."""
        result: list[TypeInfo] = []
        for path, loaded in self._loaded.items():
            entry = loaded.entry
            if entry is None:
                name = Path(path).stem
                result.append(TypeInfo(name, name, "", "", None, path, loaded.problems))
                continue
            model = self.load(entry)
            header = model.header if model is not None else None
            result.append(
                TypeInfo(
                    entry.name,
                    entry.qualified_name,
                    header.version if header else "",
                    header.description if header else "",
                    model.kind if model is not None else None,
                    path,
                    self.problems_of(path),
                )
            )
        return result

    # -- resolution ---------------------------------------------------------------------

    def _exact(self, name: str, tags: frozenset[str] | None) -> TypeEntry | None:
        for entry in self._by_qualified.get(name.lower(), ()):
            if tags is None or entry.root_tag in tags:
                return entry
        return None

    def _plain(self, name: str, tags: frozenset[str] | None) -> TypeEntry | None:
        for entry in self._by_plain.get(name.lower(), ()):
            if tags is None or entry.root_tag in tags:
                return entry
        return None

    def resolve_detailed(
        self,
        name: str,
        package: str = "",
        imports: Sequence[str] = (),
        tags: frozenset[str] | None = None,
    ) -> Resolution:
        """Resolve *name* as written in an element of *package* with *imports*."""
        name = name.strip()
        if not name:
            return Resolution(None, "empty type name")
        found = self._exact(name, tags)
        if found is not None:
            return Resolution(found, "as given")
        if package:
            found = self._exact(f"{package}::{name}", tags)
            if found is not None:
                return Resolution(found, "own package")
        matches: dict[str, TypeEntry] = {}
        lowered = name.lower()
        first = lowered.split("::", 1)[0]
        for declaration in imports:
            declaration = declaration.strip()
            low = declaration.lower()
            candidate: str | None = None
            if low.endswith("::*"):
                candidate = f"{declaration[:-3]}::{name}"
            elif low.endswith(f"::{first}") or low == first:
                # An import naming the first segment of a partly qualified name extends it.
                candidate = declaration + name[len(first) :]
            if candidate is not None:
                hit = self._exact(candidate, tags)
                if hit is not None:
                    matches[hit.qualified_name.lower()] = hit
        if len(matches) > 1:
            names = ", ".join(sorted(m.qualified_name for m in matches.values()))
            return Resolution(None, f"ambiguous: imports match {names}")
        if matches:
            return Resolution(next(iter(matches.values())), "import")
        if "__" in name and "::" not in name:
            return self.resolve_detailed(name.replace("__", "::"), package, imports, tags)
        plain = _split(name)[1]
        found = self._plain(plain, tags)
        if found is not None:
            return Resolution(found, "fallback by plain name")
        builtin = _BUILTIN_BY_QUALIFIED.get(name.lower()) or _BUILTIN_BY_PLAIN.get(plain.lower())
        if builtin is not None and (tags is None or builtin.root_tag in tags):
            return Resolution(builtin, "built into FORTE (no file defines it)")
        return Resolution(None, "not found in the type library")

    def resolve(
        self,
        name: str,
        package: str = "",
        imports: Sequence[str] = (),
        tags: frozenset[str] | None = None,
    ) -> TypeEntry | None:
        return self.resolve_detailed(name, package, imports, tags).entry

    def constant_prefix(self, model: GlobalConstants) -> str:
        """What a constant's name is qualified with: ``package::gcf`` for a 3.x ``.gcf`` (its ST
        source declares ``GLOBALCONSTANTS name``), the bare package for the older format (IDE
        1.0.0 library: ``PACKAGE p; VAR_GLOBAL CONSTANT ...``), nothing when that is empty."""
        if model.source is not None and _GLOBALCONSTANTS.search(model.source):
            return model.header.qualified_name
        return model.header.package

    def _constant_sets(self) -> dict[str, list[GlobalConstants]]:
        if self._gcf_by_prefix is None:
            self._gcf_by_prefix = {}
            for entry in self.entries:
                if entry.root_tag == "GlobalConstants":
                    model = self.load(entry)
                    if isinstance(model, GlobalConstants):
                        prefix = self.constant_prefix(model).lower()
                        self._gcf_by_prefix.setdefault(prefix, []).append(model)
        return self._gcf_by_prefix

    def find_constant(
        self, reference: str, package: str = "", imports: Sequence[str] = ()
    ) -> tuple[GlobalConstants, VarDecl] | None:
        """The global constant named by *reference* as written in an element of *package*.

        Candidates in the IDE's order (§a.7): the name as given, in the own package, through each
        import (a wildcard, an exact ``…::NAME`` import, or an import naming the first segment
        of a partly qualified reference). Each candidate's qualifier is matched against the
        ``.gcf`` prefixes (:meth:`constant_prefix`); failing that, a qualifier that is just a
        ``.gcf``'s plain name is accepted, as the IDE's own deployment does for .sys parameters.
        """
        reference = reference.strip()
        candidates: list[str] = [reference]
        if package:
            candidates.append(f"{package}::{reference}")
        first = reference.split("::", 1)[0].lower()
        for declaration in imports:
            declaration = declaration.strip()
            low = declaration.lower()
            if low.endswith("::*"):
                candidates.append(f"{declaration[:-3]}::{reference}")
            elif low.endswith(f"::{first}"):
                candidates.append(declaration + reference[len(first) :])
        sets = self._constant_sets()
        for candidate in candidates:
            owner, constant_name = _split(candidate)
            for model in sets.get(owner.lower(), ()):
                constant = model.constant(constant_name)
                if constant is not None:
                    return model, constant
        gcf_tags = frozenset({"GlobalConstants"})
        for candidate in candidates:
            owner, constant_name = _split(candidate)
            if not owner:
                continue
            entry = self._exact(owner, gcf_tags)
            if entry is None and "::" not in owner:
                entry = self._plain(owner, gcf_tags)
            found = self.load(entry) if entry is not None else None
            if isinstance(found, GlobalConstants):
                constant = found.constant(constant_name)
                if constant is not None:
                    return found, constant
        return None
