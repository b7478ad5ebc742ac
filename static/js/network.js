// The network diagram: input features, hidden layers and the output layer as columns of small heatmap
// canvases, joined by SVG curves styled by their weights, each column named (input / hidden / output layer,
// Fig. 3-9). Hover or focus shows a weight or a bias, a click or Enter edits it inline, a layer's "W, b"
// button opens its matrix editor, and buttons above the columns change the layers. Keyboard: Tab reaches
// the buttons, neurons and (in small networks) links; arrows go from a neuron to its links and back.
// setWeights/setMaps only touch attributes.
import { divergingLUT, paintMap, weightStyle } from "./colors.js";
import { MatrixEditor, sendChanges } from "./matrix_editor.js";
import { curveAt, describeFocused, keyTarget, layerName, nearestLink, restoreFocus } from "./network_keys.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const STYLE_ID = "nn-network-style";
const HEAD_H = 30; // the "+ − n hidden layers" row
const CONTROLS_H = 98; // per column: its name, the "W, b" button, the unit buttons and the activation select
const LINKS_IN_TAB_ORDER = 64; // more links than this are reached with the arrows from their neurons only
const HIT_FROM = 0.18, HIT_TO = 0.82; // the part of a link that takes clicks: not its ends, where links meet
const LABEL_W = 60; // room for the feature names left of the input column
const PAD = 12;
const ENGLISH = { weight: "weight", bias: "bias", add_unit: "Add a neuron", remove_unit: "Remove a neuron",
  add_layer: "Add a hidden layer", remove_layer: "Remove a hidden layer", hidden_layers: "{n} hidden layers",
  output: "Output", activation: "Activation", nn_input_layer: "Input layer", nn_hidden_layer: "Hidden layer {k}",
  nn_output_layer: "Output layer", nn_one_hidden_layer: "1 hidden layer" };
// "&" stands for ".nn-view": every rule is scoped to the view.
const CSS = `&{position:relative;box-sizing:border-box;background:#f8f9fa;border-radius:8px;color:#333;
font:12px/1.3 system-ui,-apple-system,"Segoe UI",sans-serif;-webkit-user-select:none;user-select:none}
& [hidden]{display:none!important}& .nn-links{position:absolute;left:0;top:0;overflow:visible;pointer-events:none}
& .nn-link{fill:none;stroke-linecap:round;stroke-opacity:.85}& .nn-link.nn-hot{stroke-opacity:1;
filter:drop-shadow(0 0 1.5px rgba(0,0,0,.6))}& .nn-hit{fill:none;stroke:transparent;stroke-width:8px;
pointer-events:stroke;cursor:pointer}& .nn-hit:focus{outline:none}& .nn-hit:focus-visible{stroke:#0877bd;
stroke-opacity:.45;stroke-width:9px}& .nn-node{position:absolute;box-sizing:border-box;border:1px solid #b8bcc0;
border-radius:5px;background:#fff;overflow:hidden;cursor:pointer;z-index:1}& .nn-node.nn-input{cursor:default}
& .nn-node:hover{border-color:#555;box-shadow:0 0 0 2px rgba(8,119,189,.35)}& .nn-node:focus{outline:none}
& .nn-node:focus-visible{border-color:#0877bd;outline:3px solid #0877bd;outline-offset:2px}
& .nn-node canvas{display:block;width:100%;height:100%}& .nn-flabel{position:absolute;left:0;text-align:right;
font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;color:#444}& .nn-head{position:absolute;
left:8px;top:5px;display:flex;align-items:center;gap:4px;z-index:2}& .nn-col-ctrl{position:absolute;display:flex;
flex-direction:column;align-items:center;gap:3px;z-index:2}& .nn-units{display:flex;align-items:center;gap:2px}
& .nn-btn{box-sizing:border-box;min-width:20px;height:20px;padding:0 4px;border:1px solid #b8bcc0;
border-radius:10px;background:#fff;color:#333;font-family:inherit;font-size:13px;line-height:1;cursor:pointer}
& .nn-btn:hover:not(:disabled){background:#e8f1f8;border-color:#0877bd}& .nn-btn:disabled{opacity:.4;cursor:default}
& .nn-btn:focus-visible,& .nn-act:focus-visible{outline:2px solid #0877bd;outline-offset:1px}
& .nn-count{min-width:16px;text-align:center;font-size:11px}& .nn-compact .nn-count{display:none}
& .nn-compact .nn-btn{min-width:15px;height:17px;padding:0 2px;font-size:11px}& .nn-act{box-sizing:border-box;
width:100%;font-size:11px;padding:1px;border:1px solid #b8bcc0;border-radius:4px;background:#fff;color:#333}
& .nn-layer-name{height:26px;width:100%;display:flex;align-items:flex-end;justify-content:center;text-align:center;
font-size:11px;line-height:13px;color:#333;font-weight:bold;overflow:hidden}& .nn-compact .nn-layer-name{font-size:10px}
& .nn-col-label{position:absolute;display:flex;flex-direction:column;align-items:center;gap:3px;z-index:2}& .nn-tip{position:absolute;
z-index:5;pointer-events:none;white-space:pre;background:rgba(33,37,41,.92);color:#fff;padding:3px 7px;
border-radius:4px;font-size:11px;line-height:1.35;box-shadow:0 1px 4px rgba(0,0,0,.25)}& .nn-edit{position:absolute;
z-index:6;box-sizing:border-box;width:84px;padding:2px 4px;border:1px solid #888;border-radius:4px;
font:12px ui-monospace,monospace;background:#fff;color:#222;-webkit-user-select:text;user-select:text}
& .nn-edit.nn-invalid{border-color:#d62728;background:#fff0f0;box-shadow:0 0 0 2px rgba(214,39,40,.3)}`;

