// Section 3.3 step by step: the forward pass layer by layer, the backward pass with each equation's value, the
// update of W and b, and a numerical check of every gradient, with the network drawn as Fig. 3-27 draws the
// backward flow: the layer whose values are listed is highlighted. Every number comes from the server's engine.
// Each step shown is reported to the server (POST /backprop with its step), which is what the lesson's task
// checks: the learner stepped through to the update.
import { COLORS, addStyle, diagramKey, drawNetwork, num } from "./chain.js";
import { t } from "./i18n.js";

const vec = (v) => `[${v.map(num).join(", ")}]`;
const mat = (m) => `[${m.map(vec).join(", ")}]`;
const same = (u, v) => u.length === v.length && u.every((x, i) => Math.abs(x - v[i]) < 1e-6);

// What each kind of step lists (lines) and where it is on the diagram (marks), from the engine's answer.
// Forward steps are drawn in the forward colour, backward ones in the backward colour.
const STEPS = {
  input: {
    title: () => t("bp_input"),
    lines: (bp) => [`h(0) = x = ${vec(bp.forward.inputs)}`],
    marks: (bp, step, m) => bp.forward.inputs.forEach((v, j) => m.half(`h:0:${j}`, v, COLORS.forward)),
  },
  forward: {
    title: (step) => t("bp_forward_layer", { k: step.layer }),
    lines: (bp, { layer: k }) => [`a(${k}) = W(${k}) h(${k - 1}) + b(${k}) = ${vec(bp.forward.a[k - 1])}`,
      `h(${k}) = g(a(${k})) = ${vec(bp.forward.h[k - 1])}`],
    marks: (bp, { layer: k }, m) => {
      m.links(k, COLORS.forward);
      bp.forward.a[k - 1].forEach((v, j) => m.half(`a:${k}:${j}`, v, COLORS.forward));
      bp.forward.h[k - 1].forEach((v, j) => m.half(`h:${k}:${j}`, v, COLORS.forward));
    },
  },
  loss: {
    title: () => t("bp_loss"),
    lines: (bp, step, config) => [`l${config.loss === "cross_entropy" ? " = −log y_c" : ""} = ${num(bp.loss)}`],
    marks: (bp, step, m, L) => {
      bp.forward.h[L - 1].forEach((v, j) => m.half(`h:${L}:${j}`, v, COLORS.forward));
      m.toLoss(COLORS.forward);
      m.half("l", bp.loss, COLORS.forward);
    },
  },
  output_grad: {
    title: () => t("bp_output_grad"),
    lines: (bp) => [`∂l/∂y = ${vec(bp.grad_output)}`],
    marks: (bp, step, m, L) => {
      m.toLoss(COLORS.backward);
      bp.grad_output.forEach((v, j) => m.half(`h:${L}:${j}`, v, COLORS.backward));
    },
  },
  output_delta: {
    title: () => t("bp_output_delta"),
    lines: (bp, { layer: L }, config) => {
      const engine = bp.deltas[L - 1];
      const lines = [t("bp_delta_network", { L, value: vec(engine) })];
      if (bp.chapter_delta) {
        lines.push(t("bp_delta_chapter", { L, value: vec(bp.chapter_delta) }));
        const fig313 = config.output === "sigmoid" && config.loss === "cross_entropy";  // -log y_c on sigmoids
        lines.push(same(engine, bp.chapter_delta) ? t("bp_delta_same") : fig313 ? t("bp_delta_why") : t("bp_delta_other"));
      }
      return lines;
    },
    marks: (bp, { layer: L }, m) => bp.deltas[L - 1].forEach((v, j) => m.half(`a:${L}:${j}`, v, COLORS.backward)),
  },
  hidden_grad: {
    title: (step) => t("bp_hidden_grad", { k: step.layer }),
    lines: (bp, { layer: k }) => [`∂l/∂h(${k}) = W(${k + 1})ᵀ δ(${k + 1}) = ${vec(bp.grad_h[k - 1])}`],
    marks: (bp, { layer: k }, m) => {
      m.links(k + 1, COLORS.backward);
      bp.grad_h[k - 1].forEach((v, j) => m.half(`h:${k}:${j}`, v, COLORS.backward));
    },
  },
  hidden_delta: {
    title: (step) => t("bp_hidden_delta", { k: step.layer }),
    lines: (bp, { layer: k }) => [`g'(a(${k})) = ${vec(bp.g_prime[k - 1] ?? [])}`,
      `δ(${k}) = ∂l/∂h(${k}) ⊙ g'(a(${k})) = ${vec(bp.deltas[k - 1])}`],
    marks: (bp, { layer: k }, m) => bp.deltas[k - 1].forEach((v, j) => m.half(`a:${k}:${j}`, v, COLORS.backward)),
  },
  params: {
    title: (step) => t("bp_params", { k: step.layer }),
    lines: (bp, { layer: k }) => [`∇W(${k}) = δ(${k}) h(${k - 1})ᵀ = ${mat(bp.gradients[k - 1].W)}`,
      `∇b(${k}) = δ(${k}) = ${vec(bp.gradients[k - 1].b)}`],
    marks: (bp, { layer: k }, m) => {
      m.links(k, COLORS.backward);
      bp.deltas[k - 1].forEach((v, j) => m.half(`a:${k}:${j}`, v, COLORS.backward));
    },
  },
  update: {
    title: (step, bp) => t("bp_update", { rate: bp.learning_rate }),
    lines: (bp) => bp.updated.flatMap((layer, k) => [
      `W(${k + 1}) − α ∇W(${k + 1}) = ${mat(layer.W)}`, `b(${k + 1}) − α ∇b(${k + 1}) = ${vec(layer.b)}`]),
    marks: (bp, step, m, L) => { for (let k = 1; k <= L; k++) m.links(k, COLORS.backward); },
  },
};

