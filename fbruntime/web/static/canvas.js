// A pannable, zoomable view of a drawing: drag the background to pan, wheel or pinch to zoom
// around the pointer, Fit to show everything, a minimap with the visible part framed (click or
// drag it to move there), and centre(x, y) for search. Used by the FB network and the run graph.
//
//   const view = new Canvas(host, { width, height, minimap: true });
//   view.content.append(...);    // draw in world coordinates
//   view.fit();

const SVG = "http://www.w3.org/2000/svg";
const MIN_K = 0.05, MAX_K = 4;

function make(tag, attrs) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) n.setAttribute(k, v);
  return n;
}

export class Canvas {
  constructor(host, { width, height, label, minimap = true, className = "net" }) {
    this.host = host;
    this.width = Math.max(width, 1);
    this.height = Math.max(height, 1);
    this.k = 1; this.tx = 0; this.ty = 0;
    this.svg = make("svg", { class: className + " canvas", role: "group", "aria-label": label || "drawing" });
    this.content = make("g", { class: "viewport" });
    this.svg.append(this.content);
    host.replaceChildren(this.svg);
    host.classList.add("canvas-host");
    this.listeners = [];
    this._pointers = new Map();
    this._bind();
    if (minimap) this._minimap();
    this.apply();
  }

  get viewW() { return this.svg.clientWidth || this.host.clientWidth || 800; }
  get viewH() { return this.svg.clientHeight || this.host.clientHeight || 500; }

  onChange(fn) { this.listeners.push(fn); }

  apply() {
    this.content.setAttribute("transform", `translate(${this.tx},${this.ty}) scale(${this.k})`);
    this.host.dataset.zoom = this.k.toFixed(3);
    this.host.dataset.pan = Math.round(this.tx) + "," + Math.round(this.ty);
    this._drawFrame();
    for (const fn of this.listeners) fn(this);
  }

  // Zoom by `factor` keeping the world point under (px, py) (view coordinates) still.
  zoomAt(factor, px, py) {
    const k = Math.min(MAX_K, Math.max(MIN_K, this.k * factor));
    const wx = (px - this.tx) / this.k, wy = (py - this.ty) / this.k;
    this.k = k;
    this.tx = px - wx * k;
    this.ty = py - wy * k;
    this.apply();
  }

  zoomTo(k) { this.zoomAt(k / this.k, this.viewW / 2, this.viewH / 2); }

  // The whole drawing in view, with a margin; never blown past 100%.
  fit() {
    const m = 16;
    const k = Math.min((this.viewW - 2 * m) / this.width, (this.viewH - 2 * m) / this.height, 1);
    this.k = Math.max(MIN_K, k);
    this.tx = (this.viewW - this.width * this.k) / 2;
    this.ty = (this.viewH - this.height * this.k) / 2;
    this.apply();
  }

  // The first view: everything when that is still readable (zoom >= minK), else the top-left
  // part at zoom minK, so names can be read at once; the minimap shows the rest.
  initial(minK) {
    this.fit();
    if (this.k >= minK) return;
    this.k = minK;
    this.tx = 16;
    const h = this.height * minK;
    this.ty = h < this.viewH ? (this.viewH - h) / 2 : 16;
    this.apply();
  }

  // Bring world point (x, y) to the middle of the view, at least at zoom `k`.
  centre(x, y, k) {
    if (k !== undefined) this.k = Math.min(MAX_K, Math.max(this.k, k));
    this.tx = this.viewW / 2 - x * this.k;
    this.ty = this.viewH / 2 - y * this.k;
    this.apply();
  }

  toView(x, y) { return [x * this.k + this.tx, y * this.k + this.ty]; }