function make(tag, className, attrs = {}, text = "") {
  const svg = tag === "svg" || tag === "g" || tag === "path";
  const node = svg ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  if (className) node.setAttribute("class", className);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

const fmt = (v) => (!Number.isFinite(v) ? "–" : Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3));
const px = (v) => `${v}px`;

export class NetworkView {
  /**
   * @param {HTMLDivElement} container an empty <div>; the view sets its position (relative) and height
   * @param {{t?: (key: string, params?: object) => string, activations?: string[],
   *   onEditWeight?: (layer: number, row: number, col: number|null, value: number) => void,
   *   onEditLayer?: (layer: number, W: number[][], b: number[]) => Promise<unknown>|void,
   *   onChangeLayers?: (hiddenUnits: number[]) => void,
   *   onChangeActivation?: (hiddenIndex: number, name: string) => void,
   *   limits?: {maxLayers: number, maxUnits: number}}} options hiddenIndex counts from 0, layer from 1;
   *   onEditLayer (optional) writes a whole layer at once, else the matrix editor edits cell by cell
   */
  constructor(container, options = {}) {
    Object.assign(this, { container, options, lut: divergingLUT(), columns: [], links: [], linkStart: [0],
      columnControls: [], structure: { layers: [], features: [] }, weights: [], hover: null, editing: null,
      width: -1, size: 40, frame: 0, refocus: null });
    this.limits = { maxLayers: 8, maxUnits: 32, ...options.limits };
    if (!document.getElementById(STYLE_ID)) {
      document.head.append(make("style", "", { id: STYLE_ID }, CSS.replace(/&/g, ".nn-view")));
    }
    container.classList.add("nn-view");
    container.style.position = "relative";
    this.svg = make("svg", "nn-links");
    this.svg.append((this.linkGroup = make("g", "", { "aria-hidden": "true" })), (this.hitGroup = make("g")));
    this.nodeLayer = make("div", "nn-nodes");
    this.controls = make("div", "nn-controls");
    this.tip = make("div", "nn-tip", { role: "tooltip", hidden: "" });
    this.editor = make("input", "nn-edit", { type: "text", inputmode: "decimal", hidden: "" });
    // Tab order: the layer buttons, then the neurons, then the links (z-index keeps neurons above links).
    container.replaceChildren(this.controls, this.nodeLayer, this.svg, this.tip, this.editor);
    this.editable = Boolean(options.onEditWeight || options.onEditLayer);
    if (this.editable) {
      this.matrix = new MatrixEditor({
        t: (key, params) => this._t(key, params), layers: () => this.structure.layers, weights: () => this.weights,
        name: (k, i) => this.columns[k]?.[i]?.name ?? "", layerName: (k) => layerName(this, k),
        apply: (layer, changes) => sendChanges(options, this.weights[layer - 1], layer, changes) });
      container.after(this.matrix.root);
    }
    container.addEventListener("pointerover", (e) => this._hoverAt(e));
    container.addEventListener("pointermove", (e) => this._hoverAt(e));
    container.addEventListener("pointerout", (e) => !container.contains(e.relatedTarget) && this._hideTip());
    container.addEventListener("click", (e) => this._click(e));
    container.addEventListener("keydown", (e) => this._itemKey(e));
    container.addEventListener("focusin", (e) => this._focusIn(e));
    container.addEventListener("focusout", () => !this.editing && this._hideTip());
    this.editor.addEventListener("keydown", (e) => this._editorKey(e));
    this.editor.addEventListener("input", () => this._markInvalid(false));
    this.editor.addEventListener("blur", () => this._closeEditor());
    this.observer = new ResizeObserver(() => { // deferred: a layout changes the container's height
      this.frame ||= requestAnimationFrame(() => {
        this.frame = 0;
        if (container.clientWidth !== this.width) this._layout();
      });
    });
    this.observer.observe(container);
    // The playground makes the diagram inert while a change is on its way; the focus comes back after.
    this.inertWatch = new MutationObserver(() => !container.inert && restoreFocus(this));
    this.inertWatch.observe(container, { attributes: true, attributeFilter: ["inert"] });
  }

