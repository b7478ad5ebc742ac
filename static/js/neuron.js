// Section 3.1.1-3.1.2 with one neuron: the biological neuron (Fig. 3-1) next to the artificial one it maps to
// (Fig. 3-3), then sliders for w1, w2 and b that set the session's weights. The plane figure draws the line
// w^T x + b = 0 with its axes, the side where the neuron says +1 and the side where it says -1, its normal w
// and its distance |b|/||w|| from the origin (Fig. 3-4); with the Sigmoid function it shows P(y=1|x) at x
// (logistic regression). The table lists each of Table 3-1's activations at x. Numbers come from the engine.
import { neuron } from "./api.js";
import { CLASS_COLORS, NEGATIVE, POSITIVE } from "./colors.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const SIZE = 340;  // the plane's drawing, px
const MARGIN = 36;  // room for the ticks and axis names

/** An SVG element with attributes (and text). */
export function svg(tag, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== null) element.textContent = text;
  return element;
}

/**
 * A plane for x1, x2 in `domain` with axes, ticks every 0.5 and the axis names; returns {root, px, py, clip}
 * where px/py map x1/x2 to SVG coordinates and `clip` is the plot area's clip-path reference.
 */
export function plane(domain, label, id) {
  const [[a, b], [c, d]] = domain;
  const inner = SIZE - 2 * MARGIN;
  const px = (x1) => MARGIN + ((x1 - a) / (b - a)) * inner;
  const py = (x2) => MARGIN + (1 - (x2 - c) / (d - c)) * inner;
  const root = svg("svg", { viewBox: `0 0 ${SIZE} ${SIZE}`, width: SIZE, height: SIZE, role: "img",
    "aria-label": label, class: "plane-figure" });
  root.style.background = "#fff";
  const clipPath = svg("clipPath", { id: `${id}-clip` });
  clipPath.append(svg("rect", { x: MARGIN, y: MARGIN, width: inner, height: inner }));
  root.append(clipPath, svg("rect", { x: MARGIN, y: MARGIN, width: inner, height: inner, fill: "none",
    stroke: "#767676" }));
  const axes = svg("g", { "font-size": 11, fill: "#333" });
  for (let v = Math.ceil(a * 2) / 2; v <= b + 1e-9; v += 0.5) {
    axes.append(svg("line", { x1: px(v), x2: px(v), y1: SIZE - MARGIN, y2: SIZE - MARGIN + 4, stroke: "#333" }),
      svg("text", { x: px(v), y: SIZE - MARGIN + 15, "text-anchor": "middle" }, String(v)));
  }
  for (let v = Math.ceil(c * 2) / 2; v <= d + 1e-9; v += 0.5) {
    axes.append(svg("line", { x1: MARGIN - 4, x2: MARGIN, y1: py(v), y2: py(v), stroke: "#333" }),
      svg("text", { x: MARGIN - 6, y: py(v) + 4, "text-anchor": "end" }, String(v)));
  }
  axes.append(svg("text", { x: SIZE - MARGIN, y: SIZE - 6, "text-anchor": "end", "font-style": "italic",
    "font-size": 13 }, "x₁"), svg("text", { x: 6, y: MARGIN - 10, "font-style": "italic", "font-size": 13 }, "x₂"));
  if (a < 0 && b > 0) axes.append(svg("line", { x1: px(0), x2: px(0), y1: py(c), y2: py(d), stroke: "#ccc" }));
  if (c < 0 && d > 0) axes.append(svg("line", { x1: px(a), x2: px(b), y1: py(0), y2: py(0), stroke: "#ccc" }));
  root.append(axes);
  return { root, px, py, clip: `url(#${id}-clip)` };
}

// Fig. 3-1 -> Fig. 3-3: each part of the biological neuron, the artificial part it becomes, and its colour.
const PARTS = [["dendrite", "#1b7837"], ["synapse", "#8c510a"], ["body", "#2166ac"], ["axon", "#b2182b"]];

