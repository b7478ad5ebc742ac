// The dashboard's grid of students: one card each with a small thumbnail of their output heatmap (drawn from
// the class stream's tiles by the playground's own OutputView), nickname, epoch, losses, accuracy and status;
// sorting, filtering and anonymous names for projecting; under it a tick (to push or load to the students ticked
// only) and a snapshot button (for the gallery). A card's DOM is built once and then only updated:
// a tile touches its numbers and marks its thumbnail for the next animation frame, so 100 students at a tile
// a second each cost a few small draws per frame.
import { OutputView } from "./heatmap.js";
import { formatNumber as format } from "./numbers.js";

const THUMB = 96;
const TILE_FRESH_MS = 3000;  // a student's last tile is newer than the roster for this long
const NO_POINTS = { X: [], y: [] };

const percent = (value) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`);

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export class StudentGrid {
  /** container: the grid's <div>; options: {t, onWatch(student), onRemove(student), onSnapshot(student),
   *  onPick(ids): the ticked students changed} */
  constructor(container, options) {
    this.container = container;
    this.options = options;
    this.cards = new Map();  // student id -> card
    this.numbers = new Map();  // student id -> "Student n": first seen, first numbered, never renumbered
    this.sort = "joined";
    this.filter = "all";
    this.anonymous = false;
    this.dirty = new Set();
    this.order = [];  // ids in the server's (joining) order
    this.picked = new Set();  // the ticked students' ids
  }

  /** Students from the server (GET /api/classes/{id}, or the stream's roster): add, update, drop. */
  update(students) {
    const seen = new Set();
    this.order = [];
    for (const student of students) {
      if (student.status === "removed") continue;
      seen.add(student.id);
      this.order.push(student.id);
      if (!this.numbers.has(student.id)) this.numbers.set(student.id, this.numbers.size + 1);
      const card = this.cards.get(student.id) ?? this._card(student);
      const known = card.student;
      Object.assign(known, { nickname: student.nickname, session_id: student.session_id });
      // While tiles arrive they are newer than a roster (sent every few seconds): it only says who went offline.
      const tiled = performance.now() - (known.tileAt ?? -Infinity) < TILE_FRESH_MS;
      if (!tiled || student.status === "offline") {
        known.status = student.status;
        if (typeof student.epoch === "number") known.epoch = student.epoch;
        if (student.metrics) known.metrics = { ...student.metrics };
        else if (student.metrics === null) known.metrics = null;  // offline: nothing current to show
      }
      this._numbers(card);
    }
    let unpicked = false;
    for (const [id, card] of this.cards) {
      if (!seen.has(id)) {
        card.root.remove();
        this.cards.delete(id);
        unpicked = this.picked.delete(id) || unpicked;
      }
    }
    this.arrange();
    if (unpicked) this.options.onPick?.(this.pickedIds());
  }

  /** A tile (a frame of one student's session at the tile view): the thumbnail and numbers. */
  tile(studentId, frame) {
    const card = this.cards.get(studentId);
    if (!card) return;
    const { header } = frame;
    if (header.structure) {
      const { structure } = header;
      card.output.setThreshold(structure.threshold);
      card.output.setData({ domain: structure.domain ?? card.data.domain, task: structure.task ?? "classification",
        n_classes: structure.n_classes ?? 2, train: NO_POINTS, test: NO_POINTS });
      card.outputs = [];
    }
    for (const map of frame.maps) if (map.kind === "output") card.outputs[map.neuron] = map;
    card.output.setOutputs(card.outputs);
    const student = card.student;
    student.tileAt = performance.now();
    student.epoch = header.epoch;
    student.metrics = { ...student.metrics, epoch: header.epoch, train_loss: header.train_loss,
      test_loss: header.test_loss, train_accuracy: header.train_accuracy, test_accuracy: header.test_accuracy };
    student.status = { playing: "playing", diverged: "diverged" }[header.status] ?? "paused";
    this._numbers(card);
    this._redraw(card);
  }

  /** The name shown: the nickname, or "Student n" while anonymous. */
  nameOf(student) {
    return this.anonymous ? this.options.t("anon_name", { n: this.numbers.get(student.id) ?? "?" }) : student.nickname;
  }

  setSort(key) { this.sort = key; this.arrange(); }
  setFilter(status) { this.filter = status; this.arrange(); }
  setAnonymous(on) {
    this.anonymous = on;
    for (const card of this.cards.values()) this._numbers(card);
    this.arrange();
  }

  /** The ticked students' ids, in joining order. */
  pickedIds() {
    return this.order.filter((id) => this.picked.has(id));
  }

  /** Untick everyone. */
  clearPicks() {
    this.picked.clear();
    for (const card of this.cards.values()) {
      card.pick.checked = false;
      card.root.classList.remove("picked");
    }
    this.options.onPick?.([]);
  }

  /** Texts again (the language changed). */
  relabel() {
    for (const card of this.cards.values()) {
      card.labels.forEach(([dt, key]) => { dt.textContent = this.options.t(key); });
      card.remove.textContent = this.options.t("student_remove");
      card.pickLabel.textContent = this.options.t("student_pick");
      card.snapshot.textContent = this.options.t("student_snapshot");
      this._numbers(card);
    }
  }

  /** How many cards each status has. */
  counts() {
    const counts = {};
    for (const card of this.cards.values()) counts[card.student.status] = (counts[card.student.status] ?? 0) + 1;
    return counts;
  }

  /** How many students the filter shows, and how many there are. */
  get shown() { return [...this.cards.values()].filter((card) => !card.root.hidden).length; }
  get size() { return this.cards.size; }

  /** Cards in the chosen order, those the filter hides hidden. */
  arrange() {
    const cards = this.order.map((id) => this.cards.get(id)).filter(Boolean);
    const loss = (card) => card.student.metrics?.test_loss ?? Infinity;
    const compare = {
      joined: () => 0,
      name: (a, b) => (this.anonymous ? this.numbers.get(a.student.id) - this.numbers.get(b.student.id)
        : a.student.nickname.localeCompare(b.student.nickname)),
      epoch: (a, b) => (b.student.epoch ?? 0) - (a.student.epoch ?? 0),
      test_loss: (a, b) => loss(a) - loss(b),
    }[this.sort] ?? (() => 0);
    cards.sort((a, b) => compare(a, b) || 0);  // stable: ties keep the joining order
    cards.forEach((card, index) => {
      card.root.hidden = this.filter !== "all" && card.student.status !== this.filter;
      if (this.container.children[index] !== card.root) this.container.insertBefore(card.root, this.container.children[index] ?? null);
    });
  }

  _card(student) {
    const t = this.options.t;
    const root = element("article", "student-card");
    root.dataset.id = student.id;
    const watch = element("button", "student-watch");
    watch.type = "button";
    const canvas = element("canvas", "student-thumb");
    canvas.width = canvas.height = THUMB;
    const name = element("span", "student-name");
    const status = element("span", "student-status");
    const numbers = element("dl", "student-numbers");
    const labels = [];
    const values = {};
    for (const [key, label] of [["epoch", "epoch"], ["test_loss", "test_loss"], ["train_loss", "train_loss"],
      ["accuracy", "accuracy_short"]]) {
      const row = element("div");
      const dt = element("dt", "", t(label));
      values[key] = element("dd", `student-${key}`);
      row.append(dt, values[key]);
      numbers.append(row);
      labels.push([dt, label]);
    }
    watch.append(canvas, name, status, numbers);
    const remove = element("button", "student-remove", t("student_remove"));
    remove.type = "button";
    const actions = element("div", "student-actions");
    const pickBox = element("label", "student-pick");
    const pick = element("input");
    pick.type = "checkbox";
    const pickLabel = element("span", "", t("student_pick"));
    pickBox.append(pick, pickLabel);
    const snapshot = element("button", "student-snapshot", t("student_snapshot"));
    snapshot.type = "button";
    actions.append(pickBox, snapshot);
    root.append(watch, remove, actions);
    const card = { root, name, status, values, labels, remove, pick, pickLabel, snapshot, canvas, outputs: [],
      student: { ...student }, data: { domain: [[-6, 6], [-6, 6]] } };
    card.output = new OutputView(canvas, element("div"), { t, onAddPoint: () => {} });
    card.output.setData({ domain: card.data.domain, task: "classification", n_classes: 2, train: NO_POINTS, test: NO_POINTS });
    watch.addEventListener("click", () => this.options.onWatch(card.student));
    remove.addEventListener("click", () => this.options.onRemove(card.student));
    snapshot.addEventListener("click", () => this.options.onSnapshot?.(card.student));
    pick.addEventListener("change", () => {
      if (pick.checked) this.picked.add(student.id);
      else this.picked.delete(student.id);
      root.classList.toggle("picked", pick.checked);
      this.options.onPick?.(this.pickedIds());
    });
    this.cards.set(student.id, card);
    return card;
  }

  _numbers(card) {
    const { student, values } = card;
    const t = this.options.t;
    const shownName = this.nameOf(student);
    card.name.textContent = shownName;
    card.root.dataset.status = student.status;
    card.status.className = `student-status status-${student.status}`;
    card.status.textContent = t(`status_${student.status}`);
    // The card's visible text (name, status, numbers) is the button's name; "Watch <name>" is its tooltip.
    card.root.querySelector(".student-watch").title = t("student_watch", { name: shownName });
    card.remove.setAttribute("aria-label", t("student_remove_named", { name: shownName }));
    card.pick.setAttribute("aria-label", t("student_pick_named", { name: shownName }));
    card.snapshot.setAttribute("aria-label", t("student_snapshot_named", { name: shownName }));
    const metrics = student.metrics ?? {};
    values.epoch.textContent = String(student.epoch ?? metrics.epoch ?? 0);
    values.test_loss.textContent = format(metrics.test_loss);
    values.train_loss.textContent = format(metrics.train_loss);
    values.accuracy.textContent = percent(metrics.test_accuracy ?? metrics.train_accuracy);
  }

  _redraw(card) {
    this.dirty.add(card);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      for (const dirty of this.dirty) if (dirty.root.isConnected) dirty.output.draw();
      this.dirty.clear();
    });
  }
}
