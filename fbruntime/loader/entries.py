"""What the Loader lists and raises: one entry per available type (or per broken file)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["KINDS", "LoaderError", "TypeEntry", "TypeNotFound", "UploadRefused"]

KINDS = (
    "python",
    "basic",
    "simple",
    "function",
    "composite",
    "service",
    "adapter",
    "subapp",
    "system",
    "datatype",
    "globalconstants",
    "device",
    "resource",
    "segment",
    "attribute",
    "pipeline",
)
"""The kinds a listing shows; XML kinds come from the file's model, ``python`` is a Block class.

Only Python types, composites and the 4diac FB kinds (basic, simple, composite, service, function)
load as block types; the other 4diac kinds are listed so a client sees the whole library."""


class LoaderError(Exception):
    """A type cannot be loaded, saved or deleted; the message names the file or the type."""


class TypeNotFound(LoaderError, KeyError):
    """No type answers to a name (and version)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "type not found"


class UploadRefused(LoaderError):
    """Saving this kind of source is switched off (Python source runs code when loaded)."""


@dataclass(frozen=True)
class TypeEntry:
    """One available type, or one file that failed to load (``error`` set, ``name`` its stem).

    ``source`` is ``file`` or ``database``; ``origin`` the path or ``database``; ``file_name``,
    ``class_name`` and ``aliases`` (a 4diac type's ``pkg::Name`` and ``pkg__Name``) are the other
    names the type answers to.
    """

    name: str
    version: str
    description: str
    kind: str
    source: str
    origin: str
    format: str
    class_name: str | None = None
    file_name: str | None = None
    error: str | None = None
    aliases: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "kind": self.kind,
            "source": self.source,
            "origin": self.origin,
            "format": self.format,
            "class_name": self.class_name,
            "file_name": self.file_name,
            "error": self.error,
        }
