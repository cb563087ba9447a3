// An application's FB network on a canvas (drag to pan, wheel or pinch to zoom, Fit, minimap,
// search), drawn as IEC 61499 blocks (event pins above the waist, data pins below, inputs left,
// outputs right) where the 4diac file placed them, or laid out in layers when it says nothing.
// Live values, event totals, ECC states, forced pins and faults come from the throttled /live
// stream; the details panel holds the controls.

import { ApiError, act, api, confirmAction, el, fmtDateTime, follow, notice, pill, tokenState } from "./common.js";
import { Canvas } from "./canvas.js";
import { layoutNetwork } from "./layout.js";
import { NAME_H, NECK, VALUE_W, measureBlock, measureBorder, measurePlain, outline } from "./shapes.js";

const SVG = "http://www.w3.org/2000/svg";

const appName = document.body.dataset.app;
const level = new URLSearchParams(location.search).get("level") || "";
const enc = encodeURIComponent;
const appUrl = "/api/apps/" + enc(appName);

const state = {
  net: null,
  app: { state: "created" },
  values: {},        // pin path -> literal text
  counts: {},        // event pin path -> total since the block was created
  rates: {},         // event pin path -> events per second (from the last two frames)
  lastCountAt: {},
  blocks: {},        // block path -> {state, ecc, forced, fault}
  selected: null,    // the block (or border) shown in the details panel
  nodes: new Map(),  // box id -> drawn node {x, y, m, label}
  canvas: null,
};

const join = (...parts) => parts.filter((p) => p !== "" && p !== null && p !== undefined).join(".");

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

// -- drawing ------------------------------------------------------------------------------------

function blockLabel(b) {
  const live = state.blocks[b.path] || b;
  return "Block " + b.name + ", type " + b.type + ", " + live.state + (live.ecc ? ", ECC state " + live.ecc : "") +
    (live.forced && live.forced.length ? ", forced " + live.forced.join(", ") : "") +
    (live.fault ? ", fault: " + live.fault.message : "") + (b.openable ? ", has an inside" : "");
}

function drawPins(g, m, base, watch) {
  for (const [key, p] of Object.entries(m.pins)) {
    const name = p.pin || key;
    const inside = p.side === "in" ? 5 : m.w - 5;
    g.append(svg("line", { x1: p.side === "in" ? -4 : m.w, x2: p.side === "in" ? 0 : m.w + 4, y1: p.y, y2: p.y, class: "pin-" + p.kind }));
    g.append(svg("text", { x: inside, y: p.y + 4, class: "pin-label pin-label-" + p.kind, "text-anchor": p.side === "in" ? "start" : "end" }, name));
    if (watch && !p.port.adapter) g.append(watchTag(join(base, name), p, base, name));
  }
}

function drawBlock(b, m) {
  const w = m.w;
  const y1 = m.top + m.evH, y3 = m.daTop + m.daH;
  const g = svg("g", {
    class: "fb" + (b.openable ? " openable" : ""), tabindex: "0", role: "button",
    "data-block": b.path, "aria-label": blockLabel(b),
  });
  g.append(svg("text", { x: w / 2, y: NAME_H - 5, class: "fb-name", "text-anchor": "middle" }, short(b.name, 40)));
  g.append(svg("polygon", { points: outline(w, m), class: "fb-box" }));
  g.append(svg("text", { x: w / 2, y: y1 + NECK / 2 + 4, class: "fb-type", "text-anchor": "middle" }, b.type));
  if (b.openable) g.append(svg("text", { x: w - 4, y: m.top + 12, class: "fb-open", "text-anchor": "end" }, "⤢"));
  drawPins(g, m, b.path, true);
  g.append(svg("text", { x: 0, y: y3 + 14, class: "fb-ecc", "data-ecc": b.path }, ""));
  g.append(svg("text", { x: 0, y: y3 + 28, class: "fb-fault", "data-fault": b.path }, ""));
  const activate = () => select({ kind: "block", block: b });
  g.addEventListener("click", activate);
  g.addEventListener("dblclick", () => { if (b.openable) openLevel(b.path); });
  g.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); }
  });
  return g;
}

