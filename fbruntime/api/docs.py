"""The API's documentation page (``/docs``, Swagger UI) served with no network.

FastAPI's own page loads Swagger UI from a CDN, so on a plant network with no way out it stays
blank. The same assets come in the ``fastapi-offline`` package (MIT; Swagger UI itself is
Apache-2.0), installed with fbrt; this module serves those files itself under ``/docs/assets/``
and points the page at them. Only the files named here are served. ReDoc is left out: its bundle
fetches its logo from its vendor's CDN.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

__all__ = ["ASSETS", "assets_dir", "install_docs"]

ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}
PREFIX = "/docs/assets"


def assets_dir() -> Path | None:
    """The folder holding the assets (inside the installed ``fastapi_offline``), if any."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    return folder if folder.is_dir() else None


def install_docs(app: FastAPI, title: str) -> None:
    """``/docs`` and its assets on ``app`` (created with docs_url=None, redoc_url=None)."""
    folder = assets_dir()
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{title} · API docs",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
        )

    @app.get(PREFIX + "/{name}", include_in_schema=False)
    async def asset(name: str) -> Response:
        media = ASSETS.get(name)
        if media is None or folder is None or not (folder / name).is_file():
            return Response("not found", status_code=404, media_type="text/plain")
        return FileResponse(
            folder / name, media_type=media, headers={"Cache-Control": "max-age=86400"}
        )
