// The geometry of the boxes of an FB network, as the 4diac IDE draws them: event pins above the
// waist, data pins below, inputs left, outputs right; a composite's or subapp's own interface
// seen from inside; plain boxes for applications and resources. Pure functions, no DOM.

export const ROW = 18;        // height of one pin row
export const CHAR = 7.2;      // width of one character of the 12px monospace font
export const NECK = 22;       // the waist of the block, holding the type name
export const INSET = 7;       // how far the waist is drawn in
export const VALUE_W = 58;    // room beside a block for watched values and counters
export const NAME_H = 18;     // the instance name above the block

export const textW = (s) => String(s).length * CHAR;

// -- measuring boxes -------------------------------------------------------------------------

// A block's (or a subapp's) geometry: pins with their offsets, the outline, the size for layout.
export function measureBlock(b) {
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
  return { w, h: daTop + daH + 34, top, evH, daTop, daH, pins };
}

// A composite's or subapp's own interface seen from inside: inputs on the left edge, outputs on
// the right (an input is a source inside).
export function measureBorder(border, side) {
  const itf = border.interface;
  const events = side === "in" ? itf.event_inputs : itf.event_outputs;
  const data = side === "in" ? [...itf.data_inputs, ...itf.inouts] : [...itf.data_outputs, ...itf.inouts];
  const labelW = Math.max(60, ...events.map((p) => textW(p.name)), ...data.map((p) => textW(p.name)));
  const w = labelW + 20;
  const pins = {};
  const x = side === "in" ? w : 0;
  const pside = side === "in" ? "out" : "in";
  events.forEach((p, i) => { pins[p.name] = { side: pside, kind: "event", x, y: NAME_H + 6 + i * ROW + ROW / 2, port: p }; });
  const daTop = NAME_H + 6 + events.length * ROW + 12;
  data.forEach((p, i) => { pins[p.name] = { side: pside, kind: "data", x, y: daTop + i * ROW + ROW / 2, port: p }; });
  return { w, h: daTop + data.length * ROW + 10, pins };
}

// An application group or a resource: a plain box whose pins come from the connections to it.
export function measurePlain(name, ins, outs) {
  const w = Math.max(textW(name) + 40, ...ins.map((p) => textW(p) + 60), ...outs.map((p) => textW(p) + 60), 135);
  const pins = {};
  ins.forEach((p, i) => { pins[p] = { side: "in", kind: "data", x: 0, y: NAME_H + 28 + i * ROW + ROW / 2, port: { name: p } }; });
  outs.forEach((p, i) => { pins[p] = { side: "out", kind: "data", x: w, y: NAME_H + 28 + i * ROW + ROW / 2, port: { name: p } }; });
  return { w, h: NAME_H + 38 + Math.max(ins.length, outs.length, 0) * ROW + 8, pins };
}

// The outline of a block: two boxes joined by the waist.
export function outline(w, m) {
  const y0 = m.top, y1 = m.top + m.evH, y2 = m.daTop, y3 = m.daTop + m.daH;
  return [[0, y0], [w, y0], [w, y1], [w - INSET, y1], [w - INSET, y2], [w, y2], [w, y3], [0, y3], [0, y2], [INSET, y2], [INSET, y1], [0, y1]]
    .map((p) => p.join(",")).join(" ");
}