// A subapp seen from outside: its own pins, like a block, opening to its inside.
function drawSubapp(item, m) {
  const w = m.w;
  const y1 = m.top + m.evH;
  const g = svg("g", { class: "fb subapp", tabindex: "0", role: "link", "data-group": item.path, "aria-label": "Subapplication " + item.name + ", open" });
  g.append(svg("text", { x: w / 2, y: NAME_H - 5, class: "fb-name", "text-anchor": "middle" }, short(item.name, 40)));
  g.append(svg("polygon", { points: outline(w, m), class: "fb-box subapp-box" }));
  g.append(svg("text", { x: w / 2, y: y1 + NECK / 2 + 4, class: "fb-type", "text-anchor": "middle" }, "subapp ⤢"));
  drawPins(g, m, item.path, false);
  const open = () => openLevel(item.path);
  g.addEventListener("click", open);
  g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
  return g;
}

// The live value beside a data pin, or the total beside an event pin (outside the box).
function watchTag(path, p, block, pin) {
  const x = p.side === "in" ? p.x - 8 : p.x + 8;
  const anchor = p.side === "in" ? "end" : "start";
  const cls = p.kind === "event" ? "count" : "value";
  return svg("text", { x, y: p.y - 3, class: "watch " + cls, "text-anchor": anchor, "data-watch": path, "data-kind": p.kind, "data-owner": block, "data-pin": pin }, "");
}

function drawBorder(border, side, m) {
  const what = border.subapp ? border.type : border.type;
  const g = svg("g", { class: "border-node", tabindex: "0", role: "button", "data-border": side, "aria-label": "Interface " + (side === "in" ? "inputs" : "outputs") + " of " + what });
  g.append(svg("text", { x: m.w / 2, y: NAME_H - 5, class: "fb-name", "text-anchor": "middle" }, side === "in" ? "inputs" : "outputs"));
  g.append(svg("rect", { x: 0, y: NAME_H, width: m.w, height: m.h - NAME_H, class: "border-box", rx: 3 }));
  for (const [name, p] of Object.entries(m.pins)) {
    g.append(svg("line", { x1: side === "in" ? m.w : -4, x2: side === "in" ? m.w + 4 : 0, y1: p.y, y2: p.y, class: "pin-" + p.kind }));
    g.append(svg("text", { x: side === "in" ? m.w - 6 : 6, y: p.y + 4, class: "pin-label pin-label-" + p.kind, "text-anchor": side === "in" ? "end" : "start" }, name));
    if (!border.subapp) g.append(watchTag(join(border.path, name), { ...p, side: side === "in" ? "out" : "in" }, border.path, name));
  }
  const activate = () => select({ kind: "border", border });
  g.addEventListener("click", activate);
  g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
  return g;
}

function drawPlain(item, kind, m) {
  const what = kind === "group" ? (item.kind === "application" ? "application" : "subapplication") : "resource";
  const g = svg("g", { class: "plain-node " + kind, tabindex: "0", role: "link", "data-group": item.path, "aria-label": what[0].toUpperCase() + what.slice(1) + " " + item.name + ", open" });
  g.append(svg("rect", { x: 0, y: NAME_H - 14, width: m.w, height: m.h - NAME_H + 14, class: "plain-box", rx: 6 }));
  g.append(svg("text", { x: 10, y: NAME_H + 2, class: "fb-name" }, item.name + "  ⤢"));
  g.append(svg("text", { x: 10, y: NAME_H + 16, class: "fb-type" }, what));
  for (const [name, p] of Object.entries(m.pins)) {
    g.append(svg("text", { x: p.side === "in" ? 6 : m.w - 6, y: p.y + 4, class: "pin-label", "text-anchor": p.side === "in" ? "start" : "end" }, name));
  }
  const open = () => openLevel(item.path);
  g.addEventListener("click", open);
  g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
  return g;
}

function openLevel(path) {
  location.href = "/web/apps/" + enc(appName) + (path ? "?level=" + enc(path) : "");
}

// -- the network on the canvas -------------------------------------------------------------------

