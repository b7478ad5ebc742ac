// Section 3.2.3: a two-parameter model's loss surface J(w, b) with gradient-descent paths from A and B.
// The step size alpha is the session's learning rate (so the lesson's check sees it). Numbers from the engine.
import { surface as computeSurface } from "./api.js";
import { t } from "./i18n.js";

const SIZE = 360;
const PATH_COLORS = ["#f59322", "#0877bd"];
const MODELS = ["linear_squared_error", "sigmoid_cross_entropy", "sigmoid_squared_error"];

export class SurfaceView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `
      <div class="sv">
        <canvas class="sv-plane" width="${SIZE}" height="${SIZE}"></canvas>
        <div class="sv-side">
          <label><span class="sv-model-label"></span> <select class="sv-model"></select></label>
          <label>α <input class="sv-alpha" type="range" min="-2" max="1" step="0.05"> <output class="sv-alpha-value"></output></label>
          <p class="sv-facts"></p>
        </div>
      </div>`;
    this.$ = (s) => container.querySelector(s);
    const select = this.$(".sv-model");
    for (const name of MODELS) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = t(`sv_${name}`);
      select.append(option);
    }
    select.value = figure.model;
    this.$(".sv-model-label").textContent = t("sv_model");
    const alpha = this.$(".sv-alpha");
    alpha.value = Math.log10(playground.config.learning_rate);
    alpha.addEventListener("input", () => { this.$(".sv-alpha-value").textContent = this.alpha().toPrecision(2); });
    alpha.addEventListener("change", async () => {
      await playground.change({ learning_rate: Number(this.alpha().toPrecision(2)) });
      this.load();
    });
    select.addEventListener("change", () => this.load());
    this.$(".sv-alpha-value").textContent = this.alpha().toPrecision(2);
    this.load();
  }

  alpha() {
    return 10 ** Number(this.$(".sv-alpha").value);
  }

  async load() {
    const body = { model: this.$(".sv-model").value, learning_rate: this.playground.config.learning_rate,
      starts: this.figure.starts, steps: 50 };
    try {
      this.draw(await computeSurface(body));
    } catch (error) {
      this.playground.fail(error);
    }
  }

  draw({ surface, paths }) {
    const canvas = this.$(".sv-plane");
    const ctx = canvas.getContext("2d");
    const n = surface.w.length;
    const logs = surface.J.flat().map((j) => Math.log(j + 1e-9));
    const lo = Math.min(...logs);
    const hi = Math.max(...logs);
    const image = ctx.createImageData(n, n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const v = (Math.log(surface.J[n - 1 - row][col] + 1e-9) - lo) / (hi - lo || 1);  // top row = largest b
        const band = Math.floor(v * 12) % 2 ? 0.9 : 1;  // alternating bands read as contour lines
        const i = (row * n + col) * 4;
        image.data[i] = (40 + 200 * v) * band;
        image.data[i + 1] = (90 + 120 * (1 - v)) * band;
        image.data[i + 2] = (160 - 100 * v) * band;
        image.data[i + 3] = 255;
      }
    }
    const off = document.createElement("canvas");
    off.width = off.height = n;
    off.getContext("2d").putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(off, 0, 0, SIZE, SIZE);
    const [w0, w1] = [surface.w[0], surface.w[n - 1]];
    const [b0, b1] = [surface.b[0], surface.b[n - 1]];
    const px = (w) => ((w - w0) / (w1 - w0)) * SIZE;
    const py = (b) => (1 - (b - b0) / (b1 - b0)) * SIZE;
    const facts = [];
    paths.forEach((path, k) => {
      ctx.strokeStyle = PATH_COLORS[k];
      ctx.fillStyle = PATH_COLORS[k];
      ctx.lineWidth = 2;
      ctx.beginPath();
      path.path.forEach(([w, b], i) => (i ? ctx.lineTo(px(w), py(b)) : ctx.moveTo(px(w), py(b))));
      ctx.stroke();
      const [w, b] = path.path[0];
      ctx.beginPath(); ctx.arc(px(w), py(b), 5, 0, 2 * Math.PI); ctx.fill();
      ctx.fillText(k ? "B" : "A", px(w) + 7, py(b) - 7);
      const last = path.path.at(-1);
      facts.push(t(path.diverged ? "sv_diverged" : "sv_ended", { start: k ? "B" : "A", steps: path.path.length - 1,
        J: last[2].toPrecision(3) }));
    });
    this.$(".sv-facts").textContent = facts.join(" ");
  }
}
