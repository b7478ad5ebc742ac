// The data panel: dataset thumbnails, data settings, features, drawing your own points, CSV upload.
import { preview } from "./api.js";
import { CLASS_COLORS } from "./colors.js";

const THUMB = 64;

function drawThumbnail(canvas, data) {
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, THUMB, THUMB);
  const [[a, b], second] = data.domain;
  const points = data.train.X.map((x, i) => [x, data.train.y[i]]);
  const ys = data.train.y;
  const [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  for (const [x, y] of points) {
    const px = ((x[0] - a) / (b - a)) * THUMB;
    const py = second ? (1 - (x[1] - second[0]) / (second[1] - second[0])) * THUMB
      : (1 - (y - lo) / (hi - lo || 1)) * THUMB;
    ctx.fillStyle = data.task === "classification" ? CLASS_COLORS[y] : (second ? (y >= 0 ? CLASS_COLORS[1] : CLASS_COLORS[0]) : "#183d4e");
    ctx.fillRect(px - 1, py - 1, 2.5, 2.5);
  }
}

export class DataPanel {
  /** options: {catalogue, limits, t, onChange(dataChanges), onFeatures(names), onRegenerate(), onCsv(text),
   *  onDrawToggle(on), onDrawClass(c), onDrawClear()} */
  constructor(options) {
    this.options = options;
    this.el = (id) => document.getElementById(id);
    this.datasets = options.catalogue.datasets;
    this.drawClass = 0;
    this._buildDatasets();
    this._buildFeatures();
    this._wire();
  }

  _buildDatasets() {
    const box = this.el("datasets");
    this.buttons = new Map();
    for (const spec of this.datasets) {
      const button = document.createElement("button");
      button.className = "dataset";
      button.type = "button";
      button.setAttribute("role", "radio");
      button.setAttribute("aria-checked", "false");
      button.tabIndex = -1;
      button.dataset.name = spec.name;
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = THUMB;
      canvas.setAttribute("aria-hidden", "true");  // the name under it says what it shows
      const name = document.createElement("span");
      name.className = "dataset-name";
      button.append(canvas, name);
      button.addEventListener("click", () => this.options.onChange({ name: spec.name, points: null, csv: null }));
      box.append(button);
      this.buttons.set(spec.name, { button, canvas, spec, name });
    }
    box.addEventListener("keydown", (event) => this._arrow(event));
  }

