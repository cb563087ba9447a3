"""The pipelines' HTTP API: a router the application mounts (``pipelines_router(service)``).

Routes (JSON unless said otherwise)::

    GET    /api/pipelines                         configs (dag_id, file, tasks) and load errors
    POST   /api/pipelines                         upload {"file_name", "config"} (object or text)
    POST   /api/pipelines/validate                check a config without keeping it
    GET    /api/pipelines/{dag_id}                one config, as uploaded
    POST   /api/pipelines/{dag_id}/runs           start a run {"parameters": {name: value},
                                                  "params": {task: {param: value}}}
    GET    /api/pipelines/{dag_id}/schedule       its schedules
    PUT    /api/pipelines/{dag_id}/schedule       {"cron", "overlap", "catchup_limit", "params"}
    DELETE /api/pipelines/{dag_id}/schedule
    GET    /api/runs?dag_id=&status=&limit=       runs, newest first
    GET    /api/runs/{run_id}                     a run with task states, attempts, outputs, logs,
                                                  skip reasons, map counts, parent and children
    GET    /api/pools                             pools: size, slots in use, tasks waiting
    PUT    /api/pools/{name} {"size"}             set a pool's size (kept across restarts)
    POST   /api/runs/{run_id}/cancel
    POST   /api/runs/{run_id}/rerun               rerun from the failed tasks -> the new run
    POST   /api/web {"run_id"}                    the link to the run's web page
    POST   /api/cli {"run_id"}                    the run's ZIP archive (application/zip)

Mutating routes depend on ``auth_dependency`` (the application's bearer-token check) when given.
Errors come back as ``{"detail": ...}``: 404 for unknown pipelines and runs, 422 with the
validator's full report (``problems``) for configs and params, 409 for a run in the wrong state.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from fbruntime.store import NotFound

from .archive import detail_dict
from .problems import PipelineError
from .service import PipelineService

__all__ = ["pipelines_router"]


class UploadBody(BaseModel):
    file_name: str = Field(description="the name to keep the config under, e.g. weather.json")
    config: dict[str, Any] | str = Field(description="the pipeline config: an object or JSON text")


class RunBody(BaseModel):
    parameters: dict[str, Any] = Field(
        default_factory=dict, description="the pipeline's declared trigger parameters"
    )
    params: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="independent params to override, per task id"
    )
    max_parallel: int | None = Field(
        default=None, ge=1, le=1024, description="tasks this run runs at once"
    )


class PoolBody(BaseModel):
    size: int = Field(ge=1, description="how many tasks may run in the pool at once")


class ScheduleBody(BaseModel):
    cron: str
    overlap: str = "skip"
    catchup_limit: int = 1
    timezone: str = "UTC"
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)


class RunRef(BaseModel):
    run_id: str


def _problems(error: PipelineError) -> HTTPException:
    return HTTPException(
        422,
        detail={
            "message": str(error),
            "problems": [
                {"task": p.task, "field": p.field, "message": p.message} for p in error.problems
            ],
        },
    )


def _config_bytes(config: dict[str, Any] | str) -> bytes:
    return config.encode() if isinstance(config, str) else json.dumps(config).encode()


def _schedule_dict(schedule: Any) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "pipeline": schedule.pipeline,
        "cron": schedule.cron,
        "timezone": schedule.timezone,
        "overlap": schedule.overlap,
        "catchup_limit": schedule.catchup_limit,
        "params": schedule.params,
        "enabled": schedule.enabled,
        "last_fire_at": schedule.last_fire_at.isoformat() if schedule.last_fire_at else None,
    }


def pipelines_router(
    service: PipelineService,
    auth_dependency: Callable[..., Any] | None = None,
    *,
    web_base: str = "/web/runs",
) -> APIRouter:
    """The routes above over ``service``; ``auth_dependency`` guards every mutating one."""
    guarded = [Depends(auth_dependency)] if auth_dependency is not None else []
    router = APIRouter(tags=["pipelines"])

    async def run_or_404(run_id: str) -> dict[str, Any]:
        detail = await service.get_run(run_id)
        if detail is None:
            raise HTTPException(404, detail=f"run {run_id!r} does not exist")
        return detail_dict(detail, children=await service.children(run_id))

    @router.get("/api/pipelines")
    async def list_pipelines() -> dict[str, Any]:
        return {
            "pipelines": [info.as_dict() for info in service.list()],
            "errors": dict(service.load_errors),
            "operations": service.operations.describe(),
        }

    @router.post("/api/pipelines", status_code=201, dependencies=guarded)
    async def upload(body: UploadBody) -> dict[str, Any]:
        try:
            return service.upload(body.file_name, _config_bytes(body.config)).as_dict()
        except PipelineError as error:
            raise _problems(error) from None

    @router.post("/api/pipelines/validate")
    async def validate(body: UploadBody) -> dict[str, Any]:
        try:
            pipeline = service.validate(_config_bytes(body.config), body.file_name)
        except PipelineError as error:
            raise _problems(error) from None
        return {"dag_id": pipeline.dag_id, "layers": [list(x) for x in pipeline.graph.layers]}

    @router.get("/api/pipelines/{dag_id}")
    async def get_pipeline(dag_id: str) -> dict[str, Any]:
        try:
            pipeline = service.pipeline(dag_id)
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        return {
            **service.info(dag_id).as_dict(),
            "config": pipeline.config.model_dump(mode="json", exclude_none=True),
            "layers": [list(layer) for layer in pipeline.graph.layers],
        }

    @router.post("/api/pipelines/{dag_id}/runs", status_code=201, dependencies=guarded)
    async def start_run(dag_id: str, body: RunBody | None = None) -> dict[str, Any]:
        try:
            run_id = await service.start_run(
                dag_id,
                (body.params if body else None) or None,
                trigger="api",
                parameters=body.parameters if body else None,
                max_parallel=body.max_parallel if body else None,
            )
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        except PipelineError as error:
            raise _problems(error) from None
        return await run_or_404(run_id)

    @router.get("/api/pipelines/{dag_id}/schedule")
    async def get_schedule(dag_id: str) -> list[dict[str, Any]]:
        return [_schedule_dict(s) for s in await service.schedules(dag_id)]

    @router.put("/api/pipelines/{dag_id}/schedule", dependencies=guarded)
    async def set_schedule(dag_id: str, body: ScheduleBody) -> dict[str, Any]:
        try:
            schedule = await service.set_schedule(
                dag_id,
                body.cron,
                overlap=body.overlap,
                catchup_limit=body.catchup_limit,
                params=body.params or None,
                timezone=body.timezone,
            )
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        except PipelineError as error:
            raise _problems(error) from None
        except ValueError as error:
            raise HTTPException(422, detail=str(error)) from None
        return _schedule_dict(schedule)

    @router.delete("/api/pipelines/{dag_id}/schedule", dependencies=guarded)
    async def clear_schedule(dag_id: str) -> dict[str, Any]:
        return {"removed": await service.clear_schedule(dag_id)}

    @router.get("/api/pools")
    async def list_pools() -> list[dict[str, Any]]:
        return service.pools.describe()

    @router.put("/api/pools/{name}", dependencies=guarded)
    async def set_pool(name: str, body: PoolBody) -> dict[str, Any]:
        from .config import POOL_NAME_PATTERN

        if not POOL_NAME_PATTERN.fullmatch(name):
            raise HTTPException(422, detail=f"{name!r} is not a valid pool name")
        return await service.set_pool(name, body.size)

    @router.get("/api/runs")
    async def list_runs(
        dag_id: str | None = None, status: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        runs = await service.list_runs(dag_id, status=status, limit=min(max(limit, 1), 500))
        return [
            {
                "id": r.id,
                "pipeline": r.pipeline,
                "status": r.status,
                "trigger": r.trigger,
                "error": r.error,
                "parent_run_id": r.parent_run_id,
                "created_at": r.created_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            }
            for r in runs
        ]

    @router.get("/api/runs/{run_id}")
    async def get_run(run_id: str) -> dict[str, Any]:
        return await run_or_404(run_id)

    @router.post("/api/runs/{run_id}/cancel", dependencies=guarded)
    async def cancel_run(run_id: str) -> dict[str, Any]:
        try:
            cancelled = await service.cancel(run_id)
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        if not cancelled:
            raise HTTPException(409, detail=f"run {run_id!r} is not running")
        return await run_or_404(run_id)

    @router.post("/api/runs/{run_id}/rerun", status_code=201, dependencies=guarded)
    async def rerun(run_id: str) -> dict[str, Any]:
        try:
            new_id = await service.rerun_failed(run_id)
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        except ValueError as error:
            raise HTTPException(409, detail=str(error)) from None
        return await run_or_404(new_id)

    @router.post("/api/web", dependencies=guarded)
    async def web_link(body: RunRef, request: Request) -> dict[str, Any]:
        await run_or_404(body.run_id)
        path = f"{web_base}/{body.run_id}"
        return {
            "run_id": body.run_id,
            "path": path,
            "url": str(request.base_url).rstrip("/") + path,
        }

    @router.post("/api/cli", dependencies=guarded, response_class=FileResponse)
    async def cli_archive(body: RunRef) -> FileResponse:
        try:
            path = await service.archive_path(body.run_id)
        except NotFound as error:
            raise HTTPException(404, detail=str(error)) from None
        if path is None:
            raise HTTPException(
                409, detail=f"run {body.run_id!r} has no archive yet (it is still running)"
            )
        return FileResponse(path, media_type="application/zip", filename=f"{body.run_id}.zip")

    return router