  /**
   * Rebuild the diagram. Thumbnails and weights carry over when only activations (or nothing) changed.
   * @param {{layers: Array<[number, number, string]>, features: string[]}} structure layers: the hidden
   *   layers, then the output layer, each [units, inputs, activation]
   */
  setStructure(structure) {
    this._closeEditor();
    this._hideTip();
    const active = document.activeElement;
    if (this.container.contains(active) && active.dataset?.focus) this.refocus = active.dataset.focus;
    const layers = structure.layers.map((layer) => [...layer]);
    const features = [...(structure.features ?? [])];
    const shape = (s) => JSON.stringify([s.layers.map(([units, fanIn]) => [units, fanIn]), s.features]);
    const old = shape(this.structure) === shape({ layers, features }) ? this.columns : [];
    this.structure = { layers, features };
    const inputs = layers.length ? layers[0][1] : features.length;
    this.columns = [Array.from({ length: inputs }, (_, i) => this._node(0, i, features[i] ?? `x${i + 1}`))];
    layers.forEach(([units], index) => {
      const k = index + 1;
      const name = (i) => (k < layers.length ? `h${k}.${i + 1}` : this._t("output") + (units > 1 ? ` ${i + 1}` : ""));
      this.columns.push(Array.from({ length: units }, (_, i) => this._node(k, i, name(i))));
    });
    this.columns.flat().forEach((node) => (node.map = old[node.k]?.[node.i]?.map ?? null));
    this.links = [];
    let count = 0;
    layers.forEach(([units, fanIn]) => { count += units * fanIn; });
    const tabIndex = this.editable && count <= LINKS_IN_TAB_ORDER ? "0" : "-1";
    layers.forEach(([units, fanIn], index) => {
      this.linkStart[index + 1] = this.links.length;
      for (let row = 0; row < units; row++) {
        for (let col = 0; col < fanIn; col++) {
          const path = make("path", "nn-link", { "data-layer": index + 1, "data-row": row, "data-col": col });
          const i = this.links.length;
          const hit = make("path", "nn-hit", { "data-i": i, "data-focus": `l${i}`, role: "button", tabindex: tabIndex,
            "aria-label": this._t("nn_link_label", { from: this.columns[index][col].name, to: this.columns[index + 1][row].name, w: "" }) });
          this.links.push({ layer: index + 1, row, col, w: 0, color: "", width: "", path, hit, geom: null });
        }
      }
    });
    this.linkGroup.replaceChildren(...this.links.map((link) => link.path));
    this.hitGroup.replaceChildren(...this.links.map((link) => link.hit));
    this.nodeLayer.replaceChildren(...this.columns.flat().flatMap((node) => [node.label, node.el].filter(Boolean)));
    this._buildControls();
    this.setWeights(old.length ? this.weights : []);
    this.width = -1;
    this._layout();
    this.matrix?.refresh();
    if (!this.container.inert) restoreFocus(this);
  }

