// The dashboard's gallery (a <details>): the class's snapshots (GET /api/classes/{id}/snapshots), the chosen ones
// side by side and large, for discussion, each drawn from its picture (GET .../snapshots/{sid}/frame: a whole
// stream frame, decoded by protocol.js and drawn by the playground's own OutputView, as the grid and the watch
// panel do), with nickname, epoch and test loss; every snapshot in a list below to choose or unchoose (PATCH),
// delete (DELETE) or load into everyone's playground, or the ticked students' (POST .../load). Snapshots are
// taken from the students' cards (take()) or submitted by the students themselves.
import { gone } from "./challenge_panel.js";
import { OutputView } from "./heatmap.js";
import { decodeFrame } from "./protocol.js";

const REFRESH_OPEN_MS = 4000;  // students submit: read the list again now and then
const REFRESH_CLOSED_MS = 15000;  // closed, only its summary ("3 snapshots") shows it
const LARGE = 480;  // a chosen snapshot's canvas (pixels; shown at the gallery's column width)
const SMALL = 64;
const NO_POINTS = { X: [], y: [] };

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

const format = (value) => (value === null || value === undefined ? "–" : Number(value).toPrecision(3));

/** "x1, x2 → 4 → 2 → 1" from a frame's structure. */
function shapeOf(structure) {
  if (!structure) return "";
  return [structure.features.join(", "), ...structure.layers.map(([units]) => String(units))].join(" → ");
}

export class Gallery {
  /** root: the gallery's <details>; context: {classId, token, call, t, nameOf(student), picked(): ids ticked,
   *  failed(error), toast(text, kind), confirmed(text, yesKey), onLoaded()} */
  constructor(root, context) {
    this.root = root;
    this.context = context;
    this.$ = (id) => root.querySelector(`#${id}`);
    this.snapshots = [];
    this.figures = new Map();  // snapshot id -> its large figure's elements
    this.rows = new Map();  // snapshot id -> its list row's elements
    this.frames = new Map();  // snapshot id -> Promise of its decoded frame (fetched once: a snapshot never changes)
    this.reading = 0;
    this.timer = null;
    root.addEventListener("toggle", () => this.schedule());
    this.$("gallery-fullscreen").addEventListener("click", () => this.$("gallery-chosen").requestFullscreen?.()
      .catch(() => {}));
    document.addEventListener("visibilitychange", () => this.schedule());
  }

  path(suffix = "") {
    return `/api/classes/${this.context.classId}/snapshots${suffix}`;
  }

  call(method, suffix, body) {
    return this.context.call(method, this.path(suffix), { token: this.context.token, body });
  }

  async load() {
    const number = ++this.reading;
    try {
      const list = await this.call("GET", "");
      if (number === this.reading) this.show(list);
    } catch (error) {
      if (number === this.reading && gone(error)) this.context.failed(error);  // else the feed says what is wrong
    }
  }