/** The biological neuron (Fig. 3-1) next to the artificial neuron it maps to, as one SVG, plus its key. */
function biologyFigure() {
  const box = document.createElement("figure");
  box.className = "nv-bio";
  box.style.margin = "0 0 12px";
  const colour = Object.fromEntries(PARTS);
  const root = svg("svg", { viewBox: "0 0 760 210", width: "100%", role: "img", "aria-label": t("nv_bio_label") });
  root.style.maxWidth = "760px";
  const g = svg("g", { fill: "none", "stroke-width": 3, "stroke-linecap": "round" });
  // the biological neuron: dendrites branching into the cell body, the axon, and synapses on the next cell
  for (const [x1, y1, x2, y2] of [[20, 40, 70, 75], [40, 20, 60, 60], [15, 105, 75, 100], [20, 170, 70, 125],
    [45, 190, 65, 140], [30, 75, 52, 70]]) {
    g.append(svg("line", { x1, y1, x2, y2, stroke: colour.dendrite }));
  }
  g.append(svg("circle", { cx: 105, cy: 100, r: 38, fill: "#d1e5f0", stroke: colour.body }),
    svg("circle", { cx: 105, cy: 100, r: 11, fill: colour.body, stroke: "none" }),
    svg("path", { d: "M143 100 C 190 85, 230 115, 280 100", stroke: colour.axon }));
  for (const dy of [-22, 0, 22]) {
    g.append(svg("line", { x1: 280, y1: 100, x2: 310, y2: 100 + dy, stroke: colour.axon }),
      svg("circle", { cx: 314, cy: 100 + dy, r: 5, fill: colour.synapse, stroke: "none" }));
  }
  g.append(svg("line", { x1: 322, y1: 60, x2: 326, y2: 140, stroke: "#999", "stroke-dasharray": "4 3" }));
  // the artificial neuron: inputs x, weights w, the sum a = w^T x + b, g, and the output h
  const ink = { "font-size": 14, fill: "#222", stroke: "none" };
  for (const [i, y] of [[0, 55], [1, 100], [2, 150]]) {
    g.append(svg("circle", { cx: 440, cy: y, r: 17, fill: "#fff", stroke: colour.dendrite }),
      svg("line", { x1: 458, y1: y, x2: 533, y2: 100 + (y - 100) * 0.25, stroke: colour.synapse, "stroke-width": 2 }),
      svg("text", { ...ink, x: 440, y: y + 5, "text-anchor": "middle", "font-size": 13 }, ["x₁", "x₂", "x_D"][i]),
      svg("text", { ...ink, x: 497, y: y + (100 - y) * 0.45 - 6, fill: colour.synapse }, ["w₁", "w₂", "w_D"][i]));
  }
  g.append(svg("text", { ...ink, x: 436, y: 130 }, "⋮"),
    svg("ellipse", { cx: 590, cy: 100, rx: 58, ry: 36, fill: "#d1e5f0", stroke: colour.body }),
    svg("text", { ...ink, x: 590, y: 96, "text-anchor": "middle" }, "a = wᵀx + b"),
    svg("text", { ...ink, x: 590, y: 114, "text-anchor": "middle" }, "h = g(a)"),
    svg("line", { x1: 648, y1: 100, x2: 700, y2: 100, stroke: colour.axon }),
    svg("path", { d: "M700 93 L712 100 L700 107 Z", fill: colour.axon, stroke: "none" }),
    svg("text", { ...ink, x: 720, y: 105 }, "h"),
    svg("text", { ...ink, x: 590, y: 156, "text-anchor": "middle", fill: "#555" }, "+ b"));
  // labels: each biological part in its colour, and the arrow of the mapping
  const labels = svg("g", { "font-size": 13, stroke: "none" });
  for (const [key, x, y] of [["dendrite", 2, 205], ["body", 75, 160], ["axon", 190, 80], ["synapse", 262, 150]]) {
    labels.append(svg("text", { x, y, fill: colour[key], "font-weight": "bold" }, t(`nv_bio_${key}`)));
  }
  labels.append(svg("text", { x: 340, y: 30, fill: "#333" }, t("nv_bio_arrow")),
    svg("text", { x: 590, y: 30, fill: colour.body, "text-anchor": "middle", "font-weight": "bold" }, t("nv_art_body")),
    svg("text", { x: 440, y: 200, fill: colour.dendrite, "text-anchor": "middle", "font-weight": "bold" }, t("nv_art_inputs")),
    svg("text", { x: 665, y: 85, fill: colour.axon, "text-anchor": "middle", "font-weight": "bold" }, t("nv_art_output")));
  root.append(g, labels);
  const key = document.createElement("figcaption");
  const list = document.createElement("ul");
  list.style.margin = "4px 0";
  for (const [part, hue] of PARTS) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.style.color = hue;
    name.textContent = t(`nv_bio_${part}`);
    item.append(name, ` → ${t(`nv_maps_${part}`)}`);
    list.append(item);
  }
  key.append(t("nv_bio_caption"), list);
  box.append(root, key);
  return box;
}

