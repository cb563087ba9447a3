// Where the boxes of an FB network go: the 4diac editor's x/y when the file has them (scaled so
// no two boxes overlap), else a layered layout (dagre) with inputs left and outputs right.
//
// layoutNetwork(nodes, edges) -> { pos: Map(id -> {x, y}) (top-left corners), width, height }
//   nodes: [{ id, w, h, pos: [x, y] | null, role: "in" | "out" | null }]
//   edges: [[fromId, toId]], one per connection (repeats weigh more)

const GAP = 28, MARGIN = 24;

function overlaps(boxes) {
  // Sort by x and sweep: enough for a few hundred boxes.
  const sorted = [...boxes].sort((a, b) => a.x - b.x);
  for (let i = 0; i < sorted.length; i++) {
    const a = sorted[i];
    for (let j = i + 1; j < sorted.length; j++) {
      const b = sorted[j];
      if (b.x >= a.x + a.w + GAP) break;
      if (b.y < a.y + a.h + GAP && a.y < b.y + b.h + GAP) return true;
    }
  }
  return false;
}

function fromPositions(nodes) {
  const placed = nodes.filter((n) => n.pos && !n.role);
  const others = nodes.filter((n) => !n.pos && !n.role);
  const borders = nodes.filter((n) => n.role);
  // The files' units are the editor's; find the smallest scale at which nothing overlaps.
  let s = 0.12, chosen = null;
  for (; s <= 3; s *= 1.12) {
    const boxes = placed.map((n) => ({ x: n.pos[0] * s, y: n.pos[1] * s, w: n.w, h: n.h }));
    if (!overlaps(boxes)) { chosen = s; break; }
  }
  if (chosen === null) chosen = s;
  const pos = new Map();
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const n of placed) {
    const x = n.pos[0] * chosen, y = n.pos[1] * chosen;
    pos.set(n.id, { x, y });
    minX = Math.min(minX, x); minY = Math.min(minY, y);
    maxX = Math.max(maxX, x + n.w); maxY = Math.max(maxY, y + n.h);
  }
  if (!placed.length) { minX = minY = 0; maxX = maxY = 0; }
  // Boxes the file does not place: a column on the left.
  let colW = 0, y = minY;
  for (const n of others) colW = Math.max(colW, n.w);
  const colX = minX - (others.length ? colW + 3 * GAP : 0);
  for (const n of others) { pos.set(n.id, { x: colX, y }); y += n.h + GAP; maxY = Math.max(maxY, y); }
  minX = Math.min(minX, colX);
  // The composite's or subapp's own inputs at the far left, outputs at the far right.
  for (const n of borders) {
    const x = n.role === "in" ? minX - n.w - 3 * GAP : maxX + 3 * GAP;
    pos.set(n.id, { x, y: minY });
    maxY = Math.max(maxY, minY + n.h);
  }
  return normalise(nodes, pos);
}

function layered(nodes, edges) {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: "LR", nodesep: 26, ranksep: 70, edgesep: 12, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  // Insertion order decides ties: sort by id so the same network always lays out the same.
  const sorted = [...nodes].sort((a, b) => (a.role === "in" ? -1 : b.role === "in" ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const n of sorted) g.setNode(n.id, { width: n.w, height: n.h, rank: n.role === "in" ? "min" : undefined });
  const weight = new Map();
  for (const [a, b] of edges) {
    if (a === b || !g.hasNode(a) || !g.hasNode(b)) continue;
    const key = a + "\u0000" + b;
    weight.set(key, (weight.get(key) || 0) + 1);
  }
  for (const [key, w] of [...weight.entries()].sort()) {
    const [a, b] = key.split("\u0000");
    g.setEdge(a, b, { weight: w, minlen: 1 });
  }
  dagre.layout(g);
  const pos = new Map();
  for (const n of nodes) {
    const p = g.node(n.id);
    pos.set(n.id, { x: p.x - n.w / 2, y: p.y - n.h / 2 });
  }
  return normalise(nodes, pos);
}

function normalise(nodes, pos) {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const n of nodes) {
    const p = pos.get(n.id);
    minX = Math.min(minX, p.x); minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + n.w); maxY = Math.max(maxY, p.y + n.h);
  }
  if (!nodes.length) return { pos, width: 200, height: 120 };
  for (const p of pos.values()) { p.x += MARGIN - minX; p.y += MARGIN - minY; }
  return { pos, width: maxX - minX + 2 * MARGIN, height: maxY - minY + 2 * MARGIN };
}

export function layoutNetwork(nodes, edges) {
  const inner = nodes.filter((n) => !n.role);
  const placed = inner.filter((n) => n.pos);
  // Follow the file when it places most of what is shown.
  if (placed.length && placed.length * 2 >= inner.length) return { ...fromPositions(nodes), positioned: true };
  return { ...layered(nodes, edges), positioned: false };
}
