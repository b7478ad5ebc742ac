// Section 3.1.4, Table 3-2: deep k x n against shallow 1 x m at equal parameter counts, as a background
// job on the server; a progress bar, Cancel, then a table laid out like Table 3-2 and the learning curves
// (epoch against test loss, one colour per depth, deep solid and shallow dashed, with their key).
import { t } from "./i18n.js";

const CHAPTER = [  // Table 3-2 as the chapter quotes it (speech recognition word error rates, %, from the literature)
  ["1 × 2k", 24.2, "", ""], ["2 × 2k", 20.4, "", ""], ["3 × 2k", 18.4, "", ""], ["4 × 2k", 17.8, "", ""],
  ["5 × 2k", 17.2, "1 × 3772", 22.5], ["7 × 2k", 17.1, "1 × 4634", 22.6], ["", "", "1 × 16k", 22.1]];
const POLL_MS = 300;
// One colour per depth (contrast >= 4.5:1 on white, so the key's words in them stay readable).
const COLORS = ["#b35c00", "#0865a3", "#2e7d32", "#7b1fa2", "#c62828", "#00727f"];
const SIZE = { width: 460, height: 250 };
const PLOT = { left: 52, right: 12, top: 12, bottom: 40 };  // room for the ticks and the axis names
const INK = "#444";

/** About ``count`` round tick values from 0 to the first at or above ``hi`` (steps of 1, 2 or 5 times a power of ten). */
export function ticks(hi, count = 5) {
  if (!(hi > 0)) return [0];
  const raw = hi / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const values = [0];
  while (values.at(-1) < hi * (1 - 1e-9)) values.push(Number((values.length * step).toPrecision(12)));  // up to >= hi
  return values;
}

