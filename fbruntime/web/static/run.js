// A pipeline run: the task graph coloured by state (laid out from the pipeline's layers, so it
// stays put while the run goes on and looks the same for a rerun), a Gantt of the task times,
// the task detail (params, result, every attempt), the log following live, the archive link,
// and cancel / rerun failed / resume an interrupted run / start again. Graph extras: a skipped
// task says why, a mapped task shows its items done / total, a task in a pool says so, a task
// that ran nested pipelines links to their runs, and a nested run links back to its parent.

import { act, api, confirmAction, el, fmtDuration, fmtTime, follow, notice, pill, tokenState } from "./common.js";
import { Canvas } from "./canvas.js";

const SVG = "http://www.w3.org/2000/svg";
const runId = document.body.dataset.run;
const enc = encodeURIComponent;
const STATUSES = ["pending", "queued", "running", "retrying", "succeeded", "failed", "skipped", "cancelled", "interrupted"];
const ICON = { pending: "○", queued: "◔", running: "▶", retrying: "↻", succeeded: "✓", failed: "✗", skipped: "⤼", cancelled: "■", interrupted: "⚡" };

const state = { run: null, shape: "", lastLog: 0, taskFilter: "", canvas: null, detailFor: null };

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

function legend() {
  document.getElementById("status-legend").replaceChildren(
    ...STATUSES.map((s) => el("span", { class: "pill st-" + s }, ICON[s] + " " + s)));
}

// The graph is laid out once per shape (task ids, dependencies, layers); states only recolour
// it. Tasks come sorted by (layer, id) and dagre is deterministic for the same input, so the
// same pipeline always gets the same picture. dagre routes long edges around the boxes.
function drawDag(run) {
  const shape = JSON.stringify(run.tasks.map((t) => [t.id, t.depends_on, t.layer]));
  if (shape !== state.shape) {
    state.shape = shape;
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 42, edgesep: 14, marginx: 14, marginy: 14 });
    g.setDefaultEdgeLabel(() => ({}));
    const tasks = [...run.tasks].sort((a, b) => (a.layer - b.layer) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // One width for every box: the columns (ranks) are then clean, and an edge that keeps to
    // its own row inside a column and bends only between columns never passes behind a box.
    const W = Math.min(260, Math.max(120, ...tasks.map((t) => t.id.length * 8.2 + 24)));
    for (const t of tasks) g.setNode(t.id, { width: W, height: 44 });
    for (const t of tasks) for (const d of [...t.depends_on].sort()) if (g.hasNode(d)) g.setEdge(d, t.id);
    dagre.layout(g);
    const info = g.graph();
    const host = document.getElementById("graph");
    const canvas = new Canvas(host, { width: info.width, height: info.height, label: "Task graph", className: "dag" });
    state.canvas = canvas;
    canvas.content.append(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))));
    const edges = svg("g", { class: "edges" });
    const nodes = svg("g", { class: "nodes" });
    canvas.content.append(edges, nodes);
    const bend = (x0, y0, x1, y1) => { const m = (x0 + x1) / 2; return ` C${m},${y0} ${m},${y1} ${x1},${y1}`; };
    // dagre puts an empty rank between every two (room for labels): only the dummies standing in a
    // column of boxes need the straight run through it; the gaps between columns hold no box.
    const columns = new Set(tasks.map((t) => Math.round(g.node(t.id).x)));
    for (const e of g.edges()) {
      const a = g.node(e.v), b = g.node(e.w);
      const via = g.edge(e).points.slice(1, -1).filter((p) => columns.has(Math.round(p.x)));
      let x = a.x + W / 2, y = a.y;
      let d = "M" + x + "," + y;
      for (const p of via) {
        d += bend(x, y, p.x - W / 2, p.y) + " L" + (p.x + W / 2) + "," + p.y;
        x = p.x + W / 2; y = p.y;
      }
      d += bend(x, y, b.x - W / 2, b.y);
      edges.append(svg("path", { d, class: "edge", "marker-end": "url(#arrow)", "data-from": e.v, "data-to": e.w }));
    }
    const mini = [];
    for (const t of tasks) {
      const n = g.node(t.id);
      const x = n.x - n.width / 2, y = n.y - n.height / 2;
      mini.push({ x, y, w: n.width, h: n.height });
      const node = svg("g", { class: "task", "data-task": t.id, "data-x": Math.round(x), "data-y": Math.round(y), transform: `translate(${x},${y})`, tabindex: "0", role: "button" },
        svg("rect", { width: n.width, height: n.height, rx: 6, class: "task-box" }),
        svg("text", { x: 10, y: 18, class: "task-name" }, t.id),
        svg("text", { x: 10, y: 35, class: "task-state" }, ""));
      const show = () => showTask(t.id);
      node.addEventListener("click", show);
      node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); } });
      nodes.append(node);
    }
    canvas.setMiniBoxes(mini);
    canvas.initial(0.75);
    const select = document.getElementById("log-task");
    select.replaceChildren(el("option", { value: "" }, "all"), ...tasks.map((t) => el("option", { value: t.id }, t.id)));
    select.value = state.taskFilter;
  }
  for (const t of run.tasks) {
    const node = document.querySelector(`#graph g.task[data-task="${CSS.escape(t.id)}"]`);
    if (!node) continue;
    node.setAttribute("class", "task st-" + t.status + (state.detailFor === t.id ? " selected" : ""));
    node.dataset.status = t.status;
    const items = mapText(t);
    const pool = t.pool && ["queued", "running", "retrying"].includes(t.status) ? " · pool " + t.pool : "";
    node.querySelector(".task-state").textContent = ICON[t.status] + " " + t.status + (items ? " · " + items : "") + (t.attempts > 1 && !t.map ? " · attempt " + t.attempts : "") + pool;
    node.setAttribute("aria-label", "Task " + t.id + ", " + t.status + (items ? ", items " + items : "") + (t.attempts ? ", attempt " + t.attempts : "") + (t.error ? ", error: " + t.error : "") + (t.reason ? ", " + t.reason : "") + ". Show its detail");
    let tip = node.querySelector("title");
    if (!tip) { tip = svg("title", {}); node.prepend(tip); }
    tip.textContent = t.reason || t.error || (t.when ? "when " + t.when : "");
  }
}

