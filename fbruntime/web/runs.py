"""Pipeline runs as the page shows them: the task DAG with each task's state, attempts, errors
and timings, and the run's log lines after a given id (so the log pane can follow).

Built on the pipeline service (:class:`fbruntime.pipelines.service.PipelineService`, passed in,
never imported here so the web package loads without it). While a run is in progress the states
come from its live handle, which knows ``queued`` and ``retrying``; the store keeps only
``pending``/``running`` for those (its crash-recovery contract), so the handle is preferred.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

__all__ = ["overview_runs", "pipelines_list", "run_logs", "run_view"]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _deps(service: Any, dag_id: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Dependencies and operation of each task, when the pipeline is still known."""
    try:
        pipeline = service.pipeline(dag_id)
    except Exception:
        return {}, {}
    graph = pipeline.graph
    deps = {t: list(graph.dependencies(t)) for t in graph.ids}
    ops = {t.id: t.operation for t in pipeline.config.tasks}
    return deps, ops


async def run_view(service: Any, run_id: str) -> dict[str, Any] | None:
    """The run with its tasks (no logs); None when there is no such run."""
    detail = await service.store.runs.get(run_id, with_logs=False)
    if detail is None:
        return None
    run = detail.run
    deps, ops = _deps(service, run.pipeline)
    handle = service.run_handle(run_id)
    live = dict(handle.states) if handle is not None else {}
    tasks: list[dict[str, Any]] = []
    known = set()
    for t in detail.tasks:
        known.add(t.task_id)
        state = live.get(t.task_id)
        status = str(state.status.value) if state is not None else t.status
        attempts = state.attempt if state is not None else t.attempt
        error = state.error if state is not None and state.error else t.error
        tasks.append(
            {
                "id": t.task_id,
                "status": status,
                "attempts": attempts,
                "error": error,
                "operation": ops.get(t.task_id),
                "depends_on": deps.get(t.task_id, []),
                "started_at": _time(t.started_at),
                "ended_at": _time(t.ended_at),
            }
        )
    for task_id, task_deps in deps.items():
        if task_id not in known:
            tasks.append(
                {
                    "id": task_id,
                    "status": "pending",
                    "attempts": 0,
                    "error": None,
                    "operation": ops.get(task_id),
                    "depends_on": task_deps,
                    "started_at": None,
                    "ended_at": None,
                }
            )
    return {
        "id": run.id,
        "pipeline": run.pipeline,
        "status": run.status,
        "trigger": run.trigger,
        "error": run.error,
        "params": service.redact_run_params(run.pipeline, run.params),
        "interrupted": run.interrupted,
        "archive": run.archive_path is not None,
        "active": handle is not None,
        "created_at": _time(run.created_at),
        "started_at": _time(run.started_at),
        "ended_at": _time(run.ended_at),
        "tasks": tasks,
    }


async def run_logs(service: Any, run_id: str, after_id: int = 0) -> list[dict[str, Any]]:
    lines = await service.store.runs.logs(run_id, after_id=after_id, limit=1000)
    return [
        {
            "id": line.id,
            "task": line.task_id,
            "time": _time(line.ts),
            "level": line.level,
            "message": line.message,
        }
        for line in lines
    ]


def pipelines_list(service: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [info.as_dict() for info in service.list()]
    for dag_id, error in sorted(getattr(service, "load_errors", {}).items()):
        out.append({"dag_id": dag_id, "error": error, "tasks": 0, "operations": []})
    return out


async def overview_runs(service: Any, limit: int = 20) -> list[dict[str, Any]]:
    runs = await service.list_runs(limit=limit)
    return [
        {
            "id": r.id,
            "pipeline": r.pipeline,
            "status": r.status,
            "trigger": r.trigger,
            "error": r.error,
            "created_at": _time(r.created_at),
            "ended_at": _time(r.ended_at),
        }
        for r in runs
    ]
