"""Operations as plugins: the service's operations come from a Loader and follow its folders.

``fbrt serve --folder DIR`` and ``fbrt pipeline run/validate --folder DIR`` give the Loader a
folder of Python operation files (each an :class:`~fbruntime.pipelines.Operation` block, found
by file, class or ``name`` like any block). :class:`OperationSource` builds the
:class:`~fbruntime.pipelines.OperationRegistry` from it and, each time the service asks for
its operations (validating, uploading, starting a run), lets the Loader look at the folders
again (a ``stat`` per file, at most once per ``rescan_interval``): a changed file is imported
again and the next validation and the next run use the new operation, without a restart. A run
keeps the registry it started with, so a file saved in the middle of a run never changes an
operation under it.

Built-in operations (``pipeline.run``) are added to every registry the source builds.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fbruntime.core import Block, FBType

from .operation import OperationRegistry

__all__ = ["OperationSource"]


class OperationSource:
    """A fixed registry, or one rebuilt from a Loader when its folders change."""

    def __init__(
        self, source: OperationRegistry | Any, builtins: Iterable[type[Block] | FBType] = ()
    ) -> None:
        self._builtins = tuple(builtins)
        self.loader: Any = None if isinstance(source, OperationRegistry) else source
        self._imports = -1
        self._count = -1
        self.version = 0
        self._registry = self._with_builtins(source) if self.loader is None else self._build()

    def _with_builtins(self, registry: OperationRegistry) -> OperationRegistry:
        if not self._builtins:
            return registry
        combined = OperationRegistry(registry.fbtype(name) for name in registry)
        for extra in self._builtins:
            if (extra.fbtype if isinstance(extra, type) else extra).name not in combined:
                combined.add(extra)
        return combined

    def _build(self) -> OperationRegistry:
        loader = self.loader
        registry = self._with_builtins(OperationRegistry.from_loader(loader))
        self._imports = loader.stats.imports
        self._count = len(loader.list())
        self.version += 1
        return registry

    def current(self) -> OperationRegistry:
        """The operations now: from a Loader, rebuilt if a file changed since the last call."""
        loader = self.loader
        if loader is None:
            return self._registry
        changed = loader.scan()
        if changed or loader.stats.imports != self._imports or len(loader.list()) != self._count:
            self._registry = self._build()
        return self._registry