// What each activation says on the two sides of the line (the Sigmoid function: the class of P(y=1|x) >= 0.5).
const SIDES = { sign: ["+1", "−1"], step: ["1", "0"], sigmoid: ["nv_side_p_high", "nv_side_p_low"],
  linear: ["nv_side_pos", "nv_side_neg"], tanh: ["nv_side_pos", "nv_side_neg"], relu: ["nv_side_pos", "nv_side_neg"] };

export class NeuronView {
  constructor(container, playground, figure) {
    this.container = container;
    this.playground = playground;
    this.domain = figure.domain;
    this.activation = figure.activation ?? "sign";
    this.requests = 0;  // updates asked for so far
    this.bio = biologyFigure();
    container.append(this.bio);
    const part = document.createElement("div");
    part.className = "nv";
    part.innerHTML = `
        <div class="nv-plane-box" style="max-width:${SIZE + 20}px"></div>
        <div class="nv-side">
          <div class="nv-sliders"></div>
          <p><span class="nv-x-label"></span> <input class="nv-x1" type="number" step="0.1" value="1">
            <input class="nv-x2" type="number" step="0.1" value="1"></p>
          <p><label><span class="nv-g-label"></span> <select class="nv-g"></select></label></p>
          <p class="nv-facts" aria-live="polite"></p>
          <p class="nv-p" aria-live="polite"></p>
          <table class="nv-table"><caption></caption><tbody></tbody></table>
        </div>`;
    container.append(part);
    this.$ = (s) => part.querySelector(s);
    this.$(".nv-x1").setAttribute("aria-label", "x₁");
    this.$(".nv-x2").setAttribute("aria-label", "x₂");
    for (const name of Object.keys(SIDES)) this.$(".nv-g").append(new Option("", name, false, name === this.activation));
    this.$(".nv-g").value = this.activation;
    this.words();
    // i18n.js's apply() sets <html lang> on every language change: draw the figure again in the new language.
    new MutationObserver(() => {
      const bio = biologyFigure();
      this.bio.replaceWith(bio);
      this.bio = bio;
      this.words();
      this.update(false);
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    this.$(".nv-g").addEventListener("change", () => { this.activation = this.$(".nv-g").value; this.update(false); });
    this.sliders = {};
    for (const [key, label] of [["w1", "w₁"], ["w2", "w₂"], ["b", "b"]]) {
      const row = document.createElement("label");
      row.innerHTML = `<span>${label}</span> <input type="range" min="-3" max="3" step="0.1"> <output></output>`;
      const input = row.querySelector("input");
      input.setAttribute("aria-label", key === "b" ? "b" : label);
      input.addEventListener("input", () => { row.querySelector("output").textContent = Number(input.value).toFixed(1); this.update(false); });
      input.addEventListener("change", () => this.update(true));
      this.$(".nv-sliders").append(row);
      this.sliders[key] = { input, output: row.querySelector("output") };
    }
    for (const input of part.querySelectorAll(".nv-x1, .nv-x2")) input.addEventListener("change", () => this.update(false));
    this.load();
  }

  /** The figure's fixed words, in the page's language. */
  words() {
    this.$(".nv-x-label").textContent = t("nv_x");
    this.$(".nv-g-label").textContent = t("nv_g");
    this.$(".nv-table caption").textContent = t("nv_table_caption");
    for (const option of this.$(".nv-g").options) option.textContent = t(`act_name_${option.value}`);
  }

  async load() {
    const weights = await this.playground.session.call("GET", "/weights");
    const layer = weights.layers[0];
    this.set({ w1: layer.W[0][0], w2: layer.W[0][1], b: layer.b[0] });
    this.update(false);
  }

  set(values) {
    for (const [key, value] of Object.entries(values)) {
      this.sliders[key].input.value = value;
      this.sliders[key].output.textContent = Number(value).toFixed(1);
    }
  }

  values() {
    const v = (key) => Number(this.sliders[key].input.value);
    return { w: [v("w1"), v("w2")], b: v("b"), x: [Number(this.$(".nv-x1").value), Number(this.$(".nv-x2").value)] };
  }

  /** Ask the engine for the neuron's line and outputs; with `commit`, also set the session's weights. */
  async update(commit) {
    const { w, b, x } = this.values();
    const request = ++this.requests;  // answers can come back out of order
    try {
      if (commit) {
        const session = this.playground.session;
        await session.editWeight(1, 0, 0, w[0]);
        await session.editWeight(1, 0, 1, w[1]);
        await session.editWeight(1, 0, null, b);
      }
      if (w[0] === 0 && w[1] === 0) return;
      const result = await neuron({ w, b, x });
      if (request !== this.requests) return;  // a newer update is on its way: draw only the latest values
      this.draw(result, w, x);
      this.table(result);
    } catch (error) {
      this.playground.fail(error);
    }
  }

  draw(result, w, x) {
    const { root, px, py, clip } = plane(this.domain, t("nv_plane_label"), "nv");
    const [[lo1, hi1], [lo2, hi2]] = this.domain;
    const [n1, n2] = result.line.normal;
    const [q1, q2] = result.line.nearest_point;
    const far = 100;
    // the two half-planes: the side w points to (a >= 0) and the other, as one big polygon each
    const side = (s) => [[q1 - far * n2, q2 + far * n1], [q1 + far * n2, q2 - far * n1],
      [q1 + far * n2 + s * far * n1, q2 - far * n1 + s * far * n2], [q1 - far * n2 + s * far * n1, q2 + far * n1 + s * far * n2]]
      .map(([u, v]) => `${px(u)},${py(v)}`).join(" ");
    const shading = svg("g", { "clip-path": clip });
    shading.append(svg("polygon", { points: side(1), fill: POSITIVE, "fill-opacity": 0.12 }),
      svg("polygon", { points: side(-1), fill: NEGATIVE, "fill-opacity": 0.12 }),
      svg("line", { x1: px(q1 - far * n2), y1: py(q2 + far * n1), x2: px(q1 + far * n2), y2: py(q2 - far * n1),
        stroke: "#183d4e", "stroke-width": 2 }),
      svg("line", { x1: px(0), y1: py(0), x2: px(q1), y2: py(q2), stroke: "#767676", "stroke-dasharray": "4 4" }));
    root.append(shading);
    // the normal w, from the line's nearest point to the origin, as an arrow
    const tip = [q1 + 0.4 * n1, q2 + 0.4 * n2];
    const arrow = svg("g", { stroke: POSITIVE, "stroke-width": 2.5 });
    const angle = Math.atan2(py(tip[1]) - py(q2), px(tip[0]) - px(q1));
    const head = (da) => `${px(tip[0]) - 9 * Math.cos(angle + da)},${py(tip[1]) - 9 * Math.sin(angle + da)}`;
    arrow.append(svg("line", { x1: px(q1), y1: py(q2), x2: px(tip[0]), y2: py(tip[1]) }),
      svg("polygon", { points: `${px(tip[0])},${py(tip[1])} ${head(0.45)} ${head(-0.45)}`, fill: POSITIVE }));
    root.append(arrow, svg("text", { x: px(tip[0]) + 6, y: py(tip[1]) - 4, fill: POSITIVE, "font-weight": "bold",
      "font-size": 14 }, "w"));
    // the data points, coloured by class
    const data = this.playground.data;
    if (data) {
      for (const part of [data.train, data.test]) {
        part.X.forEach((p, i) => root.append(svg("circle", { cx: px(p[0]), cy: py(p[1]), r: 6,
          fill: CLASS_COLORS[part.y[i]] || "#888", stroke: "#fff" })));
      }
    }
    // the input x, and what the neuron says there
    root.append(svg("circle", { cx: px(x[0]), cy: py(x[1]), r: 7, fill: "none", stroke: "#000", "stroke-width": 2 }));
    const sigmoid = result.activations.find((act) => act.name === "sigmoid");
    if (this.activation === "sigmoid" && sigmoid) {
      root.append(svg("text", { x: px(x[0]) + 10, y: py(x[1]) + 16, "font-size": 12, fill: "#000" },
        `P(y=1|x) = ${sigmoid.value.toFixed(3)}`));
    }
    // which side says what: labels at the centre of each side's visible part
    const [pos, neg] = SIDES[this.activation].map((key) => (key.startsWith("nv_") ? t(key) : key));
    const inset = [[lo1 + 0.2, hi1 - 0.2], [lo2 + 0.15, hi2 - 0.1]];
    const spots = [0, 0.25, 0.5, 0.75, 1].flatMap((i) => [0, 0.25, 0.5, 0.75, 1].map((j) => [
      inset[0][0] + i * (inset[0][1] - inset[0][0]), inset[1][0] + j * (inset[1][1] - inset[1][0])]));
    const place = (s) => spots.reduce((best, p) => {  // the spot deepest inside that side
      const depth = (u) => s * (n1 * (u[0] - q1) + n2 * (u[1] - q2));
      return depth(p) > depth(best) ? p : best;
    });
    for (const [s, text, colour] of [[1, pos, POSITIVE], [-1, neg, "#b35900"]]) {
      const [u, v] = place(s);
      root.append(svg("text", { x: px(u), y: py(v), "text-anchor": "middle", "font-size": 13, "font-weight": "bold",
        fill: colour, stroke: "#fff", "stroke-width": 3, "paint-order": "stroke" }, text));
    }
    const key = document.createElement("p");
    key.className = "nv-key";
    key.style.fontSize = "12px";
    key.textContent = t("nv_key", { pos, neg });
    this.$(".nv-plane-box").replaceChildren(root, key);
    this.$(".nv-facts").textContent = t("nv_facts", {
      a: result.a.toFixed(3), distance: result.line.distance.toFixed(3), w: `(${w.map((v) => v.toFixed(1)).join(", ")})` });
    const p = sigmoid.value;
    this.$(".nv-p").textContent = t("nv_sigmoid", { p: p.toFixed(3), a: result.a.toFixed(3),
      relation: p >= 0.5 ? "≥" : "<", sign: result.a >= 0 ? "≥" : "<", class: p >= 0.5 ? 1 : 0 });
  }

  table(result) {
    const body = this.$(".nv-table tbody");
    body.replaceChildren(...result.activations.map((act) => {
      const row = document.createElement("tr");
      if (act.name === this.activation) row.style.background = "#fff3d6";
      const graph = document.createElement("canvas");
      graph.width = 80;
      graph.height = 40;
      graph.setAttribute("role", "img");
      graph.setAttribute("aria-label", t("nv_graph_label", { name: t(`act_name_${act.name}`) }));
      const g = graph.getContext("2d");
      const ys = act.graph.g;
      const lo = Math.min(...ys, 0) - 0.1;
      const hi = Math.max(...ys, 1) + 0.1;
      const gx = (v) => ((v + 5) / 10) * 80;
      const gy = (v) => 40 - ((v - lo) / (hi - lo)) * 40;
      g.strokeStyle = "#ccc";
      g.beginPath(); g.moveTo(gx(0), 0); g.lineTo(gx(0), 40); g.moveTo(0, gy(0)); g.lineTo(80, gy(0)); g.stroke();
      g.strokeStyle = "#183d4e";
      g.beginPath();
      act.graph.a.forEach((v, i) => (i ? g.lineTo(gx(v), gy(ys[i])) : g.moveTo(gx(v), gy(ys[i]))));
      g.stroke();
      g.fillStyle = "#f59322";
      g.beginPath(); g.arc(gx(Math.max(-5, Math.min(5, result.a))), gy(act.value), 3, 0, 2 * Math.PI); g.fill();
      const name = document.createElement("td");
      name.textContent = t(`act_name_${act.name}`);
      const value = document.createElement("td");
      value.textContent = `g(a) = ${act.value.toFixed(3)}`;
      const about = document.createElement("td");
      about.textContent = t(`act_${act.name}`);
      const cell = document.createElement("td");
      cell.append(graph);
      row.append(name, cell, value, about);
      return row;
    }));
  }
}
