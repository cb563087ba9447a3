// The overview: applications (with their latest fault), pipelines (upload, validate, start) and
// recent runs, kept current by /api/web/overview/stream.

import { act, api, confirmAction, el, fmtDateTime, fmtTime, follow, notice, pill, tokenState } from "./common.js";

const enc = encodeURIComponent;

function problem(a) {
  if (a.error) return el("td", { class: "error" }, a.error);
  const p = a.problem;
  if (!p) return el("td", { class: "muted" }, "–");
  return el("td", { class: "error", title: p.message },
    el("strong", {}, p.kind), " in ", el("a", { href: "/web/apps/" + enc(a.name) + levelOf(p.block) }, p.block || a.name), ": ", p.message,
    el("div", { class: "small muted" }, p.count + " time" + (p.count === 1 ? "" : "s") + (p.at ? ", last " + fmtDateTime(p.at * 1000) : "") + (p.where ? ", at " + p.where : "")));
}

function levelOf(block) {
  const cut = (block || "").lastIndexOf(".");
  return cut > 0 ? "?level=" + enc(block.slice(0, cut)) : "";
}

function lifecycle(a) {
  if (a.state === "running") {
    return el("button", { type: "button", "aria-label": "Stop " + a.name, onclick: async () => {
      if (!(await confirmAction("Stop the application " + a.name + "?", "Stop"))) return;
      act("stop " + a.name, () => api("POST", "/api/apps/" + enc(a.name) + "/stop"));
    } }, "Stop");
  }
  return el("button", { type: "button", "aria-label": "Start " + a.name, disabled: a.state === "failed", onclick: () => act("start " + a.name, () => api("POST", "/api/apps/" + enc(a.name) + "/start")) }, "Start");
}

function appsTable(apps) {
  if (!apps.length) return el("p", { class: "muted" }, "No applications. Create one with the API (POST /api/apps) or fbrt.");
  return el("table", { class: "grid", id: "apps-table" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Kind"),
      el("th", { scope: "col" }, "Type"), el("th", { scope: "col" }, "State"),
      el("th", { scope: "col" }, "Blocks"), el("th", { scope: "col" }, "Problem"),
      el("th", { scope: "col" }, "Actions"))),
    el("tbody", {}, apps.map((a) => el("tr", { dataset: { app: a.name, state: a.state } },
      el("th", { scope: "row" }, el("a", { href: "/web/apps/" + enc(a.name) }, a.name)),
      el("td", {}, a.kind),
      el("td", {}, (a.type_name || "–") + (a.type_version ? " " + a.type_version : "")),
      el("td", {}, pill(a.state)),
      el("td", {}, String(a.blocks) + (a.faults ? ", " + a.faults + " with a fault" : "")),
      problem(a),
      el("td", {}, lifecycle(a))))));
}

function pipelinesTable(pipes) {
  if (pipes === null) return el("p", { class: "muted" }, "This server runs no pipeline service.");
  if (!pipes.length) return el("p", { class: "muted" }, "No pipelines uploaded.");
  return el("table", { class: "grid", id: "pipelines-table" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Pipeline"), el("th", { scope: "col" }, "Tasks"),
      el("th", { scope: "col" }, "Operations"), el("th", { scope: "col" }, "Actions"))),
    el("tbody", {}, pipes.map((p) => el("tr", { dataset: { pipeline: p.dag_id } },
      el("th", { scope: "row" }, p.error ? p.dag_id : el("a", { href: "/web/pipelines/" + enc(p.dag_id) }, p.dag_id)),
      el("td", {}, p.error ? el("span", { class: "error" }, p.error) : String(p.tasks)),
      el("td", {}, (p.operations || []).join(", ") || "–"),
      el("td", {}, p.error ? "–" : el("button", {
        type: "button", "aria-label": "Start a run of " + p.dag_id,
        onclick: async () => {
          const out = await act("start " + p.dag_id, () => api("POST", "/api/web/pipelines/" + enc(p.dag_id) + "/runs", {}));
          if (out && out.url) location.href = out.url;
        },
      }, "Start run"))))));
}

function runsTable(runs) {
  if (runs === null) return el("p", { class: "muted" }, "–");
  if (!runs.length) return el("p", { class: "muted" }, "No runs yet.");
  return el("table", { class: "grid", id: "runs-table" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "Run"), el("th", { scope: "col" }, "Pipeline"),
      el("th", { scope: "col" }, "State"), el("th", { scope: "col" }, "Trigger"),
      el("th", { scope: "col" }, "Created"), el("th", { scope: "col" }, "Ended"),
      el("th", { scope: "col" }, "Error"))),
    el("tbody", {}, runs.map((r) => el("tr", { dataset: { run: r.id, state: r.status } },
      el("th", { scope: "row" }, el("a", { href: "/web/runs/" + enc(r.id) }, r.id.slice(0, 8))),
      el("td", {}, el("a", { href: "/web/pipelines/" + enc(r.pipeline) }, r.pipeline)), el("td", {}, pill(r.status)), el("td", {}, r.trigger || "–"),
      el("td", {}, fmtTime(r.created_at)), el("td", {}, fmtTime(r.ended_at)),
      el("td", { class: r.error ? "error" : "muted" }, r.error || "–")))));
}

let lastJson = "";

// Re-render only on change, and give focus back to the control that had it.
function render(data) {
  const json = JSON.stringify(data);
  if (json === lastJson) return;
  lastJson = json;
  const focused = document.activeElement;
  const key = focused && (focused.getAttribute("aria-label") || focused.getAttribute("href"));
  document.getElementById("apps").replaceChildren(appsTable(data.apps));
  document.getElementById("pipelines").replaceChildren(pipelinesTable(data.pipelines));
  document.getElementById("runs").replaceChildren(runsTable(data.runs));
  document.getElementById("upload").hidden = data.pipelines === null;
  if (key && focused && !document.body.contains(focused)) {
    for (const c of document.querySelectorAll("main a, main button")) {
      if (c.getAttribute("aria-label") === key || c.getAttribute("href") === key) { c.focus(); break; }
    }
  }
}

// -- upload and validate a pipeline config --------------------------------------------------------

async function configBody() {
  const file = document.getElementById("config-file").files[0];
  const text = document.getElementById("config-text").value.trim();
  if (file) return { file_name: file.name, config: await file.text() };
  if (text) return { file_name: (document.getElementById("config-name").value.trim() || "pipeline.json"), config: text };
  return null;
}

function showProblems(e) {
  const out = document.getElementById("upload-result");
  out.className = "error";
  out.replaceChildren(e.message);
}

async function sendConfig(validateOnly) {
  const out = document.getElementById("upload-result");
  const body = await configBody();
  if (!body) { out.className = "error"; out.textContent = "choose a .json file or paste a config"; return; }
  try {
    const res = await api("POST", validateOnly ? "/api/pipelines/validate" : "/api/pipelines", body);
    out.className = "ok-text";
    out.textContent = validateOnly
      ? "valid: " + res.dag_id + ", " + res.layers.length + " layers (" + res.layers.map((l) => l.join(" ")).join(" → ") + ")"
      : "uploaded " + res.dag_id + " (" + res.tasks + " tasks)";
    if (!validateOnly) notice("uploaded " + res.dag_id, "ok");
  } catch (e) {
    showProblems(e);
  }
}

document.getElementById("validate").addEventListener("click", () => sendConfig(true));
document.getElementById("upload-form").addEventListener("submit", (e) => { e.preventDefault(); sendConfig(false); });

tokenState();
follow(() => "/api/web/overview/stream", { onFrame: render, what: "overview" });