// "7/10" items done of a mapped task (failed and skipped ones count as done).
function mapText(t) {
  if (!t.map) return "";
  const done = (t.map.succeeded || 0) + (t.map.failed || 0) + (t.map.skipped || 0);
  return done + "/" + t.map.total + (t.map.failed ? " (" + t.map.failed + " failed)" : "");
}

// The error, or why the task was skipped, its map's items and the nested runs it started.
function detailCell(t) {
  const parts = [];
  if (t.error) parts.push(el("span", { class: "error" }, t.error));
  if (t.reason) parts.push(el("span", { class: "reason" }, t.reason));
  if (t.map) parts.push(el("span", { class: "map-items" }, "items " + mapText(t)));
  for (const f of t.failed_items || []) parts.push(el("span", { class: "error" }, "item " + f.index + ": " + f.error));
  for (const c of t.child_runs || []) parts.push(el("a", { href: "/web/runs/" + enc(c.run_id), class: "child-run", dataset: { status: c.status } }, c.pipeline + " · " + c.run_id.slice(0, 8) + " (" + c.status + ")"));
  if (!parts.length) return el("td", { class: "muted" }, "–");
  return el("td", {}, parts.flatMap((p, i) => (i ? [el("br"), p] : [p])));
}

// One bar per task from its start to its end (or now), on a time axis from the run's start.
function drawGantt(run) {
  const host = document.getElementById("gantt");
  const started = run.tasks.filter((t) => t.started_at);
  if (!started.length) { host.replaceChildren(el("p", { class: "muted" }, "No task has started yet.")); return; }
  const t0 = Math.min(...started.map((t) => Date.parse(t.started_at)));
  const now = Date.now();
  const end = (t) => (t.ended_at ? Date.parse(t.ended_at) : (run.ended_at ? Date.parse(run.ended_at) : now));
  const t1 = Math.max(t0 + 1, ...started.map(end));
  const labelW = Math.min(220, Math.max(80, ...run.tasks.map((t) => t.id.length * 7.5 + 16)));
  const W = Math.max(600, host.clientWidth || 900), ROWH = 18, top = 22;
  const H = top + run.tasks.length * ROWH + 8;
  const x = (ms) => labelW + (W - labelW - 16) * (ms - t0) / (t1 - t0);
  const root = svg("svg", { class: "gantt", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Task times of the run" });
  const span = t1 - t0;
  for (let i = 0; i <= 4; i++) {
    const ms = t0 + span * i / 4;
    root.append(svg("line", { x1: x(ms), x2: x(ms), y1: top - 4, y2: H, class: "gantt-axis" }),
      svg("text", { x: x(ms), y: 12, class: "gantt-tick", "text-anchor": i === 0 ? "start" : i === 4 ? "end" : "middle" }, "+" + fmtSpan(ms - t0)));
  }
  run.tasks.forEach((t, i) => {
    const y = top + i * ROWH;
    root.append(svg("text", { x: 4, y: y + 13, class: "gantt-label" }, t.id.length > 28 ? t.id.slice(0, 27) + "…" : t.id));
    if (!t.started_at) return;
    const a = x(Date.parse(t.started_at)), b = Math.max(a + 2, x(end(t)));
    root.append(svg("rect", { x: a, y: y + 3, width: b - a, height: ROWH - 6, rx: 2, class: "gantt-bar st-" + t.status, "data-task": t.id },
      svg("title", {}, t.id + ": " + t.status + ", " + fmtTime(t.started_at) + " → " + (t.ended_at ? fmtTime(t.ended_at) : "now") + " (" + fmtDuration(t.started_at, t.ended_at) + ")")));
  });
  host.replaceChildren(root);
}

function fmtSpan(ms) {
  if (ms < 1000) return Math.round(ms) + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
}

function drawTable(run) {
  document.getElementById("tasks").replaceChildren(el("table", { class: "grid", id: "tasks-table" },
    el("caption", {}, "Tasks, attempts and timings"),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Task"), el("th", { scope: "col" }, "Operation"), el("th", { scope: "col" }, "State"),
      el("th", { scope: "col" }, "Attempts"), el("th", { scope: "col" }, "Started"), el("th", { scope: "col" }, "Took"),
      el("th", { scope: "col" }, "Error / why"))),
    el("tbody", {}, run.tasks.map((t) => el("tr", { dataset: { task: t.id, status: t.status } },
      el("th", { scope: "row" }, el("a", { href: "#task-detail", onclick: (e) => { e.preventDefault(); showTask(t.id); } }, t.id)),
      el("td", {}, t.operation || "–"), el("td", {}, pill(t.status)),
      el("td", {}, String(t.attempts)), el("td", {}, fmtTime(t.started_at)),
      el("td", {}, t.started_at ? fmtDuration(t.started_at, t.ended_at) : "–"),
      detailCell(t))))));
}

