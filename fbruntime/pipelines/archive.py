"""Run archives: the run folder plus a summary, zipped when the run ends.

Layout under the data directory (the client's ``dag/dag_{id}``)::

    dag/dag_<dag_id>/<run_id>/          files the tasks wrote (file.write, task folders)
    dag/dag_<dag_id>/<run_id>.zip       the archive: those files + run.json + log.txt

``run.json`` is the stored run with its tasks (status, attempts, errors, outputs, timings, skip
reasons, map counts), every attempt (error, traceback, duration), its parameters and result, so
an archive is useful on its own, away from the database. It is the same view the API gives:
params of secret kinds redacted, and errors, logs and outputs already stored without the run's
secrets. An interrupted run is archived too, when the service starts again, with whatever its
tasks had written. Nested runs link both ways: a child's ``run.json`` names its ``parent``, a
parent's lists its ``children`` and embeds each child's own archive as
``children/<run_id>.zip`` (written before the parent's, since a parent waits for its children).
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fbruntime.store import Run, RunDetail

__all__ = ["archive_file", "detail_dict", "run_folder", "write_archive"]


def run_folder(data_dir: Path, dag_id: str, run_id: str) -> Path:
    return data_dir / "dag" / f"dag_{dag_id}" / run_id


def archive_file(data_dir: Path, dag_id: str, run_id: str) -> Path:
    return data_dir / "dag" / f"dag_{dag_id}" / f"{run_id}.zip"


def _time(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def child_dict(run: Run) -> dict[str, Any]:
    """A nested run as its parent lists it."""
    return {
        "id": run.id,
        "pipeline": run.pipeline,
        "task": run.parent_task_id,
        "status": run.status,
        "error": run.error,
        "created_at": _time(run.created_at),
        "ended_at": _time(run.ended_at),
    }


def _task_extras(shown: dict[str, Any], task: Any, by_task: dict[str, list[str]]) -> None:
    """Add what only the graph extras give a task, when it has any (most tasks have none)."""
    detail = task.detail
    if detail:
        for key in ("reason", "map", "failed_items"):
            if key in detail:
                shown[key] = detail[key]
    if by_task:
        own = by_task.get(task.task_id)
        if own:
            shown["child_runs"] = own


def detail_dict(
    detail: RunDetail, *, logs: bool = True, children: Sequence[Run] = ()
) -> dict[str, Any]:
    """A run with its tasks and logs as JSON-ready data (API, archive, CLI).

    A task that has them also says why it was skipped (``reason``), how its items went when
    it maps (``map``: counts per state, ``failed_items``) and which nested runs it started
    (``child_runs``); the run names its ``parent`` and lists its ``children``.
    """
    by_task: dict[str, list[str]] = {}
    for child in children:
        task_id = (child.parent_task_id or "").split("[", 1)[0]
        by_task.setdefault(task_id, []).append(child.id)
    run = detail.run
    result: dict[str, Any] = {
        "id": run.id,
        "pipeline": run.pipeline,
        "status": run.status,
        "trigger": run.trigger,
        "params": run.params,
        "error": run.error,
        "interrupted": run.interrupted,
        "archive": run.archive_path is not None,
        "created_at": _time(run.created_at),
        "started_at": _time(run.started_at),
        "ended_at": _time(run.ended_at),
        "parameters": run.parameters,
        "result": run.result,
        "parent": (
            {"run_id": run.parent_run_id, "task": run.parent_task_id}
            if run.parent_run_id is not None
            else None
        ),
        "children": [child_dict(child) for child in children],
        "tasks": [
            {
                "id": t.task_id,
                "status": t.status,
                "attempts": t.attempt,
                "error": t.error,
                "output": t.output,
                "started_at": _time(t.started_at),
                "ended_at": _time(t.ended_at),
            }
            for t in detail.tasks
        ],
        "attempts": [
            {
                "task": a.task_id,
                "attempt": a.attempt,
                "status": a.status,
                "error": a.error,
                "error_kind": a.error_kind,
                "traceback": a.traceback,
                "started_at": _time(a.started_at),
                "ended_at": _time(a.ended_at),
                "duration_ms": round(a.duration_ms, 3),
            }
            for a in detail.attempts
        ],
    }
    if by_task or any(t.detail for t in detail.tasks):
        for shown, task in zip(result["tasks"], detail.tasks, strict=True):
            _task_extras(shown, task, by_task)
    if logs:
        result["logs"] = [
            {
                "task": line.task_id,
                "time": _time(line.ts),
                "level": line.level,
                "message": line.message,
            }
            for line in detail.logs
        ]
    return result


def write_archive(
    folder: Path,
    target: Path,
    detail: RunDetail,
    view: dict[str, Any] | None = None,
    children: Sequence[Run] = (),
) -> Path:
    """Zip ``folder`` with ``run.json`` (``view``, else the detail as it is) and ``log.txt``
    into ``target`` (atomically), and the archives of the nested runs as
    ``children/<run_id>.zip``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "run.json",
            json.dumps(
                view or detail_dict(detail, children=children),
                indent=2,
                ensure_ascii=False,
                default=str,
            ),
        )
        for child in children:
            if child.archive_path is not None and Path(child.archive_path).is_file():
                archive.write(child.archive_path, f"children/{child.id}.zip")
        archive.writestr(
            "log.txt",
            "".join(
                f"{line.ts.isoformat()} {line.level:<7} {line.task_id or '-'}: {line.message}\n"
                for line in detail.logs
            ),
        )
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, "files/" + path.relative_to(folder).as_posix())
    partial.replace(target)
    return target
