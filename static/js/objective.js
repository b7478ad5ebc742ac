// Eq. 3.9 for C classes, one sample: type the output layer's scores a_m and choose the true class c; the engine
// answers the softmax output y_m, the one-hot label and the loss l = -sum_m onehot_m log y_m = -log y_c.
import { request } from "./api.js";
import { t } from "./i18n.js";

const MAX_CLASSES = 6;
const STYLE = `.ce{margin:0 0 16px}.ce-controls{display:flex;gap:16px;flex-wrap:wrap;margin:6px 0}
.ce-controls label{display:flex;align-items:center;gap:6px}
.ce-table{border-collapse:collapse;font-size:13px}.ce-table th,.ce-table td{border:1px solid #c8c8c8;padding:3px 8px;text-align:right}
.ce-table th{background:#f3f3f3}.ce-table input{width:5em}.ce-bar{display:inline-block;height:10px;background:#0868ac;vertical-align:middle;margin-right:6px}
.ce-true td{background:#fff4e5;font-weight:bold}.ce-loss{font-size:14px;margin:6px 0}`;

const HEADS = ["ce_class", "ce_score", "ce_output", "ce_label", "ce_term"];  // the table's columns
const num = (v, digits = 3) => (v === null || v === undefined ? "–" : v.toFixed(digits));

export class ObjectiveView {
  constructor(container, playground, figure) {
    this.playground = playground;
    const root = document.createElement("div");
    root.className = "ce";
    root.innerHTML = `<style>${STYLE}</style><h3 class="ce-title"></h3><p class="ce-note"></p>
      <div class="ce-controls"><label><span class="ce-classes-label"></span> <select class="ce-classes"></select></label>
      <label><span class="ce-target-label"></span> <select class="ce-target"></select></label></div>
      <table class="ce-table"><thead><tr></tr></thead><tbody></tbody></table>
      <p class="ce-loss" aria-live="polite"></p>`;
    container.append(root);
    this.$ = (s) => root.querySelector(s);
    for (let c = 2; c <= MAX_CLASSES; c++) this.$(".ce-classes").append(new Option(String(c), String(c)));
    const head = this.$(".ce-table thead tr");
    for (const key of HEADS) {
      const th = document.createElement("th");
      th.scope = "col";
      th.dataset.key = key;
      head.append(th);
    }
    this.label();
    // i18n.js's apply() sets <html lang> on every language change: write the words and the last answer again.
    new MutationObserver(() => {
      this.label();
      this.rows.forEach(({ input }, m) => input.setAttribute("aria-label", t("ce_score_of", { m: m + 1 })));
      if (this.shown?.[0].y.length === this.rows.length) this.draw(...this.shown);  // not a former class count's
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    this.scores = [...figure.objective.scores];
    this.$(".ce-classes").value = String(this.scores.length);
    this.build(figure.objective.target);
    this.$(".ce-classes").addEventListener("change", () => {
      const count = Number(this.$(".ce-classes").value);
      this.scores = Array.from({ length: count }, (_, m) => this.scores[m] ?? 0);
      this.build(Math.min(Number(this.$(".ce-target").value), count - 1));
    });
    this.$(".ce-target").addEventListener("change", () => this.load());
  }

  /** The title, the note, the controls' labels and the table's column heads, in the page's language. */
  label() {
    this.$(".ce-title").textContent = t("ce_title");
    this.$(".ce-note").textContent = t("ce_note");
    this.$(".ce-classes-label").textContent = t("ce_classes");
    this.$(".ce-target-label").textContent = t("ce_target");
    for (const th of this.$(".ce-table thead tr").children) th.textContent = t(th.dataset.key);
  }

  /** One row per class with its score input; the class choice; then ask the engine. */
  build(target) {
    const select = this.$(".ce-target");
    select.replaceChildren(...this.scores.map((_, m) => new Option(String(m + 1), String(m))));
    select.value = String(target);
    this.rows = this.scores.map((score, m) => {
      const row = document.createElement("tr");
      const input = document.createElement("input");
      input.type = "number";
      input.step = "0.1";
      input.value = String(score);
      input.className = "ce-score";
      input.setAttribute("aria-label", t("ce_score_of", { m: m + 1 }));
      input.addEventListener("change", () => {
        if (input.value.trim() === "" || !Number.isFinite(Number(input.value))) return;
        this.scores[m] = Number(input.value);
        this.load();
      });
      const cells = [String(m + 1), input, "", "", ""].map((content) => {
        const cell = document.createElement("td");
        cell.append(content);
        return cell;
      });
      row.append(...cells);
      return { row, cells, input };
    });
    this.$(".ce-table tbody").replaceChildren(...this.rows.map((r) => r.row));
    this.load();
  }

  async load() {
    const target = Number(this.$(".ce-target").value);
    const asked = (this.asked = (this.asked ?? 0) + 1);
    try {
      const answer = await request("POST", "/api/cross-entropy", { body: { scores: this.scores, target } });
      if (asked === this.asked) this.draw(answer, target);  // only the newest setting's answer
    } catch (error) {
      this.playground.fail(error);
    }
  }

  draw(answer, target) {
    this.shown = [answer, target];
    const { y, one_hot: oneHot, loss } = answer;
    this.rows.forEach(({ row, cells }, m) => {
      row.classList.toggle("ce-true", m === target);
      const bar = document.createElement("span");
      bar.className = "ce-bar";
      bar.style.width = `${Math.round(80 * (y[m] ?? 0))}px`;
      bar.setAttribute("aria-hidden", "true");
      cells[2].replaceChildren(bar, num(y[m]));
      cells[3].textContent = String(oneHot[m]);
      cells[4].textContent = oneHot[m] ? num(loss) : "0";  // -1 * log y_c; every other term is 0 * log y_m
    });
    this.$(".ce-loss").textContent = t("ce_loss", { c: target + 1, y: num(y[target]), loss: num(loss) });
  }
}
