"""The Loader: block types from folders (Python files, composite JSON, 4diac XML) and the database.

Modules: ``composite_json``
(the composite definition format), ``filecache`` (stat + hash cache: unchanged files are never
re-imported), ``fourdiac_bridge`` (4diac folders through :mod:`fbruntime.fourdiac`), ``entries``
(listing rows and errors), ``index`` (folders scanned, types looked up by name and version) and
``loader`` (the :class:`Loader` itself: the index plus the database).
"""

from fbruntime.loader.composite_json import (
    FORMAT_TAG,
    CompositeDefinition,
    build_composite,
    definition_of,
    parse_definition,
)
from fbruntime.loader.entries import KINDS, LoaderError, TypeEntry, TypeNotFound, UploadRefused
from fbruntime.loader.loader import Loader, LoaderStats, ref

__all__ = [
    "FORMAT_TAG",
    "KINDS",
    "CompositeDefinition",
    "Loader",
    "LoaderError",
    "LoaderStats",
    "TypeEntry",
    "TypeNotFound",
    "UploadRefused",
    "build_composite",
    "definition_of",
    "parse_definition",
    "ref",
]
