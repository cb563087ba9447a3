"""The FastAPI application: routers over an Orchestrator, errors as JSON, OpenAPI at /docs.

``create_app(orchestrator, settings, extra_routers=())`` is the factory; later features
(pipelines, ``POST /api/web``, ``POST /api/cli``, the web page) pass their routers in rather
than editing this module. Routers reach the Orchestrator through :func:`fbruntime.api.context`.
"""

from __future__ import annotations

from collections.abc import Iterable

from fastapi import APIRouter, FastAPI

from fbruntime.api import routes_apps, routes_types
from fbruntime.api.auth import hash_token
from fbruntime.api.context import ApiContext, Reader
from fbruntime.api.docs import install_docs
from fbruntime.api.errors import install_error_handlers
from fbruntime.api.fastpath import FastPath
from fbruntime.api.guard import Guard
from fbruntime.api.readcache import ReadCache
from fbruntime.api.routes_force import auth_router, forces_router
from fbruntime.api.settings import ApiSettings
from fbruntime.orchestrator import Orchestrator

__all__ = ["create_app"]

DESCRIPTION = """Control API of fbrt: block types, applications, values, events and streams.

Every call that changes something needs `Authorization: Bearer <token>`; reads need it too when
the server listens beyond 127.0.0.1. Uploading Python source is off unless the server runs with
`--allow-python-upload`, because loading Python runs it on the server.
"""


def create_app(
    orchestrator: Orchestrator,
    settings: ApiSettings | None = None,
    extra_routers: Iterable[APIRouter] = (),
) -> FastAPI:
    settings = settings or ApiSettings()
    token_hash = settings.token_hash or (hash_token(settings.token) if settings.token else None)
    if token_hash is None:
        raise ValueError(
            "the API needs a token: set settings.token, or settings.token_hash "
            "(fbruntime.api.auth.ensure_token makes and stores one)"
        )
    app = FastAPI(
        title="fbrt", version="0.1.0", description=DESCRIPTION, docs_url=None, redoc_url=None
    )
    install_docs(app, "fbrt")  # served from the package: no CDN, works offline
    ctx = ApiContext(orchestrator, settings, token_hash)
    app.state.fbrt = ctx
    if settings.cached_reads:  # inside the fast path, whose reads and fires it never caches
        app.add_middleware(
            ReadCache, paths=dict(settings.cached_reads), ttl=settings.read_cache_ttl
        )
    app.add_middleware(FastPath, ctx=ctx)
    # outermost: checks every request, the fast path's included (see fbruntime.api.guard)
    app.add_middleware(
        Guard,
        max_body=settings.max_upload_bytes,
        body_timeout=settings.body_timeout,
        allowed_hosts=settings.allowed_hosts,
    )
    install_error_handlers(app)

    @app.get("/api/health", tags=["health"])
    async def health(ctx: Reader) -> dict[str, object]:
        apps = ctx.orchestrator.apps()
        return {
            "status": "ok",
            "apps": len(apps),
            "running": sum(1 for a in apps if a.state == "running"),
            "database": ctx.orchestrator.store is not None,
        }

    app.include_router(routes_types.router)
    app.include_router(routes_apps.router)
    app.include_router(forces_router)
    app.include_router(auth_router)
    for router in extra_routers:
        app.include_router(router)
    return app
