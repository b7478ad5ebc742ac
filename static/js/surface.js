// Section 3.2.3: a two-parameter model's loss surface J(w, b) with gradient-descent paths from A and B
// (Fig. 3-16, 3-17), drawn as a chart a student can read: w and b axes with ticks, a colour scale for J with
// numbers, the minimum, and a key. The step size alpha is the session's learning rate (so the lesson's check
// sees it); a path stops after 50 steps or once J <= epsilon. Every number comes from the engine.
import { surface as computeSurface } from "./api.js";
import { t } from "./i18n.js";

const PLOT = 340;                       // the plotted square, CSS pixels
const MARGIN = { left: 52, top: 12, right: 96, bottom: 44 };
const WIDTH = MARGIN.left + PLOT + MARGIN.right;
const HEIGHT = MARGIN.top + PLOT + MARGIN.bottom;
const BAR = { x: MARGIN.left + PLOT + 18, width: 16 };  // the colour scale, right of the plot
const BANDS = 12;                       // J is drawn in bands of equal log width: the band edges read as contours
const STEPS = 50;
const PATHS = [{ name: "A", color: "#d9620b" }, { name: "B", color: "#0868ac" }];
const MODELS = ["linear_squared_error", "sigmoid_cross_entropy", "sigmoid_squared_error"];
const EPSILONS = [null, 0.5, 0.2, 0.1, 0.08, 0.05, 0.03];
// Low J light, high J dark (ColorBrewer "Purples"): the orange and blue paths, haloed in white, read on both.
const PALETTE = [[252, 251, 253], [218, 218, 235], [158, 154, 200], [106, 81, 163], [63, 0, 125]];
const STYLE = `.sv{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.sv-plane{max-width:100%;height:auto}.sv-side{flex:1;min-width:260px}
.sv-side label{display:flex;align-items:center;gap:8px;margin:6px 0}.sv-side input[type=range]{flex:1}
.sv-key{list-style:none;padding:0;margin:8px 0;font-size:13px}.sv-key li{display:flex;align-items:center;gap:6px;margin:2px 0}
.sv-swatch{display:inline-block;width:22px;height:4px;border-radius:2px}
.sv-facts{font-size:13px;line-height:1.6}.sv-facts div{margin:2px 0}`;

function color(v) { // v in [0, 1] -> an rgb triple along PALETTE
  const x = Math.max(0, Math.min(1, v)) * (PALETTE.length - 1);
  const i = Math.min(PALETTE.length - 2, Math.floor(x));
  const f = x - i;
  return PALETTE[i].map((c, k) => Math.round(c + f * (PALETTE[i + 1][k] - c)));
}

function ticks(lo, hi, count = 6) { // round tick values covering [lo, hi]
  const raw = (hi - lo) / count;
  const unit = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * unit).find((s) => s >= raw);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(6)));
  return out;
}

const num = (v) => (v === null || v === undefined ? "–" : Math.abs(v) >= 1e4 ? v.toExponential(1) : v.toPrecision(3));

