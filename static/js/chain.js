// The chain rule over paths (section 3.3, eq. 3.19, Fig. 3-19 to 3-22) on the lesson's network, and the network
// drawn with each neuron split into its linear input a (dashed half) and its output h (solid half), as Fig. 3-23
// and 3-26 draw it. drawNetwork is shared with backprop.js (Fig. 3-27). Every number comes from the engine.
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const SUB = "₀₁₂₃₄₅₆₇₈₉";
const sub = (n) => String(n).split("").map((d) => SUB[Number(d)]).join("");
export const num = (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(4));

// Colours of the diagram, explained by its key: the forward pass, the backward pass, the chain rule's start.
export const COLORS = { forward: "#1565c0", backward: "#c2410c", start: "#6a1b9a", idle: "#6b7280" };

/** A node's name as the chapter writes it (from 1): x₁, a(2)₁, h(1)₂, y₁, l. node = [half, layer, index]. */
export function nodeName([half, layer, index], layers) {
  if (half === "l") return "l";
  if (half === "h" && layer === 0) return `x${sub(index + 1)}`;
  if (half === "h" && layer === layers) return `y${sub(index + 1)}`;
  return `${half}(${layer})${sub(index + 1)}`;
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draw the network into `svg`: widths = [inputs, units of layer 1, ..., outputs], then the loss l.
 * marks: {halves: Map "a:k:j"/"h:k:j"/"l" -> colour, edges: Map "k:i:j" (W(k)ij) or "y:j" -> colour,
 *         values: Map "a:k:j"/"h:k:j" -> number shown next to the half}.
 */
export function drawNetwork(svg, widths, marks = {}) {
  const halves = marks.halves ?? new Map();
  const edges = marks.edges ?? new Map();
  const values = marks.values ?? new Map();
  const L = widths.length - 1;
  const columns = widths.length + 1;  // + the loss
  const width = 130 * columns;
  const rows = Math.max(...widths);
  const height = 40 + 78 * rows;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.replaceChildren();
  const x = (k) => 65 + 130 * k;
  const y = (j, n) => 62 + 78 * j + (78 * (rows - n)) / 2;
  const r = 20;
  const header = (k) => (k === 0 ? t("chain_inputs") : k === L ? t("chain_output_layer", { k }) : k > L ? t("chain_loss")
    : t("chain_layer", { k }));
  for (let k = 0; k <= L + 1; k++) svg.append(el("text", { x: x(k), y: 18, "text-anchor": "middle", class: "cr-head" }, header(k)));
  // links: h(k-1)_j -> a(k)_i carry W(k)_ij; y_j -> l
  for (let k = 1; k <= L; k++) {
    for (let i = 0; i < widths[k]; i++) {
      for (let j = 0; j < widths[k - 1]; j++) {
        const colour = edges.get(`${k}:${i}:${j}`);
        svg.append(el("line", { x1: x(k - 1) + r, y1: y(j, widths[k - 1]), x2: x(k) - r, y2: y(i, widths[k]),
          stroke: colour ?? COLORS.idle, "stroke-width": colour ? 3 : 1, "stroke-opacity": colour ? 1 : 0.5 }));
      }
    }
  }
  const loss = [x(L + 1), y(0, 1)];
  for (let j = 0; j < widths[L]; j++) {
    const colour = edges.get(`y:${j}`);
    svg.append(el("line", { x1: x(L) + r, y1: y(j, widths[L]), x2: loss[0] - r, y2: loss[1],
      stroke: colour ?? COLORS.idle, "stroke-width": colour ? 3 : 1, "stroke-opacity": colour ? 1 : 0.5 }));
  }
  const half = (cx, cy, side, key, dashed, letter) => {
    const colour = halves.get(key);
    const sweep = side === "left" ? 0 : 1;
    svg.append(el("path", { d: `M ${cx} ${cy - r} A ${r} ${r} 0 0 ${sweep} ${cx} ${cy + r} Z`,
      fill: colour ? `${colour}22` : "#ffffff", stroke: colour ?? COLORS.idle, "stroke-width": colour ? 2.5 : 1.2,
      "stroke-dasharray": dashed ? "4 3" : "none" }));
    svg.append(el("text", { x: cx + (side === "left" ? -9 : 9), y: cy + 4, "text-anchor": "middle", class: "cr-letter" }, letter));
    const value = values.get(key);
    if (value !== undefined) {
      svg.append(el("text", { x: cx + (side === "left" ? -4 : 4), y: cy + (side === "left" ? r + 14 : -r - 6),
        "text-anchor": side === "left" ? "end" : "start", class: "cr-value", fill: colour ?? "#111" }, num(value)));
    }
  };
  for (let k = 0; k <= L; k++) {
    for (let j = 0; j < widths[k]; j++) {
      const cx = x(k);
      const cy = y(j, widths[k]);
      if (k === 0) {  // an input is a value, not a neuron: one solid circle
        const colour = halves.get(`h:0:${j}`);
        svg.append(el("circle", { cx, cy, r, fill: colour ? `${colour}22` : "#ffffff", stroke: colour ?? COLORS.idle,
          "stroke-width": colour ? 2.5 : 1.2 }));
        const value = values.get(`h:0:${j}`);
        if (value !== undefined) svg.append(el("text", { x: cx, y: cy - r - 6, "text-anchor": "middle", class: "cr-value" }, num(value)));
      } else {
        half(cx, cy, "left", `a:${k}:${j}`, true, "a");
        half(cx, cy, "right", `h:${k}:${j}`, false, k === L ? "y" : "h");
      }
      svg.append(el("text", { x: cx - r - 4, y: cy - r + 2, "text-anchor": "end", class: "cr-index" }, String(j + 1)));
    }
  }
  const colour = halves.get("l");
  svg.append(el("circle", { cx: loss[0], cy: loss[1], r, fill: colour ? `${colour}22` : "#ffffff",
    stroke: colour ?? COLORS.idle, "stroke-width": colour ? 2.5 : 1.2 }));
  svg.append(el("text", { x: loss[0], y: loss[1] + 5, "text-anchor": "middle", class: "cr-letter" }, "l"));
  if (values.has("l")) svg.append(el("text", { x: loss[0], y: loss[1] - r - 6, "text-anchor": "middle", class: "cr-value" }, num(values.get("l"))));
}

/** The key under a diagram: what the dashed and solid halves are, and what each colour means. */
export function diagramKey(colours) {
  const key = document.createElement("p");
  key.className = "cr-key";
  const swatch = (colour, text) => {
    const item = document.createElement("span");
    const box = document.createElement("span");
    box.className = "cr-swatch";
    box.style.borderColor = colour;
    box.style.background = `${colour}22`;
    item.append(box, ` ${text}`);
    return item;
  };
  key.append(t("chain_key_halves"), " ", ...colours.map(([colour, text]) => swatch(colour, text)));
  return key;
}

const STYLE = `
.cr-figure svg { width: 100%; max-width: 680px; height: auto; display: block; }
.cr-head { font-size: 12px; fill: #111; } .cr-letter { font-size: 11px; fill: #111; }
.cr-index { font-size: 10px; fill: #374151; } .cr-value { font-size: 11px; font-weight: 600; }
.cr-key { font-size: 12px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin: 4px 0; }
.cr-swatch { display: inline-block; width: 12px; height: 12px; border: 2px solid; vertical-align: -2px; }
.cr-table { border-collapse: collapse; font-size: 12px; margin-top: 6px; }
.cr-table th, .cr-table td { border: 1px solid #d1d5db; padding: 2px 6px; text-align: left; }
.cr-table td.num { text-align: right; font-family: monospace; }
.cr-zero td { color: #4b5563; }
`;

/** Styles of the chain and backprop figures, once per page (the figures live in this file and backprop.js). */
export function addStyle() {
  if (document.getElementById("cr-style")) return;
  const style = document.createElement("style");
  style.id = "cr-style";
  style.textContent = STYLE;
  document.head.append(style);
}

/** Every node of the network as [half, layer, index], input first, for the chain figure's start menu. */
function allNodes(widths) {
  const nodes = [];
  for (let j = 0; j < widths[0]; j++) nodes.push(["h", 0, j]);
  for (let k = 1; k < widths.length; k++) {
    for (let j = 0; j < widths[k]; j++) nodes.push(["a", k, j], ["h", k, j]);
  }
  return nodes;
}

/** The local derivative an edge from `from` to `to` carries, named as the chapter writes it. */
function factorName(from, to, layers) {
  const [half, k, j] = from;
  if (to[0] === "l") return `∂l/∂y${sub(j + 1)}`;
  if (half === "a") return `g'(a(${k})${sub(j + 1)})`;
  return `W(${to[1]})${sub(to[2] + 1)}${sub(j + 1)}`;
}

export class ChainView {
  /** container: the lesson's figure <div>; figure: {input, target, start: {half, layer, index}} */
  constructor(container, playground, figure) {
    addStyle();
    this.container = container;
    this.playground = playground;
    this.figure = figure;
    this.start = [figure.start.half, figure.start.layer, figure.start.index];
    container.classList.add("cr-figure");
    container.innerHTML = `
      <h3 class="cr-title"></h3>
      <label class="cr-start-label"><span></span> <select class="cr-start"></select></label>
      <svg class="cr-svg" role="img"></svg>
      <div class="cr-key-box"></div>
      <p class="cr-summary" aria-live="polite"></p>
      <table class="cr-table"><thead><tr><th scope="col"></th><th scope="col"></th><th scope="col"></th><th scope="col"></th></tr></thead><tbody></tbody></table>
      <p class="cr-total"></p>`;
    this.$ = (selector) => container.querySelector(selector);
    this.$(".cr-start").addEventListener("change", () => {
      this.start = JSON.parse(this.$(".cr-start").value);
      this.load();
    });
    this.asked = 0;  // answers asked for so far: only the newest one is drawn
    this.load();
    // i18n.js's apply() sets <html lang> on every language change: draw the last answer again in the new words.
    new MutationObserver(() => { if (this.shown) this.render(...this.shown); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  async load() {
    try {
      const session = this.playground.session;
      const asked = ++this.asked;
      const [bp, weights] = await Promise.all([
        session.call("POST", "/backprop", { input: this.figure.input, target: this.figure.target,
          paths_from: { half: this.start[0], layer: this.start[1], index: this.start[2] } }),
        session.call("GET", "/weights")]);
      if (asked !== this.asked) return;  // another start was chosen since: its answer draws, not this older one
      this.render(bp, [weights.layers[0].W[0].length, ...weights.layers.map((layer) => layer.units)]);
    } catch (error) {
      this.playground.fail(error);
    }
  }

  render(bp, widths) {
    this.shown = [bp, widths];
    const L = widths.length - 1;
    const name = (node) => nodeName(node, L);
    this.$(".cr-title").textContent = t("chain_title");
    this.$(".cr-start-label span").textContent = t("chain_start");
    const select = this.$(".cr-start");
    select.replaceChildren(...allNodes(widths).map((node) => {
      const option = document.createElement("option");
      option.value = JSON.stringify(node);
      option.textContent = name(node);
      option.selected = JSON.stringify(node) === JSON.stringify(this.start);
      return option;
    }));
    const info = bp.paths;
    const found = info.paths ?? [];
    const halves = new Map();
    const edges = new Map();
    for (const path of found) {
      for (let i = 0; i < path.nodes.length - 1; i++) {
        const [half, k, j] = path.nodes[i];
        const next = path.nodes[i + 1];
        halves.set(`${half}:${k}:${j}`, COLORS.backward);
        if (next[0] === "l") edges.set(`y:${j}`, COLORS.backward);
        else if (half === "h") edges.set(`${next[1]}:${next[2]}:${j}`, COLORS.backward);
      }
    }
    halves.set("l", COLORS.backward);
    halves.set(`${this.start[0]}:${this.start[1]}:${this.start[2]}`, COLORS.start);
    const svg = this.$(".cr-svg");
    drawNetwork(svg, widths, { halves, edges });
    const figureRef = info.count === 1 ? "3-19" : info.count === 2 ? "3-20" : "3-21";
    svg.setAttribute("aria-label", t("chain_aria", { node: name(this.start), count: info.count }));
    this.$(".cr-key-box").replaceChildren(diagramKey([[COLORS.start, t("chain_key_start")], [COLORS.backward, t("chain_key_paths")]]));
    this.$(".cr-summary").textContent = t("chain_summary", { node: name(this.start), count: info.count, figure: figureRef });
    const heads = this.$(".cr-table thead tr").children;
    [t("chain_col_path"), t("chain_col_nodes"), t("chain_col_factors"), t("chain_col_product")].forEach((text, i) => { heads[i].textContent = text; });
    this.$(".cr-table tbody").replaceChildren(...found.map((path, n) => {
      const row = document.createElement("tr");
      if (path.product === 0) row.className = "cr-zero";
      // the factors' names on one line, their values under them: W(2)₁₁ · g'(a(2)₁) · ... then 2.0000 × 0.1179 × ...
      const names = path.factors.map((f, i) => factorName(path.nodes[i], path.nodes[i + 1], L)).join(" · ");
      const values = path.factors.map((f) => (f < 0 ? `(${num(f)})` : num(f))).join(" × ");
      for (const [lines, isNumber] of [[[String(n + 1)], false], [[path.nodes.map(name).join(" → ")], false],
        [[names, values], false], [[num(path.product)], true]]) {
        const cell = document.createElement("td");
        if (isNumber) cell.className = "num";
        lines.forEach((line, i) => cell.append(...(i ? [document.createElement("br"), line] : [line])));
        row.append(cell);
      }
      return row;
    }));
    this.$(".cr-total").textContent = info.paths === null
      ? t("chain_unavailable", { count: info.count })
      : t("chain_total", { node: name(this.start), sum: num(info.sum), backprop: num(info.backprop) });
  }
}