export class ExperimentView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `
      <div class="ex-controls"><button class="ex-start"></button> <button class="ex-cancel" disabled></button>
        <progress class="ex-progress" max="1" value="0"></progress> <span class="ex-status" aria-live="polite"></span></div>
      <div class="ex-result"></div>`;
    this.$ = (s) => container.querySelector(s);
    this.label();
    this.$(".ex-start").addEventListener("click", () => this.start());
    this.$(".ex-cancel").addEventListener("click", () => this.call("DELETE"));
    // i18n.js's apply() sets <html lang> on every language change: write the words and the last report again.
    new MutationObserver(() => { this.label(); if (this.report) this.show(this.report); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  label() {
    const figure = this.figure;
    this.$(".ex-start").textContent = t("ex_start", { width: figure.width, depths: figure.depths.join(", "), epochs: figure.epochs });
    this.$(".ex-cancel").textContent = t("ex_cancel");
    this.$(".ex-progress").setAttribute("aria-label", t("ex_progress"));
  }

  /** The report's status line and table. */
  show(report) {
    this.report = report;
    let status = t(`ex_${report.status}`, { seconds: report.seconds });
    if (report.status === "failed" && report.message) status += `: ${report.message}`;  // why (the server's words)
    this.$(".ex-status").textContent = status;
    this.table(report);
  }

  call(method, body) {
    return this.playground.session.call(method, "/experiments/deep-vs-shallow", body).catch((error) => this.playground.fail(error));
  }

  async start() {
    const report = await this.call("POST", { width: this.figure.width, depths: this.figure.depths, epochs: this.figure.epochs });
    if (!report) return;
    this.$(".ex-start").disabled = true;
    this.$(".ex-cancel").disabled = false;
    this.poll();
  }

  async poll() {
    const report = await this.call("GET");
    if (!report) return;
    this.$(".ex-progress").value = report.progress;
    this.show(report);
    if (report.status === "running") setTimeout(() => this.poll(), POLL_MS);
    else { this.$(".ex-start").disabled = false; this.$(".ex-cancel").disabled = true; }
  }

  table(report) {
    const error = (r) => (r.error === null ? r.loss.toFixed(3) : `${(100 * r.error).toFixed(1)}`);
    const metric = report.task === "classification" ? t("ex_error") : t("test_loss");
    const ours = document.createElement("table");
    ours.className = "ex-table";
    ours.innerHTML = `<caption>${t("ex_ours")}</caption><tr><th>${t("ex_deep")}</th><th>${metric}</th><th>${t("sw_params")}</th>
      <th>${t("ex_shallow")}</th><th>${metric}</th><th>${t("sw_params")}</th></tr>`;
    for (const row of report.rows) {
      const tr = document.createElement("tr");
      const cells = [`${row.depth} × ${row.deep.layers[0]}`, error(row.deep), row.deep.parameters,
        `1 × ${row.shallow.layers[0]}`, error(row.shallow), row.shallow.parameters];
      for (const value of cells) { const td = document.createElement("td"); td.textContent = value; tr.append(td); }
      ours.append(tr);
    }
    const chapter = document.createElement("table");
    chapter.className = "ex-table";
    chapter.innerHTML = `<caption>${t("ex_chapter")}</caption><tr><th>${t("ex_deep")}</th><th>WER %</th><th>${t("ex_shallow")}</th><th>WER %</th></tr>`
      + CHAPTER.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
    this.$(".ex-result").replaceChildren(ours, chapter, this.curves(report.rows));
  }

  /** The learning curves with their axes (epoch, test loss), ticks and a key: a figure of canvas + list. */
  curves(rows) {
    const figure = document.createElement("figure");
    figure.className = "ex-curves";
    figure.style.margin = "0";
    const canvas = document.createElement("canvas");
    canvas.width = SIZE.width;
    canvas.height = SIZE.height;
    canvas.setAttribute("role", "img");
    const caption = document.createElement("figcaption");
    caption.textContent = t("ex_curves");
    caption.style.fontSize = "12px";
    figure.append(caption, canvas, this.key(rows));
    const all = rows.flatMap((r) => [...r.deep.curve.loss, ...r.shallow.curve.loss]).filter(Number.isFinite);
    const last = Math.max(0, ...rows.flatMap((r) => [...r.deep.curve.epoch, ...r.shallow.curve.epoch]));
    if (!all.length || !last) {
      canvas.setAttribute("aria-label", t("ex_curves"));
      return figure;
    }
    const ctx = canvas.getContext("2d");
    const yTicks = ticks(Math.max(...all), 4);
    const hi = yTicks.at(-1) || 1;
    const xTicks = ticks(last, 5);
    const right = SIZE.width - PLOT.right;
    const bottom = SIZE.height - PLOT.bottom;
    const x = (epoch) => PLOT.left + (epoch / xTicks.at(-1)) * (right - PLOT.left);
    const y = (loss) => bottom - (loss / hi) * (bottom - PLOT.top);
    this.axes(ctx, xTicks, yTicks, x, y);
    rows.forEach((row, i) => {
      for (const [kind, dash] of [["deep", []], ["shallow", [6, 4]]]) {
        const curve = row[kind].curve;
        ctx.strokeStyle = COLORS[i % COLORS.length];
        ctx.lineWidth = 2;
        ctx.setLineDash(dash);
        ctx.beginPath();
        curve.epoch.forEach((e, j) => (j ? ctx.lineTo(x(e), y(curve.loss[j])) : ctx.moveTo(x(e), y(curve.loss[j]))));
        ctx.stroke();
      }
    });
    ctx.setLineDash([]);
    const ends = rows.map((row) => t("ex_curves_row", { depth: row.depth, width: row.deep.layers[0],
      shallow: row.shallow.layers[0], deep_loss: row.deep.curve.loss.at(-1)?.toFixed(3) ?? "–",
      shallow_loss: row.shallow.curve.loss.at(-1)?.toFixed(3) ?? "–" }));
    canvas.setAttribute("aria-label", `${t("ex_curves_aria", { epochs: last })} ${ends.join(" ")}`);
    return figure;
  }

  /** Both axes with their ticks, tick numbers and names. */
  axes(ctx, xTicks, yTicks, x, y) {
    const [left, right] = [x(0), x(xTicks.at(-1))];
    const [top, bottom] = [y(yTicks.at(-1)), y(0)];
    ctx.font = "11px system-ui, sans-serif";
    ctx.strokeStyle = "#ddd";
    ctx.lineWidth = 1;
    for (const v of yTicks.slice(1)) { ctx.beginPath(); ctx.moveTo(left, y(v)); ctx.lineTo(right, y(v)); ctx.stroke(); }
    ctx.strokeStyle = INK;
    ctx.fillStyle = INK;
    ctx.beginPath();
    ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom);
    ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of xTicks) {
      ctx.beginPath(); ctx.moveTo(x(v), bottom); ctx.lineTo(x(v), bottom + 4); ctx.stroke();
      ctx.fillText(String(v), x(v), bottom + 6);
    }
    ctx.fillText(t("ex_axis_epoch"), (left + right) / 2, bottom + 22);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of yTicks) {
      ctx.beginPath(); ctx.moveTo(left - 4, y(v)); ctx.lineTo(left, y(v)); ctx.stroke();
      ctx.fillText(String(v), left - 6, y(v));
    }
    ctx.save();
    ctx.translate(12, (top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(t("ex_axis_loss"), 0, 0);
    ctx.restore();
  }

  /** The key: which colour is which depth; solid the deep network, dashed its shallow match. */
  key(rows) {
    const list = document.createElement("ul");
    list.className = "ex-key";
    Object.assign(list.style, { listStyle: "none", padding: "0", margin: "4px 0", fontSize: "12px" });
    const swatch = (color, style) => `<span aria-hidden="true" style="display:inline-block;width:28px;vertical-align:middle;`
      + `border-top:3px ${style} ${color};margin:0 4px"></span>`;
    rows.forEach((row, i) => {
      const color = COLORS[i % COLORS.length];
      const item = document.createElement("li");
      item.style.color = color;
      item.innerHTML = `${swatch(color, "solid")}${t("ex_key_deep", { depth: row.depth, width: row.deep.layers[0] })}`
        + ` ${swatch(color, "dashed")}${t("ex_key_shallow", { width: row.shallow.layers[0] })}`;
      list.append(item);
    });
    return list;
  }
}
