// Section 3.1.4, Table 3-2: deep k x n against shallow 1 x m at equal parameter counts, as a background
// job on the server; a progress bar, Cancel, then a table laid out like Table 3-2 and the learning curves.
import { t } from "./i18n.js";

const CHAPTER = [  // Table 3-2 as the chapter quotes it (speech recognition word error rates, %, from the literature)
  ["1 × 2k", 24.2, "", ""], ["2 × 2k", 20.4, "", ""], ["3 × 2k", 18.4, "", ""], ["4 × 2k", 17.8, "", ""],
  ["5 × 2k", 17.2, "1 × 3772", 22.5], ["7 × 2k", 17.1, "1 × 4634", 22.6], ["", "", "1 × 16k", 22.1]];
const POLL_MS = 300;

export class ExperimentView {
  constructor(container, playground, figure) {
    this.playground = playground;
    this.figure = figure;
    container.innerHTML = `
      <div class="ex-controls"><button class="ex-start"></button> <button class="ex-cancel" disabled></button>
        <progress class="ex-progress" max="1" value="0"></progress> <span class="ex-status"></span></div>
      <div class="ex-result"></div>`;
    this.$ = (s) => container.querySelector(s);
    this.$(".ex-start").textContent = t("ex_start", { width: figure.width, depths: figure.depths.join(", "), epochs: figure.epochs });
    this.$(".ex-cancel").textContent = t("ex_cancel");
    this.$(".ex-start").addEventListener("click", () => this.start());
    this.$(".ex-cancel").addEventListener("click", () => this.call("DELETE"));
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
    let status = t(`ex_${report.status}`, { seconds: report.seconds });
    if (report.status === "failed" && report.message) status += `: ${report.message}`;  // why (the server's words)
    this.$(".ex-status").textContent = status;
    this.table(report);
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
    const curves = this.curves(report.rows);
    this.$(".ex-result").replaceChildren(ours, chapter, curves);
  }

  curves(rows) {
    const canvas = document.createElement("canvas");
    canvas.width = 420;
    canvas.height = 160;
    const ctx = canvas.getContext("2d");
    const all = rows.flatMap((r) => [...r.deep.curve.loss, ...r.shallow.curve.loss]);
    if (!all.length) return canvas;
    const hi = Math.max(...all);
    const last = Math.max(...rows.flatMap((r) => r.deep.curve.epoch));
    const colors = ["#f59322", "#0877bd", "#2e7d32", "#7b1fa2", "#c62828", "#00838f"];
    rows.forEach((row, i) => {
      for (const [kind, dash] of [["deep", []], ["shallow", [4, 3]]]) {
        const curve = row[kind].curve;
        ctx.strokeStyle = colors[i % colors.length];
        ctx.setLineDash(dash);
        ctx.beginPath();
        curve.epoch.forEach((e, j) => {
          const x = 10 + (e / last) * 400;
          const y = 150 - (curve.loss[j] / hi) * 140;
          if (j) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        });
        ctx.stroke();
      }
    });
    ctx.setLineDash([]);
    ctx.fillStyle = "#666";
    ctx.fillText(t("ex_curves"), 14, 12);
    return canvas;
  }
}