function render(net) {
  const nodes = new Map();
  const add = (id, m, draw, extra) => nodes.set(id, { m, draw, ...extra });
  if (net.border) {
    add("⟨in⟩", measureBorder(net.border, "in"), (m) => drawBorder(net.border, "in", m), { role: "in", label: "inputs" });
    add("⟨out⟩", measureBorder(net.border, "out"), (m) => drawBorder(net.border, "out", m), { role: "out", label: "outputs" });
  }
  for (const b of net.blocks) add("b:" + b.id, measureBlock(b), (m) => drawBlock(b, m), { pos: b.pos, label: b.name, block: b });
  const groupPins = {};
  for (const c of net.connections) {
    for (const [end, side] of [[c.from, "out"], [c.to, "in"]]) {
      const g = net.groups.find((x) => x.id === end.block);
      if (g && !g.subapp) {
        const gp = (groupPins[end.block] = groupPins[end.block] || { in: [], out: [] });
        if (!gp[side].includes(end.pin)) gp[side].push(end.pin);
      }
    }
  }
  for (const g of net.groups) {
    if (g.subapp) {
      const item = { name: g.name, type: "subapp ⤢", interface: g.interface, path: g.path };
      add("b:" + g.id, measureBlock(item), (m) => drawSubapp(g, m), { pos: g.pos, label: g.name });
    } else {
      const gp = groupPins[g.id] || { in: [], out: [] };
      add("b:" + g.id, measurePlain(g.name, gp.in, gp.out), (m) => drawPlain(g, "group", m), { pos: g.pos, label: g.name });
    }
  }
  for (const r of net.resources) add("b:" + r.id, measurePlain(r.name, [], []), (m) => drawPlain(r, "resource", m), { label: r.name });
  const nodeId = (block, side) => (block === "" ? (side === "from" ? "⟨in⟩" : "⟨out⟩") : "b:" + block);
  const edges = net.connections.map((c) => [nodeId(c.from.block, "from"), nodeId(c.to.block, "to")]);
  const specs = [...nodes].map(([id, n]) => ({ id, w: n.m.w + 2 * VALUE_W, h: n.m.h, pos: n.pos || null, role: n.role || null }));
  const layout = layoutNetwork(specs, edges);

  const host = document.getElementById("graph");
  const previous = state.canvas;
  const canvas = new Canvas(host, { width: layout.width, height: layout.height, label: "Function block network of " + (net.level || net.app) });
  host.dataset.layout = layout.positioned ? "file" : "layered";
  state.canvas = canvas;
  const edgeLayer = svg("g", { class: "edges" });
  const boxes = svg("g", { class: "boxes" });
  canvas.content.append(edgeLayer, boxes);
  state.nodes.clear();
  const mini = [];
  for (const [id, n] of nodes) {
    const p = layout.pos.get(id);
    const x = p.x + VALUE_W, y = p.y;
    const g = n.draw(n.m);
    g.setAttribute("transform", `translate(${x},${y})`);
    g.dataset.x = Math.round(x); g.dataset.y = Math.round(y);
    boxes.append(g);
    state.nodes.set(id, { x, y, m: n.m, label: n.label, block: n.block });
    mini.push({ x, y, w: n.m.w, h: n.m.h, cls: n.role ? "mini-border" : "" });
  }
  for (const c of net.connections) {
    const a = state.nodes.get(nodeId(c.from.block, "from"));
    const b = state.nodes.get(nodeId(c.to.block, "to"));
    if (!a || !b) continue;
    const pa = a.m.pins[c.from.pin + ">"] || a.m.pins[c.from.pin];
    const pb = b.m.pins[c.to.pin];
    if (!pa || !pb) continue;
    const sx = a.x + pa.x + 4, sy = a.y + pa.y, tx = b.x + pb.x - 4, ty = b.y + pb.y;
    const dx = Math.max(30, Math.abs(tx - sx) / 2);
    edgeLayer.append(svg("path", {
      d: `M${sx},${sy} C${sx + dx},${sy} ${tx - dx},${ty} ${tx},${ty}`,
      class: "edge edge-" + c.kind,
      "data-from": join(c.from.block, c.from.pin), "data-to": join(c.to.block, c.to.pin),
    }, svg("title", {}, join(c.from.block, c.from.pin) + " → " + join(c.to.block, c.to.pin))));
  }
  canvas.setMiniBoxes(mini);
  if (previous) { canvas.k = previous.k; canvas.tx = previous.tx; canvas.ty = previous.ty; canvas.apply(); }
  else canvas.initial(0.6);
  fillSearch();
  applyLive();
}

