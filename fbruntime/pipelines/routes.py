"""The pipelines' HTTP API: a router the application mounts (``pipelines_router(service)``).

Routes (JSON unless said otherwise)::

    GET    /api/pipelines                         configs (dag_id, file, tasks) and load errors
    POST   /api/pipelines                         upload {"file_name", "config"} (object or text)
    POST   /api/pipelines/validate                check a config without keeping it
    GET    /api/pipelines/{dag_id}                one config (secret params shown as ***)
    POST   /api/pipelines/{dag_id}/runs           start a run {"parameters": {name: value},
                                                  "params": {task: {param: value}},
                                                  "max_parallel": n}
    GET    /api/pipelines/{dag_id}/schedule       its schedules
    PUT    /api/pipelines/{dag_id}/schedule       {"cron", "overlap", "catchup_limit", "params"}
    DELETE /api/pipelines/{dag_id}/schedule
    GET    /api/runs?dag_id=&status=&limit=       runs, newest first
    GET    /api/runs/{run_id}                     a run with tasks, attempts, outputs, logs,
                                                  skip reasons, map counts, parent and children
    GET    /api/pools                             pools: size, slots in use, tasks waiting
    PUT    /api/pools/{name} {"size"}             set a pool's size (kept across restarts)
    POST   /api/runs/{run_id}/cancel
    POST   /api/runs/{run_id}/rerun               rerun from the failed tasks -> the new run
    POST   /api/runs/{run_id}/resume              go on with an interrupted run -> the new run
    POST   /api/web {"run_id"}                    the link to the run's web page
    POST   /api/cli {"run_id"}                    the run's ZIP archive (application/zip)

Mutating routes depend on ``auth_dependency`` (the application's bearer-token check) and every
read (``/validate`` included) on ``read_dependency`` (the token whenever reads of applications
need it: a server listening beyond loopback).

Bodies are read here, not by FastAPI: at most ``max_body_bytes`` (413 as soon as it is clear,
from ``Content-Length`` or while reading), decoded once (JSON nested too deeply is a 422, not a
crash), and a large config is decoded and validated on a worker thread so the event loop keeps
serving. Errors have the API's shape ``{"error": kind, "detail": message, ...}``: 404 for
unknown pipelines and runs, 422 with the validator's full report in ``problems`` for configs
and params, 409 for a run in the wrong state, 413 for a body too large.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fbruntime.store import NotFound

from .config import POOL_NAME_PATTERN
from .limits import decode_json
from .plan import Pipeline
from .problems import PipelineError
from .service import PipelineService

__all__ = ["MAX_BODY_BYTES", "pipelines_router"]

M = TypeVar("M", bound=BaseModel)

MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest config body: a pipeline of the 10,000 tasks allowed, with room to spare."""
SMALL_BODY_BYTES = 256 * 1024
"""The largest body of the other routes (run params, schedules, run ids)."""
THREAD_FROM_BYTES = 64 * 1024
"""Bodies from this size on are decoded and validated on a worker thread."""


class UploadBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file_name: str = Field(description="the name to keep the config under, e.g. weather.json")
    config: dict[str, Any] | str = Field(description="the pipeline config: an object or JSON text")


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    model_config = ConfigDict(extra="forbid")

    cron: str
    overlap: str = "skip"
    catchup_limit: int = 1
    timezone: str = "UTC"
    params: dict[str, dict[str, Any]] = Field(default_factory=dict)


class RunRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    run_id: str


class BodyError(Exception):
    """A request body that cannot be taken; becomes ``{"error", "detail", ...}``."""

    def __init__(self, status: int, kind: str, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.extra = status, kind, detail, extra

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"error": self.kind, "detail": self.detail, **self.extra}, status_code=self.status
        )


def _problems(error: PipelineError) -> JSONResponse:
    return JSONResponse(
        {
            "error": "invalid_pipeline",
            "detail": str(error),
            "problems": [
                {"task": p.task, "field": p.field, "message": p.message} for p in error.problems
            ],
        },
        status_code=422,
    )


