"""Keeping the run history whole and bounded: recovery after a crash, and retention.

**Recovery.** When the service starts, every run the store still has as pending or running was
cut off by a crash (or a ``kill -9``): it becomes ``interrupted``, with its unfinished tasks, and
everything it recorded is kept (task states, outputs and attempts flushed up to about 50 ms
before the crash). Each is then archived like an ended run, so ``POST /api/cli`` serves its ZIP
with the files its tasks had written. :meth:`PipelineService.resume` goes on from there.

**Retention.** With ``retention_days`` set (``FBRT_RUN_RETENTION_DAYS``), runs that ended longer
ago than that are removed, with their tasks, attempts and logs, their folder
(``dag/dag_<id>/<run>/``) and their ZIP, at start and then every hour. Runs in progress are never
removed.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .archive import archive_file, run_folder
from .recording import wall_time

if TYPE_CHECKING:
    from .service import PipelineService

__all__ = ["SWEEP_EVERY_S", "Upkeep"]

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 3600.0
_NS = 1_000_000_000


class Upkeep:
    def __init__(self, service: PipelineService) -> None:
        self.service = service
        self._task: asyncio.Task[None] | None = None
        self.removed = 0
        """Runs removed by retention since the service started."""

    async def recover(self) -> list[str]:
        """Mark the runs a crash cut off interrupted and archive each; their ids."""
        service = self.service
        interrupted = await service.store.runs.mark_interrupted()
        for run_id in interrupted:
            path = await service.write_archive(run_id)
            log.warning(
                "run %s was interrupted by a stop of the runtime; archived%s",
                run_id,
                f" to {path}" if path else " (failed)",
            )
        return interrupted

    def start(self) -> None:
        if self._task is None and self.service.settings.retention_days:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="fbrt upkeep")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def _loop(self) -> None:
        while True:
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:  # a full disk must not end the clean-up for good
                log.exception("removing old runs failed")
            await self.service.clock.sleep(round(SWEEP_EVERY_S * _NS))

    async def sweep(self) -> int:
        """Remove the runs past the retention; how many went."""
        service = self.service
        days = service.settings.retention_days
        if not days:
            return 0
        cutoff = wall_time(service.clock) - timedelta(days=days)
        removed = 0
        while True:
            runs = await service.store.runs.delete_ended_before(cutoff)
            if not runs:
                break
            for run in runs:
                await asyncio.to_thread(_remove_files, service.data_dir, run.pipeline, run.id)
            removed += len(runs)
        if removed:
            log.info("removed %d runs that ended before %s", removed, cutoff.isoformat())
        self.removed += removed
        return removed


def _remove_files(data_dir: Path, dag_id: str, run_id: str) -> None:
    shutil.rmtree(run_folder(data_dir, dag_id, run_id), ignore_errors=True)
    archive_file(data_dir, dag_id, run_id).unlink(missing_ok=True)
