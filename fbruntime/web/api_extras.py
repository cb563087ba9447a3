"""``/api/web/...``: what the page needs beyond the control API, built on the Orchestrator and
the pipeline service.

* ``GET /api/web/overview`` and ``/overview/stream``: applications, pipelines and recent runs;
* ``GET /api/web/apps/{name}/network?level=``: one level of the FB network (blocks, pins,
  connections, composite border, subapp groups), see :mod:`.structure`;
* ``GET /api/web/apps/{name}/live?level=&interval=``: server-sent frames of that level's values,
  event counters and block states, throttled (see :mod:`.live`);
* ``GET /api/web/runs/{id}`` and ``/stream``: a run's DAG, task states and log lines;
  ``POST /api/web/pipelines/{dag_id}/runs``, ``POST /api/web/runs/{id}/cancel`` and
  ``/rerun-failed``, ``/resume``; ``GET /api/web/runs/{id}/archive``.

Reads follow the control API's rule (token needed beyond loopback), changes always need it.
Streams are read with ``fetch`` by the page so the token travels in the header, not the URL.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from fbruntime.api.context import Reader, Writer
from fbruntime.api.errors import ApiError
from fbruntime.core import FBInstance
from fbruntime.orchestrator import Orchestrator, OrchestratorError
from fbruntime.web.faults import fault_dict
from fbruntime.web.live import watch_level
from fbruntime.web.runs import (
    RecentRuns,
    pipeline_grid,
    pipelines_list,
    run_logs,
    run_view,
    task_detail,
)
from fbruntime.web.structure import describe_level

__all__ = ["api_extras_router"]

LIVE_INTERVAL = 0.25
OVERVIEW_INTERVAL = 1.0
RUN_INTERVAL = 0.5


class StartRun(BaseModel):
    model_config = ConfigDict(extra="forbid")

    params: dict[str, dict[str, Any]] = Field(default_factory=dict)
    parameters: dict[str, Any] = Field(default_factory=dict)


def _sse(frames: AsyncIterator[dict[str, Any]], kind: str) -> StreamingResponse:
    async def body() -> AsyncIterator[str]:
        yield ": stream open\n\n"
        async for frame in frames:
            yield f"event: {kind}\ndata: {json.dumps(frame)}\n\n"

    return StreamingResponse(
        body(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _apps(orch: Orchestrator) -> list[dict[str, Any]]:
    """Each application with its block count and its faults (how many, and the latest one).

    One pass over the instances, reading two attributes each: the overview is asked for every
    second by every open page, so it builds no per-block dictionaries.
    """
    out = []
    for app in orch.apps():
        blocks = faults = 0
        latest: tuple[float, str, FBInstance] | None = None
        if app.device is not None:
            for res in app.device.resources.values():
                for inst in res.network.walk():
                    blocks += 1
                    fault = inst.rt__fault
                    if fault is not None:
                        faults += 1
                        at = getattr(fault, "at", 0.0) or 0.0
                        if latest is None or at >= latest[0]:
                            latest = (at, app.pin_name(res, inst.rt__path()), inst)
        problem = None
        if latest is not None:
            inst = latest[2]
            problem = {"block": latest[1], **fault_dict(inst.rt__fault, inst.rt__type)}
        out.append({**app.describe(), "blocks": blocks, "faults": faults, "problem": problem})
    return out


def api_extras_router(
    pipeline_service: Any = None,
    *,
    live_interval: float = LIVE_INTERVAL,
    overview_interval: float = OVERVIEW_INTERVAL,
    run_interval: float = RUN_INTERVAL,
) -> APIRouter:
    """The ``/api/web`` routes; ``pipeline_service`` is optional (no pipelines without it)."""
    router = APIRouter(prefix="/api/web", tags=["web"])
    service = pipeline_service
    recent = RecentRuns(service) if service is not None else None

    def need_service() -> Any:
        if service is None:
            raise ApiError(501, "unsupported", "this server runs no pipeline service")
        return service

    async def overview(orch: Orchestrator) -> dict[str, Any]:
        data: dict[str, Any] = {"apps": _apps(orch), "pipelines": None, "runs": None}
        if service is not None and recent is not None:
            data["pipelines"] = pipelines_list(service)
            data["runs"] = await recent.get()
        return data

    @router.get("/overview")
    async def get_overview(ctx: Reader) -> Response:
        # Plain JSON text: FastAPI's encoder would walk the whole answer again first.
        data = json.dumps(await overview(ctx.orchestrator), separators=(",", ":"))
        return Response(data, media_type="application/json")

    @router.get("/overview/stream")
    async def overview_stream(
        ctx: Reader,
        max_frames: Annotated[int | None, Query(gt=0)] = None,
    ) -> StreamingResponse:
        async def frames() -> AsyncIterator[dict[str, Any]]:
            last: dict[str, Any] | None = None
            sent = quiet = 0
            while max_frames is None or sent < max_frames:
                data = await overview(ctx.orchestrator)
                if data != last or quiet >= 10:
                    last, quiet = data, 0
                    sent += 1
                    yield data
                else:
                    quiet += 1
                await asyncio.sleep(overview_interval)

        return _sse(frames(), "overview")

    @router.get("/apps/{name}/network")
    async def network(ctx: Reader, name: str, level: str = "") -> Any:
        return describe_level(ctx.orchestrator.app(name), level)

    @router.get("/apps/{name}/live")
    async def live(
        ctx: Reader,
        name: str,
        level: str = "",
        interval: Annotated[float | None, Query(ge=0.05, le=10)] = None,
        max_frames: Annotated[int | None, Query(gt=0)] = None,
    ) -> StreamingResponse:
        orch = ctx.orchestrator
        app = orch.app(name)
        describe_level(app, level)  # an unknown level is a 404 now, not a broken stream

        def alive() -> Any:
            try:
                return orch.app(name)
            except OrchestratorError:
                return None

        frames = watch_level(
            app,
            level,
            interval=interval or live_interval,
            max_frames=max_frames,
            alive=alive,
        )
        return _sse(frames, "live")

    # -- pipelines -----------------------------------------------------------------------------

    @router.get("/runs/{run_id}")
    async def get_run(ctx: Reader, run_id: str) -> Any:
        view = await run_view(need_service(), run_id)
        if view is None:
            raise ApiError(404, "not_found", f"run {run_id!r} does not exist")
        return view

    @router.get("/runs/{run_id}/tasks/{task_id}")
    async def get_task(ctx: Reader, run_id: str, task_id: str) -> Any:
        """A task of a run: params, result, and each attempt with its error and timing."""
        detail = await task_detail(need_service(), run_id, task_id)
        if detail is None:
            raise ApiError(404, "not_found", f"run {run_id!r} has no task {task_id!r}")
        return detail

    @router.get("/pipelines/{dag_id}/grid")
    async def grid(
        ctx: Reader, dag_id: str, limit: Annotated[int, Query(gt=0, le=200)] = 25
    ) -> Any:
        """The pipeline's last runs against its tasks: status and attempts per cell."""
        svc = need_service()
        if dag_id not in {p.dag_id for p in svc.list()}:
            raise ApiError(404, "not_found", f"pipeline {dag_id!r} does not exist")
        return await pipeline_grid(svc, dag_id, limit)

    @router.get("/pipelines/{dag_id}/grid/stream")
    async def grid_stream(
        ctx: Reader,
        dag_id: str,
        limit: Annotated[int, Query(gt=0, le=200)] = 25,
        max_frames: Annotated[int | None, Query(gt=0)] = None,
    ) -> StreamingResponse:
        svc = need_service()
        if dag_id not in {p.dag_id for p in svc.list()}:
            raise ApiError(404, "not_found", f"pipeline {dag_id!r} does not exist")

        async def frames() -> AsyncIterator[dict[str, Any]]:
            last: dict[str, Any] | None = None
            sent = quiet = 0
            while max_frames is None or sent < max_frames:
                data = await pipeline_grid(svc, dag_id, limit)
                if data != last or quiet >= 10:
                    last, quiet = data, 0
                    sent += 1
                    yield data
                else:
                    quiet += 1
                await asyncio.sleep(run_interval * 2)

        return _sse(frames(), "grid")

    @router.get("/runs/{run_id}/logs")
    async def get_logs(ctx: Reader, run_id: str, after: int = 0) -> Any:
        return await run_logs(need_service(), run_id, after)

    @router.get("/runs/{run_id}/stream")
    async def run_stream(
        ctx: Reader,
        run_id: str,
        after: int = 0,
        max_frames: Annotated[int | None, Query(gt=0)] = None,
    ) -> StreamingResponse:
        svc = need_service()
        if await run_view(svc, run_id) is None:
            raise ApiError(404, "not_found", f"run {run_id!r} does not exist")

        async def frames() -> AsyncIterator[dict[str, Any]]:
            last: dict[str, Any] | None = None
            last_log = after
            sent = quiet = 0
            while max_frames is None or sent < max_frames:
                view = await run_view(svc, run_id)
                if view is None:
                    yield {"gone": True}
                    return
                logs = await run_logs(svc, run_id, last_log)
                if logs:
                    last_log = logs[-1]["id"]
                if view != last or logs or quiet >= 10:
                    frame: dict[str, Any] = {"logs": logs}
                    if view != last:
                        frame["run"] = view
                    last, quiet = view, 0
                    sent += 1
                    yield frame
                else:
                    quiet += 1
                await asyncio.sleep(run_interval)

        return _sse(frames(), "run")

    @router.get("/runs/{run_id}/archive")
    async def archive(ctx: Reader, run_id: str) -> FileResponse:
        path: Path | None = await need_service().archive_path(run_id)
        if path is None:
            raise ApiError(404, "not_found", f"run {run_id!r} has no archive yet (still running?)")
        return FileResponse(path, media_type="application/zip", filename=f"run-{run_id}.zip")

    @router.post("/pipelines/{dag_id}/runs", status_code=201)
    async def start_run(ctx: Writer, dag_id: str, body: StartRun | None = None) -> JSONResponse:
        svc = need_service()
        try:
            run_id = await svc.start_run(
                dag_id,
                (body.params if body else None) or None,
                parameters=(body.parameters if body else None) or None,
            )
        except ValueError as exc:
            raise ApiError(422, "bad_definition", str(exc)) from None
        return JSONResponse({"run_id": run_id, "url": f"/web/runs/{run_id}"}, status_code=201)

    @router.post("/runs/{run_id}/cancel")
    async def cancel_run(ctx: Writer, run_id: str) -> Any:
        cancelled = await need_service().cancel(run_id, reason="cancelled from the web page")
        return {"cancelled": cancelled}

    @router.post("/runs/{run_id}/rerun-failed", status_code=201)
    async def rerun_failed(ctx: Writer, run_id: str) -> JSONResponse:
        try:
            new_id = await need_service().rerun_failed(run_id)
        except ValueError as exc:
            raise ApiError(409, "wrong_state", str(exc)) from None
        return JSONResponse({"run_id": new_id, "url": f"/web/runs/{new_id}"}, status_code=201)

    @router.post("/runs/{run_id}/resume", status_code=201)
    async def resume(ctx: Writer, run_id: str) -> JSONResponse:
        try:
            new_id = await need_service().resume(run_id)
        except ValueError as exc:
            raise ApiError(409, "wrong_state", str(exc)) from None
        return JSONResponse({"run_id": new_id, "url": f"/web/runs/{new_id}"}, status_code=201)

    return router
