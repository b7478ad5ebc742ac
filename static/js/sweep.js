// The same data with one hidden layer of different widths, trained by the server on the session's data:
// side by side as output maps (Fig. 3-8), or as final error against the number of neurons (section 3.1.3).
import { divergingLUT, paintMap } from "./colors.js";
import { t } from "./i18n.js";

const THUMB = 150;

export class SweepView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `<button class="sw-run"></button> <span class="sw-note"></span><div class="sw-out"></div>`;
    this.$ = (s) => container.querySelector(s);
    this.$(".sw-run").textContent = figure.mode === "samples" ? t("sw_samples", { count: figure.count })
      : t("sw_run", { widths: figure.widths.join(", "), epochs: figure.epochs });
    this.$(".sw-run").addEventListener("click", () => this.run());
  }

  async run() {
    this.$(".sw-note").textContent = t("sw_training");
    try {
      const result = this.figure.mode === "samples"
        ? await this.playground.session.call("POST", `/samples?count=${this.figure.count}`)
        : await this.playground.session.call("POST", "/sweep", { widths: this.figure.widths, epochs: this.figure.epochs });
      this.$(".sw-note").textContent = "";
      if (this.figure.mode === "chart") this.chart(result); else this.maps(result);
    } catch (error) {
      this.$(".sw-note").textContent = "";
      this.playground.fail(error);
    }
  }

  maps(result) {
    const out = this.$(".sw-out");
    out.className = "sw-out sw-maps";
    out.replaceChildren(...result.results.map((row) => {
      const cell = document.createElement("figure");
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = THUMB;
      const values = row.output[0].flat();
      const bytes = Uint8Array.from(values, (v) => Math.max(0, Math.min(255, Math.round(v * 255))));
      paintMap(canvas.getContext("2d"), bytes, result.resolution, result.resolution, divergingLUT());
      const caption = document.createElement("figcaption");
      const accuracy = row.test_accuracy ?? row.train_accuracy;
      caption.textContent = row.seed !== undefined ? t("sw_seed", { seed: row.seed })
        : t("sw_caption", { n: row.width, accuracy: accuracy === null ? "–" : `${(accuracy * 100).toFixed(0)}%`,
          params: row.parameters });
      cell.append(canvas, caption);
      return cell;
    }));
  }

  chart(result) {
    const out = this.$(".sw-out");
    out.className = "sw-out";
    const canvas = document.createElement("canvas");
    canvas.width = 420;
    canvas.height = 200;
    const ctx = canvas.getContext("2d");
    const rows = result.results;
    const losses = rows.flatMap((r) => [r.train_loss, r.test_loss]).filter((v) => v !== null && v > 0);
    const lo = Math.log10(Math.min(...losses));
    const hi = Math.log10(Math.max(...losses));
    const x = (i) => 40 + (i / Math.max(1, rows.length - 1)) * 360;
    const y = (v) => 10 + (1 - (Math.log10(v) - lo) / (hi - lo || 1)) * 160;
    ctx.font = "11px sans-serif";
    rows.forEach((row, i) => { ctx.fillStyle = "#666"; ctx.fillText(String(row.width), x(i) - 4, 192); });
    ctx.fillText(Number(10 ** hi).toPrecision(2), 0, 14);
    ctx.fillText(Number(10 ** lo).toPrecision(2), 0, 170);
    for (const [key, color] of [["train_loss", "#333"], ["test_loss", "#0877bd"]]) {
      ctx.strokeStyle = color;
      ctx.fillStyle = color;
      ctx.beginPath();
      rows.forEach((row, i) => { if (row[key] > 0) (i ? ctx.lineTo(x(i), y(row[key])) : ctx.moveTo(x(i), y(row[key]))); });
      ctx.stroke();
      rows.forEach((row, i) => { if (row[key] > 0) { ctx.beginPath(); ctx.arc(x(i), y(row[key]), 3, 0, 2 * Math.PI); ctx.fill(); } });
    }
    const legend = document.createElement("p");
    legend.textContent = t("sw_chart_legend");
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
}
