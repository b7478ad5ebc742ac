// The network diagram's matrix editor: one layer's W and b typed as numbers in a grid (row i: the weights
// into neuron i, then its bias), applied with one button or Enter. Bad numbers are marked and named; nothing
// is sent until every cell reads as a number. Keyboard: Tab between cells, Up/Down between rows, Enter
// applies, Escape closes and gives the focus back to the button that opened it.

const STYLE_ID = "nn-matrix-style";
const CSS = `.nn-matrix{margin-top:8px;padding:8px 10px;border:1px solid #b8bcc0;border-radius:6px;background:#fff;
font-size:12px;color:#222}.nn-matrix .mx-head{display:flex;flex-wrap:wrap;align-items:center;gap:6px 12px}
.nn-matrix h3{margin:0;font-size:13px;color:#222;flex:1 1 auto}.nn-matrix .mx-hint{margin:4px 0 6px;color:#555}
.nn-matrix label{display:inline-flex;align-items:center;gap:4px;margin:0;color:#444;font-size:12px}
.nn-matrix .mx-wrap{overflow-x:auto}.nn-matrix table{border-collapse:collapse}
.nn-matrix th{font-weight:normal;color:#444;padding:2px 4px;white-space:nowrap;text-align:center}
.nn-matrix th.mx-b{border-left:2px solid #b8bcc0}.nn-matrix td{padding:2px}
.nn-matrix td.mx-b{border-left:2px solid #b8bcc0;padding-left:6px}
.nn-matrix input{box-sizing:border-box;width:78px;padding:3px 5px;border:1px solid #999;border-radius:4px;
font:12px ui-monospace,Menlo,Consolas,monospace;text-align:right;color:#222;background:#fff}
.nn-matrix input:focus-visible{outline:2px solid #0877bd;outline-offset:1px}
.nn-matrix input[aria-invalid=true]{border-color:#b3261e;background:#fdecea;box-shadow:0 0 0 2px rgba(179,38,30,.3)}
.nn-matrix .mx-error{color:#b3261e;font-weight:bold;margin:6px 0 0}.nn-matrix .mx-status{color:#2e7d32;margin:6px 0 0}
.nn-matrix .mx-actions{display:flex;gap:8px;margin-top:6px}`;

/** Reads what a student types as a number: "0.5", "-2", "1e-3", also "−2" (a minus sign) and full-width
 *  digits from a Chinese keyboard; NaN for anything else (an empty cell too). */