  schedule() {
    clearTimeout(this.timer);
    if (this.stopped || document.hidden) return;
    this.load();
    this.timer = setTimeout(() => this.schedule(), this.root.open ? REFRESH_OPEN_MS : REFRESH_CLOSED_MS);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Capture a student's network now (from their card); it is in the gallery at once. */
  async take(student) {
    const { t } = this.context;
    try {
      const taken = await this.call("POST", "", { student_id: student.id });
      const name = this.context.nameOf(student);
      this.context.toast(() => t("gal_taken", { name }), "ok");
      this.root.open = true;  // its toggle event reads the list
      this.upsert(taken);
      return taken;
    } catch (error) {
      this.context.failed(error);
      return null;
    }
  }

  /** An action's answer: shown, and a read of the list under way meanwhile (an older list) is dropped. */
  upsert(snapshot) {
    this.reading += 1;
    const at = this.snapshots.findIndex((s) => s.id === snapshot.id);
    if (at >= 0) this.snapshots[at] = snapshot;
    else this.snapshots.push(snapshot);
    this.render();
  }

  show(list) {
    this.snapshots = list;
    const known = new Set(list.map((s) => s.id));
    for (const id of this.frames.keys()) if (!known.has(id)) this.frames.delete(id);
    this.render();
  }

  async choose(snapshot, chosen) {
    try {
      this.upsert(await this.call("PATCH", `/${snapshot.id}`, { chosen }));
    } catch (error) {
      this.context.failed(error);
      this.render();  // the checkbox back as it was
    }
  }

  async remove(snapshot) {
    const { t } = this.context;
    const name = this.context.nameOf({ id: snapshot.student_id, nickname: snapshot.nickname });
    if (!(await this.context.confirmed(t("gal_confirm_delete", { name, epoch: snapshot.epoch }), "gal_delete"))) return;
    try {
      await this.call("DELETE", `/${snapshot.id}`);
      this.reading += 1;
      this.show(this.snapshots.filter((s) => s.id !== snapshot.id));
    } catch (error) {
      this.context.failed(error);
    }
  }

  /** Load a snapshot's network into everyone's playground, or the ticked students' only. */
  async loadInto(snapshot) {
    const { t } = this.context;
    const picked = this.context.picked();
    const name = this.context.nameOf({ id: snapshot.student_id, nickname: snapshot.nickname });
    const question = picked.length ? t("gal_confirm_load_some", { name, n: picked.length })
      : t("gal_confirm_load", { name });
    if (!(await this.context.confirmed(question, "gal_load_button"))) return;
    try {
      const answer = await this.call("POST", `/${snapshot.id}/load`, picked.length ? { students: picked } : {});
      const n = answer.reached.length;
      this.context.toast(() => t("gal_loaded", { name, n }), "ok");
      this.context.onLoaded?.();
    } catch (error) {
      this.context.failed(error);
    }
  }

  /** The snapshot's picture, decoded (fetched with the teacher's credential, once). */
  frame(snapshot) {
    if (!this.frames.has(snapshot.id)) {
      const token = this.context.token;
      const pending = fetch(this.path(`/${snapshot.id}/frame`), {
        credentials: "same-origin", headers: token ? { Authorization: `Bearer ${token}` } : {} })
        .then((response) => {
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.arrayBuffer();
        })
        .then((buffer) => decodeFrame(buffer));
      pending.catch(() => this.frames.delete(snapshot.id));  // the next render tries again
      this.frames.set(snapshot.id, pending);
    }
    return this.frames.get(snapshot.id);
  }

  /** Draw a snapshot's output map into a canvas (and its network's shape into a caption, if given). */
  async draw(snapshot, canvas, shape = null) {
    let frame;
    try {
      frame = await this.frame(snapshot);
    } catch {
      canvas.classList.add("gallery-missing");
      return;
    }
    const structure = frame.header.structure ?? {};
    const view = new OutputView(canvas, element("div"), { t: this.context.t, onAddPoint: () => {} });
    view.setThreshold(structure.threshold);
    view.setData({ domain: structure.domain ?? [[-6, 6], [-6, 6]], task: structure.task ?? "classification",
      n_classes: structure.n_classes ?? 2, train: NO_POINTS, test: NO_POINTS });
    const outputs = [];
    for (const map of frame.maps) if (map.kind === "output") outputs[map.neuron] = map;
    view.setOutputs(outputs);
    view.draw();
    canvas.dataset.drawn = "true";
    if (shape) shape.textContent = shapeOf(frame.header.structure);
  }

  /** Everything the gallery writes (again after a language switch or the anonymize toggle). Each snapshot's
   *  figure and row are made once (their canvases drawn once) and then only relabelled and put in order. */
  render() {
    const { t } = this.context;
    const chosen = this.snapshots.filter((s) => s.chosen);
    this.$("gallery-summary").textContent = t("gal_summary", { n: this.snapshots.length, chosen: chosen.length });
    this.$("gallery-empty").hidden = chosen.length > 0;
    this.$("gallery-fullscreen").hidden = chosen.length === 0;
    this.$("snapshot-none").hidden = this.snapshots.length > 0;
    const known = new Set(this.snapshots.map((s) => s.id));
    for (const cache of [this.figures, this.rows]) for (const id of cache.keys()) if (!known.has(id)) cache.delete(id);
    this.$("gallery-chosen").replaceChildren(...chosen.map((s) => this.label(this.figure(s), s)));
    const newest = [...this.snapshots].reverse();
    this.$("snapshot-list").replaceChildren(...newest.map((s) => this.label(this.row(s), s)));
  }

  nameOf(snapshot) {
    return this.context.nameOf({ id: snapshot.student_id, nickname: snapshot.nickname });
  }

  /** A figure's or row's texts (its name follows the anonymize toggle). */
  label(made, snapshot) {
    const { t } = this.context;
    made.name.textContent = this.nameOf(snapshot);
    made.numbers.textContent = t("gal_numbers", { epoch: snapshot.epoch, loss: format(snapshot.metrics?.test_loss) });
    made.load.textContent = this.loadLabel();
    if (made.unchoose) made.unchoose.textContent = t("gal_unchoose");
    if (made.box) {
      made.box.checked = snapshot.chosen;
      made.chosenText.textContent = t("gal_chosen");
      made.remove.textContent = t("gal_delete");
      const when = new Date(snapshot.taken_at * 1000).toLocaleTimeString();
      made.by.textContent = t(snapshot.by_teacher ? "gal_by_teacher" : "gal_by_student", { when });
    }
    made.snapshot = snapshot;
    return made.root;
  }

  button(className, onClick) {
    const made = element("button", className);
    made.type = "button";
    made.addEventListener("click", onClick);
    return made;
  }

  /** A chosen snapshot, large. */
  figure(snapshot) {
    if (this.figures.has(snapshot.id)) return this.figures.get(snapshot.id);
    const root = element("figure", "gallery-item");
    root.dataset.id = snapshot.id;
    const canvas = element("canvas", "gallery-canvas");
    canvas.width = canvas.height = LARGE;
    const made = { root, name: element("strong", "gallery-name"), numbers: element("span", "gallery-numbers") };
    const shape = element("span", "gallery-shape");
    const caption = element("figcaption");
    caption.append(made.name, made.numbers, shape);
    made.load = this.button("gallery-load", () => this.loadInto(made.snapshot));
    made.unchoose = this.button("gallery-unchoose", () => this.choose(made.snapshot, false));
    const buttons = element("div", "dash-buttons");
    buttons.append(made.load, made.unchoose);
    root.append(canvas, caption, buttons);
    this.draw(snapshot, canvas, shape);
    this.figures.set(snapshot.id, made);
    return made;
  }

  /** A snapshot in the list: small, with its actions. */
  row(snapshot) {
    if (this.rows.has(snapshot.id)) return this.rows.get(snapshot.id);
    const root = element("li", "snapshot-row");
    root.dataset.id = snapshot.id;
    const canvas = element("canvas", "snapshot-thumb");
    canvas.width = canvas.height = SMALL;
    const made = { root, name: element("strong", "snapshot-name"), numbers: element("span", "snapshot-numbers"),
      by: element("span", "snapshot-by"), chosenText: element("span") };
    const text = element("div", "snapshot-text");
    text.append(made.name, made.numbers, made.by);
    const choose = element("label", "snapshot-choose");
    made.box = element("input");
    made.box.type = "checkbox";
    made.box.addEventListener("change", () => this.choose(made.snapshot, made.box.checked));
    choose.append(made.box, made.chosenText);
    made.load = this.button("snapshot-load", () => this.loadInto(made.snapshot));
    made.remove = this.button("snapshot-delete", () => this.remove(made.snapshot));
    root.append(canvas, text, choose, made.load, made.remove);
    this.draw(snapshot, canvas);
    this.rows.set(snapshot.id, made);
    return made;
  }

  /** "Load into everyone", or into the students ticked. */
  loadLabel() {
    const n = this.context.picked().length;
    return n ? this.context.t("gal_load_some", { n }) : this.context.t("gal_load");
  }

  /** The ticked students changed: the load buttons say whom they reach. */
  relabelLoads() {
    const label = this.loadLabel();
    for (const button of this.root.querySelectorAll(".gallery-load, .snapshot-load")) button.textContent = label;
  }
}
