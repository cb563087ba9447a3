// An application's FB network, drawn as IEC 61499 blocks (event pins in the upper part, data
// pins in the lower part, inputs left, outputs right), laid out by dagre, with live values and
// event counters from the throttled /live stream, and controls in the details panel.

import { ApiError, act, api, el, follow, notice, pill } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
const ROW = 18;        // height of one pin row
const CHAR = 7.2;      // width of one character of the 12px monospace font
const NECK = 22;       // the waist of the block, holding the type name
const INSET = 7;       // how far the waist is drawn in
const VALUE_W = 58;    // room beside a block for watched values and counters
const NAME_H = 18;     // the instance name above the block

const appName = document.body.dataset.app;
const level = new URLSearchParams(location.search).get("level") || "";
const enc = encodeURIComponent;
const appUrl = "/api/apps/" + enc(appName);

const state = {
  net: null,
  values: {},        // pin path -> literal text
  counts: {},        // event pin path -> count
  rates: {},         // event pin path -> events per second (from the last two frames)
  lastCountAt: {},
  blocks: {},        // block path -> {state, fault}
  selected: null,    // the block (or border) shown in the details panel
  nodes: new Map(),  // box id -> drawn node (with pin positions)
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

const textW = (s) => String(s).length * CHAR;
const short = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

// -- measuring boxes -------------------------------------------------------------------------

// A block's geometry: pins with their offsets, the box outline, and its full size for layout.
function measureBlock(b) {
  const itf = b.interface;
  const dataIn = [...itf.data_inputs, ...itf.inouts, ...itf.sockets.map((s) => ({ name: s.name, type: s.type, adapter: true }))];
  const dataOut = [...itf.data_outputs, ...itf.inouts, ...itf.plugs.map((s) => ({ name: s.name, type: s.type, adapter: true }))];
  const evRows = Math.max(itf.event_inputs.length, itf.event_outputs.length, 1);
  const daRows = Math.max(dataIn.length, dataOut.length, 1);
  const leftW = Math.max(0, ...itf.event_inputs.map((p) => textW(p.name)), ...dataIn.map((p) => textW(p.name)));
  const rightW = Math.max(0, ...itf.event_outputs.map((p) => textW(p.name)), ...dataOut.map((p) => textW(p.name)));
  const w = Math.max(leftW + rightW + 30, textW(b.type) + 2 * INSET + 16, textW(b.name) + 8, 90);
  const top = NAME_H;
  const evH = evRows * ROW + 6;
  const daTop = top + evH + NECK;
  const daH = daRows * ROW + 6;
  const pins = {};
  itf.event_inputs.forEach((p, i) => { pins[p.name] = { side: "in", kind: "event", x: 0, y: top + 3 + i * ROW + ROW / 2, port: p }; });
  itf.event_outputs.forEach((p, i) => { pins[p.name] = { side: "out", kind: "event", x: w, y: top + 3 + i * ROW + ROW / 2, port: p }; });
  dataIn.forEach((p, i) => { pins[p.name] = { side: "in", kind: "data", x: 0, y: daTop + 3 + i * ROW + ROW / 2, port: p }; });
  dataOut.forEach((p, i) => {
    const key = pins[p.name] ? p.name + ">" : p.name;  // an in-out shows on both sides
    pins[key] = { side: "out", kind: "data", x: w, y: daTop + 3 + i * ROW + ROW / 2, port: p, pin: p.name };
  });
  return { w, h: daTop + daH + 20, top, evH, daTop, daH, pins, dataIn, dataOut };
}

// The composite's own interface, split in two: its inputs on the left edge, outputs on the right.
function measureBorder(border, side) {
  const itf = border.interface;
  const events = side === "in" ? itf.event_inputs : itf.event_outputs;
  const data = side === "in" ? [...itf.data_inputs, ...itf.inouts] : [...itf.data_outputs, ...itf.inouts];
  const labelW = Math.max(60, ...events.map((p) => textW(p.name)), ...data.map((p) => textW(p.name)));
  const w = labelW + 20;
  const pins = {};
  const x = side === "in" ? w : 0;
  const pside = side === "in" ? "out" : "in";  // a composite input is a source inside
  events.forEach((p, i) => { pins[p.name] = { side: pside, kind: "event", x, y: NAME_H + 6 + i * ROW + ROW / 2, port: p }; });
  const daTop = NAME_H + 6 + events.length * ROW + 12;
  data.forEach((p, i) => { pins[p.name] = { side: pside, kind: "data", x, y: daTop + i * ROW + ROW / 2, port: p }; });
  return { w, h: daTop + data.length * ROW + 10, pins, events, data };
}

// A subapp group or a resource: a plain box whose pins come from the connections drawn to it.
function measurePlain(name, ins, outs) {
  const w = Math.max(textW(name) + 40, ...ins.map((p) => textW(p) + 60), ...outs.map((p) => textW(p) + 60), 135);
  const pins = {};
  ins.forEach((p, i) => { pins[p] = { side: "in", kind: "data", x: 0, y: NAME_H + 10 + i * ROW + ROW / 2, port: { name: p } }; });
  outs.forEach((p, i) => { pins[p] = { side: "out", kind: "data", x: w, y: NAME_H + 10 + i * ROW + ROW / 2, port: { name: p } }; });
  return { w, h: NAME_H + 20 + Math.max(ins.length, outs.length, 1) * ROW + 8, pins };
}

// -- drawing ------------------------------------------------------------------------------------

function blockLabel(b) {
  const s = (state.blocks[b.path] || b).state;
  const f = (state.blocks[b.path] || b).fault;
  return "Block " + b.name + ", type " + b.type + ", " + s + (f ? ", fault: " + f.message : "") + (b.openable ? ", has an inside" : "");
}

function drawBlock(b, m) {
  const w = m.w;
  const y0 = m.top, y1 = m.top + m.evH, y2 = m.daTop, y3 = m.daTop + m.daH;
  const outline = [
    [0, y0], [w, y0], [w, y1], [w - INSET, y1], [w - INSET, y2], [w, y2], [w, y3], [0, y3], [0, y2], [INSET, y2], [INSET, y1], [0, y1],
  ].map((p) => p.join(",")).join(" ");
  const g = svg("g", {
    class: "fb" + (b.openable ? " openable" : ""), tabindex: "0", role: "button",
    "data-block": b.path, "aria-label": blockLabel(b),
  });
  g.append(svg("text", { x: w / 2, y: NAME_H - 5, class: "fb-name", "text-anchor": "middle" }, short(b.name, 40)));
  g.append(svg("polygon", { points: outline, class: "fb-box" }));
  g.append(svg("text", { x: w / 2, y: y1 + NECK / 2 + 4, class: "fb-type", "text-anchor": "middle" }, b.type));
  if (b.openable) g.append(svg("text", { x: w - 4, y: y0 + 12, class: "fb-open", "text-anchor": "end" }, "⤢"));
  for (const [key, p] of Object.entries(m.pins)) {
    const name = p.pin || key;
    const inside = p.side === "in" ? 5 : w - 5;
    g.append(svg("line", { x1: p.side === "in" ? -4 : w, x2: p.side === "in" ? 0 : w + 4, y1: p.y, y2: p.y, class: "pin-" + p.kind }));
    g.append(svg("text", { x: inside, y: p.y + 4, class: "pin-label pin-label-" + p.kind, "text-anchor": p.side === "in" ? "start" : "end" }, name));
    if (!p.port.adapter) g.append(watchTag(join(b.path, name), p));
  }
  g.append(svg("text", { x: 0, y: y3 + 14, class: "fb-fault", "data-fault": b.path }, ""));
  const activate = () => select({ kind: "block", block: b });
  g.addEventListener("click", activate);
  g.addEventListener("dblclick", () => { if (b.openable) openLevel(b.path); });
  g.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); }
  });
  return g;
}

