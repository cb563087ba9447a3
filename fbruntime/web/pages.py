"""The HTML pages (``/``, ``/web/``, ``/web/apps/{name}``, ``/web/runs/{id}``,
``/web/pipelines/{dag_id}``) and the static files under ``/web/static/``.

Pages are server-rendered shells with plain string templates (jinja2 is not a dependency): the
header with the token field and the connection status, the page's landmarks, and the data the
page's ES module needs in ``data-`` attributes. The module then loads the JSON, opens the
throttled stream, and keeps the page current. Nothing is fetched from outside the server.
"""

from __future__ import annotations

import mimetypes
from html import escape
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

__all__ = ["STATIC_DIR", "web_router"]

STATIC_DIR = Path(__file__).with_name("static")

_SCRIPTS = {
    "overview": ("overview.js", False),
    "app": ("app.js", True),
    "run": ("run.js", True),
    "pipeline": ("pipeline.js", False),
    "missing": ("missing.js", False),
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
  <details id="upload" class="panel upload">
    <summary>Upload a pipeline config</summary>
    <form id="upload-form">
      <label for="config-file">Config file (.json)</label>
      <input id="config-file" type="file" accept=".json,application/json">
      <label for="config-name">or paste it, with a file name</label>
      <input id="config-name" placeholder="pipeline.json" autocomplete="off">
      <label for="config-text" class="sr-only">Config text</label>
      <textarea id="config-text" rows="8" spellcheck="false"
        placeholder='{"dag_name": "...", "tasks": [...]}'></textarea>
      <div class="row"><button type="button" id="validate">Validate</button>
        <button type="submit">Upload</button></div>
      <p id="upload-result" role="status"></p>
    </form>
  </details>
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
    <button type="button" data-action="kill">Kill</button>
  </div>
  <p id="app-error" class="error" hidden></p>
</div>
<div class="split">
  <section class="graph-pane" aria-labelledby="graph-h">
    <h2 id="graph-h" class="sr-only">Function block network</h2>
    <div class="graph-tools">
      <div role="group" aria-label="View">
        <button type="button" id="fit" title="Show the whole network">Fit</button>
        <button type="button" id="zoom-out" aria-label="Zoom out">&minus;</button>
        <button type="button" id="zoom-100" title="Zoom to 100%">100%</button>
        <button type="button" id="zoom-in" aria-label="Zoom in">+</button>
      </div>
      <form id="search-form" class="search" role="search">
        <label for="search">Find block</label>
        <input id="search" list="block-names" autocomplete="off" placeholder="name">
        <datalist id="block-names"></datalist>
        <button type="submit">Go</button>
        <span id="search-result" class="muted" role="status"></span>
      </form>
      <span class="legend"><span class="sw ev"></span>event <span class="sw da"></span>data
        <span class="hint muted">drag to pan · wheel to zoom</span></span>
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
  <p><span id="run-meta" class="muted"></span> · <a id="pipeline-link" href="/web/">pipeline</a></p>
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
    <div class="graph-tools"><button type="button" id="fit">Fit</button>
      <div class="legend" id="status-legend"></div></div>
    <div id="graph" class="graph dag-host"><p class="muted">Loading…</p></div>
    <h2 id="gantt-h">Timeline</h2>
    <div id="gantt" class="table-wrap" aria-labelledby="gantt-h"></div>
    <div id="tasks" class="table-wrap"></div>
  </section>
  <aside class="details logs-pane" aria-label="Task detail and log">
    <div class="tabs" role="tablist">
      <button type="button" role="tab" data-tab="task" aria-selected="false">Task</button>
      <button type="button" role="tab" data-tab="log" aria-selected="true">Log</button>
    </div>
    <div id="task-detail" role="tabpanel" hidden><p class="muted">Click a task to see its
      parameters, result and attempts.</p></div>
    <div id="log-pane" role="tabpanel">
      <div class="log-tools">
        <label><input type="checkbox" id="follow" checked> follow</label>
        <label for="log-task">Task</label>
        <select id="log-task"><option value="">all</option></select>
      </div>
      <ol id="logs" class="logs" aria-live="off"></ol>
    </div>
  </aside>
</div>""",
        {"run": run_id},
    )


def _missing(what: str, name: str) -> str:
    return page(
        f"No {what} {name}",
        "missing",
        f"""<h1>Not found</h1>
<p id="missing" class="error">There is no {escape(what)} named <strong>{escape(name)}</strong>
on this server.</p>
<p><a href="/web/">Back to the overview</a>, which lists what there is.</p>""",
    )


def _pipeline_page(dag_id: str) -> str:
    d = escape(dag_id)
    return page(
        f"{dag_id} (pipeline)",
        "pipeline",
        f"""<div class="app-head">
  <h1><span class="muted">Pipeline</span> <span id="dag-name">{d}</span></h1>
  <p id="dag-meta" class="muted"></p>
</div>
<section aria-labelledby="grid-h">
  <h2 id="grid-h">Runs &times; tasks</h2>
  <div id="grid" class="table-wrap"><p class="muted">Loading…</p></div>
</section>
<div class="split2">
  <section aria-labelledby="start-h" class="panel">
    <h2 id="start-h">Run with parameters</h2>
    <form id="run-form">
      <label for="run-params">Parameters per task (JSON: task → param → value; empty for the
        file's own)</label>
      <textarea id="run-params" rows="8" spellcheck="false"></textarea>
      <div id="trigger-box" hidden>
        <label for="run-parameters">Trigger parameters the pipeline declares (JSON: name →
          value; <span id="parameters-help"></span>)</label>
        <textarea id="run-parameters" rows="5" spellcheck="false"></textarea>
      </div>
      <div class="row"><button type="submit">Start run</button>
        <span id="run-result" class="muted" role="status"></span></div>
    </form>
  </section>
  <section aria-labelledby="sched-h" class="panel">
    <h2 id="sched-h">Schedule</h2>
    <p id="schedule-now" class="muted">Loading…</p>
    <form id="schedule-form">
      <label for="cron">Cron (minute hour day month weekday)</label>
      <input id="cron" placeholder="*/15 * * * *" autocomplete="off">
      <label for="tz">Time zone</label>
      <input id="tz" value="UTC" autocomplete="off">
      <div class="row"><button type="submit">Save schedule</button>
        <button type="button" id="unschedule">Remove schedule</button>
        <span id="schedule-result" class="muted" role="status"></span></div>
    </form>
  </section>
</div>""",
        {"dag": dag_id},
    )


def _static(path: str) -> Response:
    target = (STATIC_DIR / path).resolve()
    if not target.is_relative_to(STATIC_DIR.resolve()) or not target.is_file():
        return Response("not found", status_code=404, media_type="text/plain")
    media = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix == ".js":
        media = "text/javascript"
    return FileResponse(target, media_type=media, headers={"Cache-Control": "no-cache"})


def web_router(pipeline_service: Any = None) -> APIRouter:
    """The pages and static files (no data in them: the data comes from the API with the token).

    A page for an application, run or pipeline that does not exist is a 404 page saying so.
    """
    router = APIRouter(include_in_schema=False)
    service = pipeline_service

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
    async def app_page(request: Request, name: str) -> HTMLResponse:
        orch = request.app.state.fbrt.orchestrator
        if name not in {a.name for a in orch.apps()}:
            return HTMLResponse(_missing("application", name), status_code=404)
        return HTMLResponse(_app_page(name))

    @router.get("/web/runs/{run_id}", response_class=HTMLResponse)
    async def run_page(run_id: str) -> HTMLResponse:
        if service is None or await service.store.runs.get(run_id, with_logs=False) is None:
            return HTMLResponse(_missing("run", run_id), status_code=404)
        return HTMLResponse(_run_page(run_id))

    @router.get("/web/pipelines/{dag_id}", response_class=HTMLResponse)
    async def pipeline_page(dag_id: str) -> HTMLResponse:
        if service is None or dag_id not in {p.dag_id for p in service.list()}:
            return HTMLResponse(_missing("pipeline", dag_id), status_code=404)
        return HTMLResponse(_pipeline_page(dag_id))

    @router.get("/web/static/{path:path}")
    async def static(path: str) -> Response:
        return _static(path)

    return router
