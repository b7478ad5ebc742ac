// The same data with one hidden layer of different widths, trained by the server on the session's data:
// side by side as output maps with the width under each and a colour key (Fig. 3-8, 3-10), or as final
// error against the number of neurons with axes, ticks and a key (section 3.1.3).
import { NEGATIVE, POSITIVE, ZERO, divergingLUT, paintMap } from "./colors.js";
import { t } from "./i18n.js";

const THUMB = 150;
const CHART = { width: 460, height: 250, left: 62, right: 14, top: 12, bottom: 40 };
const LINES = [["train_loss", "#333333", "sw_key_train", "solid"], ["test_loss", POSITIVE, "sw_key_test", "dashed"]];
const INK = "#444";

const percent = (value) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(0)}%`);

export class SweepView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `<button class="sw-run"></button> <span class="sw-note" aria-live="polite"></span><div class="sw-out"></div>`;
    this.$ = (s) => container.querySelector(s);
    this.label();
    this.$(".sw-run").addEventListener("click", () => this.run());
    // i18n.js's apply() sets <html lang> on every language change: write the button and the last result again.
    new MutationObserver(() => { this.label(); if (this.result) this.draw(this.result); })
      .observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  label() {
    const figure = this.figure;
    this.$(".sw-run").textContent = figure.mode === "samples" ? t("sw_samples", { count: figure.count })
      : t(figure.label ?? "sw_run", { widths: figure.widths.join(", "), epochs: figure.epochs });  // a lesson may name it
  }

  draw(result) {
    this.result = result;
    if (this.figure.mode === "chart") this.chart(result); else this.maps(result);
  }

  async run() {
    this.$(".sw-note").textContent = t("sw_training");
    try {
      const result = this.figure.mode === "samples"
        ? await this.playground.session.call("POST", `/samples?count=${this.figure.count}`)
        : await this.playground.session.call("POST", "/sweep", { widths: this.figure.widths, epochs: this.figure.epochs });
      this.$(".sw-note").textContent = "";
      this.draw(result);
    } catch (error) {
      this.$(".sw-note").textContent = "";
      this.playground.fail(error);
    }
  }

  /** One output map per width (or per random seed), its width and accuracy under it, and the colour key. */
  maps(result) {
    const out = this.$(".sw-out");
    out.className = "sw-out";
    const row = document.createElement("div");
    row.className = "sw-maps";
    row.replaceChildren(...result.results.map((entry) => {
      const cell = document.createElement("figure");
      cell.style.width = `${THUMB}px`;  // the caption wraps under its map
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = THUMB;
      canvas.setAttribute("role", "img");
      const values = entry.output[0].flat();
      const bytes = Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
      paintMap(canvas.getContext("2d"), bytes, result.resolution, result.resolution, divergingLUT());
      const caption = document.createElement("figcaption");
      caption.textContent = entry.seed !== undefined ? t("sw_seed", { seed: entry.seed })
        : t(entry.test_accuracy === null || entry.test_accuracy === undefined ? "sw_caption_train" : "sw_caption",
          { n: entry.width, units: t(entry.width === 1 ? "sw_neuron" : "sw_neurons"),
            accuracy: percent(entry.test_accuracy ?? entry.train_accuracy), params: entry.parameters });
      canvas.setAttribute("aria-label", t("sw_map_aria", { caption: caption.textContent }));
      cell.append(canvas, caption);
      return cell;
    }));
    out.replaceChildren(row, this.colorKey(result.task));
  }

  /** The maps' colour key: network output 0 (orange) through 0.5 (grey) to 1 (blue), ticks and words. */
  colorKey(task) {
    const key = document.createElement("figure");
    key.className = "sw-key";
    key.style.margin = "6px 0 0";
    const canvas = document.createElement("canvas");
    canvas.width = 240;
    canvas.height = 34;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", t("sw_key_aria"));
    const ctx = canvas.getContext("2d");
    const gradient = ctx.createLinearGradient(10, 0, 230, 0);
    [[0, NEGATIVE], [0.5, ZERO], [1, POSITIVE]].forEach(([at, color]) => gradient.addColorStop(at, color));
    ctx.fillStyle = gradient;
    ctx.fillRect(10, 2, 220, 14);
    ctx.strokeStyle = INK;
    ctx.strokeRect(10, 2, 220, 14);
    ctx.fillStyle = INK;
    ctx.font = "11px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of [0, 0.5, 1]) {
      const x = 10 + v * 220;
      ctx.beginPath(); ctx.moveTo(x, 16); ctx.lineTo(x, 20); ctx.stroke();
      ctx.fillText(String(v), x, 21);
    }
    const words = document.createElement("figcaption");
    words.style.fontSize = "12px";
    // the classes numbered as the Output panel's key numbers them
    words.textContent = t(task === "classification" ? "sw_key_classes" : "sw_key_values",
      { first: t("class_n", { n: 1 }), second: t("class_n", { n: 2 }) });
    key.append(canvas, words);
    return key;
  }

  /** Final training and test loss against the number of hidden neurons: log-scale axes, ticks, key, table. */
  chart(result) {
    const out = this.$(".sw-out");
    out.className = "sw-out";
    const rows = result.results;
    const canvas = document.createElement("canvas");
    canvas.width = CHART.width;
    canvas.height = CHART.height;
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", t("sw_chart_aria", { epochs: result.epochs, points: rows.map((row) =>
      `${row.width}: ${row.train_loss?.toExponential(1) ?? "–"} / ${row.test_loss?.toExponential(1) ?? "–"}`).join("; ") }));
    this.drawChart(canvas.getContext("2d"), rows);
    const legend = document.createElement("p");
    legend.className = "sw-legend";
    legend.style.fontSize = "12px";
    legend.innerHTML = LINES.map(([, color, key, style]) => `<span aria-hidden="true" style="display:inline-block;width:22px;`
      + `border-top:3px ${style} ${color};vertical-align:middle;margin:0 4px"></span>${t(key)}`).join(" ");
    legend.append(` ${t("sw_chart_legend", { epochs: result.epochs })}`);
    const table = document.createElement("table");
    table.className = "sw-table";
    table.innerHTML = `<tr><th>${t("sw_units")}</th><th>${t("train_loss")}</th><th>${t("test_loss")}</th><th>${t("sw_params")}</th></tr>`;
    for (const row of rows) {
      const tr = document.createElement("tr");
      for (const value of [row.width, row.train_loss?.toExponential(2), row.test_loss?.toExponential(2) ?? "–", row.parameters]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.append(td);
      }
      table.append(tr);
    }
    out.replaceChildren(canvas, legend, table);
  }

  drawChart(ctx, rows) {
    const losses = rows.flatMap((r) => [r.train_loss, r.test_loss]).filter((v) => v !== null && v > 0);
    if (!losses.length) return;
    const lo = Math.floor(Math.log10(Math.min(...losses)));
    const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...losses))));
    const right = CHART.width - CHART.right;
    const bottom = CHART.height - CHART.bottom;
    const x = (i) => CHART.left + 10 + (i / Math.max(1, rows.length - 1)) * (right - CHART.left - 20);
    const y = (v) => bottom - ((Math.log10(v) - lo) / (hi - lo)) * (bottom - CHART.top);
    ctx.font = "11px system-ui, sans-serif";
    ctx.lineWidth = 1;
    for (let p = lo; p <= hi; p++) {  // a grid line and a tick number at every power of ten
      ctx.strokeStyle = "#ddd";
      ctx.beginPath(); ctx.moveTo(CHART.left, y(10 ** p)); ctx.lineTo(right, y(10 ** p)); ctx.stroke();
      ctx.fillStyle = INK;
      ctx.textAlign = "right";
      ctx.textBaseline = "middle";
      ctx.fillText(`1e${p}`, CHART.left - 6, y(10 ** p));
    }
    ctx.strokeStyle = INK;
    ctx.beginPath(); ctx.moveTo(CHART.left, CHART.top); ctx.lineTo(CHART.left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    rows.forEach((row, i) => {
      ctx.beginPath(); ctx.moveTo(x(i), bottom); ctx.lineTo(x(i), bottom + 4); ctx.stroke();
      ctx.fillText(String(row.width), x(i), bottom + 6);
    });
    ctx.fillText(t("sw_axis_units"), (CHART.left + right) / 2, bottom + 22);
    ctx.save();
    ctx.translate(12, (CHART.top + bottom) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(t("sw_axis_loss"), 0, -6);
    ctx.restore();
    for (const [key, color, , style] of LINES) {
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.lineWidth = 2;
      ctx.setLineDash(style === "dashed" ? [6, 4] : []);
      ctx.beginPath();
      rows.forEach((row, i) => { if (row[key] > 0) (i ? ctx.lineTo(x(i), y(row[key])) : ctx.moveTo(x(i), y(row[key]))); });
      ctx.stroke();
      ctx.setLineDash([]);
      rows.forEach((row, i) => { if (row[key] > 0) { ctx.beginPath(); ctx.arc(x(i), y(row[key]), 3, 0, 2 * Math.PI); ctx.fill(); } });
    }
  }
}