function drawRun(run) {
  state.run = run;
  const s = document.getElementById("run-state");
  s.className = "pill st-" + run.status;
  s.textContent = run.status;
  document.body.dataset.runState = run.status;
  document.getElementById("run-title").textContent = run.pipeline + " · " + run.id.slice(0, 8);
  const pipeLink = document.getElementById("pipeline-link");
  pipeLink.href = "/web/pipelines/" + enc(run.pipeline);
  pipeLink.textContent = "all runs of " + run.pipeline;
  const params = Object.entries(run.parameters || {}).map(([k, v]) => k + "=" + JSON.stringify(v)).join(", ");
  document.getElementById("run-meta").replaceChildren(
    "trigger " + (run.trigger || "–") + " · created " + fmtTime(run.created_at) +
    (run.ended_at ? " · ended " + fmtTime(run.ended_at) : "") +
    " · took " + fmtDuration(run.started_at || run.created_at, run.ended_at) + (run.ended_at ? "" : " so far") +
    (params ? " · parameters " + params : ""),
    ...(run.parent ? [" · started by ", el("a", { href: run.parent.url, id: "parent-run" }, "run " + run.parent.run_id.slice(0, 8) + " (" + run.parent.task + ")")] : []));
  const err = document.getElementById("run-error");
  err.hidden = !run.error;
  err.textContent = run.error ? "Error: " + run.error : "";
  const archive = document.getElementById("archive");
  archive.hidden = !run.archive;
  archive.href = "/api/web/runs/" + enc(run.id) + "/archive";
  // A succeeded run may have skipped tasks (a branch not taken): nothing to rerun then.
  const failed = run.status !== "succeeded" && run.tasks.some((t) => !["succeeded"].includes(t.status));
  const cancel = document.querySelector('[data-action="cancel"]');
  cancel.disabled = !run.active;
  cancel.title = run.active ? "" : "the run is not in progress";
  const rerun = document.querySelector('[data-action="rerun"]');
  rerun.disabled = run.active || !failed;
  rerun.title = run.active ? "the run is still in progress" : failed ? "" : "every task succeeded";
  const resume = document.querySelector('[data-action="resume"]');
  resume.hidden = !run.interrupted;
  resume.disabled = run.active || !run.interrupted;
  drawDag(run);
  drawGantt(run);
  drawTable(run);
  if (state.detailFor) refreshDetail();
}