def _error(status: int, kind: str, detail: str) -> JSONResponse:
    return JSONResponse({"error": kind, "detail": detail}, status_code=status)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyError(413, "too_large", f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyError(413, "too_large", f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return decode_json(raw, source="the request body")
    except json.JSONDecodeError as error:
        raise BodyError(
            422,
            "validation",
            f"the body is not JSON: line {error.lineno}, column {error.colno}: {error.msg}",
        ) from None
    except PipelineError as error:
        raise BodyError(422, "validation", error.problems[0].message) from None


def _model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as error:
        detail = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()
        )
        raise BodyError(422, "validation", detail) from None


async def _small_body(request: Request, model: type[M]) -> M:
    return _model(model, _decode(await _read_body(request, SMALL_BODY_BYTES)))


def _doc(model: type[BaseModel], *, required: bool = True) -> dict[str, Any]:
    """The request body as OpenAPI shows it (the route reads the body itself)."""
    return {
        "requestBody": {
            "required": required,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


def _schedule_dict(service: PipelineService, schedule: Any) -> dict[str, Any]:
    return {
        "id": schedule.id,
        "pipeline": schedule.pipeline,
        "cron": schedule.cron,
        "timezone": schedule.timezone,
        "overlap": schedule.overlap,
        "catchup_limit": schedule.catchup_limit,
        "params": service.redact_run_params(schedule.pipeline, schedule.params),
        "enabled": schedule.enabled,
        "last_fire_at": schedule.last_fire_at.isoformat() if schedule.last_fire_at else None,
    }


def pipelines_router(
    service: PipelineService,
    auth_dependency: Callable[..., Any] | None = None,
    *,
    read_dependency: Callable[..., Any] | None = None,
    web_base: str = "/web/runs",
    max_body_bytes: int = MAX_BODY_BYTES,
) -> APIRouter:
    """The routes above over ``service``; ``auth_dependency`` guards every mutating one and
    ``read_dependency`` every read."""
    guarded = [Depends(auth_dependency)] if auth_dependency is not None else []
    reading = [Depends(read_dependency)] if read_dependency is not None else []
    router = APIRouter(tags=["pipelines"])

    async def run_or_404(run_id: str) -> dict[str, Any]:
        found = await service.get_run_and_children(run_id)
        if found is None:
            raise HTTPException(404, detail=f"run {run_id!r} does not exist")
        detail, children = found
        return service.run_view(detail, children=children)

    def checked(data: Any) -> tuple[str, Pipeline, bytes]:
        body = _model(UploadBody, data)
        config = body.config
        if isinstance(config, str):
            return body.file_name, service.validate(config, body.file_name), config.encode()
        pipeline = service.validate_data(config, body.file_name)
        return body.file_name, pipeline, json.dumps(config).encode()

    async def config_body(request: Request) -> tuple[str, Pipeline, bytes]:
        """Read, decode and validate an upload; a large one on a worker thread."""
        raw = await _read_body(request, max_body_bytes)

        def work() -> tuple[str, Pipeline, bytes]:
            return checked(_decode(raw))

        if len(raw) >= THREAD_FROM_BYTES:
            return await asyncio.to_thread(work)
        return work()

    @router.get("/api/pipelines", dependencies=reading)
    async def list_pipelines() -> dict[str, Any]:
        return {
            "pipelines": [info.as_dict() for info in service.list()],
            "errors": dict(service.load_errors),
            "operations": service.operations.describe(),
        }

    @router.post(
        "/api/pipelines", status_code=201, dependencies=guarded, openapi_extra=_doc(UploadBody)
    )
    async def upload(request: Request) -> Any:
        try:
            file_name, pipeline, data = await config_body(request)
            return service.upload(file_name, data, validated=pipeline).as_dict()
        except BodyError as error:
            return error.response()
        except PipelineError as error:
            return _problems(error)

    @router.post("/api/pipelines/validate", dependencies=reading, openapi_extra=_doc(UploadBody))
    async def validate(request: Request) -> Any:
        try:
            _, pipeline, _ = await config_body(request)
        except BodyError as error:
            return error.response()
        except PipelineError as error:
            return _problems(error)
        return {"dag_id": pipeline.dag_id, "layers": [list(x) for x in pipeline.graph.layers]}

    @router.get("/api/pipelines/{dag_id}", dependencies=reading)
    async def get_pipeline(dag_id: str) -> Any:
        try:
            pipeline = service.pipeline(dag_id)
        except NotFound as error:
            return _error(404, "not_found", str(error))
        return {
            **service.info(dag_id).as_dict(),
            "config": service.config_view(dag_id),
            "layers": [list(layer) for layer in pipeline.graph.layers],
        }

    @router.post(
        "/api/pipelines/{dag_id}/runs",
        status_code=201,
        dependencies=guarded,
        openapi_extra=_doc(RunBody, required=False),
    )
    async def start_run(dag_id: str, request: Request) -> Any:
        try:
            body = await _small_body(request, RunBody)
            run_id = await service.start_run(
                dag_id,
                body.params or None,
                trigger="api",
                parameters=body.parameters or None,
                max_parallel=body.max_parallel,
            )
        except BodyError as error:
            return error.response()
        except NotFound as error:
            return _error(404, "not_found", str(error))
        except PipelineError as error:
            return _problems(error)
        return await run_or_404(run_id)

    @router.get("/api/pipelines/{dag_id}/schedule", dependencies=reading)
    async def get_schedule(dag_id: str) -> list[dict[str, Any]]:
        return [_schedule_dict(service, s) for s in await service.schedules(dag_id)]

    @router.put(
        "/api/pipelines/{dag_id}/schedule",
        dependencies=guarded,
        openapi_extra=_doc(ScheduleBody),
    )
    async def set_schedule(dag_id: str, request: Request) -> Any:
        try:
            body = await _small_body(request, ScheduleBody)
            schedule = await service.set_schedule(
                dag_id,
                body.cron,
                overlap=body.overlap,
                catchup_limit=body.catchup_limit,
                params=body.params or None,
                timezone=body.timezone,
            )
        except BodyError as error:
            return error.response()
        except NotFound as error:
            return _error(404, "not_found", str(error))
        except PipelineError as error:
            return _problems(error)
        except ValueError as error:
            return _error(422, "validation", str(error))
        return _schedule_dict(service, schedule)

    @router.delete("/api/pipelines/{dag_id}/schedule", dependencies=guarded)
    async def clear_schedule(dag_id: str) -> dict[str, Any]:
        return {"removed": await service.clear_schedule(dag_id)}

    @router.get("/api/pools", dependencies=reading)
    async def list_pools() -> list[dict[str, Any]]:
        return service.pools.describe()

    @router.put("/api/pools/{name}", dependencies=guarded, openapi_extra=_doc(PoolBody))
    async def set_pool(name: str, request: Request) -> Any:
        if not POOL_NAME_PATTERN.fullmatch(name):
            return _error(422, "validation", f"{name!r} is not a valid pool name")
        try:
            body = await _small_body(request, PoolBody)
        except BodyError as error:
            return error.response()
        return await service.set_pool(name, body.size)

    @router.get("/api/runs", dependencies=reading)
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
                "interrupted": r.interrupted,
                "parent_run_id": r.parent_run_id,
                "created_at": r.created_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            }
            for r in runs
        ]

    @router.get("/api/runs/{run_id}", dependencies=reading)
    async def get_run(run_id: str) -> dict[str, Any]:
        return await run_or_404(run_id)

    @router.post("/api/runs/{run_id}/cancel", dependencies=guarded)
    async def cancel_run(run_id: str) -> Any:
        try:
            cancelled = await service.cancel(run_id)
        except NotFound as error:
            return _error(404, "not_found", str(error))
        if not cancelled:
            return _error(409, "wrong_state", f"run {run_id!r} is not running")
        return await run_or_404(run_id)

    async def again(run_id: str, resume: bool) -> Any:
        try:
            if resume:
                new_id = await service.resume(run_id)
            else:
                new_id = await service.rerun_failed(run_id)
        except NotFound as error:
            return _error(404, "not_found", str(error))
        except PipelineError as error:
            return _problems(error)
        except ValueError as error:
            return _error(409, "wrong_state", str(error))
        return JSONResponse(await run_or_404(new_id), status_code=201)

    @router.post("/api/runs/{run_id}/rerun", status_code=201, dependencies=guarded)
    async def rerun(run_id: str) -> Any:
        return await again(run_id, resume=False)

    @router.post("/api/runs/{run_id}/resume", status_code=201, dependencies=guarded)
    async def resume(run_id: str) -> Any:
        return await again(run_id, resume=True)

    @router.post("/api/web", dependencies=guarded, openapi_extra=_doc(RunRef))
    async def web_link(request: Request) -> Any:
        try:
            body = await _small_body(request, RunRef)
        except BodyError as error:
            return error.response()
        await run_or_404(body.run_id)
        path = f"{web_base}/{body.run_id}"
        return {
            "run_id": body.run_id,
            "path": path,
            "url": str(request.base_url).rstrip("/") + path,
        }

    @router.post(
        "/api/cli",
        dependencies=guarded,
        response_class=FileResponse,
        openapi_extra=_doc(RunRef),
    )
    async def cli_archive(request: Request) -> Any:
        try:
            body = await _small_body(request, RunRef)
            path = await service.archive_path(body.run_id)
        except BodyError as error:
            return error.response()
        except NotFound as error:
            return _error(404, "not_found", str(error))
        if path is None:
            return _error(
                409, "wrong_state", f"run {body.run_id!r} has no archive yet (it is still running)"
            )
        return FileResponse(path, media_type="application/zip", filename=f"{body.run_id}.zip")

    return router