  /** A radiogroup's keys: the arrows move the focus between thumbnails (Up/Down by a row of the grid),
   *  Home/End to the ends; Space or Enter (the button's own click) chooses the focused data set. */
  _arrow(event) {
    const buttons = [...this.buttons.values()].map((entry) => entry.button);
    const at = buttons.indexOf(document.activeElement);
    if (at < 0) return;
    const perRow = Math.max(1, buttons.filter((b) => b.offsetTop === buttons[0].offsetTop).length);
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: perRow, ArrowUp: -perRow,
      Home: -buttons.length, End: buttons.length };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, at + moves[event.key]))];
    this._rove(next);
    next.focus();
  }

  /** Roving tabindex: one thumbnail (the chosen one, else the first) is in the Tab order. */
  _rove(current) {
    for (const { button } of this.buttons.values()) button.tabIndex = button === current ? 0 : -1;
  }

  /** Fill the thumbnails one by one, after the playground itself is up. */
  async loadThumbnails() {
    for (const { canvas, spec } of this.buttons.values()) {
      const params = spec.params.some((p) => p.name === "n_classes") ? { n_classes: 3 } : {};
      try {
        drawThumbnail(canvas, await preview({ name: spec.name, n_points: 120, noise: 0.05, params }));
      } catch {
        // A thumbnail is decoration: the dataset still works without one.
      }
    }
  }

  _buildFeatures() {
    const box = this.el("features");
    this.featureButtons = new Map();
    for (const feature of this.options.catalogue.features) {
      const button = document.createElement("button");
      button.textContent = feature.label;
      button.title = feature.label;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", () => {
        const on = [...this.featureButtons].filter(([, b]) => b.getAttribute("aria-pressed") === "true").map(([n]) => n);
        const next = on.includes(feature.name) ? on.filter((n) => n !== feature.name) : [...on, feature.name];
        if (next.length) this.options.onFeatures(this.options.catalogue.features.map((f) => f.name).filter((n) => next.includes(n)));
      });
      box.append(button);
      this.featureButtons.set(feature.name, button);
    }
  }

  _wire() {
    const { onChange } = this.options;
    const slider = (id, toValue, show, field) => {
      const input = this.el(id);
      input.addEventListener("input", () => { this.el(`${id}_value`).textContent = show(input.value); });
      input.addEventListener("change", () => onChange({ [field]: toValue(Number(input.value)) }));
    };
    slider("noise", (v) => v / 100, (v) => `${v}%`, "noise");
    slider("n_points", (v) => v, (v) => v, "n_points");
    slider("train_ratio", (v) => v / 100, (v) => `${v}%`, "train_ratio");
    const classes = this.el("n_classes");
    classes.addEventListener("input", () => { this.el("n_classes_value").textContent = classes.value; });
    classes.addEventListener("change", () => onChange({ params: { n_classes: Number(classes.value) } }));
    this.el("expression").addEventListener("change", (e) => onChange({ params: { expression: e.target.value } }));
    this.el("regenerate").addEventListener("click", () => this.options.onRegenerate());
    this.el("draw").addEventListener("click", () => {
      const on = this.el("draw").getAttribute("aria-pressed") !== "true";
      this.setDrawing(on);
      this.options.onDrawToggle(on);
    });
    this.el("draw-clear").addEventListener("click", () => this.options.onDrawClear());
    this.el("csv").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      event.target.value = "";
      if (file) this.options.onCsv(await file.text());
    });
  }

  setDrawing(on) {
    this.el("draw").setAttribute("aria-pressed", String(on));
    this.el("draw-classes").hidden = !on;
    this.el("draw-clear").hidden = !on;
    this.el("draw-hint").hidden = !on;
  }

  _drawClasses(n) {
    const box = this.el("draw-classes");
    box.replaceChildren();
    for (let c = 0; c < n; c++) {
      const button = document.createElement("button");
      button.style.background = CLASS_COLORS[c];
      button.setAttribute("aria-label", this.options.t("class_n", { n: c + 1 }));
      button.title = button.getAttribute("aria-label");
      button.setAttribute("aria-pressed", String(c === this.drawClass));
      button.addEventListener("click", () => {
        this.drawClass = c;
        for (const other of box.children) other.setAttribute("aria-pressed", String(other === button));
      });
      box.append(button);
    }
  }

  /** Show a config's data settings (and the dataset names in the current language). */
  show(config, described) {
    for (const [name, entry] of this.buttons) entry.name.textContent = this.options.t(`ds_${name}`);
    const data = config.data;
    for (const [name, { button }] of this.buttons) button.setAttribute("aria-checked", String(name === data.name));
    const focused = [...this.buttons.values()].find(({ button }) => button === document.activeElement);
    this._rove(focused?.button ?? this.buttons.get(data.name)?.button ?? this.buttons.values().next().value?.button);
    const spec = this.datasets.find((s) => s.name === data.name);
    const set = (id, value, text) => { this.el(id).value = value; this.el(`${id}_value`).textContent = text; };
    set("noise", Math.round(data.noise * 100), `${Math.round(data.noise * 100)}%`);
    set("n_points", data.n_points, data.n_points);
    this.el("n_points").max = Math.min(1000, this.options.limits.max_points);
    set("train_ratio", Math.round(data.train_ratio * 100), `${Math.round(data.train_ratio * 100)}%`);
    const hasClasses = spec?.params.some((p) => p.name === "n_classes");
    this.el("classes-row").hidden = !hasClasses;
    if (hasClasses) set("n_classes", data.params.n_classes ?? 3, data.params.n_classes ?? 3);
    const hasExpression = spec?.params.some((p) => p.name === "expression");
    this.el("expression-row").hidden = !hasExpression;
    if (hasExpression) this.el("expression").value = data.params.expression ?? "sin(3*x)";
    const active = described ? described.features : config.features;
    for (const [name, button] of this.featureButtons) {
      button.setAttribute("aria-pressed", String(active.includes(name)));
      const needs = this.options.catalogue.features.find((f) => f.name === name)?.required_columns ?? 1;
      button.disabled = needs > dims(config, this.datasets);
    }
    const classes = described?.task === "classification" ? Math.max(2, described.n_classes) : 2;
    if (this.drawClass >= classes) this.drawClass = 0;
    this._drawClasses(classes);
  }
}

function dims(config, datasets) {
  if (config.data.name === "custom") return config.data.points?.X?.[0]?.length ?? 2;
  return datasets.find((s) => s.name === config.data.name)?.dims ?? 2;
}