// The live value beside a data pin, or the counter beside an event pin (outside the box).
function watchTag(path, p) {
  const x = p.side === "in" ? p.x - 8 : p.x + 8;
  const anchor = p.side === "in" ? "end" : "start";
  const cls = p.kind === "event" ? "count" : "value";
  const t = svg("text", { x, y: p.y - 3, class: "watch " + cls, "text-anchor": anchor, "data-watch": path, "data-kind": p.kind }, "");
  return t;
}

function drawBorder(border, side, m) {
  const g = svg("g", { class: "border-node", tabindex: "0", role: "button", "aria-label": "Interface " + (side === "in" ? "inputs" : "outputs") + " of " + border.type });
  g.append(svg("text", { x: m.w / 2, y: NAME_H - 5, class: "fb-name", "text-anchor": "middle" }, side === "in" ? "inputs" : "outputs"));
  g.append(svg("rect", { x: 0, y: NAME_H, width: m.w, height: m.h - NAME_H, class: "border-box", rx: 3 }));
  for (const [name, p] of Object.entries(m.pins)) {
    g.append(svg("text", { x: side === "in" ? m.w - 6 : 6, y: p.y + 4, class: "pin-label pin-label-" + p.kind, "text-anchor": side === "in" ? "end" : "start" }, name));
    g.append(watchTag(join(border.path, name), { ...p, side: side === "in" ? "out" : "in" }));
  }
  const activate = () => select({ kind: "border", border });
  g.addEventListener("click", activate);
  g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); activate(); } });
  return g;
}

