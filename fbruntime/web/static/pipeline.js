// A pipeline: the grid of its recent runs against its tasks (Airflow's grid view: one column
// per run, oldest left, one row per task, each cell the task's state in that run, linking to
// the run), a form to start a run with parameters, and its cron schedule.

import { act, api, el, fmtTime, follow, pill, tokenState } from "./common.js";

const dagId = document.body.dataset.dag;
const enc = encodeURIComponent;
const ICON = { pending: "○", queued: "◔", running: "▶", retrying: "↻", succeeded: "✓", failed: "✗", skipped: "⤼", cancelled: "■", interrupted: "⚡" };

function drawGrid(grid) {
  const host = document.getElementById("grid");
  if (!grid.runs.length) { host.replaceChildren(el("p", { class: "muted" }, "No runs yet: start one below.")); return; }
  host.replaceChildren(el("table", { class: "runs-grid", id: "runs-grid" },
    el("caption", {}, grid.runs.length + " most recent runs, oldest first; a cell is a task's state in that run"),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Task \\ run"),
      grid.runs.map((r) => el("th", { scope: "col", dataset: { run: r.id } },
        el("a", { href: "/web/runs/" + enc(r.id), title: r.status + ", " + fmtTime(r.created_at) + (r.trigger ? ", " + r.trigger : "") }, r.id.slice(0, 6)),
        el("div", {}, pill(r.status)))))),
    el("tbody", {}, grid.tasks.map((task) => el("tr", { dataset: { task } },
      el("th", { scope: "row" }, task),
      grid.runs.map((r) => {
        const c = r.tasks[task];
        const status = c ? c.status : "pending";
        return el("td", { class: "cell st-" + status, dataset: { run: r.id, task, status } },
          el("a", { href: "/web/runs/" + enc(r.id), "aria-label": task + " in run " + r.id.slice(0, 8) + ": " + status + (c && c.attempts > 1 ? ", " + c.attempts + " attempts" : ""), title: task + ": " + status + (c && c.attempts > 1 ? " (" + c.attempts + " attempts)" : "") },
            ICON[status] || "?"));
      }))))));
}

async function loadConfig() {
  try {
    const p = await api("GET", "/api/pipelines/" + enc(dagId));
    const params = {};
    for (const t of p.config.tasks) if (t.independent_params && Object.keys(t.independent_params).length) params[t.id] = t.independent_params;
    const box = document.getElementById("run-params");
    if (!box.value) box.value = JSON.stringify(params, null, 2);
    document.getElementById("dag-meta").textContent = p.tasks + " tasks in " + p.layers.length + " layers · file " + p.file_name;
  } catch (e) {
    document.getElementById("dag-meta").textContent = e.message;
  }
}

async function loadSchedule() {
  const now = document.getElementById("schedule-now");
  try {
    const list = await api("GET", "/api/pipelines/" + enc(dagId) + "/schedule");
    if (!list.length) { now.textContent = "Not scheduled."; return; }
    const s = list[0];
    now.textContent = "Runs on “" + s.cron + "” (" + s.timezone + ")" + (s.last_fire_at ? ", last at " + fmtTime(s.last_fire_at) : "") + ".";
    document.getElementById("cron").value = s.cron;
    document.getElementById("tz").value = s.timezone;
  } catch (e) {
    now.textContent = e.message;
  }
}

document.getElementById("run-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = document.getElementById("run-result");
  let params = {};
  const text = document.getElementById("run-params").value.trim();
  if (text) {
    try { params = JSON.parse(text); } catch (err) { out.textContent = "not JSON: " + err.message; return; }
  }
  const run = await act("start " + dagId, () => api("POST", "/api/web/pipelines/" + enc(dagId) + "/runs", { params }));
  if (run && run.url) location.href = run.url;
});

document.getElementById("schedule-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const body = { cron: document.getElementById("cron").value.trim(), timezone: document.getElementById("tz").value.trim() || "UTC" };
  const out = await act("schedule " + dagId, () => api("PUT", "/api/pipelines/" + enc(dagId) + "/schedule", body));
  document.getElementById("schedule-result").textContent = out ? "saved" : "";
  loadSchedule();
});

document.getElementById("unschedule").addEventListener("click", async () => {
  await act("remove the schedule of " + dagId, () => api("DELETE", "/api/pipelines/" + enc(dagId) + "/schedule"));
  document.getElementById("cron").value = "";
  loadSchedule();
});

tokenState();
loadConfig();
loadSchedule();
follow(() => "/api/web/pipelines/" + enc(dagId) + "/grid/stream", { onFrame: drawGrid, what: "runs of " + dagId });