  /**
   * Update the links' colours and widths (maxAbs = the largest |w|, at least 1) and the biases shown on
   * hover. Called up to 30 times a second: only attributes change. Missing entries count as 0.
   * @param {Array<{W: number[][], b: number[]}>} layers same order as structure.layers
   */
  setWeights(layers) {
    this.weights = layers;
    let maxAbs = 1;
    for (const layer of layers) {
      for (const row of layer?.W ?? []) for (const w of row) maxAbs = Math.max(maxAbs, Math.abs(w));
    }
    this.structure.layers.forEach(([units, fanIn], index) => {
      const layer = layers[index];
      const start = this.linkStart[index + 1];
      for (let row = 0; row < units; row++) {
        this.columns[index + 1][row].bias = layer?.b?.[row];
        for (let col = 0; col < fanIn; col++) {
          const link = this.links[start + row * fanIn + col];
          link.w = layer?.W?.[row]?.[col] ?? 0;
          const style = weightStyle(link.w, maxAbs);
          const width = style.width.toFixed(1);
          if (link.color !== style.color) link.path.setAttribute("stroke", (link.color = style.color));
          if (link.width !== width) link.path.setAttribute("stroke-width", (link.width = width));
        }
      }
    });
    if (this.hover) this.tip.textContent = this._tipText(this.hover);
  }

  /**
   * Draw node thumbnails: kind "input" (layer 0) on the feature nodes, kind "neuron" (layer k >= 1) on
   * node `neuron` of column k; "output" maps are ignored. Maps not given keep their previous picture.
   * @param {Array<{kind: string, layer: number, neuron: number, shape: number[], bytes: Uint8Array}>} maps
   */
  setMaps(maps) {
    for (const map of maps) {
      const k = map.kind === "input" && map.layer === 0 ? 0 : map.kind === "neuron" && map.layer >= 1 ? map.layer : -1;
      const node = this.columns[k]?.[map.neuron];
      if (!node || !map.shape?.length) continue;
      const width = map.shape[map.shape.length - 1];
      const height = map.shape.length > 1 ? map.shape[0] : 1;
      node.map = { bytes: map.bytes.slice(0, width * height), width, height };
      this._paint(node);
    }
  }

  /** Open the matrix editor on layer k (from 1). */
  openMatrix(k, opener = null) { this.matrix?.open(k, opener); }

  /** Stop observing the container's size and empty it. */
  destroy() {
    this.observer.disconnect();
    this.inertWatch.disconnect();
    cancelAnimationFrame(this.frame);
    this.matrix?.root.remove();
    this.container.replaceChildren();
  }

  _t(key, params = {}) { // options.t, else English
    if (this.options.t) return this.options.t(key, params);
    return (ENGLISH[key] ?? key).replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
  }


  _node(k, i, name) {
    const el = make("div", k ? "nn-node" : "nn-node nn-input", { "data-k": k, "data-i": i });
    if (k) {
      Object.assign(el, { tabIndex: 0 });
      el.setAttribute("role", "button");
      el.setAttribute("aria-label", name);
      el.dataset.focus = `n${k}.${i}`;
    } else {
      el.setAttribute("role", "img");
      el.setAttribute("aria-label", this._t("nn_input_node", { name }));
    }
    const canvas = make("canvas");
    el.append(canvas);
    const label = k ? null : make("div", "nn-flabel", { "aria-hidden": "true" }, name);
    return { k, i, name, el, canvas, ctx: canvas.getContext("2d"), label, bias: undefined, map: null, x: 0, y: 0 };
  }

