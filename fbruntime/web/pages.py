"""The HTML pages (``/``, ``/web/``, ``/web/apps/{name}``, ``/web/runs/{id}``) and the static
files under ``/web/static/``.

Pages are server-rendered shells with plain string templates (jinja2 is not a dependency): the
header with the token field and the connection status, the page's landmarks, and the data the
page's ES module needs in ``data-`` attributes. The module then loads the JSON, opens the
throttled stream, and keeps the page current. Nothing is fetched from outside the server.
"""

from __future__ import annotations

import mimetypes
from html import escape
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

__all__ = ["STATIC_DIR", "web_router"]

STATIC_DIR = Path(__file__).with_name("static")

_SCRIPTS = {
    "overview": ("overview.js", False),
    "app": ("app.js", True),
    "run": ("run.js", True),
}


def page(title: str, kind: str, body: str, data: dict[str, str] | None = None) -> str:
    """A whole page: the shared header, ``body`` in ``<main>``, and the page's module."""
    attrs = "".join(f' data-{k}="{escape(v)}"' for k, v in (data or {}).items())
    script, graph = _SCRIPTS[kind]
    layout = '<script src="/web/static/vendor/dagre.min.js"></script>\n' if graph else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} · fbrt</title>
<link rel="stylesheet" href="/web/static/fbrt.css">
</head>
<body data-page="{kind}"{attrs}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/web/">fbrt</a>
  <nav aria-label="Main"><a href="/web/">Overview</a> <a href="/docs">API docs</a></nav>
  <form id="token-form" class="token" autocomplete="off">
    <label for="token">API token</label>
    <input id="token" name="token" type="password" placeholder="needed to change things"
      aria-describedby="token-state">
    <button type="submit">Use token</button>
    <button type="button" id="token-forget">Forget</button>
    <span id="token-state" class="muted">no token</span>
  </form>
  <div id="conn" class="conn conn-wait" role="status" aria-live="polite">connecting…</div>
</header>
<div id="notice" class="notice" role="alert" hidden></div>
<main id="main">
{body}
</main>
<noscript><p class="notice">This page needs JavaScript to show live state.
The same data is available from the JSON API (<a href="/docs">/docs</a>).</p></noscript>
{layout}<script type="module" src="/web/static/{script}"></script>
</body>
</html>
"""


def _overview() -> str:
    return page(
        "Overview",
        "overview",
        """<h1>Overview</h1>
<section aria-labelledby="apps-h">
  <h2 id="apps-h">Applications</h2>
  <div id="apps" class="table-wrap"><p class="muted">Loading…</p></div>
</section>
<section aria-labelledby="pipes-h">
  <h2 id="pipes-h">Pipelines</h2>
  <div id="pipelines" class="table-wrap"><p class="muted">Loading…</p></div>
</section>
<section aria-labelledby="runs-h">
  <h2 id="runs-h">Recent runs</h2>
  <div id="runs" class="table-wrap"><p class="muted">Loading…</p></div>
</section>""",
    )


def _app_page(name: str) -> str:
    n = escape(name)
    return page(
        f"{name} (application)",
        "app",
        f"""<div class="app-head">
  <h1><span class="muted">Application</span> <span id="app-name">{n}</span>
    <span id="app-state" class="pill">…</span></h1>
  <nav id="crumbs" aria-label="Network level" class="crumbs"></nav>
  <div class="actions" role="group" aria-label="Application lifecycle">
    <button type="button" data-action="start">Start</button>
    <button type="button" data-action="stop">Stop</button>
    <button type="button" data-action="reset">Reset</button>
  </div>
  <p id="app-error" class="error" hidden></p>
</div>
<div class="split">
  <section class="graph-pane" aria-labelledby="graph-h">
    <h2 id="graph-h" class="sr-only">Function block network</h2>
    <div class="graph-tools">
      <label for="zoom">Zoom</label>
      <select id="zoom"><option value="fit">Fit</option><option value="1">100%</option>
        <option value="1.5">150%</option><option value="0.75">75%</option></select>
      <span class="legend"><span class="sw ev"></span>event <span class="sw da"></span>data</span>
    </div>
    <div id="graph" class="graph" tabindex="-1"><p class="muted">Loading…</p></div>
  </section>
  <aside id="details" class="details" aria-labelledby="details-h">
    <h2 id="details-h">Details</h2>
    <p class="muted">Select a block (click it, or Tab to it and press Enter).</p>
  </aside>
</div>""",
        {"app": name},
    )


def _run_page(run_id: str) -> str:
    r = escape(run_id)
    return page(
        f"Run {run_id}",
        "run",
        f"""<div class="app-head">
  <h1><span class="muted">Run</span> <span id="run-title">{r}</span>
    <span id="run-state" class="pill">…</span></h1>
  <p id="run-meta" class="muted"></p>
  <div class="actions" role="group" aria-label="Run actions">
    <button type="button" data-action="cancel">Cancel run</button>
    <button type="button" data-action="rerun">Rerun failed tasks</button>
    <button type="button" data-action="resume" hidden>Resume interrupted run</button>
    <button type="button" data-action="again">Start a new run</button>
    <a id="archive" class="button" hidden>Download archive (ZIP)</a>
  </div>
  <p id="run-error" class="error" hidden></p>
</div>
<div class="split">
  <section class="graph-pane" aria-labelledby="dag-h">
    <h2 id="dag-h">Tasks</h2>
    <div class="legend" id="status-legend"></div>
    <div id="graph" class="graph"><p class="muted">Loading…</p></div>
    <div id="tasks" class="table-wrap"></div>
  </section>
  <aside class="details logs-pane" aria-labelledby="logs-h">
    <h2 id="logs-h">Log</h2>
    <div class="log-tools">
      <label><input type="checkbox" id="follow" checked> follow</label>
      <label for="log-task">Task</label>
      <select id="log-task"><option value="">all</option></select>
    </div>
    <ol id="logs" class="logs" aria-live="off"></ol>
  </aside>
</div>""",
        {"run": run_id},
    )


def _static(path: str) -> Response:
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR.resolve()) or not target.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix == ".js":
        media = "text/javascript"
    return FileResponse(target, media_type=media, headers={"Cache-Control": "no-cache"})


def web_router() -> APIRouter:
    """The pages and static files (no data in them: the data comes from the API with the token)."""
    router = APIRouter(include_in_schema=False)

    @router.get("/")
    async def root() -> RedirectResponse:
        return RedirectResponse("/web/", status_code=307)

    @router.get("/web")
    async def web_root() -> RedirectResponse:
        return RedirectResponse("/web/", status_code=307)

    @router.get("/web/", response_class=HTMLResponse)
    async def overview() -> HTMLResponse:
        return HTMLResponse(_overview())

    @router.get("/web/apps/{name}", response_class=HTMLResponse)
    async def app_page(name: str) -> HTMLResponse:
        return HTMLResponse(_app_page(name))

    @router.get("/web/runs/{run_id}", response_class=HTMLResponse)
    async def run_page(run_id: str) -> HTMLResponse:
        return HTMLResponse(_run_page(run_id))

    @router.get("/web/static/{path:path}")
    async def static(path: str) -> Response:
        return _static(path)

    return router
