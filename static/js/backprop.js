// Section 3.3 step by step: the forward pass layer by layer, the backward pass with each equation's value,
// the update, and a numerical check of every gradient. Every number comes from the server's engine.
import { t } from "./i18n.js";

const num = (x) => (x === null || x === undefined ? "–" : Number(x).toFixed(4));
const vec = (v) => `[${v.map(num).join(", ")}]`;
const mat = (m) => `[${m.map(vec).join(", ")}]`;

export class BackpropView {
  /** container: the lesson's figure <div>; figure: {input: [x1, x2], target: class} */
  constructor(container, playground, figure) {
    this.container = container;
    this.playground = playground;
    this.figure = figure;
    this.index = 0;
    this.steps = [];
    container.innerHTML = `
      <div class="bp-controls">
        <label>x = <input class="bp-x1" type="number" step="0.1"> <input class="bp-x2" type="number" step="0.1"></label>
        <label><span class="bp-target-label"></span> <input class="bp-target" type="number" min="0" step="1"></label>
        <button class="bp-prev"></button> <button class="bp-next"></button> <button class="bp-numeric"></button>
        <span class="bp-position"></span>
      </div>
      <ol class="bp-steps" aria-live="polite"></ol>
      <div class="bp-check"></div>`;
    this.$ = (selector) => container.querySelector(selector);
    [this.$(".bp-x1").value, this.$(".bp-x2").value] = figure.input;
    this.$(".bp-target").value = figure.target;
    this.$(".bp-prev").addEventListener("click", () => this.go(this.index - 1));
    this.$(".bp-next").addEventListener("click", () => this.go(this.index + 1));
    this.$(".bp-numeric").addEventListener("click", () => this.numericCheck());
    for (const input of container.querySelectorAll("input")) input.addEventListener("change", () => this.load());
    this.label();
    this.load();
  }

  label() {
    this.$(".bp-target-label").textContent = t("bp_class");
    this.$(".bp-prev").textContent = t("bp_previous");
    this.$(".bp-next").textContent = t("bp_next");
    this.$(".bp-numeric").textContent = t("bp_numeric");
  }

  sample() {
    return { input: [Number(this.$(".bp-x1").value), Number(this.$(".bp-x2").value)], target: Number(this.$(".bp-target").value) };
  }

  async load() {
    try {
      const session = this.playground.session;
      const [bp, weights] = await Promise.all([session.call("POST", "/backprop", this.sample()), session.call("GET", "/weights")]);
      this.steps = this.build(bp, weights.layers, this.playground.config.learning_rate);
      this.go(Math.min(this.index, this.steps.length - 1));
    } catch (error) {
      this.playground.fail(error);
    }
  }

  /** The steps in the chapter's order, each with its equation and values. */
  build(bp, layers, rate) {
    const L = bp.forward.a.length;
    const steps = [];
    steps.push({ eq: "3.4", title: t("bp_input"), lines: [`h(0) = x = ${vec(bp.forward.inputs)}`] });
    for (let k = 0; k < L; k++) {
      steps.push({ eq: "3.4-3.6", title: t("bp_forward_layer", { k: k + 1 }),
        lines: [`a(${k + 1}) = W(${k + 1}) h(${k}) + b(${k + 1}) = ${vec(bp.forward.a[k])}`,
                `h(${k + 1}) = g(a(${k + 1})) = ${vec(bp.forward.h[k])}`] });
    }
    steps.push({ eq: "3.8-3.9", title: t("bp_loss"), lines: [`l = ${num(bp.loss)}`] });
    steps.push({ eq: "3.15-3.16", title: t("bp_output_grad"), lines: [`∂l/∂y = ${vec(bp.grad_output)}`] });
    steps.push({ eq: "3.17-3.18", title: t("bp_output_delta"), lines: [`δ(${L}) = ∂l/∂a(${L}) = ${vec(bp.deltas[L - 1])}`] });
    for (let k = L - 1; k >= 1; k--) {
      steps.push({ eq: "3.20-3.21", title: t("bp_hidden_grad", { k }),
        lines: [`∂l/∂h(${k}) = W(${k + 1})ᵀ δ(${k + 1}) = ${vec(bp.grad_h[k - 1])}`] });
      steps.push({ eq: "3.22-3.23", title: t("bp_hidden_delta", { k }),
        lines: [`δ(${k}) = ∂l/∂h(${k}) ⊙ g'(a(${k})) = ${vec(bp.deltas[k - 1])}`] });
    }
    for (let k = L; k >= 1; k--) {
      const grad = bp.gradients[k - 1];
      steps.push({ eq: "3.24-3.27", title: t("bp_params", { k }),
        lines: [`∇W(${k}) = δ(${k}) h(${k - 1})ᵀ = ${mat(grad.W)}`, `∇b(${k}) = δ(${k}) = ${vec(grad.b)}`] });
    }
    const updated = layers.map((layer, k) => layer.W.map((row, i) => row.map((w, j) => w - rate * bp.gradients[k].W[i][j])));
    steps.push({ eq: "3.11", title: t("bp_update", { rate }),
      lines: updated.map((W, k) => `W(${k + 1}) − α ∇W(${k + 1}) = ${mat(W)}`) });
    return steps;
  }

  go(index) {
    this.index = Math.max(0, Math.min(index, this.steps.length - 1));
    const list = this.$(".bp-steps");
    list.replaceChildren(...this.steps.slice(0, this.index + 1).map((step, i) => {
      const item = document.createElement("li");
      item.className = i === this.index ? "bp-current" : "";
      const head = document.createElement("strong");
      head.textContent = `${step.title} (${t("bp_equation")} ${step.eq})`;
      item.append(head);
      for (const line of step.lines) {
        const code = document.createElement("code");
        code.textContent = line;
        item.append(document.createElement("br"), code);
      }
      return item;
    }));
    this.$(".bp-prev").disabled = this.index === 0;
    this.$(".bp-next").disabled = this.index === this.steps.length - 1;
    this.$(".bp-position").textContent = `${this.index + 1} / ${this.steps.length}`;
  }

  async numericCheck() {
    try {
      const result = await this.playground.session.call("POST", "/gradient-check", this.sample());
      const box = this.$(".bp-check");
      box.replaceChildren(...result.layers.map((layer, k) => {
        const line = document.createElement("div");
        line.textContent = t("bp_numeric_layer", { k: k + 1, analytic: mat(layer.W), numeric: mat(layer.W_numeric),
          difference: layer.max_difference.toExponential(1) });
        return line;
      }));
      const verdict = document.createElement("strong");
      verdict.className = result.max_difference < 1e-6 ? "ok" : "no";
      verdict.textContent = t("bp_numeric_verdict", { difference: result.max_difference.toExponential(1) });
      box.append(verdict);
    } catch (error) {
      this.playground.fail(error);
    }
  }
}