  _button(text, title, disabled, focusKey, onClick) {
    const button = make("button", "nn-btn", { type: "button", title, "aria-label": title, "data-focus": focusKey }, text);
    button.disabled = disabled;
    button.addEventListener("click", (event) => {
      this.refocus = focusKey; // the diagram is rebuilt after the change: this button gets the focus back
      onClick(event);
    });
    return button;
  }

  _buildControls() {
    const layers = this.structure.layers;
    const hidden = layers.slice(0, -1).map(([units]) => units);
    const { maxLayers, maxUnits } = this.limits;
    const change = (units) => this.options.onChangeLayers?.(units);
    const head = make("div", "nn-head");
    const added = [...hidden, Math.min(hidden.at(-1) ?? 4, maxUnits)];
    head.append(
      this._button("+", this._t("add_layer"), hidden.length >= maxLayers, "add-layer", () => change(added)),
      this._button("−", this._t("remove_layer"), hidden.length <= 0, "remove-layer", () => change(hidden.slice(0, -1))),
      make("span", "nn-layers-label", {}, this._t(hidden.length === 1 ? "nn_one_hidden_layer" : "hidden_layers", { n: hidden.length })));
    const named = (group, k) => {
      group.append(make("div", "nn-layer-name", { title: layerName(this, k) }, layerName(this, k)));
      if (k && this.editable) {
        const matrix = this._button("W, b", this._t("nn_matrix_label", { k }), false, `mx${k}`, (e) => this.openMatrix(k, e.currentTarget));
        matrix.classList.add("nn-matrix-btn");
        group.append(matrix);
      }
      return group;
    };
    this.columnControls = [named(make("div", "nn-col-label"), 0)]; // .nn-col-ctrl: hidden layers only
    hidden.forEach((units, h) => {
      const group = named(make("div", "nn-col-ctrl", { role: "group", "aria-label": `h${h + 1}` }), h + 1);
      const set = (n) => change(hidden.map((u, j) => (j === h ? n : u)));
      const row = make("div", "nn-units");
      row.append(
        this._button("−", this._t("remove_unit"), units <= 1, `u-${h}`, () => set(units - 1)),
        make("span", "nn-count", {}, String(units)),
        this._button("+", this._t("add_unit"), units >= maxUnits, `u+${h}`, () => set(units + 1)));
      const select = make("select", "nn-act", { "aria-label": `${this._t("activation")} h${h + 1}`, "data-focus": `act${h}` });
      const names = this.options.activations ?? [];
      for (const name of names.includes(layers[h][2]) ? names : [...names, layers[h][2]]) {
        const label = this.options.t ? this._t(`act_name_${name}`) : name;  // the chapter's names, translated
        select.append(make("option", "", { value: name }, label));
      }
      select.value = layers[h][2];
      select.addEventListener("change", () => this.options.onChangeActivation?.(h, select.value));
      group.append(row, select);
      this.columnControls.push(group);
    });
    if (layers.length) this.columnControls.push(named(make("div", "nn-col-label"), layers.length));
    this.controls.replaceChildren(head, ...this.columnControls);
  }