// -- task detail ----------------------------------------------------------------------------

function kv(obj) {
  const entries = Object.entries(obj || {});
  if (!entries.length) return el("p", { class: "muted" }, "none");
  return el("dl", { class: "kv" }, entries.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, typeof v === "string" ? v : JSON.stringify(v))]));
}

function showTab(name) {
  for (const b of document.querySelectorAll(".tabs [role=tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  document.getElementById("task-detail").hidden = name !== "task";
  document.getElementById("log-pane").hidden = name !== "log";
}

async function showTask(taskId) {
  state.detailFor = taskId;
  state.taskFilter = taskId;
  document.getElementById("log-task").value = taskId;
  redrawLogs();
  for (const g of document.querySelectorAll("#graph g.task.selected")) g.classList.remove("selected");
  const node = document.querySelector(`#graph g.task[data-task="${CSS.escape(taskId)}"]`);
  if (node) node.classList.add("selected");
  showTab("task");
  await refreshDetail(true);
}

async function refreshDetail(focus) {
  const taskId = state.detailFor;
  let d;
  try {
    d = await api("GET", "/api/web/runs/" + enc(runId) + "/tasks/" + enc(taskId));
  } catch (e) {
    document.getElementById("task-detail").replaceChildren(el("p", { class: "error" }, e.message));
    return;
  }
  if (state.detailFor !== taskId) return;
  const box = document.getElementById("task-detail");
  // replaceChildren would print a null as the text "null": leave the absent parts out.
  box.replaceChildren(...[
    el("h3", { id: "task-h", tabindex: "-1" }, "Task ", d.task, " ", pill(d.status)),
    el("p", { class: "muted" }, (d.operation || "") + " · started " + fmtTime(d.started_at) + " · ended " + fmtTime(d.ended_at) +
      (d.started_at ? " · took " + fmtDuration(d.started_at, d.ended_at) : "")),
    el("h4", {}, "Parameters"), kv(d.params.independent),
    Object.keys(d.params.dependent).length ? el("div", {}, el("h4", {}, "From earlier tasks"), kv(d.params.dependent)) : null,
    d.params.overridden.length ? el("p", { class: "small muted" }, "set for this run: " + d.params.overridden.join(", ")) : null,
    el("h4", {}, "Result"),
    el("pre", { class: "tb", id: "task-result" }, d.result === null || d.result === undefined ? "–" : JSON.stringify(d.result, null, 2)),
    ...(d.items ? [itemsTable(d)] : [el("h4", {}, "Attempts (" + d.attempts.length + ")"), attemptList(d.attempts, "attempts")]),
  ].filter((x) => x !== null));
  if (focus) document.getElementById("task-h").focus();
}

function attemptList(attempts, id) {
  return el("ol", { class: "attempts", id }, attempts.map((a) => el("li", { class: "attempt", dataset: { attempt: a.attempt, status: a.status } },
    pill(a.status), " attempt " + a.attempt,
    el("span", { class: "muted small" }, " · " + (a.started_at ? fmtTime(a.started_at) + " → " : "ended ") + fmtTime(a.ended_at) +
      (a.started_at && a.ended_at ? " (" + fmtDuration(a.started_at, a.ended_at) + ")" : "")),
    a.error ? el("p", { class: "error" }, a.error) : null,
    a.traceback ? el("pre", { class: "tb" }, a.traceback) : null)));
}

const fmtMs = (ms) => (ms === null || ms === undefined ? "–" : ms < 1000 ? Math.round(ms) + " ms" : (ms / 1000).toFixed(1) + " s");

// A mapped task's items (attempts recorded as task[N]): state, attempts, last error, time;
// an item retried or failed opens to each of its attempts.
function itemsTable(d) {
  const total = state.run && (state.run.tasks.find((t) => t.id === d.task) || {}).map;
  const caption = "Items (" + d.items_recorded + (total ? " of " + total.total : "") + " ended" +
    (d.items.length < d.items_recorded ? ", " + d.items.length + " shown, failed first" : "") + ")";
  const cols = [["Item", "17%"], ["State", "24%"], ["Attempts", "15%"], ["Error", "32%"], ["Took", "12%"]];
  return el("table", { class: "grid items", id: "items" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, cols.map(([h, w]) => el("th", { scope: "col", style: "width: " + w }, h)))),
    d.items.map((it) => el("tbody", { dataset: { item: it.index, status: it.status } },
      el("tr", {},
        el("th", { scope: "row" }, d.task + "[" + it.index + "]"),
        el("td", {}, pill(it.status)),
        el("td", { class: "item-attempts" }, String(it.attempts)),
        el("td", {}, it.error ? el("span", { class: "error" }, it.error) : "–"),
        el("td", { class: "item-took" }, fmtMs(it.duration_ms))),
      it.attempts > 1 || it.error
        ? el("tr", { class: "item-tries" }, el("td", { colspan: 5 }, el("details", {}, el("summary", {}, "each attempt of " + d.task + "[" + it.index + "]"), attemptList(it.tries, null))))
        : null)));
}

// -- the log ----------------------------------------------------------------------------------

const logLines = [];

function logItem(line) {
  return el("li", { class: "log-" + line.level.toLowerCase(), dataset: { task: line.task || "" } },
    el("time", {}, fmtTime(line.time)), " ", el("span", { class: "lvl" }, line.level), " ",
    line.task ? el("span", { class: "task-tag" }, line.task) : null, line.task ? " " : null, line.message);
}

function redrawLogs() {
  const list = document.getElementById("logs");
  list.replaceChildren(...logLines.filter((l) => !state.taskFilter || l.task === state.taskFilter).map(logItem));
  if (document.getElementById("follow").checked) list.scrollTop = list.scrollHeight;
}

function addLogs(lines) {
  if (!lines.length) return;
  const list = document.getElementById("logs");
  for (const line of lines) {
    if (line.id <= state.lastLog) continue;
    state.lastLog = line.id;
    logLines.push(line);
    if (!state.taskFilter || line.task === state.taskFilter) list.append(logItem(line));
  }
  if (document.getElementById("follow").checked) list.scrollTop = list.scrollHeight;
}

function onFrame(frame) {
  if (frame.gone) { notice("This run no longer exists.", "error"); return; }
  if (frame.run) drawRun(frame.run);
  addLogs(frame.logs || []);
}

document.getElementById("log-task").addEventListener("change", (e) => { state.taskFilter = e.target.value; redrawLogs(); });
document.getElementById("logs").tabIndex = 0;
for (const b of document.querySelectorAll(".tabs [role=tab]")) b.addEventListener("click", () => showTab(b.dataset.tab));
document.getElementById("fit").addEventListener("click", () => state.canvas && state.canvas.fit());
document.querySelector('[data-action="cancel"]').addEventListener("click", async () => {
  if (!(await confirmAction("Cancel this run? Running tasks are stopped; tasks not finished become cancelled.", "Cancel run"))) return;
  act("cancel", () => api("POST", "/api/web/runs/" + enc(runId) + "/cancel"));
});
document.querySelector('[data-action="rerun"]').addEventListener("click", async () => {
  const out = await act("rerun failed tasks", () => api("POST", "/api/web/runs/" + enc(runId) + "/rerun-failed"));
  if (out && out.url) location.href = out.url;
});
document.querySelector('[data-action="resume"]').addEventListener("click", async () => {
  const out = await act("resume the run", () => api("POST", "/api/web/runs/" + enc(runId) + "/resume"));
  if (out && out.url) location.href = out.url;
});
document.querySelector('[data-action="again"]').addEventListener("click", async () => {
  if (!state.run) return;
  const out = await act("start " + state.run.pipeline, () => api("POST", "/api/web/pipelines/" + enc(state.run.pipeline) + "/runs", { params: state.run.params || {}, parameters: state.run.parameters || {} }));
  if (out && out.url) location.href = out.url;
});

legend();
tokenState();
follow(() => "/api/web/runs/" + enc(runId) + "/stream?after=" + state.lastLog, {
  onFrame, what: "run state and log",
  onError: (status, detail) => {
    if (status === 404 || status === 501) document.getElementById("graph").replaceChildren(el("p", { class: "error" }, detail));
  },
});