  _bind() {
    const svg = this.svg;
    svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      // Pinch on a touchpad arrives as a wheel with ctrlKey and small deltas.
      const step = e.ctrlKey ? 0.01 : 0.0015;
      this.zoomAt(Math.exp(-e.deltaY * step), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    svg.addEventListener("pointerdown", (e) => {
      if (e.button !== 0 && e.pointerType === "mouse") return;
      // Blocks take their own clicks; the background (and edges) pan.
      if (e.target.closest && e.target.closest("[data-block], [data-group], [data-task], .border-node")) {
        if (e.pointerType === "mouse") return;
      }
      this._pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      svg.setPointerCapture(e.pointerId);
      this._moved = 0;
      svg.classList.add("panning");
    });
    svg.addEventListener("pointermove", (e) => {
      const p = this._pointers.get(e.pointerId);
      if (!p) return;
      if (this._pointers.size === 2) {
        const [a, b] = [...this._pointers.values()];
        const before = Math.hypot(a.x - b.x, a.y - b.y);
        p.x = e.clientX; p.y = e.clientY;
        const [c, d] = [...this._pointers.values()];
        const after = Math.hypot(c.x - d.x, c.y - d.y);
        const r = svg.getBoundingClientRect();
        if (before > 0) this.zoomAt(after / before, (c.x + d.x) / 2 - r.left, (c.y + d.y) / 2 - r.top);
        return;
      }
      const dx = e.clientX - p.x, dy = e.clientY - p.y;
      p.x = e.clientX; p.y = e.clientY;
      this._moved += Math.abs(dx) + Math.abs(dy);
      this.tx += dx; this.ty += dy;
      this.apply();
    });
    const end = (e) => {
      this._pointers.delete(e.pointerId);
      if (!this._pointers.size) svg.classList.remove("panning");
    };
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    // A drag that moved is not a click on whatever it started on.
    svg.addEventListener("click", (e) => { if (this._moved > 4) { e.stopPropagation(); e.preventDefault(); this._moved = 0; } }, true);
    window.addEventListener("resize", () => this.apply());
  }

  // -- the minimap --------------------------------------------------------------------------------

  _minimap() {
    const W = 180, H = Math.max(60, Math.min(140, W * this.height / this.width));
    this.mini = { W, H, s: Math.min(W / this.width, H / this.height) };
    const box = make("svg", { class: "minimap", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Minimap: click to move the view" });
    this.miniBoxes = make("g", { class: "mini-boxes" });
    this.miniFrame = make("rect", { class: "mini-frame" });
    box.append(make("rect", { x: 0, y: 0, width: W, height: H, class: "mini-bg" }), this.miniBoxes, this.miniFrame);
    const move = (e) => {
      const r = box.getBoundingClientRect();
      const x = (e.clientX - r.left) / this.mini.s, y = (e.clientY - r.top) / this.mini.s;
      this.centre(x, y);
    };
    let dragging = false;
    box.addEventListener("pointerdown", (e) => { dragging = true; box.setPointerCapture(e.pointerId); move(e); });
    box.addEventListener("pointermove", (e) => { if (dragging) move(e); });
    box.addEventListener("pointerup", () => { dragging = false; });
    this.host.append(box);
    this.miniEl = box;
  }

  // Boxes for the minimap: [{x, y, w, h, cls}] in world coordinates.
  setMiniBoxes(boxes) {
    if (!this.mini) return;
    const s = this.mini.s;
    this.miniBoxes.replaceChildren(...boxes.map((b) => make("rect", {
      x: b.x * s, y: b.y * s, width: Math.max(1.5, b.w * s), height: Math.max(1.5, b.h * s), class: "mini-box " + (b.cls || ""),
    })));
  }

  _drawFrame() {
    if (!this.mini) return;
    const s = this.mini.s;
    const x = -this.tx / this.k, y = -this.ty / this.k;
    this.miniFrame.setAttribute("x", x * s);
    this.miniFrame.setAttribute("y", y * s);
    this.miniFrame.setAttribute("width", (this.viewW / this.k) * s);
    this.miniFrame.setAttribute("height", (this.viewH / this.k) * s);
  }
}
