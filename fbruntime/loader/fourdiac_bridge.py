"""The Loader's view of 4diac type folders, through :mod:`fbruntime.fourdiac`.

Listing uses the type library (every file, with its problems). Building runtime types and devices
needs the importer's build step (``fbruntime.fourdiac.FourdiacTypes`` and ``load_device``); until
that exists this module says so in the error rather than failing on import.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fbruntime.core import FBType
from fbruntime.loader.entries import LoaderError, TypeEntry

__all__ = ["build_available", "fourdiac_entries", "fourdiac_type", "kind_of_root"]

_ROOT_KINDS = {
    "fbtype": "basic",
    "adaptertype": "adapter",
    "subapptype": "subapp",
    "system": "system",
    "function": "function",
}


def kind_of_root(kind: Any) -> str:
    text = str(getattr(kind, "value", kind) or "").lower()
    return _ROOT_KINDS.get(text, text or "unknown")


def build_available() -> bool:
    import fbruntime.fourdiac as fd

    return hasattr(fd, "FourdiacTypes")


def fourdiac_entries(folders: Sequence[Path]) -> list[TypeEntry]:
    if not folders:
        return []
    from fbruntime.fourdiac import TypeLibrary

    library = TypeLibrary(folders)
    entries: list[TypeEntry] = []
    for info in library.list_types():
        error = "; ".join(str(p) for p in info.problems if _is_error(p)) or None
        entries.append(
            TypeEntry(
                name=info.name,
                version=info.version,
                description=info.description,
                kind=kind_of_root(info.kind),
                source="file",
                origin=info.file,
                format="xml",
                file_name=Path(info.file).name,
                error=error,
            )
        )
    return entries


def _is_error(problem: Any) -> bool:
    severity = str(getattr(problem, "severity", "error")).lower()
    return "warn" not in severity


def fourdiac_type(folders: Sequence[Path], name: str) -> FBType:
    import fbruntime.fourdiac as fd

    resolver_cls = getattr(fd, "FourdiacTypes", None)
    if resolver_cls is None:
        raise LoaderError(
            f"type {name!r} is a 4diac XML type, and this build cannot turn XML into runtime "
            "types yet (fbruntime.fourdiac.FourdiacTypes is missing)"
        )
    resolver = resolver_cls(list(folders))
    for attr in ("get", "type", "resolve", "load"):
        method = getattr(resolver, attr, None)
        if callable(method):
            result = method(name)
            if isinstance(result, FBType):
                return result
    raise LoaderError(f"4diac type {name!r} could not be built from {', '.join(map(str, folders))}")