  _layout() {
    this.width = this.container.clientWidth;
    const width = Math.max(this.width || 640, 240);
    const count = this.columns.length;
    const guess = (width - LABEL_W - PAD - 40) / Math.max(1, count - 1);
    const size = (this.size = Math.max(20, Math.min(40, Math.round(guess * 0.55))));
    const first = LABEL_W + size / 2;
    const spacing = count > 1 ? (width - PAD - size / 2 - first) / (count - 1) : 0;
    const step = size + Math.max(8, Math.round(size * 0.3));
    const span = (n) => Math.max(0, n * step - (step - size));
    const area = Math.max(0, ...this.columns.map((column) => span(column.length)));
    const top = HEAD_H + CONTROLS_H;
    const height = top + area + PAD;
    this.container.style.height = px(height);
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    const pixels = Math.max(1, Math.round((size - 2) * (window.devicePixelRatio || 1)));
    this.columns.forEach((column, k) => {
      const cx = first + k * spacing;
      const y0 = top + (area - span(column.length)) / 2;
      for (const node of column) {
        Object.assign(node, { x: cx - size / 2, y: y0 + node.i * step });
        Object.assign(node.el.style, { left: px(node.x), top: px(node.y), width: px(size), height: px(size) });
        if (node.label) Object.assign(node.label.style, { top: px(node.y + size / 2 - 8), width: px(node.x - 6) });
        if (node.canvas.width !== pixels || node.canvas.height !== pixels) {
          node.canvas.width = node.canvas.height = pixels;
          this._paint(node);
        }
      }
      const control = this.columnControls[k];
      if (!control) return;
      const w = Math.max(34, Math.min(spacing - 6, 100));
      const left = Math.max(0, Math.min(cx - w / 2, width - w));
      Object.assign(control.style, { left: px(left), top: px(HEAD_H + 4), width: px(w) });
      control.classList.toggle("nn-compact", w < 56);
    });
    for (const link of this.links) {
      const from = this.columns[link.layer - 1][link.col], to = this.columns[link.layer][link.row];
      const geom = { x0: from.x + size, y0: from.y + size / 2, x1: to.x, y1: to.y + size / 2 };
      link.geom = { ...geom, xm: (geom.x0 + geom.x1) / 2 };
      const { x0, y0, x1, y1, xm } = link.geom;
      link.path.setAttribute("d", `M${x0},${y0}C${xm},${y0} ${xm},${y1} ${x1},${y1}`);
      // Clicks land on the middle of a link only: near the neurons many links meet at one point.
      const points = Array.from({ length: 13 }, (_, j) => curveAt(link.geom, HIT_FROM + ((HIT_TO - HIT_FROM) * j) / 12));
      link.hit.setAttribute("d", "M" + points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join("L"));
    }
  }

  _paint(node) {
    if (node.map) paintMap(node.ctx, node.map.bytes, node.map.width, node.map.height, this.lut);
  }

  /** The link or node under an event: of the links whose hit areas cover the pointer, the nearest curve
   *  (where links cross, the one the pointer is really on); a synthetic event's own target otherwise. */
  _itemAt(target, clientX, clientY) {
    const hit = target?.closest?.(".nn-hit");
    if (hit && this.container.contains(hit)) {
      const candidates = Number.isFinite(clientX)
        ? document.elementsFromPoint(clientX, clientY).filter((el) => el.classList?.contains("nn-hit") && this.hitGroup.contains(el))
        : [];
      if (candidates.length < 2 || !candidates.includes(hit)) return { link: this.links[Number(hit.dataset.i)] };
      const box = this.svg.getBoundingClientRect();
      const links = candidates.map((el) => this.links[Number(el.dataset.i)]);
      return { link: nearestLink(links, clientX - box.left, clientY - box.top, HIT_FROM, HIT_TO) };
    }
    const el = target?.closest?.(".nn-node");
    if (el && this.container.contains(el)) return { node: this.columns[Number(el.dataset.k)][Number(el.dataset.i)] };
    return null;
  }

  _tipText({ link, node }) {
    if (link) {
      const from = this.columns[link.layer - 1][link.col].name, to = this.columns[link.layer][link.row].name;
      return `${this._t("weight")}: ${from} → ${to}\nw = ${fmt(link.w)}`;
    }
    return node.k === 0 ? node.name : `${node.name}\n${this._t("bias")} = ${fmt(node.bias)}`;
  }

  _hoverAt(event) {
    if (event.target === this.editor) return;
    const item = this._itemAt(event.target, event.clientX, event.clientY);
    if (item?.link !== this.hover?.link || item?.node !== this.hover?.node) {
      this._hideTip();
      if (!item || this.editing) return;
      this._showTip(item);
    }
    if (this.hover) this._placeTip(event.clientX, event.clientY);
  }