export function readNumber(text) {
  const plain = String(text).trim().replace(/[\uFF10-\uFF19\uFF0E\uFF0D\uFF0B]/g,
    (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u2212/g, "-");
  return plain === "" ? NaN : Number(plain);
}

/** Send a layer's changed cells: one write of the whole layer when the page offers options.onEditLayer(layer,
 *  W, b), else options.onEditWeight(layer, row, col, value) per cell (col null: the bias); settles when done,
 *  to false if the page says an edit was refused (the callbacks resolve to false then), and the rest unsent. */
export async function sendChanges(options, current = {}, layer, changes) {
  if (options.onEditLayer) {
    const W = (current.W ?? []).map((row) => [...row]), b = [...(current.b ?? [])];
    for (const { row, col, value } of changes) {
      if (col === null) b[row] = value;
      else W[row][col] = value;
    }
    return (await options.onEditLayer(layer, W, b)) !== false;
  }
  // One after another: each edit is applied to the network the previous one left; a refusal stops the rest.
  return changes.reduce((done, { row, col, value }) => done.then(async (ok) => ok
    && (await options.onEditWeight?.(layer, row, col, value)) !== false), Promise.resolve(true));
}

function make(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

let serial = 0;

export class MatrixEditor {
  /**
   * @param {{t: (key: string, params?: object) => string, layers: () => Array<[number, number, string]>,
   *   weights: () => Array<{W: number[][], b: number[]}>, name: (k: number, i: number) => string,
   *   layerName: (k: number) => string, apply: (layer: number, changes: Array<{row: number, col: number|null,
   *   value: number}>) => Promise<unknown>|unknown}} host what the diagram knows; layers count from 1
   */
  constructor(host) {
    this.host = host;
    this.id = `nn-matrix-${++serial}`;
    if (!document.getElementById(STYLE_ID)) document.head.append(make("style", { id: STYLE_ID }, CSS));
    this.root = make("div", { class: "nn-matrix", role: "group", "aria-labelledby": `${this.id}-title`, hidden: "" });
    this.title = make("h3", { id: `${this.id}-title` });
    this.select = make("select", { class: "mx-layer" });
    this.selectLabel = make("label");
    this.selectLabel.append(make("span"), this.select);
    this.closeButton = make("button", { type: "button", class: "mx-close" });
    const head = make("div", { class: "mx-head" });
    head.append(this.title, this.selectLabel, this.closeButton);
    this.hint = make("p", { class: "mx-hint", id: `${this.id}-hint` });
    this.grid = make("div", { class: "mx-wrap" });
    this.error = make("p", { class: "mx-error", role: "alert", hidden: "" });
    this.status = make("p", { class: "mx-status", role: "status" });
    this.applyButton = make("button", { type: "button", class: "mx-apply primary" });
    const actions = make("div", { class: "mx-actions" });
    actions.append(this.applyButton);
    this.root.append(head, this.hint, this.grid, actions, this.error, this.status);
    this.select.addEventListener("change", () => this.show(Number(this.select.value)));
    this.closeButton.addEventListener("click", () => this.close());
    this.applyButton.addEventListener("click", () => this.apply());
    this.root.addEventListener("keydown", (event) => this._key(event));
    this.layer = 0;
  }

  get isOpen() { return !this.root.hidden; }

  /** Open on layer k (from 1), filled with its current numbers; the focus goes to the first cell and comes
   *  back to ``opener`` on close. */
  open(k, opener = null) {
    this.opener = opener;
    this.root.hidden = false;
    this.show(k);
    this.inputs[0]?.[0]?.focus();
    this.inputs[0]?.[0]?.select();
  }

  /** Close; the focus returns to what opened it. */
  close() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    this.layer = 0;
    if (this.opener?.isConnected) this.opener.focus();
  }

  /** The diagram changed shape: an open editor keeps what is typed if its layer kept its shape, else it
   *  shows the layer anew (or closes when the layer is gone). Words are redone (a language switch). */
  refresh() {
    if (!this.isOpen) return;
    const shape = this.host.layers()[this.layer - 1];
    if (!shape) return this.close();
    const same = this.inputs.length === shape[0] && this.inputs[0]?.length === shape[1] + 1;
    const typed = same ? this.inputs.map((row) => row.map((input) => input.value)) : null;
    const focused = this.inputs.flat().indexOf(document.activeElement);
    this.show(this.layer);
    if (typed) this.inputs.forEach((row, r) => row.forEach((input, c) => { input.value = typed[r][c]; }));
    if (focused >= 0) this.inputs.flat()[focused]?.focus();
  }

  /** Draw layer k's grid with its current W and b. */
  show(k) {
    const { t, layers, weights, name, layerName } = this.host;
    const shape = layers();
    this.layer = k;
    const [units, fanIn] = shape[k - 1];
    const current = weights()[k - 1] ?? {};
    this.title.textContent = t("mx_title", { k, layer: layerName(k) });
    this.selectLabel.firstChild.textContent = t("mx_layer");
    this.select.replaceChildren(...shape.map((_, j) => make("option", { value: j + 1 }, `${j + 1}: ${layerName(j + 1)}`)));
    this.select.value = String(k);
    this.hint.textContent = t("mx_hint");
    this.closeButton.textContent = t("mx_close");
    this.applyButton.textContent = t("mx_apply");
    this.error.hidden = true;
    this.status.textContent = "";
    const table = make("table");
    const head = make("tr");
    head.append(make("td"));  // the corner: the rows' names are below it
    for (let c = 0; c < fanIn; c++) head.append(make("th", { scope: "col" }, name(k - 1, c)));
    head.append(make("th", { scope: "col", class: "mx-b" }, "b"));
    const thead = make("thead");
    thead.append(head);
    const body = make("tbody");
    const show = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : "");  // readable in a cell
    this.inputs = [];
    for (let r = 0; r < units; r++) {
      const row = make("tr");
      row.append(make("th", { scope: "row" }, name(k, r)));
      const cells = [];
      for (let c = 0; c <= fanIn; c++) {
        const bias = c === fanIn;
        const label = bias ? t("mx_bias_cell", { k, r: r + 1, to: name(k, r) })
          : t("mx_cell", { k, r: r + 1, c: c + 1, from: name(k - 1, c), to: name(k, r) });
        const input = make("input", { type: "text", inputmode: "decimal", autocomplete: "off", spellcheck: "false",
          "aria-label": label, "aria-describedby": `${this.id}-hint`, "data-row": r, "data-col": bias ? "b" : c });
        input.value = input.dataset.shown = show(bias ? current.b?.[r] : current.W?.[r]?.[c]);
        input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
        const cell = make("td", bias ? { class: "mx-b" } : {});
        cell.append(input);
        row.append(cell);
        cells.push(input);
      }
      body.append(row);
      this.inputs.push(cells);
    }
    table.append(thead, body);
    this.grid.replaceChildren(table);
  }

  /** Read every cell; mark the bad ones (and say which) or send the changed numbers. */
  async apply() {
    const k = this.layer;
    const current = this.host.weights()[k - 1] ?? {};
    const bad = [];
    const changes = [];
    this.inputs.forEach((cells, r) => cells.forEach((input, c) => {
      const value = readNumber(input.value);
      const bias = c === cells.length - 1;
      if (!Number.isFinite(value)) {
        input.setAttribute("aria-invalid", "true");
        bad.push({ input, name: bias ? `b(${k})[${r + 1}]` : `W(${k})[${r + 1},${c + 1}]` });
        return;
      }
      input.removeAttribute("aria-invalid");
      // A cell left as shown (rounded to 4 digits) keeps its exact value: only what was typed is sent.
      const before = bias ? current.b?.[r] : current.W?.[r]?.[c];
      if (input.value !== input.dataset.shown && value !== before) changes.push({ row: r, col: bias ? null : c, value });
    }));
    this.status.textContent = "";
    if (bad.length) {
      this.error.textContent = this.host.t("mx_bad", { cells: bad.map((b) => b.name).join(", ") });
      this.error.hidden = false;
      bad[0].input.focus();
      bad[0].input.select();  // typing replaces the bad number
      return false;
    }
    this.error.hidden = true;
    if (changes.length && (await this.host.apply(k, changes)) === false) {
      this.error.textContent = this.host.t("mx_refused");  // the page's own message says why
      this.error.hidden = false;
      return false;
    }
    for (const input of this.inputs.flat()) input.dataset.shown = input.value;
    this.status.textContent = changes.length ? this.host.t("mx_applied", { n: changes.length }) : this.host.t("mx_unchanged");
    return true;
  }

  _key(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    const input = event.target.closest?.("input");
    if (!input) return;
    if (event.key === "Enter") {
      event.preventDefault();
      event.stopPropagation();  // the page's own keys (Space plays, ...) stay out of a cell
      this.apply();
      return;
    }
    const moves = { ArrowUp: -1, ArrowDown: 1 };
    if (event.key in moves) {
      const r = this.inputs.findIndex((cells) => cells.includes(input));
      const c = this.inputs[r].indexOf(input);
      const next = this.inputs[r + moves[event.key]]?.[c];
      if (next) {
        event.preventDefault();
        next.focus();
        next.select();
      }
    }
  }
}
