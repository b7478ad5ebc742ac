// Section 3.1.2 with one neuron: sliders for w1, w2 and b set the session's weights; the figure draws
// the line w^T x + b = 0, its normal w and its distance |b|/||w|| from the origin, and the output of
// each of Table 3-1's activations at x, with their graphs. The numbers come from the server's engine.
import { neuron } from "./api.js";
import { CLASS_COLORS, POSITIVE } from "./colors.js";
import { t } from "./i18n.js";

const SIZE = 320;

export class NeuronView {
  constructor(container, playground, figure) {
    this.container = container;
    this.playground = playground;
    this.domain = figure.domain;
    container.innerHTML = `
      <div class="nv">
        <canvas class="nv-plane" width="${SIZE}" height="${SIZE}"></canvas>
        <div class="nv-side">
          <div class="nv-sliders"></div>
          <label>x = <input class="nv-x1" type="number" step="0.1" value="1"> <input class="nv-x2" type="number" step="0.1" value="1"></label>
          <p class="nv-facts"></p>
          <table class="nv-table"><tbody></tbody></table>
        </div>
      </div>`;
    this.$ = (s) => container.querySelector(s);
    this.sliders = {};
    for (const [key, label] of [["w1", "w₁"], ["w2", "w₂"], ["b", "b"]]) {
      const row = document.createElement("label");
      row.innerHTML = `<span>${label}</span> <input type="range" min="-3" max="3" step="0.1"> <output></output>`;
      const input = row.querySelector("input");
      input.setAttribute("aria-label", label);
      input.addEventListener("input", () => { row.querySelector("output").textContent = Number(input.value).toFixed(1); this.update(false); });
      input.addEventListener("change", () => this.update(true));
      this.$(".nv-sliders").append(row);
      this.sliders[key] = { input, output: row.querySelector("output") };
    }
    for (const input of container.querySelectorAll(".nv-x1, .nv-x2")) input.addEventListener("change", () => this.update(false));
    this.load();
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
    try {
      if (commit) {
        const session = this.playground.session;
        await session.editWeight(1, 0, 0, w[0]);
        await session.editWeight(1, 0, 1, w[1]);
        await session.editWeight(1, 0, null, b);
      }
      if (w[0] === 0 && w[1] === 0) return;
      const result = await neuron({ w, b, x });
      this.draw(result, w, x);
      this.table(result);
    } catch (error) {
      this.playground.fail(error);
    }
  }

  draw(result, w, x) {
    const ctx = this.$(".nv-plane").getContext("2d");
    const [[a, b], [c, d]] = this.domain;
    const px = (x1) => ((x1 - a) / (b - a)) * SIZE;
    const py = (x2) => (1 - (x2 - c) / (d - c)) * SIZE;
    ctx.clearRect(0, 0, SIZE, SIZE);
    ctx.strokeStyle = "#ccc";
    ctx.beginPath(); ctx.moveTo(px(0), 0); ctx.lineTo(px(0), SIZE); ctx.moveTo(0, py(0)); ctx.lineTo(SIZE, py(0)); ctx.stroke();
    const data = this.playground.data;
    if (data) {
      for (const part of [data.train, data.test]) {
        part.X.forEach((p, i) => {
          ctx.fillStyle = CLASS_COLORS[part.y[i]] || "#888";
          ctx.beginPath(); ctx.arc(px(p[0]), py(p[1]), 6, 0, 2 * Math.PI); ctx.fill();
        });
      }
    }
    const [n1, n2] = result.line.normal;
    const [q1, q2] = result.line.nearest_point;
    const far = 100;
    ctx.strokeStyle = "#183d4e";
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.moveTo(px(q1 - far * n2), py(q2 + far * n1)); ctx.lineTo(px(q1 + far * n2), py(q2 - far * n1)); ctx.stroke();
    ctx.strokeStyle = POSITIVE;  // the normal w, from the line's nearest point to the origin
    ctx.beginPath(); ctx.moveTo(px(q1), py(q2)); ctx.lineTo(px(q1 + 0.5 * n1), py(q2 + 0.5 * n2)); ctx.stroke();
    ctx.setLineDash([4, 4]);
    ctx.strokeStyle = "#999";
    ctx.beginPath(); ctx.moveTo(px(0), py(0)); ctx.lineTo(px(q1), py(q2)); ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = "#000";
    ctx.beginPath(); ctx.arc(px(x[0]), py(x[1]), 5, 0, 2 * Math.PI); ctx.stroke();
    this.$(".nv-facts").textContent = t("nv_facts", {
      a: result.a.toFixed(3), distance: result.line.distance.toFixed(3), w: `(${w.map((v) => v.toFixed(1)).join(", ")})` });
  }

  table(result) {
    const body = this.$(".nv-table tbody");
    body.replaceChildren(...result.activations.map((act) => {
      const row = document.createElement("tr");
      const graph = document.createElement("canvas");
      graph.width = 80;
      graph.height = 40;
      const g = graph.getContext("2d");
      const ys = act.graph.g;
      const lo = Math.min(...ys, 0) - 0.1;
      const hi = Math.max(...ys, 1) + 0.1;
      const gx = (v) => ((v + 5) / 10) * 80;
      const gy = (v) => 40 - ((v - lo) / (hi - lo)) * 40;
      g.strokeStyle = "#183d4e";
      g.beginPath();
      act.graph.a.forEach((v, i) => (i ? g.lineTo(gx(v), gy(ys[i])) : g.moveTo(gx(v), gy(ys[i]))));
      g.stroke();
      g.fillStyle = "#f59322";
      g.beginPath(); g.arc(gx(Math.max(-5, Math.min(5, result.a))), gy(act.value), 3, 0, 2 * Math.PI); g.fill();
      const name = document.createElement("td");
      name.textContent = act.name;
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