  _showTip(item) {
    this.hover = item;
    item.link?.path.classList.add("nn-hot");
    this.tip.textContent = this._tipText(item);
    this.tip.hidden = false;
  }

  _placeTip(clientX, clientY) {
    const box = this.container.getBoundingClientRect();
    this.tip.style.left = px(Math.max(0, Math.min(clientX - box.left + 12, box.width - this.tip.offsetWidth - 4)));
    this.tip.style.top = px(clientY - box.top + 14);
  }

  _hideTip() {
    this.hover?.link?.path.classList.remove("nn-hot");
    this.hover = null;
    this.tip.hidden = true;
  }

  /** A neuron or link got the keyboard's focus: its name says its value, and the tip shows next to it. */
  _focusIn(event) { // the tip shows next to a focused neuron or link, as on hover
    const item = this._itemAt(event.target);
    if (!item || event.target === this.editor || !describeFocused(this, item, fmt)) return;
    this._hideTip();
    this._showTip(item);
    const [x, y] = item.link ? curveAt(item.link.geom, 0.5) : [item.node.x + this.size, item.node.y + this.size];
    this._placeTip(this.container.getBoundingClientRect().left + x, this.container.getBoundingClientRect().top + y);
  }

  _click(event) {
    if (event.target === this.editor) return;
    const { link, node } = this._itemAt(event.target, event.clientX, event.clientY) ?? {};
    const box = this.container.getBoundingClientRect();
    if (link) this._openEditor(link, link.w, event.clientX - box.left - 20, event.clientY - box.top - 10);
    else if (node?.k) this._editBias(node);
  }

  /** Keys on a focused neuron or link: Enter or Space edits it, the arrows move (network_keys.js). */
  _itemKey(event) {
    const item = this._itemAt(event.target);
    if (!item || event.target === this.editor || event.target.closest(".nn-controls")) return;
    const { link, node } = item;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (node?.k && this.editable) this._editBias(node);
      else if (link && this.editable) {
        const [x, y] = curveAt(link.geom, 0.5);
        this._openEditor(link, link.w, x - 42, y - 11);
      }
      return;
    }
    const next = keyTarget(this, item, event.key);
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  _editBias(node) {
    const at = { layer: node.k, row: node.i, col: null };
    this._openEditor(at, node.bias, node.x + this.size + 4, node.y + this.size / 2 - 11);
  }

  _openEditor({ layer, row, col }, value, x, y) {
    this._hideTip();
    this.editing = { layer, row, col };
    this.returnFocus = this.container.contains(document.activeElement) ? document.activeElement : null;
    this.editor.setAttribute("aria-label", this._t(col === null ? "bias" : "weight"));
    this.editor.value = Number.isFinite(value) ? String(Number(value.toPrecision(6))) : "";
    this._markInvalid(false);
    const right = (this.container.clientWidth || 640) - 88;
    Object.assign(this.editor.style, { left: px(Math.max(0, Math.min(x, right))), top: px(Math.max(0, y)) });
    this.editor.hidden = false;
    this.editor.focus();
    this.editor.select();
  }

  _markInvalid(invalid) {
    this.editor.classList.toggle("nn-invalid", invalid);
    this.editor.setAttribute("aria-invalid", String(invalid));
  }

  _editorKey(event) { // Enter applies a valid number (an invalid one is marked and kept), Escape cancels
    if (event.key !== "Enter" && event.key !== "Escape") return;
    event.preventDefault();
    event.stopPropagation();
    const text = this.editor.value.trim();
    const value = Number(text);
    if (event.key === "Enter" && (!text || !Number.isFinite(value))) return this._markInvalid(true);
    const { layer, row, col } = this.editing;
    this._closeEditor();
    this.returnFocus?.focus(); // back to the neuron or link when the editor was opened from the keyboard
    if (event.key === "Enter") this.options.onEditWeight?.(layer, row, col, value);
  }

  _closeEditor() {
    if (!this.editing) return;
    this.editing = null;
    this.editor.hidden = true;
  }

}
