"""Pipeline runs as the page shows them: the task DAG with each task's state, attempts, errors
and timings, and the run's log lines after a given id (so the log pane can follow).

For the graph extras each task also carries why it was skipped (``reason``), its map's item
counts (``map``: ``{"total", "succeeded", "running", ...}``) and first failed items, the nested
runs it started (``child_runs``: ids, pipelines, states), and what the config says about it
(``when``, ``trigger_rule``, ``for_each``, ``pool``); the run carries its ``parameters``,
``result``, ``parent`` (run and task) and ``children``.

Built on the pipeline service (:class:`fbruntime.pipelines.service.PipelineService`, passed in,
never imported here so the web package loads without it). While a run is in progress the states
come from its live handle, which knows ``queued`` and ``retrying``; the store keeps only
``pending``/``running`` for those (its crash-recovery contract), so the handle is preferred.
"""

from __future__ import annotations

import asyncio
import re
import time
from datetime import datetime
from typing import Any

__all__ = [
    "RecentRuns",
    "overview_runs",
    "pipeline_grid",
    "pipelines_list",
    "run_logs",
    "run_view",
    "task_detail",
]


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _pipeline(service: Any, dag_id: str) -> Any:
    try:
        return service.pipeline(dag_id)
    except Exception:
        return None


def _deps(
    service: Any, dag_id: str
) -> tuple[dict[str, list[str]], dict[str, str], dict[str, dict[str, Any]]]:
    """Dependencies, operation and graph extras of each task, when the pipeline is known."""
    pipeline = _pipeline(service, dag_id)
    if pipeline is None:
        return {}, {}, {}
    graph = pipeline.graph
    deps = {t: list(graph.dependencies(t)) for t in graph.ids}
    ops = {t.id: t.operation for t in pipeline.config.tasks}
    extras = {
        t.id: {
            "when": t.when,
            "trigger_rule": t.trigger_rule or "all_success",
            "for_each": t.for_each,
            "pool": t.pool,
        }
        for t in pipeline.config.tasks
    }
    return deps, ops, extras


def _own_children(task_id: str, children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"run_id": c["id"], "pipeline": c["pipeline"], "status": c["status"], "task": c["task"]}
        for c in children
        if c["task"] == task_id or str(c["task"] or "").startswith(task_id + "[")
    ]


def _layers(service: Any, dag_id: str) -> dict[str, int]:
    """Each task's layer (0 for tasks with no dependencies): the page lays the graph out by it,
    so a run, a rerun and a run in progress all show the same picture."""
    pipeline = _pipeline(service, dag_id)
    if pipeline is None:
        return {}
    return {t: i for i, layer in enumerate(pipeline.graph.layers) for t in layer}


async def run_view(service: Any, run_id: str) -> dict[str, Any] | None:
    """The run with its tasks (no logs); None when there is no such run."""
    detail = await service.store.runs.get(run_id, with_logs=False)
    if detail is None:
        return None
    run = detail.run
    deps, ops, extras = _deps(service, run.pipeline)
    layers = _layers(service, run.pipeline)
    handle = service.run_handle(run_id)
    live = dict(handle.states) if handle is not None else {}
    found = await service.children(run_id) if hasattr(service, "children") else []
    children = [
        {
            "id": c.id,
            "pipeline": c.pipeline,
            "task": c.parent_task_id,
            "status": c.status,
            "url": f"/web/runs/{c.id}",
        }
        for c in found
    ]
    tasks: list[dict[str, Any]] = []
    known = set()
    for t in detail.tasks:
        known.add(t.task_id)
        state = live.get(t.task_id)
        status = str(state.status.value) if state is not None else t.status
        attempts = state.attempt if state is not None else t.attempt
        error = state.error if state is not None and state.error else t.error
        more = (state.detail if state is not None else None) or t.detail or {}
        tasks.append(
            {
                "id": t.task_id,
                "status": status,
                "attempts": attempts,
                "error": error,
                "reason": more.get("reason"),
                "map": more.get("map"),
                "failed_items": more.get("failed_items", []),
                "child_runs": _own_children(t.task_id, children),
                "operation": ops.get(t.task_id),
                "depends_on": deps.get(t.task_id, []),
                **extras.get(t.task_id, {}),
                "started_at": _time(t.started_at),
                "ended_at": _time(t.ended_at),
                "layer": layers.get(t.task_id, 0),
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
                    "reason": None,
                    "map": None,
                    "failed_items": [],
                    "child_runs": [],
                    "operation": ops.get(task_id),
                    "depends_on": task_deps,
                    **extras.get(task_id, {}),
                    "started_at": None,
                    "ended_at": None,
                    "layer": layers.get(task_id, 0),
                }
            )
    tasks.sort(key=lambda t: (t["layer"], t["id"]))
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
        "parameters": getattr(run, "parameters", {}),
        "result": getattr(run, "result", None),
        "parent": (
            {
                "run_id": run.parent_run_id,
                "task": run.parent_task_id,
                "url": f"/web/runs/{run.parent_run_id}",
            }
            if getattr(run, "parent_run_id", None)
            else None
        ),
        "children": children,
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