function drawPlain(item, kind, m) {
  const g = svg("g", { class: "plain-node " + kind, tabindex: "0", role: "link", "aria-label": (kind === "group" ? "Subapplication " : "Resource ") + item.name + ", open" });
  g.append(svg("rect", { x: 0, y: NAME_H - 14, width: m.w, height: m.h - NAME_H + 14, class: "plain-box", rx: 6 }));
  g.append(svg("text", { x: 10, y: NAME_H + 2, class: "fb-name" }, item.name + "  ⤢"));
  g.append(svg("text", { x: 10, y: NAME_H + 16, class: "fb-type" }, kind === "group" ? "subapplication" : "resource"));
  for (const [name, p] of Object.entries(m.pins)) {
    g.append(svg("text", { x: p.side === "in" ? 6 : m.w - 6, y: p.y + 22, class: "pin-label", "text-anchor": p.side === "in" ? "start" : "end" }, name));
    p.y += 18;
  }
  const open = () => openLevel(item.path);
  g.addEventListener("click", open);
  g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
  return g;
}

function openLevel(path) {
  location.href = "/web/apps/" + enc(appName) + (path ? "?level=" + enc(path) : "");
}

function render(net) {
  const graph = new dagre.graphlib.Graph({ multigraph: false });
  graph.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 48, marginx: 8, marginy: 12 });
  graph.setDefaultEdgeLabel(() => ({}));
  const nodes = new Map();
  const add = (id, m, draw) => {
    nodes.set(id, { m, draw });
    graph.setNode(id, { width: m.w + 2 * VALUE_W, height: m.h });
  };
  if (net.border) {
    add("⟨in⟩", measureBorder(net.border, "in"), (m) => drawBorder(net.border, "in", m));
    add("⟨out⟩", measureBorder(net.border, "out"), (m) => drawBorder(net.border, "out", m));
  }
  for (const b of net.blocks) add("b:" + b.id, measureBlock(b), (m) => drawBlock(b, m));
  const groupPins = {};
  for (const c of net.connections) {
    for (const [end, side] of [[c.from, "out"], [c.to, "in"]]) {
      if (net.groups.some((g) => g.id === end.block)) {
        const gp = (groupPins[end.block] = groupPins[end.block] || { in: [], out: [] });
        if (!gp[side].includes(end.pin)) gp[side].push(end.pin);
      }
    }
  }
  for (const g of net.groups) {
    const gp = groupPins[g.id] || { in: [], out: [] };
    add("b:" + g.id, measurePlain(g.name, gp.in, gp.out), (m) => drawPlain(g, "group", m));
  }
  for (const r of net.resources) add("b:" + r.id, measurePlain(r.name, [], []), (m) => drawPlain(r, "resource", m));
  const nodeId = (block, side) => (block === "" ? (side === "from" ? "⟨in⟩" : "⟨out⟩") : "b:" + block);
  for (const c of net.connections) {
    const a = nodeId(c.from.block, "from"), b = nodeId(c.to.block, "to");
    if (a !== b && nodes.has(a) && nodes.has(b)) graph.setEdge(a, b);
  }
  dagre.layout(graph);

  const info = graph.graph();
  const width = Math.max(info.width || 0, 200), height = Math.max(info.height || 0, 120);
  const root = svg("svg", { xmlns: SVG, class: "net", viewBox: `0 0 ${width} ${height}`, width, height, role: "group", "aria-label": "Function block network of " + (net.level || net.app) });
  const edges = svg("g", { class: "edges" });
  const boxes = svg("g", { class: "boxes" });
  root.append(edges, boxes);
  state.nodes.clear();
  for (const [id, { m, draw }] of nodes) {
    const pos = graph.node(id);
    const x = pos.x - m.w / 2, y = pos.y - m.h / 2;
    const g = draw(m);
    g.setAttribute("transform", `translate(${x},${y})`);
    boxes.append(g);
    state.nodes.set(id, { x, y, m });
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
    edges.append(svg("path", {
      d: `M${sx},${sy} C${sx + dx},${sy} ${tx - dx},${ty} ${tx},${ty}`,
      class: "edge edge-" + c.kind,
      "data-from": join(c.from.block, c.from.pin), "data-to": join(c.to.block, c.to.pin),
    }, svg("title", {}, join(c.from.block, c.from.pin) + " → " + join(c.to.block, c.to.pin))));
  }
  const host = document.getElementById("graph");
  host.replaceChildren(root);
  applyZoom();
  applyLive();
}

