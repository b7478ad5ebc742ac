// Fig. 3-12: the three core problems of designing a network (structure, objective, optimizer) as one picture,
// with the chapter's Keras example next to the same three steps written with this project's engine and its
// REST API. The code comes from the lesson (figure.design), where a test runs it.
import { t } from "./i18n.js";

const STEPS = 3;
const BOX = { width: 200, height: 62, gap: 44 };
const STYLE = `.dz{margin:8px 0 16px}.dz-picture{max-width:100%;height:auto}
.dz-table{border-collapse:collapse;width:100%;font-size:12px;margin-top:8px}
.dz-table th,.dz-table td{border:1px solid #c8c8c8;padding:4px 6px;vertical-align:top;text-align:left}
.dz-table th{background:#f3f3f3}.dz-table td{overflow-x:auto}.dz-table pre{margin:0;white-space:pre;font-size:12px}`;
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

/** The REST calls of one step as text: "METHOD path" and the JSON body under it. */
function restText(calls) {
  const json = (body) => `{${Object.entries(body).map(([key, value]) => `"${key}": ${JSON.stringify(value)}`).join(",\n ")}}`;
  return calls.map(([method, path, body]) => `${method} ${path}${body ? `\n${json(body)}` : ""}`).join("\n\n");
}

export class DesignView {
  constructor(container, playground, figure) {
    const root = document.createElement("div");
    root.className = "dz";
    container.append(root);
    const draw = () => {  // nothing here comes from the server: the whole figure is written from the lesson
      const heading = document.createElement("h3");
      heading.textContent = t("dz_title");
      const style = document.createElement("style");
      style.textContent = STYLE;
      root.replaceChildren(style, heading, this.picture(), this.table(figure.design));
    };
    draw();
    // i18n.js's apply() sets <html lang> on every language change: write the figure again in the new words.
    new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
  }

  picture() { // three boxes, 1 -> 2 -> 3, each with its question
    const width = STEPS * BOX.width + (STEPS - 1) * BOX.gap + 4;
    const picture = svg("svg", { class: "dz-picture", role: "img", "aria-label": t("dz_aria"),
      viewBox: `0 0 ${width} ${BOX.height + 4}`, width, height: BOX.height + 4 });
    const defs = svg("defs");
    const marker = svg("marker", { id: "dz-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7,
      markerHeight: 7, orient: "auto" });
    marker.append(svg("path", { d: "M0,0L10,5L0,10z", fill: "#333" }));
    defs.append(marker);
    picture.append(defs);
    const colors = ["#e8f1fa", "#fdf0e3", "#eaf6ea"];
    for (let k = 0; k < STEPS; k++) {
      const x = 2 + k * (BOX.width + BOX.gap);
      picture.append(svg("rect", { x, y: 2, width: BOX.width, height: BOX.height, rx: 8, fill: colors[k],
        stroke: "#555" }));
      picture.append(svg("text", { x: x + BOX.width / 2, y: 27, "text-anchor": "middle", "font-size": 15,
        "font-weight": "bold", fill: "#111" }, t(`dz_step${k + 1}`)));
      picture.append(svg("text", { x: x + BOX.width / 2, y: 49, "text-anchor": "middle", "font-size": 13,
        fill: "#333" }, t(`dz_step${k + 1}_note`)));
      if (k < STEPS - 1) {
        const from = x + BOX.width + 4;
        picture.append(svg("line", { x1: from, y1: 2 + BOX.height / 2, x2: from + BOX.gap - 8, y2: 2 + BOX.height / 2,
          stroke: "#333", "stroke-width": 2, "marker-end": "url(#dz-arrow)" }));
      }
    }
    return picture;
  }

  table(design) { // one row per step: Keras | engine | REST
    const table = document.createElement("table");
    table.className = "dz-table";
    const head = table.createTHead().insertRow();
    for (const key of ["", "dz_keras", "dz_engine", "dz_rest"]) {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = key ? t(key) : "";
      head.append(th);
    }
    const body = table.createTBody();
    for (let k = 0; k < STEPS; k++) {
      const row = body.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = t(`dz_step${k + 1}`);
      row.append(th);
      for (const text of [design.keras[k], design.engine[k], restText(design.rest[k])]) {
        const pre = document.createElement("pre");
        const code = document.createElement("code");
        code.textContent = text;
        pre.append(code);
        row.insertCell().append(pre);
      }
    }
    return table;
  }
}
