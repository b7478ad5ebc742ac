// The output view: the network's output over the data's domain, the train and test points on top,
// a colour legend, and clicks that add points in drawing mode.
import { CLASS_COLORS, NEGATIVE, POSITIVE, divergingLUT } from "./colors.js";

const POINT_RADIUS = 4;

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export class OutputView {
  /** canvas: the big <canvas>; legend: a <div>; options: {onAddPoint(x1, x2, shiftKey), t} */
  constructor(canvas, legend, options) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.legend = legend;
    this.options = options;
    this.data = null;
    this.outputs = null;
    this.showTest = false;
    this.discretize = false;
    this.drawing = false;
    this.image = document.createElement("canvas");
    this.classRgb = CLASS_COLORS.map(hexToRgb);
    this.drawn = 0;
    canvas.addEventListener("click", (event) => this._click(event));
  }

  setData(data) { this.data = data; this._legend(); }
  setOutputs(outputs) { this.outputs = outputs; }
  /** The output value at which one output means class 1 (the activation's mid-range, from the server). */
  setThreshold(value) { this.threshold = value; }
  setOptions({ showTest, discretize }) { this.showTest = showTest; this.discretize = discretize; }
  setDrawing(on) { this.drawing = on; this.canvas.classList.toggle("drawing", on); }

  /** Data coordinates -> canvas pixels. */
  _toPixel(x1, x2) {
    const [[a, b], second] = this.data.domain;
    const px = ((x1 - a) / (b - a)) * this.canvas.width;
    if (!second) return [px, null];
    const [c, d] = second;
    return [px, (1 - (x2 - c) / (d - c)) * this.canvas.height];
  }

  _click(event) {
    if (!this.drawing || !this.data || this.data.domain.length !== 2) return;
    const rect = this.canvas.getBoundingClientRect();
    const fx = (event.clientX - rect.left) / rect.width;
    const fy = (event.clientY - rect.top) / rect.height;
    const [[a, b], [c, d]] = this.data.domain;
    this.options.onAddPoint(a + fx * (b - a), d - fy * (d - c), event.shiftKey);
  }

  /** Draw everything now (the caller throttles to animation frames). */
  draw() {
    const { ctx, canvas } = this;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!this.data) return;
    const shape = this.outputs?.[0]?.shape;
    // The output's own shape decides (data for a new dataset may still be on its way).
    if (shape && shape.length === 1) this._curve();
    else if (shape) this._paintImage();
    this._points(this.data.train, "#fff");
    if (this.showTest) this._points(this.data.test, "#000");
    this.drawn += 1;
  }

  _paintImage() {
    const first = this.outputs[0];
    const [h, w] = first.shape;
    if (this.outputs.some((o) => !o || o.shape.length !== 2)) return;  // maps of a new network still arriving
    if (this.image.width !== w || this.image.height !== h) Object.assign(this.image, { width: w, height: h });
    const ictx = this.image.getContext("2d");
    const pixels = ictx.createImageData(w, h);
    const out = pixels.data;
    const cells = w * h;
    if (this.outputs.length === 1) {
      const lut = divergingLUT();
      const classify = this.discretize && this.data.task === "classification";
      // The byte at which the decoded value reaches the class threshold (maps may have their own range).
      const cut = ((this.threshold ?? 0.5) - first.lo) / ((first.hi - first.lo) / 255 || 1);
      for (let i = 0; i < cells; i++) {
        const q = classify ? (first.bytes[i] >= cut ? 255 : 0) : first.bytes[i];
        out.set(lut.subarray(q * 4, q * 4 + 4), i * 4);
      }
    } else {
      const k = this.outputs.length;
      const values = this.outputs.map((o) => o.values);  // decoded: each map may have its own range
      for (let i = 0; i < cells; i++) {
        let best = 0;
        for (let c = 1; c < k; c++) if (values[c][i] > values[best][i]) best = c;
        const p = Math.min(1, Math.max(0, values[best][i]));
        const strength = this.discretize ? 1 : Math.max(0, (p - 1 / k) / (1 - 1 / k));
        const [r, g, b] = this.classRgb[best];
        out[i * 4] = 255 + (r - 255) * strength * 0.8;
        out[i * 4 + 1] = 255 + (g - 255) * strength * 0.8;
        out[i * 4 + 2] = 255 + (b - 255) * strength * 0.8;
        out[i * 4 + 3] = 255;
      }
    }
    ictx.putImageData(pixels, 0, 0);
    this.ctx.imageSmoothingEnabled = !this.discretize;
    this.ctx.globalAlpha = 0.85;
    this.ctx.drawImage(this.image, 0, 0, this.canvas.width, this.canvas.height);
    this.ctx.globalAlpha = 1;
  }

  /** 1-D regression: the fitted curve over x, targets from lo (bottom) to hi (top). */
  _curve() {
    const { ctx, canvas } = this;
    const out = this.outputs[0];
    const n = out.bytes.length;
    ctx.strokeStyle = "#183d4e";
    ctx.lineWidth = 3;
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      const x = (i / (n - 1)) * canvas.width;
      const y = (1 - out.bytes[i] / 255) * canvas.height;
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    }
    ctx.stroke();
    this.curveRange = [out.lo, out.hi];
  }

  _points(part, stroke) {
    if (!part || !part.X.length) return;
    const { ctx } = this;
    const regression = this.data.task === "regression";
    const lut = divergingLUT();
    const [lo, hi] = this.outputs?.[0] ? [this.outputs[0].lo, this.outputs[0].hi] : [-1, 1];
    ctx.lineWidth = 1;
    ctx.strokeStyle = stroke;
    const radius = this.data.train.X.length + this.data.test.X.length <= 20 ? 3 * POINT_RADIUS : POINT_RADIUS;  // a gate's 4 points stand out
    for (let i = 0; i < part.X.length; i++) {
      const [x1, x2] = part.X[i];
      let [px, py] = this._toPixel(x1, x2);
      const value = part.y[i];
      if (py === null) py = (1 - (value - lo) / (hi - lo || 1)) * this.canvas.height;  // 1-D: y is the target
      if (regression && this.data.domain.length === 2) {
        const q = Math.max(0, Math.min(255, Math.round(((value - lo) / (hi - lo || 1)) * 255)));
        ctx.fillStyle = `rgb(${lut[q * 4]},${lut[q * 4 + 1]},${lut[q * 4 + 2]})`;
      } else if (regression) {
        ctx.fillStyle = "#f59322";
      } else {
        ctx.fillStyle = CLASS_COLORS[value] || "#888";
      }
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }

  /** The legend: multi-class data name each class's colour; one output shows the colour bar with numbers
   *  under it (the output values its ends and middle stand for) and what each end means. Text is dark on
   *  white (the orange and blue themselves are too pale for text): the colours are in swatches. */
  _legend() {
    const { legend, data } = this;
    const t = this.options.t;
    legend.replaceChildren();
    this.ticks = this.axesNote = null;
    if (!data) return;
    const el = (tag, className, text = "") => Object.assign(document.createElement(tag), { className, textContent: text });
    const swatch = (color) => {
      const dot = el("span", "legend-swatch");
      dot.style.background = color;
      dot.setAttribute("aria-hidden", "true");
      return dot;
    };
    if (data.task === "classification" && data.n_classes > 2) {
      for (let c = 0; c < data.n_classes; c++) legend.append(swatch(CLASS_COLORS[c]), el("span", "", t("class_n", { n: c + 1 })));
      legend.append(el("div", "legend-note", t("acc_legend_classes")));
      return;
    }
    if (data.domain.length === 1) {  // 1-D regression: a curve over x, not colours
      const line = el("span", "legend-line");
      line.setAttribute("aria-hidden", "true");
      legend.append(el("span", "legend-class"), el("span", "legend-class"));
      legend.children[0].append(line, el("span", "", t("acc_legend_curve")));
      legend.children[1].append(swatch(NEGATIVE), el("span", "", t("acc_legend_points")));
      legend.append((this.axesNote = el("div", "legend-note")));
      this.tickRange = null;
      this.updateLegendRange();
      return;
    }
    const classes = data.task === "classification";
    const bar = document.createElement("canvas");
    bar.width = 256;
    bar.height = 1;
    bar.setAttribute("aria-hidden", "true");  // the numbers and the ends' words say what it shows
    const bctx = bar.getContext("2d");
    const pixels = bctx.createImageData(256, 1);
    pixels.data.set(divergingLUT());
    bctx.putImageData(pixels, 0, 0);
    const low = el("span", "legend-end legend-low");
    const high = el("span", "legend-end legend-high");
    low.append(swatch(NEGATIVE), el("span", "", classes ? t("class_n", { n: 1 }) : t("low")));
    high.append(el("span", "", classes ? t("class_n", { n: 2 }) : t("high")), swatch(POSITIVE));
    this.ticks = [el("span", "legend-tick"), el("span", "legend-tick"), el("span", "legend-tick")];
    const ticks = el("div", "legend-ticks");
    ticks.append(...this.ticks);
    const scale = el("div", "legend-scale");
    scale.append(low, bar, high, ticks);
    legend.append(scale, el("div", "legend-note", t(classes ? "acc_legend_output" : "acc_legend_regression")));
    this.tickRange = null;
    this.updateLegendRange();
  }

  /** The numbers under the colour bar: the output range the frames' maps are coded in (e.g. 0 ... 0.5 ... 1
   *  for a sigmoid output, -1 ... 0 ... 1 for tanh), or a curve's axes; "–" until a frame has told it. */
  updateLegendRange() {
    if (!this.ticks && !this.axesNote) return;
    const first = this.outputs?.[0];
    const range = first && Number.isFinite(first.lo) && Number.isFinite(first.hi) ? [first.lo, first.hi] : null;
    const key = range ? range.join() : "";
    if (key === this.tickRange) return;  // called on every frame: touch the page only when the range changes
    this.tickRange = key;
    const show = (v) => (range ? String(Number(v.toFixed(2))) : "–");
    const [lo, hi] = range ?? [0, 0];
    if (this.axesNote) {
      const [a, b] = this.data.domain[0];
      this.axesNote.textContent = this.options.t("acc_legend_axes", { a, b, lo: show(lo), hi: show(hi) });
      return;
    }
    [lo, (lo + hi) / 2, hi].forEach((value, i) => { this.ticks[i].textContent = show(value); });
  }

  toBlob() {
    return new Promise((resolve) => this.canvas.toBlob(resolve, "image/png"));
  }
}