// -- search ----------------------------------------------------------------------------------------

function fillSearch() {
  const list = document.getElementById("block-names");
  list.replaceChildren(...[...state.nodes.values()].filter((n) => n.label).map((n) => el("option", { value: n.label })));
}

function findBlock(text) {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  const all = [...state.nodes.entries()].filter(([, n]) => n.label);
  return all.find(([, n]) => n.label.toLowerCase() === q) || all.find(([, n]) => n.label.toLowerCase().includes(q)) || null;
}

function search(text) {
  const found = findBlock(text);
  const out = document.getElementById("search-result");
  if (!found) { out.textContent = "no block matches “" + text + "”"; return; }
  const [id, n] = found;
  out.textContent = "";
  // The middle of the outline (the name above and the texts below do not count).
  const midY = n.m.daTop !== undefined ? (n.m.top + n.m.daTop + n.m.daH) / 2 : n.m.h / 2;
  state.canvas.centre(n.x + n.m.w / 2, n.y + midY, 0.9);
  for (const g of document.querySelectorAll("#graph .found")) g.classList.remove("found");
  const g = document.querySelector(`#graph [data-block="${CSS.escape(id.slice(2))}"], #graph [data-group="${CSS.escape(id.slice(2))}"]`);
  if (g) { g.classList.add("found"); g.focus({ preventScroll: true }); }
  if (n.block) select({ kind: "block", block: n.block }, false);
}

// -- live values ---------------------------------------------------------------------------------

function applyLive() {
  for (const t of document.querySelectorAll("#graph [data-watch]")) {
    const path = t.dataset.watch;
    if (t.dataset.kind === "event") {
      const n = state.counts[path];
      t.textContent = n === undefined ? "" : "×" + n;
    } else {
      const v = state.values[path];
      const live = state.blocks[t.dataset.owner];
      const forced = !!(live && live.forced && live.forced.includes(t.dataset.pin));
      t.classList.toggle("forced", forced);
      t.replaceChildren(document.createTextNode(v === undefined ? "" : (forced ? "⚑ " : "") + short(v, 12)));
      if (v !== undefined && (v.length > 12 || forced)) t.append(svg("title", {}, (forced ? "forced: " : "") + v));
    }
  }
  for (const g of document.querySelectorAll("#graph g.fb[data-block]")) {
    const path = g.dataset.block;
    const b = state.blocks[path];
    if (!b) continue;
    g.dataset.state = b.state;
    g.classList.toggle("faulted", !!b.fault);
    g.classList.toggle("has-forced", !!(b.forced && b.forced.length));
    const block = state.net.blocks.find((x) => x.path === path);
    if (block) g.setAttribute("aria-label", blockLabel(block));
    const ecc = g.querySelector("[data-ecc]");
    if (ecc) ecc.textContent = b.ecc ? "◉ " + b.ecc : "";
    const f = g.querySelector("[data-fault]");
    if (f) {
      f.replaceChildren(document.createTextNode(b.fault ? "⚠ " + b.fault.kind + ": " + short(b.fault.message, 40) + (b.fault.count > 1 ? " (×" + b.fault.count + ")" : "") : ""));
      if (b.fault) f.append(svg("title", {}, faultText(b.fault)));
    }
  }
  for (const cell of document.querySelectorAll("#details [data-live]")) {
    const path = cell.dataset.live;
    if (cell.dataset.kind === "event") {
      const n = state.counts[path];
      const r = state.rates[path];
      cell.textContent = n === undefined ? "–" : n + (r ? " (" + fmtRate(r) + ")" : "");
    } else {
      cell.textContent = state.values[path] ?? "–";
    }
  }
  const sel = state.selected;
  if (sel && sel.kind === "block") {
    const b = state.blocks[sel.block.path];
    const s = document.getElementById("sel-state");
    if (b && s) s.replaceChildren(pill(b.state), b.ecc ? el("span", { class: "muted" }, " · ECC state ", el("strong", { id: "sel-ecc" }, b.ecc)) : "");
    const f = document.getElementById("sel-fault");
    if (b && f) { f.hidden = !b.fault; f.replaceChildren(...(b.fault ? faultLines(b.fault) : [])); }
    for (const row of document.querySelectorAll("#details tr[data-pin]")) {
      const forced = !!(b && b.forced && b.forced.includes(row.dataset.pin));
      row.classList.toggle("forced", forced);
      const mark = row.querySelector(".force-mark");
      if (mark) mark.hidden = !forced;
      const release = row.querySelector("button.release");
      if (release) release.disabled = !forced;
    }
  }
  updateControls();
}