class RecentRuns:
    """The overview's recent runs, kept in memory and refreshed in the background.

    Reading them from the database on every overview costs several trips through the event
    loop (aiosqlite answers from its thread); beside a busy application each trip waits behind
    a dispatcher slice and a batch of requests, which made the overview take hundreds of
    milliseconds under load. So the list is read once, then again only when something may have
    changed it: the set of active runs differs (a run started or ended), a run finished (the
    service's finish listener), or ``max_age`` seconds passed (runs written by another process).
    A request never waits for that refresh: it gets the last list, with the live status of the
    runs still in progress laid over it.
    """

    def __init__(self, service: Any, *, limit: int = 20, max_age: float = 10.0) -> None:
        self.service = service
        self.limit = limit
        self.max_age = max_age
        self.rows: list[dict[str, Any]] | None = None
        self._key: tuple[frozenset[str], int] | None = None
        self._at = 0.0
        self._finished = 0
        self._refresh: asyncio.Task[None] | None = None
        service.add_listener(self._on_finish)

    def _on_finish(self, event: Any) -> None:
        self._finished += 1

    def _current_key(self) -> tuple[frozenset[str], int]:
        return frozenset(r.run_id for r in self.service.active_runs()), self._finished

    async def _load(self, key: tuple[frozenset[str], int]) -> None:
        rows = await overview_runs(self.service, self.limit)
        self.rows, self._key, self._at = rows, key, time.monotonic()

    async def get(self) -> list[dict[str, Any]]:
        key = self._current_key()
        if self.rows is None:
            await self._load(key)
        elif (key != self._key or time.monotonic() - self._at > self.max_age) and (
            self._refresh is None or self._refresh.done()
        ):
            self._refresh = asyncio.get_running_loop().create_task(self._load(key))
        return self._live(self.rows or [])

    def _live(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for row in rows:
            handle = self.service.run_handle(row["id"])
            status = getattr(getattr(handle, "status", None), "value", None)
            out.append({**row, "status": status} if status and status != row["status"] else row)
        return out


_FAILED = re.compile(r"^attempt (\d+) failed: (.*)$", re.DOTALL)


def _attempts_from_logs(task: Any, lines: list[Any]) -> list[dict[str, Any]]:
    """Each attempt of a task, read back from its log lines (``attempt N failed: ...``): the
    store keeps one row per task, so the failed attempts' errors and end times come from there
    and the last attempt from the task row."""
    attempts: dict[int, dict[str, Any]] = {}
    previous_end = task.started_at
    for line in lines:
        m = _FAILED.match(line.message)
        if m is None:
            continue
        n = int(m.group(1))
        message = m.group(2)
        error, _, traceback = message.partition("\n")
        attempts[n] = {
            "attempt": n,
            "status": "failed",
            "error": error,
            "traceback": traceback or None,
            "started_at": _time(previous_end) if n == 1 else None,
            "ended_at": _time(line.ts),
        }
        previous_end = line.ts
    last = max(task.attempt, max(attempts, default=0))
    if last and last not in attempts:
        attempts[last] = {
            "attempt": last,
            "status": task.status,
            "error": task.error if task.status == "failed" else None,
            "traceback": None,
            "started_at": _time(task.started_at) if last == 1 else None,
            "ended_at": _time(task.ended_at),
        }
    return [attempts[n] for n in sorted(attempts)]


async def task_detail(service: Any, run_id: str, task_id: str) -> dict[str, Any] | None:
    """One task of a run: its params (as configured, with the run's overrides), its result,
    and every attempt with its error and timing; None when run or task is unknown."""
    detail = await service.store.runs.get(run_id, with_logs=True)
    if detail is None:
        return None
    run = detail.run
    task = next((t for t in detail.tasks if t.task_id == task_id), None)
    pipeline = _pipeline(service, run.pipeline)
    config = None
    if pipeline is not None:
        config = next((t for t in pipeline.config.tasks if t.id == task_id), None)
    if task is None and config is None:
        return None
    overrides = run.params.get(task_id) if isinstance(run.params, dict) else None
    independent = dict(config.independent_params) if config is not None else {}
    if isinstance(overrides, dict):
        independent.update(overrides)
    redact = getattr(service, "redact_run_params", None)
    if redact is not None:  # secret params shown as ***
        independent = redact(run.pipeline, {task_id: independent}).get(task_id, independent)
    lines = [line for line in detail.logs if line.task_id == task_id]
    stored = getattr(task, "attempts", None)  # one row per attempt, where the store keeps them
    if stored is None and getattr(detail, "attempts", None) is not None:
        stored = [a for a in detail.attempts if a.task_id == task_id]
    if isinstance(stored, list | tuple):
        attempts = [_attempt_dict(a) for a in stored]
    else:
        attempts = _attempts_from_logs(task, lines) if task is not None else []
    mapped = config is not None and getattr(config, "for_each", None) is not None
    items = _map_items(task_id, getattr(detail, "attempts", None) or []) if mapped else None
    return {
        "run": run.id,
        "task": task_id,
        "operation": config.operation if config is not None else None,
        "status": task.status if task is not None else "pending",
        "params": {
            "independent": independent,
            "dependent": dict(config.dependent_params) if config is not None else {},
            "overridden": sorted(overrides) if isinstance(overrides, dict) else [],
        },
        "result": task.output if task is not None else None,
        "error": task.error if task is not None else None,
        "started_at": _time(task.started_at) if task is not None else None,
        "ended_at": _time(task.ended_at) if task is not None else None,
        "attempts": attempts,
        **(items or {}),
        "logs": [
            {"time": _time(line.ts), "level": line.level, "message": line.message} for line in lines
        ],
    }


MAX_ITEMS_SHOWN = 200
"""How many items of a mapped task the detail lists (failed ones first; the counts cover all)."""


def _map_items(task_id: str, stored: list[Any]) -> dict[str, Any]:
    """The items of a mapped task as their attempts (recorded as ``task[N]`` when each ends)
    tell them: per item its last state, how many attempts, the last error and the time all its
    attempts took. An item still in its first attempt has no row yet: the task's ``map`` counts
    (in the run view) cover those."""
    label = re.compile(re.escape(task_id) + r"\[(\d+)\]")
    by_item: dict[int, list[dict[str, Any]]] = {}
    for a in stored:
        m = label.fullmatch(str(getattr(a, "task_id", "")))
        if m is not None:
            by_item.setdefault(int(m.group(1)), []).append(_attempt_dict(a))
    items = []
    for index, tries in by_item.items():
        tries.sort(key=lambda t: t["attempt"] or 0)
        last = tries[-1]
        items.append(
            {
                "index": index,
                "status": last["status"],
                "attempts": len(tries),
                "error": last["error"] if last["status"] != "succeeded" else None,
                "duration_ms": sum(t["duration_ms"] or 0.0 for t in tries),
                "tries": tries,
            }
        )
    items.sort(key=lambda i: (i["status"] == "succeeded", i["index"]))
    shown = items[:MAX_ITEMS_SHOWN]
    shown.sort(key=lambda i: i["index"])
    return {"items": shown, "items_recorded": len(items)}


def _attempt_dict(a: Any) -> dict[str, Any]:
    get = a.get if isinstance(a, dict) else lambda k, d=None: getattr(a, k, d)
    started, ended = get("started_at"), get("ended_at")
    return {
        "attempt": get("attempt") or get("number"),
        "status": get("status"),
        "error": get("error"),
        "traceback": get("traceback"),
        "error_kind": get("error_kind"),
        "duration_ms": get("duration_ms"),
        "started_at": started if isinstance(started, str | None) else _time(started),
        "ended_at": ended if isinstance(ended, str | None) else _time(ended),
    }


async def pipeline_grid(service: Any, dag_id: str, limit: int = 25) -> dict[str, Any]:
    """The last ``limit`` runs of a pipeline against its tasks (Airflow's grid): per run and
    task the status and attempts, oldest run first so time runs left to right."""
    runs = await service.list_runs(dag_id, limit=limit)
    pipeline = _pipeline(service, dag_id)
    order = [t for layer in pipeline.graph.layers for t in sorted(layer)] if pipeline else []
    columns = []
    for r in reversed(runs):
        detail = await service.store.runs.get(r.id, with_logs=False)
        handle = service.run_handle(r.id)
        live = dict(handle.states) if handle is not None else {}
        cells: dict[str, dict[str, Any]] = {}
        for t in detail.tasks if detail is not None else []:
            state = live.get(t.task_id)
            status = str(state.status.value) if state is not None else t.status
            cells[t.task_id] = {"status": status, "attempts": t.attempt}
            if t.task_id not in order:
                order.append(t.task_id)
        status = getattr(getattr(handle, "status", None), "value", None) or r.status
        columns.append(
            {
                "id": r.id,
                "status": status,
                "trigger": r.trigger,
                "created_at": _time(r.created_at),
                "ended_at": _time(r.ended_at),
                "tasks": cells,
            }
        )
    return {"dag_id": dag_id, "tasks": order, "runs": columns}
