// A button that puts a network of the chapter into the playground: its config, then its weights. With
// figure.regions (Fig. 3-7's sign network), it then draws what the hidden layer does: the plane coloured by the
// sign pattern (h1, h2) of the two hidden neurons, their lines, and at each corner (h1, h2) and the output,
// all from the engine (POST /predict), with the same numbers as a table for readers of text.
import { t } from "./i18n.js";
import { plane, svg } from "./neuron.js";

const DOMAIN = [[-0.5, 1.5], [-0.5, 1.5]];
const STEPS = 40;  // grid cells per side
const CORNERS = [[0, 0], [0, 1], [1, 0], [1, 1]];
// Each sign pattern of (h1, h2) and its colour (light tints: black text stays readable on them).
// Not the orange/blue of the classes: a region's colour is the hidden pair, the dots' colour is the output.
const PATTERNS = [["−1, −1", "#e3e3e3"], ["+1, −1", "#fff0b3"], ["−1, +1", "#d4efe0"], ["+1, +1", "#ead9f5"]];
const signs = (h) => h.map((v) => (v >= 0 ? "+1" : "−1")).join(", ");

export class LoadView {
  constructor(container, playground, figure) {
    this.playground = playground;
    container.innerHTML = `<button class="ld-load"></button><div class="ld-regions" aria-live="polite"></div>`;
    const button = container.querySelector(".ld-load");
    button.textContent = t(figure.label);
    this.box = container.querySelector(".ld-regions");
    button.addEventListener("click", async () => {
      if (!(await playground.change(figure.changes)) || !figure.weights) return;
      try {
        await playground.session.call("PUT", "/weights", figure.weights);
        if (figure.regions) await this.regions();
      } catch (error) {
        playground.fail(error);
      }
    });
    // i18n.js's apply() sets <html lang> on every language change: the button and the picture follow it.
    new MutationObserver(() => {
      button.textContent = t(figure.label);
      if (this.drawn) this.render();
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  /** Draw the hidden pair's sign regions and the corners' values, from the engine. */
  async regions() {
    const [[a, b], [c, d]] = DOMAIN;
    const cell = [(b - a) / STEPS, (d - c) / STEPS];
    const centres = [];
    for (let i = 0; i < STEPS; i++) {
      for (let j = 0; j < STEPS; j++) centres.push([a + (i + 0.5) * cell[0], c + (j + 0.5) * cell[1]]);
    }
    const session = this.playground.session;
    const [grid, corners, weights] = await Promise.all([session.call("POST", "/predict", { inputs: centres }),
      session.call("POST", "/predict", { inputs: CORNERS }), session.call("GET", "/weights")]);
    this.drawn = { centres, cell, grid, corners, weights };
    this.render();
  }

  /** Draw the regions from the engine's numbers of the last load (again, in a new language). */
  render() {
    const [[a, b], [c, d]] = DOMAIN;
    const { centres, cell, grid, corners, weights } = this.drawn;
    const { root, px, py, clip } = plane(DOMAIN, t("ld_regions_label"), "ld");
    const cells = svg("g", { "clip-path": clip });
    const seen = new Set();
    centres.forEach(([u, v], k) => {
      const pattern = signs(grid.layers[0].h[k]);
      seen.add(pattern);
      const fill = PATTERNS.find(([p]) => p === pattern)[1];
      cells.append(svg("rect", { x: px(u - cell[0] / 2), y: py(v + cell[1] / 2), width: px(b) - px(b - cell[0]) + 0.5,
        height: py(d - cell[1]) - py(d) + 0.5, fill }));
    });
    // each hidden neuron's line w^T x + b = 0 (eq. 3.3), drawn across the plot
    const hidden = weights.layers[0];
    hidden.W.forEach(([w1, w2], n) => {
      const ends = Math.abs(w2) > Math.abs(w1)
        ? [[a, -(w1 * a + hidden.b[n]) / w2], [b, -(w1 * b + hidden.b[n]) / w2]]
        : [[-(w2 * c + hidden.b[n]) / w1, c], [-(w2 * d + hidden.b[n]) / w1, d]];
      cells.append(svg("line", { x1: px(ends[0][0]), y1: py(ends[0][1]), x2: px(ends[1][0]), y2: py(ends[1][1]),
        stroke: "#183d4e", "stroke-width": 2, "stroke-dasharray": n ? "6 3" : "" }));
    });
    root.append(cells);
    const rows = CORNERS.map((x, k) => ({ x, h: signs(corners.layers[0].h[k]), y: corners.output[k][0] }));
    for (const { x, h, y } of rows) {  // each corner's (h1, h2) and y, above the top corners and below the others
      root.append(svg("circle", { cx: px(x[0]), cy: py(x[1]), r: 6, fill: y >= 0 ? "#0877bd" : "#f59322",
        stroke: "#fff" }), svg("text", { x: px(x[0]), y: py(x[1]) + (x[1] ? -11 : 21), "text-anchor": "middle",
        "font-size": 12, fill: "#000", stroke: "#fff", "stroke-width": 3, "paint-order": "stroke" },
      `(${h}) → y = ${y >= 0 ? "+1" : "−1"}`));
    }
    const side = document.createElement("div");
    side.style.cssText = "flex:1;min-width:280px";
    side.append(this.key(seen), this.table(rows));
    this.box.style.cssText = "display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start;margin-top:8px";
    this.box.replaceChildren(root, side);
  }

  /** The colours' key: every sign pattern, and whether it occurs anywhere on the plane. */
  key(seen) {
    const list = document.createElement("ul");
    list.className = "ld-key";
    for (const [pattern, fill] of PATTERNS) {
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.style.cssText = `display:inline-block;width:14px;height:14px;vertical-align:middle;margin-right:6px;border:1px solid #767676;background:${fill}`;
      item.append(swatch, t(seen.has(pattern) ? "ld_pattern" : "ld_pattern_never", { pattern }));
      list.append(item);
    }
    const note = document.createElement("li");
    note.textContent = t("ld_lines");
    list.append(note);
    return list;
  }

  /** The corners as a table: x, (h1, h2) and the output y. */
  table(rows) {
    const table = document.createElement("table");
    table.className = "ld-table";
    const head = table.createTHead().insertRow();
    table.style.borderCollapse = "collapse";
    const pad = (cell) => { cell.style.cssText = "padding:2px 10px;border-bottom:1px solid #ccc;text-align:left"; return cell; };
    for (const key of ["ld_col_x", "ld_col_h", "ld_col_y"]) {
      const th = pad(document.createElement("th"));
      th.scope = "col";
      th.textContent = t(key);
      head.append(th);
    }
    const body = table.createTBody();
    for (const { x, h, y } of rows) {
      const row = body.insertRow();
      for (const text of [`(${x.join(", ")})`, `(${h})`, y >= 0 ? "+1" : "−1"]) pad(row.insertCell()).textContent = text;
    }
    return table;
  }
}