function faultText(f) {
  return f.kind + ": " + f.message + " · " + f.count + " time" + (f.count === 1 ? "" : "s") +
    (f.at ? " · last " + fmtDateTime(f.at * 1000) : "") + (f.where ? " · at " + f.where : "") + " · event " + f.event;
}

function faultLines(f) {
  return [
    el("strong", {}, "Fault: " + f.kind), " ", el("span", { class: "fault-msg" }, f.message), el("br"),
    el("span", { class: "muted small" }, f.count + " time" + (f.count === 1 ? "" : "s") + ", last " + (f.at ? fmtDateTime(f.at * 1000) : "–") +
      ", on event " + f.event + (f.where ? ", at " + f.where : "")),
  ];
}

function fmtRate(r) {
  if (r >= 1e6) return (r / 1e6).toFixed(1) + "M/s";
  if (r >= 1e3) return (r / 1e3).toFixed(1) + "k/s";
  return r.toFixed(r < 10 ? 1 : 0) + "/s";
}

function showAppState(app) {
  state.app = { state: app.state, error: app.error };
  const s = document.getElementById("app-state");
  s.className = "pill st-" + app.state;
  s.textContent = app.state;
  document.body.dataset.appState = app.state;
  const e = document.getElementById("app-error");
  e.hidden = !app.error;
  e.textContent = app.error ? "Error: " + app.error : "";
  updateControls();
}

// Controls apply in some states only: the rest are disabled, saying why.
const APPLIES = {
  start: (s) => s !== "running" && s !== "failed",
  stop: (s) => s === "running",
  kill: (s) => s === "running",
  reset: (s) => s !== "running" && s !== "failed",
  fire: (s) => s === "running",
};

function updateControls() {
  const s = state.app.state;
  for (const b of document.querySelectorAll("[data-action]")) {
    const ok = APPLIES[b.dataset.action](s);
    b.disabled = !ok;
    b.title = ok ? "" : b.dataset.action + " does not apply while the application is " + s;
  }
  for (const b of document.querySelectorAll("button.fire")) {
    b.disabled = !APPLIES.fire(s);
    b.title = b.disabled ? "events can be fired only while the application runs" : "";
  }
}

function onFrame(frame) {
  if (frame.gone) {
    notice("The application was deleted or replaced; reloading its network…", "error");
    loadNetwork();
    return;
  }
  const now = performance.now();
  if (frame.full) {
    state.values = {}; state.counts = {}; state.blocks = {};
  }
  Object.assign(state.values, frame.values || {});
  for (const [path, n] of Object.entries(frame.counts || {})) {
    const before = state.counts[path];
    const at = state.lastCountAt[path];
    if (before !== undefined && at !== undefined && now > at) state.rates[path] = Math.max(0, (n - before) * 1000 / (now - at));
    state.counts[path] = n;
    state.lastCountAt[path] = now;
  }
  Object.assign(state.blocks, frame.blocks || {});
  if (frame.app) showAppState(frame.app);
  applyLive();
}

// -- details and controls --------------------------------------------------------------------

function select(sel, focus = true) {
  state.selected = sel;
  for (const g of document.querySelectorAll("#graph g.selected")) g.classList.remove("selected");
  if (sel.kind === "block") {
    const g = document.querySelector(`#graph g.fb[data-block="${CSS.escape(sel.block.path)}"]`);
    if (g) g.classList.add("selected");
  }
  const panel = document.getElementById("details");
  panel.replaceChildren(sel.kind === "block" ? blockDetails(sel.block) : borderDetails(sel.border));
  applyLive();
  const h = panel.querySelector("h2");
  if (h && focus) { h.tabIndex = -1; h.focus(); }
}