export class SurfaceView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `<style>${STYLE}</style>
      <div class="sv">
        <canvas class="sv-plane" role="img"></canvas>
        <div class="sv-side">
          <label><span class="sv-model-label"></span> <select class="sv-model"></select></label>
          <label><span class="sv-alpha-label"></span> <input class="sv-alpha" type="range" min="-2" max="1" step="0.05">
            <output class="sv-alpha-value"></output></label>
          <label><span class="sv-epsilon-label"></span> <select class="sv-epsilon"></select></label>
          <ul class="sv-key"></ul>
          <div class="sv-facts" aria-live="polite"></div>
        </div>
      </div>`;
    this.$ = (s) => container.querySelector(s);
    const canvas = this.$(".sv-plane");
    const ratio = window.devicePixelRatio || 1;
    canvas.width = WIDTH * ratio;
    canvas.height = HEIGHT * ratio;
    canvas.style.width = `${WIDTH}px`;
    canvas.getContext("2d").scale(ratio, ratio);
    const select = this.$(".sv-model");
    for (const name of MODELS) select.append(new Option("", name));
    select.value = figure.model;
    const epsilon = this.$(".sv-epsilon");
    for (const value of EPSILONS) epsilon.append(new Option(String(value ?? ""), value ?? ""));
    this.label();
    // i18n.js's apply() sets <html lang> on every language change: write the words and redraw the last answer.
    new MutationObserver(() => { this.label(); if (this.answer) this.draw(this.answer); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    const alpha = this.$(".sv-alpha");
    alpha.value = Math.log10(playground.config.learning_rate);
    alpha.addEventListener("input", () => { this.$(".sv-alpha-value").textContent = this.alpha().toPrecision(2); });
    alpha.addEventListener("change", async () => {
      await playground.change({ learning_rate: Number(this.alpha().toPrecision(2)) });
      this.load();
    });
    select.addEventListener("change", () => this.load());
    epsilon.addEventListener("change", () => this.load());
    this.$(".sv-alpha-value").textContent = this.alpha().toPrecision(2);
    this.load();
  }

  /** The words of the controls, in the page's language (the options keep their values and the choice). */
  label() {
    for (const option of this.$(".sv-model").options) option.textContent = t(`sv_${option.value}`);
    this.$(".sv-epsilon").options[0].textContent = t("sv_epsilon_off");  // EPSILONS[0] is null: no stop
    this.$(".sv-model-label").textContent = t("sv_model");
    this.$(".sv-alpha-label").textContent = t("sv_alpha");
    this.$(".sv-epsilon-label").textContent = t("sv_epsilon", { steps: STEPS });
    this.$(".sv-alpha").setAttribute("aria-label", t("sv_alpha"));
  }

  alpha() {
    return 10 ** Number(this.$(".sv-alpha").value);
  }

  epsilon() {
    const value = this.$(".sv-epsilon").value;
    return value === "" ? null : Number(value);
  }

  async load() { // alpha as the slider shows it (the session's learning rate once the change has been sent)
    const body = { model: this.$(".sv-model").value, learning_rate: Number(this.alpha().toPrecision(2)),
      steps: STEPS, stop_below: this.epsilon(), resolution: 90 };
    if (this.figure.starts && body.model === this.figure.model) body.starts = this.figure.starts;
    const asked = (this.asked = (this.asked ?? 0) + 1);
    try {
      const answer = await computeSurface(body);
      // a newer setting's answer is on its way: draw only that one (with the stop it was asked with)
      if (asked === this.asked) this.draw({ ...answer, epsilon: body.stop_below });
    } catch (error) {
      this.playground.fail(error);
    }
  }

  draw(answer) {
    this.answer = answer;
    const { surface, paths, epsilon } = answer;  // epsilon: the stop this answer was asked with
    const ctx = this.$(".sv-plane").getContext("2d");
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const n = surface.w.length;
    const [w0, w1] = [surface.w[0], surface.w[n - 1]];
    const [b0, b1] = [surface.b[0], surface.b[n - 1]];
    const px = (w) => MARGIN.left + ((w - w0) / (w1 - w0)) * PLOT;
    const py = (b) => MARGIN.top + (1 - (b - b0) / (b1 - b0)) * PLOT;
    // J on a log scale, in BANDS bands between the grid's smallest and largest value.
    const values = surface.J.flat().filter((j) => j !== null);
    const lo = Math.log(Math.min(...values)), hi = Math.log(Math.max(...values));
    const level = (j) => Math.min(BANDS - 1, Math.floor(((Math.log(j) - lo) / (hi - lo || 1)) * BANDS));
    const bandColor = (k) => color((k + 0.5) / BANDS);
    const image = ctx.createImageData(n, n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const j = surface.J[n - 1 - row][col];  // top row = largest b
        const rgb = j === null ? [0, 0, 0] : bandColor(level(j));
        image.data.set([...rgb, 255], (row * n + col) * 4);
      }
    }
    const off = document.createElement("canvas");
    off.width = off.height = n;
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, MARGIN.left, MARGIN.top, PLOT, PLOT);
    this.axes(ctx, px, py, [w0, w1], [b0, b1]);
    this.scale(ctx, lo, hi, bandColor);
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, PLOT, PLOT);
    ctx.clip();  // a diverging path leaves the drawn region: it is cut at the frame
    const [mw, mb] = surface.minimum;
    this.star(ctx, px(mw), py(mb));
    paths.forEach((path, k) => this.path(ctx, path, PATHS[k % PATHS.length], px, py));
    ctx.restore();
    this.key(surface.minimum);
    this.facts(paths, epsilon);
  }

  axes(ctx, px, py, [w0, w1], [b0, b1]) {
    ctx.strokeStyle = "#333";
    ctx.fillStyle = "#222";
    ctx.lineWidth = 1;
    ctx.strokeRect(MARGIN.left, MARGIN.top, PLOT, PLOT);
    ctx.font = "12px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const w of ticks(w0, w1)) {
      ctx.beginPath(); ctx.moveTo(px(w), MARGIN.top + PLOT); ctx.lineTo(px(w), MARGIN.top + PLOT + 5); ctx.stroke();
      ctx.fillText(String(w), px(w), MARGIN.top + PLOT + 7);
    }
    ctx.font = "italic 13px serif";
    ctx.fillText(t("sv_w_axis"), MARGIN.left + PLOT / 2, MARGIN.top + PLOT + 24);
    ctx.font = "12px sans-serif";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const b of ticks(b0, b1)) {
      ctx.beginPath(); ctx.moveTo(MARGIN.left - 5, py(b)); ctx.lineTo(MARGIN.left, py(b)); ctx.stroke();
      ctx.fillText(String(b), MARGIN.left - 7, py(b));
    }
    ctx.save();
    ctx.translate(14, MARGIN.top + PLOT / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.font = "italic 13px serif";
    ctx.fillText(t("sv_b_axis"), 0, 0);
    ctx.restore();
  }

  scale(ctx, lo, hi, bandColor) { // the colour scale: one box per band, its edges labelled with J
    const height = PLOT / BANDS;
    for (let k = 0; k < BANDS; k++) {
      ctx.fillStyle = `rgb(${bandColor(k).join(",")})`;
      ctx.fillRect(BAR.x, MARGIN.top + PLOT - (k + 1) * height, BAR.width, height);
    }
    ctx.strokeStyle = "#333";
    ctx.strokeRect(BAR.x, MARGIN.top, BAR.width, PLOT);
    ctx.fillStyle = "#222";
    ctx.font = "11px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    for (let k = 0; k <= BANDS; k += 2) {
      const y = MARGIN.top + PLOT - k * height;
      ctx.beginPath(); ctx.moveTo(BAR.x + BAR.width, y); ctx.lineTo(BAR.x + BAR.width + 4, y); ctx.stroke();
      ctx.fillText(num(Math.exp(lo + ((hi - lo) * k) / BANDS)), BAR.x + BAR.width + 6, y);
    }
    ctx.textBaseline = "bottom";
    ctx.textAlign = "center";
    ctx.font = "italic 13px serif";
    ctx.fillText("J", BAR.x + BAR.width / 2, MARGIN.top + PLOT + 30);
  }

  star(ctx, x, y) { // the minimum: a white star outlined in black
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? 3.5 : 8, angle = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx.lineTo(x + r * Math.cos(angle), y + r * Math.sin(angle));
    }
    ctx.closePath();
    ctx.fillStyle = "#fff";
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 1.5;
    ctx.fill();
    ctx.stroke();
  }

  path(ctx, path, { name, color: stroke }, px, py) {
    const points = path.path.map(([w, b]) => [px(w), py(b)]);
    const line = () => { ctx.beginPath(); points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y))); };
    ctx.lineJoin = "round";
    line(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 5; ctx.stroke();  // a halo: the path reads on any band
    line(); ctx.strokeStyle = stroke; ctx.lineWidth = 2.5; ctx.stroke();
    for (const [x, y] of points.slice(1)) { // every step a dot: the steps' lengths show alpha at work
      ctx.beginPath(); ctx.arc(x, y, 2, 0, 2 * Math.PI); ctx.fillStyle = stroke; ctx.fill();
    }
    const [x0, y0] = points[0];
    ctx.beginPath(); ctx.arc(x0, y0, 7, 0, 2 * Math.PI);
    ctx.fillStyle = stroke; ctx.fill(); ctx.strokeStyle = "#fff"; ctx.lineWidth = 2; ctx.stroke();
    ctx.fillStyle = "#fff";
    ctx.font = "bold 10px sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(name, x0, y0 + 0.5);
    if (path.stopped !== null) { // where J reached epsilon: a ring
      const [x, y] = points[path.stopped];
      ctx.beginPath(); ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.strokeStyle = "#000"; ctx.lineWidth = 2; ctx.stroke();
    }
  }

  key([w, b, J]) {
    const item = (swatch, text) => {
      const li = document.createElement("li");
      li.innerHTML = swatch;
      li.append(text);
      return li;
    };
    this.$(".sv-key").replaceChildren(
      ...PATHS.map(({ name, color: c }) => item(`<span class="sv-swatch" style="background:${c}"></span>`,
        t("sv_key_path", { start: name }))),
      item("<span aria-hidden=\"true\">★</span>", t("sv_key_minimum", { w: num(w), b: num(b), J: num(J) })),
      item("<span aria-hidden=\"true\">◯</span>", t("sv_key_stop")),
      item("", t("sv_key_colors")));
  }

  facts(paths, epsilon) {
    const lines = paths.map((path, k) => {
      const start = PATHS[k % PATHS.length].name;
      const last = path.path.at(-1);
      const [dw, db] = path.gradient;
      const ended = path.diverged ? t("sv_diverged", { start, steps: path.path.length - 1, J: num(last[2]) })
        : path.stopped !== null ? t("sv_stopped", { start, steps: path.stopped, J: num(last[2]), epsilon })
          : t("sv_ended", { start, steps: path.path.length - 1, J: num(last[2]) });
      return `${ended} ${t("sv_gradient", { start, dw: num(dw), db: num(db) })}`;
    });
    this.$(".sv-facts").replaceChildren(...lines.map((line) => {
      const div = document.createElement("div");
      div.textContent = line;
      return div;
    }));
    this.$(".sv-plane").setAttribute("aria-label", `${t("sv_aria")} ${lines.join(" ")}`);
  }
}
