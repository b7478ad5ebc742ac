// The loss chart: train loss (dark grey) and test loss (blue) per epoch on a canvas, y from 0 to the
// largest loss seen. Long runs are thinned evenly to at most MAX_POINTS points per line.
import { POSITIVE } from "./colors.js";

const MAX_POINTS = 2000;
const TRAIN_COLOR = "#444";
const TEST_COLOR = POSITIVE;
const MARGIN = { left: 34, right: 8, top: 16, bottom: 14 };
const FONT = "10px system-ui, -apple-system, sans-serif";

/** One line: every stride-th point (stride doubles when the line gets too long) plus the latest point. */
class Series {
  constructor() {
    this.clear();
  }

  clear() {
    Object.assign(this, { xs: [], ys: [], stride: 1, count: 0, last: null, max: 0 });
  }

  push(x, y) {
    if (typeof y !== "number" || !Number.isFinite(y)) return;
    this.max = Math.max(this.max, y);
    if (this.last?.[0] === x) { // the same epoch again (several frames per epoch): update it
      this.last[1] = y;
      if (this.xs.at(-1) === x) this.ys[this.ys.length - 1] = y;
      return;
    }
    this.last = [x, y];
    if (this.count++ % this.stride) return;
    this.xs.push(x);
    this.ys.push(y);
    if (this.xs.length > MAX_POINTS) {
      this.xs = this.xs.filter((_, i) => i % 2 === 0);
      this.ys = this.ys.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** Visit the points in order: the kept ones, then the latest if it was not kept. */
  forEach(visit) {
    this.xs.forEach((x, i) => visit(x, this.ys[i]));
    if (this.last && this.last[0] !== this.xs.at(-1)) visit(this.last[0], this.last[1]);
  }

  /** The point whose epoch is nearest x, or null. */
  nearest(x) {
    let best = null;
    let distance = Infinity;
    let lo = 0;
    let hi = this.xs.length - 1;
    while (lo < hi) { // the first kept epoch >= x
      const mid = (lo + hi) >> 1;
      if (this.xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const candidates = [lo - 1, lo].filter((i) => i >= 0 && i < this.xs.length).map((i) => [this.xs[i], this.ys[i]]);
    if (this.last) candidates.push(this.last);
    for (const point of candidates) {
      if (Math.abs(point[0] - x) < distance) [best, distance] = [point, Math.abs(point[0] - x)];
    }
    return best;
  }
}

const format = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(3));

export class LossChart {
  /**
   * @param {HTMLCanvasElement} canvas drawn at its CSS size times the device pixel ratio
   * @param {{t?: (key: string) => string}} options t for the "epoch", "train" and "test" labels
   */
  constructor(canvas, options = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.t = (key) => options.t?.(key) || key;
    this.train = new Series();
    this.test = new Series();
    this.hoverX = null; // CSS px from the canvas's left edge, while the pointer is over the chart
    this.frame = 0;
    const redraw = () => (this.frame ||= requestAnimationFrame(() => { this.frame = 0; this.draw(); }));
    canvas.addEventListener("pointermove", (event) => {
      this.hoverX = event.clientX - canvas.getBoundingClientRect().left;
      redraw();
    });
    canvas.addEventListener("pointerleave", () => { this.hoverX = null; redraw(); });
    this.observer = new ResizeObserver(redraw);
    this.observer.observe(canvas);
  }

  /** Forget every point and clear the canvas. */
  reset() {
    this.lastEpoch = undefined;
    if (!this.train.last && !this.test.last) return; // already blank
    this.train.clear();
    this.test.clear();
    this.draw();
  }

  /**
   * Replace the history (null losses are skipped). Call draw() afterwards.
   * @param {{epoch: number[], train_loss: Array<number|null>, test_loss: Array<number|null>}} history
   */
  setHistory({ epoch, train_loss: train, test_loss: test }) {
    this.train.clear();
    this.test.clear();
    this.lastEpoch = undefined;
    epoch.forEach((e, i) => this.add(e, train?.[i], test?.[i]));
  }

  /**
   * Append one epoch's losses (null ones are skipped). The same epoch again updates its point; an epoch
   * below the last one starts over.
   * @param {number} epoch
   * @param {number|null} trainLoss
   * @param {number|null} testLoss
   */
  add(epoch, trainLoss, testLoss) {
    if (epoch < this.lastEpoch) {
      this.train.clear();
      this.test.clear();
    }
    this.lastEpoch = epoch;
    this.train.push(epoch, trainLoss);
    this.test.push(epoch, testLoss);
  }

  /** Redraw (cheap: at most ~4000 line segments). Call at most once per animation frame. */
  draw() {
    const { canvas, ctx } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (!width || !height) return;
    const pixelWidth = Math.round(width * ratio);
    const pixelHeight = Math.round(height * ratio);
    if (canvas.width !== pixelWidth || canvas.height !== pixelHeight) {
      canvas.width = pixelWidth;
      canvas.height = pixelHeight;
      // A canvas sized by its attributes alone would grow with them: keep its CSS size.
      if (canvas.clientWidth !== width) canvas.style.width = `${width}px`;
      if (canvas.clientHeight !== height) canvas.style.height = `${height}px`;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const series = [this.train, this.test].filter((s) => s.last);
    if (!series.length) return;

    const x0 = Math.min(...series.map((s) => s.xs[0]));
    const x1 = Math.max(x0 + 1, ...series.map((s) => s.last[0]));
    const yMax = Math.max(...series.map((s) => s.max)) || 1;
    const plot = { left: MARGIN.left, top: MARGIN.top, w: width - MARGIN.left - MARGIN.right,
      h: height - MARGIN.top - MARGIN.bottom };
    if (plot.w <= 0 || plot.h <= 0) return;
    const toX = (x) => plot.left + ((x - x0) / (x1 - x0)) * plot.w;
    const toY = (y) => plot.top + plot.h - (y / yMax) * plot.h;

    ctx.font = FONT;
    ctx.lineWidth = 1;
    ctx.strokeStyle = "#ddd";
    ctx.fillStyle = "#777";
    ctx.textBaseline = "middle";
    ctx.textAlign = "right";
    for (const y of [0, yMax / 2, yMax]) { // grid lines and their labels
      ctx.beginPath();
      ctx.moveTo(plot.left, Math.round(toY(y)) + 0.5);
      ctx.lineTo(plot.left + plot.w, Math.round(toY(y)) + 0.5);
      ctx.stroke();
      ctx.fillText(format(y), plot.left - 4, toY(y));
    }
    ctx.textBaseline = "bottom";
    ctx.textAlign = "left";
    ctx.fillText(String(x0), plot.left, height);
    ctx.textAlign = "right";
    ctx.fillText(String(x1), plot.left + plot.w, height);

    ctx.lineWidth = 1.5;
    ctx.lineJoin = "round";
    for (const [line, color] of [[this.train, TRAIN_COLOR], [this.test, TEST_COLOR]]) {
      if (!line.last) continue;
      ctx.strokeStyle = color;
      ctx.beginPath();
      line.forEach((x, y) => ctx.lineTo(toX(x), toY(y)));
      ctx.stroke();
    }
    this._legend(plot);
    if (this.hoverX !== null && this.hoverX >= plot.left && this.hoverX <= plot.left + plot.w) {
      this._hover(plot, x0 + ((this.hoverX - plot.left) / plot.w) * (x1 - x0), toX);
    }
  }

  /** Stop following the canvas's size. */
  destroy() {
    this.observer.disconnect();
    cancelAnimationFrame(this.frame);
  }

  _legend(plot) {
    const { ctx } = this;
    ctx.textBaseline = "middle";
    ctx.textAlign = "left";
    let x = plot.left + plot.w;
    for (const [label, color] of [[this.t("test"), TEST_COLOR], [this.t("train"), TRAIN_COLOR]]) {
      x -= ctx.measureText(label).width + 24;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.moveTo(x, plot.top / 2);
      ctx.lineTo(x + 12, plot.top / 2);
      ctx.stroke();
      ctx.fillStyle = "#555";
      ctx.fillText(label, x + 15, plot.top / 2);
    }
  }

  _hover(plot, epoch, toX) {
    const { ctx } = this;
    const train = this.train.nearest(epoch);
    const test = this.test.nearest(epoch);
    const at = train ?? test;
    const parts = [`${this.t("epoch")} ${at[0]}`];
    if (train) parts.push(`${this.t("train")} ${format(train[1])}`);
    if (test) parts.push(`${this.t("test")} ${format(test[1])}`);
    const x = Math.round(toX(at[0])) + 0.5;
    ctx.strokeStyle = "rgba(0, 0, 0, 0.45)";
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, plot.top);
    ctx.lineTo(x, plot.top + plot.h);
    ctx.stroke();
    const text = parts.join(" · ");
    const w = ctx.measureText(text).width + 8;
    const left = Math.max(plot.left, Math.min(x + 6, plot.left + plot.w - w));
    ctx.fillStyle = "rgba(33, 37, 41, 0.88)";
    ctx.fillRect(left, plot.top, w, 15);
    ctx.fillStyle = "#fff";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillText(text, left + 4, plot.top + 8);
  }
}
