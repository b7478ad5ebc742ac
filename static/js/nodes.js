// Type an input and read every node's value: the features, then a(k) and h(k) of each layer, from the
// engine (POST /predict), for the chapter's "a network is a function" (eq. 3.4-3.7).
import { t } from "./i18n.js";

export class NodesView {
  constructor(container, playground, figure) {
    this.playground = playground;
    const part = document.createElement("div");
    part.className = "nd";
    part.innerHTML = `<span class="nd-label"></span>
      <input class="nd-x1" type="number" step="0.1" aria-label="x1" style="width:6em">
      <input class="nd-x2" type="number" step="0.1" aria-label="x2" style="width:6em">
      <button class="nd-run" type="button"></button><div class="nd-layers" aria-live="polite"></div>`;
    container.append(part);
    this.$ = (s) => part.querySelector(s);
    [this.$(".nd-x1").value, this.$(".nd-x2").value] = figure.input;
    this.label();
    new MutationObserver(() => this.label()).observe(document.documentElement,
      { attributes: true, attributeFilter: ["lang"] });  // the language button sets <html lang>
    this.$(".nd-run").addEventListener("click", () => this.run());
    for (const input of part.querySelectorAll("input")) input.addEventListener("change", () => this.run());
  }

  /** Its words, in the page's language. */
  label() {
    this.$(".nd-label").textContent = t("nd_input");
    this.$(".nd-run").textContent = t("nd_run");
  }

  async run() {
    const x = [Number(this.$(".nd-x1").value), Number(this.$(".nd-x2").value)];
    const asked = (this.asked = (this.asked ?? 0) + 1);
    try {
      const result = await this.playground.session.call("POST", "/predict", { inputs: [x] });
      if (asked !== this.asked) return;  // a later input's answer is on its way: show only the newest
      const fmt = (v) => `[${v.map((n) => (n === null ? "–" : n.toFixed(3))).join(", ")}]`;
      const lines = [`h(0) = ${fmt(result.inputs[0])} (${result.features.join(", ")})`,
        ...result.layers.flatMap((layer, k) => [`a(${k + 1}) = ${fmt(layer.a[0])}`, `h(${k + 1}) = ${fmt(layer.h[0])}`])];
      this.$(".nd-layers").replaceChildren(...lines.map((line) => {
        const code = document.createElement("div");
        code.textContent = line;
        return code;
      }));
    } catch (error) {
      this.playground.fail(error);
    }
  }
}
