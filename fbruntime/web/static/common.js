// Shared by every page: the API token, calls to the API, streams that reconnect, the
// connection status line, and small DOM helpers. Plain ES module, no build step.

const TOKEN_KEY = "fbrt.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || "";
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const t = token();
  if (t) h["Authorization"] = "Bearer " + t;
  return h;
}

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

// Call the API; throws ApiError with the server's own explanation on refusal.
export async function api(method, url, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, "the server cannot be reached");
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (e) { data = text; }
  if (!res.ok) {
    let detail = (data && data.detail) || res.statusText || "request failed";
    if (res.status === 401) detail += " (enter the API token at the top of the page)";
    throw new ApiError(res.status, detail);
  }
  return data;
}

// -- connection status -------------------------------------------------------------------

const conn = { lost: null };

export function setConnection(state, text) {
  const el = document.getElementById("conn");
  if (!el) return;
  el.className = "conn conn-" + state;
  el.textContent = text;
  document.body.dataset.connection = state;
}

export function connectionLost() {
  if (conn.lost === null) conn.lost = new Date();
  setConnection("lost", "server unreachable since " + conn.lost.toLocaleTimeString() +
    ": showing the last known state; reconnecting…");
}

export function connectionLive(what) {
  conn.lost = null;
  setConnection("live", "live" + (what ? ": " + what : ""));
}

// -- server-sent events over fetch (so the token goes in a header, not the URL) ---------------

// Open a stream and keep it open: on any end or error, wait and reconnect (1 s, growing to
// 5 s). onFrame(data, eventName) gets every frame; onOpen() each time it (re)connects.
export function follow(urlFn, { onFrame, onOpen, onError, what }) {
  let stopped = false;
  let controller = null;
  let delay = 1000;
  async function loop() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const res = await fetch(urlFn(), { headers: headers({ Accept: "text/event-stream" }), signal: controller.signal });
        if (!res.ok) {
          let detail = res.statusText;
          try { detail = (await res.json()).detail || detail; } catch (e) { /* not JSON */ }
          if (onError) onError(res.status, detail);
          if (res.status === 404 || res.status === 401) {
            setConnection("lost", detail);
            await sleep(3000);
            continue;
          }
          throw new Error(detail);
        }
        connectionLive(what);
        delay = 1000;
        if (onOpen) await onOpen();
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            let name = "message";
            const data = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) name = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).trim());
            }
            if (data.length) onFrame(JSON.parse(data.join("\n")), name);
          }
        }
        if (stopped) return;
        connectionLost();
      } catch (e) {
        if (stopped) return;
        connectionLost();
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }
  loop();
  return { stop() { stopped = true; if (controller) controller.abort(); } };
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// -- DOM ---------------------------------------------------------------------------------------

// el("button", {type: "button", onclick: f}, "Text", child...)
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function pill(state) {
  return el("span", { class: "pill st-" + state }, state);
}

// Times always carry their date (runs and faults outlive a day): 2025-12-03 11:53:47.
export function fmtDateTime(when) {
  if (when === null || when === undefined || when === "") return "–";
  const d = new Date(when);
  if (isNaN(d)) return "–";
  const p = (n) => String(n).padStart(2, "0");
  return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
}

export const fmtTime = fmtDateTime;

export function fmtDuration(startIso, endIso) {
  if (!startIso) return "–";
  const ms = (endIso ? new Date(endIso) : new Date()) - new Date(startIso);
  if (ms < 1000) return ms + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
  return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
}

// Show a message to the user (errors are announced by screen readers: role=alert).
export function notice(text, kind) {
  const box = document.getElementById("notice");
  if (!box) return;
  box.textContent = text;
  box.className = "notice notice-" + (kind || "error");
  box.setAttribute("role", kind === "ok" ? "status" : "alert");
  box.hidden = !text;
  clearTimeout(notice.timer);
  if (text && kind === "ok") notice.timer = setTimeout(() => { box.hidden = true; }, 4000);
}

// Ask before something that cannot be undone; resolves true when the user confirms.
export function confirmAction(text, okLabel) {
  let dialog = document.getElementById("confirm");
  if (!dialog) {
    dialog = el("dialog", { id: "confirm", class: "confirm", "aria-labelledby": "confirm-text" },
      el("p", { id: "confirm-text" }),
      el("div", { class: "confirm-buttons" },
        el("button", { type: "button", id: "confirm-ok", class: "danger" }, "OK"),
        el("button", { type: "button", id: "confirm-cancel" }, "Cancel")));
    document.body.append(dialog);
  }
  dialog.querySelector("#confirm-text").textContent = text;
  dialog.querySelector("#confirm-ok").textContent = okLabel || "OK";
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); resolve(answer); };
    dialog.querySelector("#confirm-ok").onclick = () => done(true);
    dialog.querySelector("#confirm-cancel").onclick = () => done(false);
    dialog.oncancel = (e) => { e.preventDefault(); done(false); };
    dialog.showModal();
    dialog.querySelector("#confirm-cancel").focus();
  });
}

// Run an action, reporting its outcome in the notice box.
export async function act(label, fn) {
  try {
    const out = await fn();
    notice(label + ": done", "ok");
    return out;
  } catch (e) {
    notice(label + ": " + e.message, "error");
    return undefined;
  }
}

// -- the token form ------------------------------------------------------------------------------

function showTokenState(text) {
  const state = document.getElementById("token-state");
  if (state) state.textContent = text || (token() ? "token accepted" : "no token");
  document.body.dataset.token = token() ? "ok" : "none";
}

// Check the stored token once per page (it may have been changed on the server since).
export async function tokenState() {
  if (!token()) { showTokenState(); return; }
  const res = await fetch("/api/auth/check", { headers: headers() }).catch(() => null);
  if (res && res.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
    showTokenState("stored token refused: enter it again");
    return;
  }
  showTokenState();
}

export function initTokenForm() {
  const form = document.getElementById("token-form");
  if (!form) return;
  const input = document.getElementById("token");
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    showTokenState("checking…");
    let res = null;
    try {
      res = await fetch("/api/auth/check", { headers: { Authorization: "Bearer " + value } });
    } catch (err) {
      showTokenState("cannot check the token: the server is unreachable");
      return;
    }
    if (res.status === 204) {
      sessionStorage.setItem(TOKEN_KEY, value);
      input.value = "";
      showTokenState();
      notice("token accepted", "ok");
    } else {
      input.select();
      showTokenState("token refused");
      notice("This token is not the server's API token (it was not kept).", "error");
    }
  });
  document.getElementById("token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(TOKEN_KEY);
    showTokenState();
  });
  showTokenState();
}

initTokenForm();