export class BackpropView {
  /** container: the lesson's figure <div>; figure: {input: [x1, x2], target: class (from 0)} */
  constructor(container, playground, figure) {
    addStyle();
    this.container = container;
    this.playground = playground;
    this.figure = figure;
    this.index = 0;
    this.bp = null;
    this.reached = -1;  // the furthest step the server has recorded for this sample
    this.widths = [];
    this.asked = 0;  // passes asked for so far: only the newest one's answer is shown
    this.answers = 0;  // answers received, stale ones included (data-answers: a test waits on it, not on time)
    this.checked = null;  // the last numerical check, written again on a language change
    container.classList.add("cr-figure");
    container.innerHTML = `
      <h3 class="bp-title"></h3>
      <div class="bp-controls">
        <label><span class="bp-x-label"></span> <input class="bp-x1" type="number" step="0.1"></label>
        <label><span class="bp-x2-label"></span> <input class="bp-x2" type="number" step="0.1"></label>
        <label><span class="bp-target-label"></span> <input class="bp-target" type="number" step="1"></label>
        <button type="button" class="bp-prev"></button> <button type="button" class="bp-next"></button>
        <button type="button" class="bp-numeric"></button>
        <span class="bp-position"></span>
      </div>
      <p class="bp-announce" aria-live="polite"></p>
      <svg class="bp-svg" role="img"></svg>
      <div class="bp-key-box"></div>
      <ol class="bp-steps"></ol>
      <p class="bp-reached"></p>
      <div class="bp-check"></div>`;
    this.$ = (selector) => container.querySelector(selector);
    this.$(".bp-steps").style.position = "relative";  // items' offsetTop are then within the list (scrolling)
    this.classification = playground.described?.task !== "regression";
    [this.$(".bp-x1").value, this.$(".bp-x2").value] = figure.input;
    // classes are numbered from 1 on the page, as the chapter numbers them (c = 1 ... M); the API counts from 0
    this.$(".bp-target").value = this.classification ? figure.target + 1 : figure.target;
    if (this.classification) this.$(".bp-target").min = "1";
    this.$(".bp-prev").addEventListener("click", () => this.go(this.index - 1));
    this.$(".bp-next").addEventListener("click", () => this.go(this.index + 1));
    this.$(".bp-numeric").addEventListener("click", () => this.numericCheck());
    this.$(".bp-controls").addEventListener("keydown", (event) => {  // arrows step too, when not typing a number
      if (event.target.tagName === "INPUT") return;
      if (event.key === "ArrowRight") this.go(this.index + 1);
      else if (event.key === "ArrowLeft") this.go(this.index - 1);
      else return;
      event.preventDefault();
    });
    for (const input of container.querySelectorAll("input")) input.addEventListener("change", () => {
      this.index = 0;
      this.reached = -1;
      this.load();
    });
    this.label();
    this.load();
    // i18n.js's apply() sets <html lang> on every language change: write the words and the last answer again.
    new MutationObserver(() => {
      this.label();
      if (this.bp) this.render();
      if (this.checked) this.showCheck(this.checked);
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  label() {
    this.$(".bp-title").textContent = t("bp_title");
    this.$(".bp-x-label").textContent = "x₁ =";
    this.$(".bp-x2-label").textContent = "x₂ =";
    this.$(".bp-target-label").textContent = this.classification ? t("bp_class") : t("bp_target");
    this.$(".bp-prev").textContent = t("bp_previous");
    this.$(".bp-next").textContent = t("bp_next");
    this.$(".bp-numeric").textContent = t("bp_numeric");
  }

  sample() {
    const target = Number(this.$(".bp-target").value);
    return { input: [Number(this.$(".bp-x1").value), Number(this.$(".bp-x2").value)],
      target: this.classification ? target - 1 : target };
  }

  /** Ask the engine for the pass, telling it which step is shown; then draw that step. */
  async load() {
    try {
      const session = this.playground.session;
      const index = this.index;
      const asked = ++this.asked;
      const [bp, weights] = await Promise.all([session.call("POST", "/backprop", { ...this.sample(), step: index }),
        session.call("GET", "/weights")]);
      this.container.dataset.answers = String(++this.answers);
      // a newer step or sample was asked for since: its answer draws; this older one (maybe another sample's
      // numbers, or reached before the input's change reset it) must not overwrite it
      if (asked !== this.asked) return;
      this.bp = bp;
      this.reached = Math.max(this.reached, bp.reached ?? -1);  // answers may arrive out of order
      this.widths = [weights.layers[0].W[0].length, ...weights.layers.map((layer) => layer.units)];
      this.render();
    } catch (error) {
      this.playground.fail(error);
    }
  }

  go(index) {
    if (!this.bp) return;
    const next = Math.max(0, Math.min(index, this.bp.steps.length - 1));
    if (next === this.index) return;
    this.index = next;
    this.render();  // at once; the answer to the report below redraws the same step with the engine's numbers
    this.load();
  }

  render() {
    const bp = this.bp;
    const L = bp.steps.filter((step) => step.kind === "forward").length;
    const list = this.$(".bp-steps");
    let current = null;
    list.replaceChildren(...bp.steps.slice(0, this.index + 1).map((step, i) => {
      const kind = STEPS[step.kind];
      const item = document.createElement("li");
      if (i === this.index) {
        item.className = "bp-current";
        item.setAttribute("aria-current", "step");
        current = item;
      }
      const head = document.createElement("strong");
      head.textContent = `${kind.title(step, bp)} (${t("bp_equation")} ${step.eq})`;
      item.append(head);
      for (const line of kind.lines(bp, step, this.playground.config)) {
        const code = document.createElement("code");
        code.textContent = line;
        item.append(document.createElement("br"), code);
      }
      return item;
    }));
    if (current) {  // keep the current step in view inside the list, without scrolling the whole page
      const bottom = current.offsetTop + current.offsetHeight;
      if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
      if (current.offsetTop < list.scrollTop) list.scrollTop = current.offsetTop;
    }
    const step = bp.steps[this.index];
    const title = STEPS[step.kind].title(step, bp);
    const position = t("bp_position", { n: this.index + 1, total: bp.steps.length });
    this.$(".bp-position").textContent = position;
    this.$(".bp-announce").textContent = `${position}: ${title} (${t("bp_equation")} ${step.eq})`;
    this.$(".bp-prev").disabled = this.index === 0;
    this.$(".bp-next").disabled = this.index === bp.steps.length - 1;
    this.draw(step, L, title);
    const reached = this.reached;
    const done = reached >= bp.steps.length - 1;
    this.$(".bp-reached").dataset.done = String(done);
    this.$(".bp-reached").textContent = done ? t("bp_reached_all")
      : t("bp_reached", { n: reached + 1, total: bp.steps.length });
  }

  /** The network with the current step's layer highlighted and its values written next to it (Fig. 3-27). */
  draw(step, L, title) {
    const halves = new Map();
    const edges = new Map();
    const values = new Map();
    const widths = this.widths;
    const marks = {
      half: (key, value, colour) => { halves.set(key, colour); values.set(key, value); },
      links: (k, colour) => {
        for (let i = 0; i < widths[k]; i++) for (let j = 0; j < widths[k - 1]; j++) edges.set(`${k}:${i}:${j}`, colour);
      },
      toLoss: (colour) => { for (let j = 0; j < widths[L]; j++) edges.set(`y:${j}`, colour); },
    };
    STEPS[step.kind].marks(this.bp, step, marks, L);
    const svg = this.$(".bp-svg");
    drawNetwork(svg, widths, { halves, edges, values });
    svg.setAttribute("aria-label", t("bp_aria", { step: title }));
    this.$(".bp-key-box").replaceChildren(diagramKey([[COLORS.forward, t("bp_key_forward")],
      [COLORS.backward, t("bp_key_backward")]]));
  }

  async numericCheck() {
    try {
      const result = await this.playground.session.call("POST", "/gradient-check", this.sample());
      this.checked = result;
      this.showCheck(result);
    } catch (error) {
      this.playground.fail(error);
    }
  }

  /** The numerical check's result, layer by layer, and its verdict. */
  showCheck(result) {
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
  }
}