function fireButton(path, label) {
  return el("button", {
    type: "button", class: "fire", "aria-label": "Fire event " + (path || label),
    onclick: () => act("fire " + (path || label), () => api("POST", appUrl + "/events/" + path)),
  }, "Fire");
}

// Set (a parameter write), Force (held until released) and Release for one data pin.
function pinControls(path, type, source, canWrite) {
  const id = "w-" + path.replace(/[^A-Za-z0-9_-]/g, "_");
  const input = el("input", { id, type: "text", size: 10, placeholder: type, autocomplete: "off" });
  const write = async () => {
    const out = await act("write " + path, () => api("PUT", appUrl + "/values/" + path, { value: input.value }));
    if (out) {
      state.values[path] = out.literal;
      applyLive();
      if (out.overwritten_by) notice("write " + path + ": written, but " + out.overwritten_by + " overwrites it at its next event (Force holds a value)", "warn");
    }
  };
  const force = async () => {
    const out = await act("force " + path, () => api("PUT", appUrl + "/forces/" + path, { value: input.value }));
    if (out) { state.values[path] = out.literal; applyLive(); }
  };
  const release = () => act("release " + path, () => api("DELETE", appUrl + "/forces/" + path));
  return el("div", { class: "pin-controls" },
    el("form", { class: "write", onsubmit: (e) => { e.preventDefault(); (canWrite ? write : force)(); } },
      el("label", { for: id, class: "sr-only" }, "New value for " + path), input,
      canWrite ? el("button", { type: "submit", title: source ? "fed by " + source + ": the next event overwrites a write" : "" }, "Set") : null,
      el("button", { type: "button", class: "force", "aria-label": "Force " + path, onclick: force }, "Force"),
      el("button", { type: "button", class: "release", "aria-label": "Release " + path, onclick: release, disabled: true }, "Release")),
    source ? el("p", { class: "small warn-text" }, "⚠ fed by " + source + ": a write lasts only until its next event; Force holds a value.") : null);
}

function pinTable(caption, rows) {
  if (!rows.length) return null;
  return el("table", { class: "pins" }, el("caption", {}, caption), el("tbody", {}, rows));
}

function dataRow(p, d, controls) {
  return el("tr", { dataset: { pin: d.name } },
    el("th", { scope: "row" }, d.name, " ", el("span", { class: "force-mark", hidden: true, title: "forced" }, "⚑ forced"), el("div", { class: "muted small" }, d.type)),
    el("td", { "data-live": p(d.name), class: "val" }, "–"),
    el("td", {}, controls));
}

function blockDetails(b) {
  const itf = b.interface;
  const live = state.blocks[b.path] || b;
  const p = (pin) => join(b.path, pin);
  const sources = b.connected || {};
  return el("div", {},
    el("h2", { id: "details-h" }, b.name || appName),
    el("p", {}, el("span", { class: "muted" }, "type "), b.type, el("span", { class: "muted" }, " · " + b.kind + " · "), el("span", { id: "sel-state" }, pill(live.state))),
    el("p", { id: "sel-fault", class: "error", hidden: !live.fault }),
    b.openable ? el("p", {}, el("button", { type: "button", onclick: () => openLevel(b.path) }, "Open inside " + (b.name || b.type))) : null,
    pinTable("Event inputs (totals since the block was created)", itf.event_inputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"),
      el("td", {}, fireButton(p(e.name), e.name))))),
    pinTable("Event outputs", itf.event_outputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"), el("td", {})))),
    pinTable("Data inputs", [...itf.data_inputs, ...itf.inouts].map((d) => dataRow(p, d, pinControls(p(d.name), d.type, sources[d.name], true)))),
    pinTable("Data outputs", itf.data_outputs.map((d) => dataRow(p, d, pinControls(p(d.name), d.type, null, false)))),
  );
}

function borderDetails(border) {
  const itf = border.interface;
  const p = (pin) => join(border.path, pin);
  if (border.subapp) {
    return el("div", {}, el("h2", { id: "details-h" }, "Interface of " + border.type),
      el("p", { class: "muted" }, "A subapplication's pins only route connections: watch and change the blocks they lead to."));
  }
  return el("div", {},
    el("h2", { id: "details-h" }, "Interface of " + border.type),
    pinTable("Event inputs", itf.event_inputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"),
      el("td", {}, fireButton(p(e.name), e.name))))),
    pinTable("Event outputs", itf.event_outputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"), el("td", {})))),
    pinTable("Data inputs", [...itf.data_inputs, ...itf.inouts].map((d) => dataRow(p, d, pinControls(p(d.name), d.type, null, true)))),
    pinTable("Data outputs", itf.data_outputs.map((d) => dataRow(p, d, null))),
  );
}