function applyZoom() {
  const root = document.querySelector("#graph svg");
  if (!root) return;
  const mode = document.getElementById("zoom").value;
  const [, , w, h] = root.getAttribute("viewBox").split(" ").map(Number);
  if (mode === "fit") {
    // Natural size, shrunk to the pane when wider (never blown up past 100%).
    root.setAttribute("width", w);
    root.setAttribute("height", h);
    root.style.maxWidth = "100%";
    root.style.height = "auto";
  } else {
    root.setAttribute("width", w * Number(mode));
    root.setAttribute("height", h * Number(mode));
    root.style.maxWidth = "";
    root.style.height = "";
  }
}

function applyLive() {
  for (const t of document.querySelectorAll("#graph [data-watch]")) {
    const path = t.dataset.watch;
    if (t.dataset.kind === "event") {
      const n = state.counts[path];
      t.textContent = n === undefined ? "" : "×" + n;
    } else {
      const v = state.values[path];
      t.textContent = v === undefined ? "" : short(v, 12);
      t.replaceChildren(document.createTextNode(v === undefined ? "" : short(v, 12)));
      if (v !== undefined && v.length > 12) t.append(svg("title", {}, v));
    }
  }
  for (const g of document.querySelectorAll("#graph g.fb")) {
    const path = g.dataset.block;
    const b = state.blocks[path];
    if (!b) continue;
    g.dataset.state = b.state;
    g.classList.toggle("faulted", !!b.fault);
    const block = state.net.blocks.find((x) => x.path === path);
    if (block) g.setAttribute("aria-label", blockLabel(block));
    const f = g.querySelector("[data-fault]");
    if (f) {
      f.replaceChildren(document.createTextNode(b.fault ? "⚠ " + short(b.fault.message, 48) : ""));
      if (b.fault) f.append(svg("title", {}, b.fault.event + ": " + b.fault.message));
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
    if (b && s) s.replaceChildren(pill(b.state));
    const f = document.getElementById("sel-fault");
    if (b && f) { f.hidden = !b.fault; f.textContent = b.fault ? "Last fault (" + b.fault.event + "): " + b.fault.message : ""; }
  }
}

function fmtRate(r) {
  if (r >= 1e6) return (r / 1e6).toFixed(1) + "M/s";
  if (r >= 1e3) return (r / 1e3).toFixed(1) + "k/s";
  return r.toFixed(r < 10 ? 1 : 0) + "/s";
}

function showAppState(app) {
  const s = document.getElementById("app-state");
  s.className = "pill st-" + app.state;
  s.textContent = app.state;
  document.body.dataset.appState = app.state;
  const e = document.getElementById("app-error");
  e.hidden = !app.error;
  e.textContent = app.error ? "Error: " + app.error : "";
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

function select(sel) {
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
  if (h) { h.tabIndex = -1; h.focus(); }
}

function fireButton(path, label) {
  return el("button", {
    type: "button", class: "fire", "aria-label": "Fire event " + (path || label),
    onclick: () => act("fire " + (path || label), () => api("POST", appUrl + "/events/" + path)),
  }, "Fire");
}

function writeForm(path, name, type) {
  const id = "w-" + path.replace(/[^A-Za-z0-9_-]/g, "_");
  const input = el("input", { id, type: "text", size: 10, placeholder: type, autocomplete: "off" });
  return el("form", {
    class: "write",
    onsubmit: async (e) => {
      e.preventDefault();
      const out = await act("write " + path, () => api("PUT", appUrl + "/values/" + path, { value: input.value }));
      if (out) { state.values[path] = out.literal; applyLive(); }
    },
  }, el("label", { for: id, class: "sr-only" }, "New value for " + path), input, el("button", { type: "submit" }, "Set"));
}

function pinTable(caption, rows) {
  if (!rows.length) return null;
  return el("table", { class: "pins" }, el("caption", {}, caption), el("tbody", {}, rows));
}

function blockDetails(b) {
  const itf = b.interface;
  const live = state.blocks[b.path] || b;
  const p = (pin) => join(b.path, pin);
  return el("div", {},
    el("h2", { id: "details-h" }, b.name || appName),
    el("p", {}, el("span", { class: "muted" }, "type "), b.type, el("span", { class: "muted" }, " · " + b.kind + " · "), el("span", { id: "sel-state" }, pill(live.state))),
    el("p", { id: "sel-fault", class: "error", hidden: !live.fault }, live.fault ? "Last fault (" + live.fault.event + "): " + live.fault.message : ""),
    b.openable ? el("p", {}, el("button", { type: "button", onclick: () => openLevel(b.path) }, "Open inside " + (b.name || b.type))) : null,
    pinTable("Event inputs", itf.event_inputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"),
      el("td", {}, fireButton(p(e.name), e.name))))),
    pinTable("Event outputs", itf.event_outputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"), el("td", {})))),
    pinTable("Data inputs", [...itf.data_inputs, ...itf.inouts].map((d) => el("tr", {},
      el("th", { scope: "row" }, d.name, el("div", { class: "muted small" }, d.type)),
      el("td", { "data-live": p(d.name), class: "val" }, "–"),
      el("td", {}, writeForm(p(d.name), d.name, d.type))))),
    pinTable("Data outputs", itf.data_outputs.map((d) => el("tr", {},
      el("th", { scope: "row" }, d.name, el("div", { class: "muted small" }, d.type)),
      el("td", { "data-live": p(d.name), class: "val" }, "–"), el("td", {})))),
  );
}

function borderDetails(border) {
  const itf = border.interface;
  const p = (pin) => join(border.path, pin);
  return el("div", {},
    el("h2", { id: "details-h" }, "Interface of " + border.type),
    pinTable("Event inputs", itf.event_inputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"),
      el("td", {}, fireButton(p(e.name), e.name))))),
    pinTable("Event outputs", itf.event_outputs.map((e) => el("tr", {},
      el("th", { scope: "row" }, e.name), el("td", { "data-live": p(e.name), "data-kind": "event" }, "–"), el("td", {})))),
    pinTable("Data inputs", [...itf.data_inputs, ...itf.inouts].map((d) => el("tr", {},
      el("th", { scope: "row" }, d.name, el("div", { class: "muted small" }, d.type)),
      el("td", { "data-live": p(d.name), class: "val" }, "–"), el("td", {}, writeForm(p(d.name), d.name, d.type))))),
    pinTable("Data outputs", itf.data_outputs.map((d) => el("tr", {},
      el("th", { scope: "row" }, d.name, el("div", { class: "muted small" }, d.type)),
      el("td", { "data-live": p(d.name), class: "val" }, "–"), el("td", {})))),
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
    for (const b of net.blocks) state.blocks[b.path] = { state: b.state, fault: b.fault };
    render(net);
    if (state.selected && state.selected.kind === "block") {
      const again = net.blocks.find((b) => b.path === state.selected.block.path);
      if (again) state.selected.block = again;
    } else if (!state.selected && net.blocks.length === 1 && !net.border) {
      select({ kind: "block", block: net.blocks[0] });
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

for (const button of document.querySelectorAll(".actions [data-action]")) {
  const action = button.dataset.action;
  button.addEventListener("click", () => act(action + " " + appName, async () => {
    const out = await api("POST", appUrl + "/" + action);
    showAppState(out);
    return out;
  }));
}
document.getElementById("zoom").addEventListener("change", applyZoom);

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
