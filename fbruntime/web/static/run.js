// A pipeline run: the task DAG coloured by state, a table of attempts, errors and timings, the
// log following live, the archive link, and cancel / rerun failed / resume / start again.

import { act, api, el, fmtDuration, fmtTime, follow, notice, pill } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
const runId = document.body.dataset.run;
const enc = encodeURIComponent;
const STATUSES = ["pending", "queued", "running", "retrying", "succeeded", "failed", "skipped", "cancelled", "interrupted"];
const ICON = { pending: "○", queued: "◔", running: "▶", retrying: "↻", succeeded: "✓", failed: "✗", skipped: "⤼", cancelled: "■", interrupted: "⚡" };

const state = { run: null, shape: "", lastLog: 0, taskFilter: "" };

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

// The DAG is laid out once per shape (task ids and dependencies); states only recolour it.
function drawDag(run) {
  const shape = JSON.stringify(run.tasks.map((t) => [t.id, t.depends_on]));
  if (shape !== state.shape) {
    state.shape = shape;
    const g = new dagre.graphlib.Graph();
    g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 60, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const t of run.tasks) g.setNode(t.id, { width: Math.max(200, t.id.length * 8.5 + 30), height: 46 });
    for (const t of run.tasks) for (const d of t.depends_on) if (g.hasNode(d)) g.setEdge(d, t.id);
    dagre.layout(g);
    const info = g.graph();
    const root = svg("svg", { class: "dag", viewBox: `0 0 ${info.width} ${info.height}`, width: "100%", role: "group", "aria-label": "Task graph" });
    root.style.maxHeight = "45vh";
    root.style.maxWidth = info.width * 1.5 + "px";
    for (const e of g.edges()) {
      const pts = g.edge(e).points;
      const d = "M" + pts.map((p) => p.x + "," + p.y).join(" L");
      root.append(svg("path", { d, class: "edge edge-event", "marker-end": "url(#arrow)" }));
    }
    root.prepend(svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }))));
    for (const t of run.tasks) {
      const n = g.node(t.id);
      const node = svg("g", { class: "task", "data-task": t.id, transform: `translate(${n.x - n.width / 2},${n.y - n.height / 2})`, tabindex: "0", role: "button" },
        svg("rect", { width: n.width, height: n.height, rx: 6, class: "task-box" }),
        svg("text", { x: 10, y: 19, class: "task-name" }, t.id),
        svg("text", { x: 10, y: 36, class: "task-state" }, ""));
      const show = () => { state.taskFilter = t.id; document.getElementById("log-task").value = t.id; redrawLogs(); document.getElementById("logs").focus(); };
      node.addEventListener("click", show);
      node.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); show(); } });
      root.append(node);
    }
    document.getElementById("graph").replaceChildren(root);
    const select = document.getElementById("log-task");
    select.replaceChildren(el("option", { value: "" }, "all"), ...run.tasks.map((t) => el("option", { value: t.id }, t.id)));
    select.value = state.taskFilter;
  }
  for (const t of run.tasks) {
    const node = document.querySelector(`#graph g.task[data-task="${CSS.escape(t.id)}"]`);
    if (!node) continue;
    node.setAttribute("class", "task st-" + t.status);
    node.dataset.status = t.status;
    node.querySelector(".task-state").textContent = ICON[t.status] + " " + t.status + (t.attempts > 1 ? " · attempt " + t.attempts : "");
    node.setAttribute("aria-label", "Task " + t.id + ", " + t.status + (t.attempts ? ", attempt " + t.attempts : "") + (t.error ? ", error: " + t.error : "") + ". Show its log");
  }
}

function drawTable(run) {
  document.getElementById("tasks").replaceChildren(el("table", { class: "grid", id: "tasks-table" },
    el("caption", {}, "Tasks, attempts and timings"),
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Task"), el("th", { scope: "col" }, "Operation"), el("th", { scope: "col" }, "State"),
      el("th", { scope: "col" }, "Attempts"), el("th", { scope: "col" }, "Started"), el("th", { scope: "col" }, "Took"),
      el("th", { scope: "col" }, "Error"))),
    el("tbody", {}, run.tasks.map((t) => el("tr", { dataset: { task: t.id, status: t.status } },
      el("th", { scope: "row" }, t.id), el("td", {}, t.operation || "–"), el("td", {}, pill(t.status)),
      el("td", {}, String(t.attempts)), el("td", {}, fmtTime(t.started_at)),
      el("td", {}, t.started_at ? fmtDuration(t.started_at, t.ended_at) : "–"),
      el("td", { class: t.error ? "error" : "muted" }, t.error || "–"))))));
}

function drawRun(run) {
  state.run = run;
  const s = document.getElementById("run-state");
  s.className = "pill st-" + run.status;
  s.textContent = run.status;
  document.body.dataset.runState = run.status;
  document.getElementById("run-title").textContent = run.pipeline + " · " + run.id.slice(0, 8);
  document.getElementById("run-meta").textContent =
    "trigger " + (run.trigger || "–") + " · created " + fmtTime(run.created_at) +
    " · took " + fmtDuration(run.started_at || run.created_at, run.ended_at) + (run.ended_at ? "" : " so far");
  const err = document.getElementById("run-error");
  err.hidden = !run.error;
  err.textContent = run.error ? "Error: " + run.error : "";
  const archive = document.getElementById("archive");
  archive.hidden = !run.archive;
  archive.href = "/api/web/runs/" + enc(run.id) + "/archive";
  const failed = run.tasks.some((t) => !["succeeded"].includes(t.status));
  document.querySelector('[data-action="cancel"]').disabled = !run.active;
  document.querySelector('[data-action="rerun"]').disabled = run.active || !failed;
  const resume = document.querySelector('[data-action="resume"]');
  resume.hidden = !run.interrupted;
  resume.disabled = run.active || !run.interrupted;
  drawDag(run);
  drawTable(run);
}

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
document.querySelector('[data-action="cancel"]').addEventListener("click", () =>
  act("cancel", () => api("POST", "/api/web/runs/" + enc(runId) + "/cancel")));
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
  const out = await act("start " + state.run.pipeline, () => api("POST", "/api/web/pipelines/" + enc(state.run.pipeline) + "/runs", {}));
  if (out && out.url) location.href = out.url;
});

legend();
follow(() => "/api/web/runs/" + enc(runId) + "/stream?after=" + state.lastLog, {
  onFrame, what: "run state and log",
  onError: (status, detail) => {
    if (status === 404 || status === 501) document.getElementById("graph").replaceChildren(el("p", { class: "error" }, detail));
  },
});