// -- loading -----------------------------------------------------------------------------------

function crumbs(net) {
  const nav = document.getElementById("crumbs");
  const items = net.crumbs.map((c, i) => i === net.crumbs.length - 1
    ? el("span", { "aria-current": "page" }, c.label)
    : el("a", { href: "/web/apps/" + enc(appName) + (c.path ? "?level=" + enc(c.path) : "") }, c.label));
  nav.replaceChildren(...items.flatMap((x, i) => (i ? [" › ", x] : [x])));
}

async function loadNetwork() {
  try {
    const net = await api("GET", "/api/web/apps/" + enc(appName) + "/network?level=" + enc(level));
    if (!level && net.resources.length === 1 && !net.blocks.length) {
      // A system with one resource: its network is what there is to see.
      location.replace("/web/apps/" + enc(appName) + "?level=" + enc(net.resources[0].path));
      return true;
    }
    state.net = net;
    crumbs(net);
    showAppState(net);
    for (const b of net.blocks) state.blocks[b.path] = { state: b.state, ecc: b.ecc, forced: b.forced, fault: b.fault };
    render(net);
    if (state.selected && state.selected.kind === "block") {
      const again = net.blocks.find((b) => b.path === state.selected.block.path);
      if (again) state.selected.block = again;
    } else if (!state.selected && net.blocks.length === 1 && !net.border && !net.groups.length) {
      select({ kind: "block", block: net.blocks[0] }, false);
    }
    return true;
  } catch (e) {
    const graph = document.getElementById("graph");
    if (e instanceof ApiError && e.status !== 0) {
      graph.replaceChildren(el("p", { class: "error" }, e.message));
    }
    return false;
  }
}

const CONFIRM = {
  stop: "Stop the application? Its blocks stop handling events; values are kept.",
  kill: "Kill the application? Everything stops at once, in-flight events are dropped.",
  reset: "Reset the application? Every block goes back to its initial values (written parameters are kept).",
};

for (const button of document.querySelectorAll(".actions [data-action]")) {
  const action = button.dataset.action;
  button.addEventListener("click", async () => {
    if (CONFIRM[action] && !(await confirmAction(CONFIRM[action], action[0].toUpperCase() + action.slice(1)))) return;
    await act(action + " " + appName, async () => {
      const out = await api("POST", appUrl + "/" + action);
      showAppState(out);
      return out;
    });
  });
}
document.getElementById("fit").addEventListener("click", () => state.canvas && state.canvas.fit());
document.getElementById("zoom-in").addEventListener("click", () => state.canvas && state.canvas.zoomAt(1.25, state.canvas.viewW / 2, state.canvas.viewH / 2));
document.getElementById("zoom-out").addEventListener("click", () => state.canvas && state.canvas.zoomAt(0.8, state.canvas.viewW / 2, state.canvas.viewH / 2));
document.getElementById("zoom-100").addEventListener("click", () => state.canvas && state.canvas.zoomTo(1));
document.getElementById("search-form").addEventListener("submit", (e) => { e.preventDefault(); search(document.getElementById("search").value); });
tokenState();

// A counter that stopped moving sends no more frames: let its rate fall to zero.
setInterval(() => {
  const now = performance.now();
  let changed = false;
  for (const [path, at] of Object.entries(state.lastCountAt)) {
    if (state.rates[path] && now - at > 1500) { state.rates[path] = 0; changed = true; }
  }
  if (changed) applyLive();
}, 1000);

follow(() => "/api/web/apps/" + enc(appName) + "/live?level=" + enc(level), {
  what: "values every ¼ s",
  onOpen: loadNetwork,
  onFrame,
  onError: (status, detail) => {
    if (status === 404) document.getElementById("graph").replaceChildren(el("p", { class: "error" }, detail));
  },
});
