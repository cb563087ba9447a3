"""The web page of ``fbrt serve``: watch and control applications and pipeline runs live.

Wiring (the server passes these to ``create_app(..., extra_routers=...)``)::

    from fbruntime.web import web_routers
    app = create_app(orch, settings, extra_routers=web_routers(orch, pipeline_service))

Modules: :mod:`.pages` (HTML shells, 404 pages and static files at ``/`` and ``/web/...``),
:mod:`.api_extras` (``/api/web/...``: network structure, throttled live frames, runs, task
detail, the runs grid), :mod:`.structure` (one level of an application's network, with the 4diac
file's positions and subapp pins), :mod:`.live` (the sampler), :mod:`.runs` (runs as the page
shows them, the overview's cached recent runs), :mod:`.faults` (a fault as a person reads it).
The browser side is plain ES modules under ``static/`` (``canvas.js`` pan/zoom/minimap,
``layout.js`` where boxes go) with one vendored library, dagre (MIT, ``static/vendor/``), for
layered layout.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from fbruntime.orchestrator import Orchestrator
from fbruntime.web.api_extras import api_extras_router
from fbruntime.web.pages import STATIC_DIR, web_router

__all__ = ["STATIC_DIR", "api_extras_router", "web_router", "web_routers"]


def web_routers(
    orchestrator: Orchestrator | None = None,
    pipeline_service: Any = None,
    *,
    live_interval: float | None = None,
) -> list[APIRouter]:
    """The page and its API extras. ``orchestrator`` is accepted for symmetry with the server
    (the routes reach it through the API's context); ``pipeline_service`` enables runs."""
    extras = (
        api_extras_router(pipeline_service)
        if live_interval is None
        else api_extras_router(pipeline_service, live_interval=live_interval)
    )
    return [web_router(pipeline_service), extras]
