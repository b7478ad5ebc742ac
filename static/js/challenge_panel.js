// The dashboard's challenge panel (a <details>): set the class's challenge (PUT /api/classes/{id}/challenge), show
// it, check everyone's network now (POST .../challenge/check), show or hide the leaderboard to the students
// (POST .../challenge/reveal) and the three leaderboards (GET .../challenge: first to reach the goal, lowest test
// loss, fewest parameters), read again every few seconds while the panel is open and after each action. Names
// follow the dashboard's anonymize toggle (nameOf). The checking is the server's, on a test set it keeps.
import { NO_EXTRA_FEATURES, datasetName, goalLines, loss, onlyRawInputs } from "./challenge_goals.js";

const REFRESH_MS = 3000;
const REFRESH_CLOSED_MS = 15000;  // closed, only its summary ("2 reached the goal") shows it
const NOT_IN_FORM = new Set(["expression"]);  // a data set that needs a formula the form has no field for

/** An error that means the dashboard cannot go on (no access any more, the class deleted). */
export const gone = (error) => error.status === 401 || error.status === 403 || error.code === "class.not_found";

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

export class ChallengePanel {
  /** root: the panel's <details>; context: {classId, token, call, t, nameOf(entry), failed(error), toast(text,
   *  kind), confirmed(text, yesKey)} */
  constructor(root, context) {
    this.root = root;
    this.context = context;
    this.$ = (id) => root.querySelector(`#${id}`);
    this.view = null;  // the server's last answer (null: no challenge yet)
    this.datasets = [];
    this.reading = 0;  // the newest read's number: an older answer arriving late is dropped
    this.timer = null;
    this.$("challenge-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.set();
    });
    this.$("challenge-check").addEventListener("click", async (event) => {
      const button = event.currentTarget;
      button.disabled = true;  // checking a whole class takes a moment: once is enough
      await this.act("POST", "/challenge/check", undefined, "ch_checked");
      button.disabled = false;
    });
    this.$("challenge-reveal").addEventListener("click", () => {
      const revealed = !this.view?.revealed;
      this.act("POST", "/challenge/reveal", { revealed }, revealed ? "ch_revealed_toast" : "ch_hidden_toast");
    });
    root.addEventListener("toggle", () => this.schedule());
    document.addEventListener("visibilitychange", () => this.schedule());
  }

  /** The catalogue's data sets for the form's select (GET /api/catalogue's datasets). */
  setDatasets(datasets) {
    this.datasets = datasets.filter((spec) => !NOT_IN_FORM.has(spec.name));
    this.fillDatasets();
  }

  fillDatasets() {
    const select = this.$("ch-dataset");
    const keep = select.value || "circle";
    select.replaceChildren(...this.datasets.map((spec) => {
      const option = element("option", "", datasetName(spec.name, this.context.t));
      option.value = spec.name;
      return option;
    }));
    if (this.datasets.some((spec) => spec.name === keep)) select.value = keep;
  }

  /** Read the challenge now (it renders what it gets). */
  async load() {
    const number = ++this.reading;
    try {
      const view = await this.context.call("GET", `/api/classes/${this.context.classId}/challenge`,
        { token: this.context.token });
      if (number === this.reading) this.show(view);
    } catch (error) {
      if (number !== this.reading) return;
      if (error.code === "class.no_challenge") this.show(null);
      else if (gone(error)) this.context.failed(error);  // else the dashboard's feed says what is wrong
    }
  }

  /** Read it now, and again every few seconds while the panel is open (now and then while it is closed). */
  schedule() {
    clearTimeout(this.timer);
    if (this.stopped || document.hidden) return;
    this.load();
    this.timer = setTimeout(() => this.schedule(), this.root.open ? REFRESH_MS : REFRESH_CLOSED_MS);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** What the form asks for: ChallengeSpec (docs/classroom.md "Challenges"). */
  spec() {
    const number = (id) => {
      const text = this.$(id).value.trim();
      return text === "" ? null : Number(text);
    };
    const spec = { title: this.$("ch-title").value.trim(), dataset: this.$("ch-dataset").value,
      noise: (number("ch-noise") ?? 0) / 100, n_points: number("ch-points") ?? 500,
      goal_test_loss: number("ch-goal") };
    const most = number("ch-max-params");
    if (most !== null) spec.max_params = most;
    if (this.$("ch-no-extra").checked) spec.features = [...NO_EXTRA_FEATURES];
    const seed = number("ch-seed");
    if (seed !== null) spec.seed = seed;
    return spec;
  }

  async set() {
    const form = this.$("challenge-form");
    if (!form.reportValidity()) return;
    const { t } = this.context;
    if (this.view && !(await this.context.confirmed(t("ch_confirm_replace", { title: this.view.spec.title }), "ch_replace"))) {
      return;
    }
    const view = await this.act("PUT", "/challenge", this.spec(), "ch_set_toast");
    if (view) this.fill(view.spec);
  }

  /** A teacher's action; its answer (the challenge with its leaderboards) is shown, and a read that was under
   *  way meanwhile (an older state) is dropped. */
  async act(method, path, body, doneKey) {
    try {
      const view = await this.context.call(method, `/api/classes/${this.context.classId}${path}`,
        { token: this.context.token, body });
      this.reading += 1;
      this.show(view);
      if (doneKey) this.context.toast(() => this.context.t(doneKey, { title: view.spec.title }), "ok");
      return view;
    } catch (error) {
      this.context.failed(error);
      return null;
    }
  }

  /** The form shows a challenge's settings (the test set's seed stays blank: a new challenge gets a secret one). */
  fill(spec) {
    this.$("ch-title").value = spec.title;
    if (this.datasets.some((d) => d.name === spec.dataset)) this.$("ch-dataset").value = spec.dataset;
    this.$("ch-noise").value = String(Math.round((spec.noise ?? 0) * 100));
    this.$("ch-points").value = String(spec.n_points);
    this.$("ch-goal").value = String(spec.goal_test_loss);
    this.$("ch-max-params").value = spec.max_params ?? "";
    this.$("ch-no-extra").checked = onlyRawInputs(spec.features);
    this.$("ch-seed").value = "";
  }

  show(view) {
    const first = this.view === null && view !== null && !this.filled;
    this.view = view;
    if (first) {
      this.filled = true;
      this.fill(view.spec);
    }
    this.render();
  }

  /** Everything the panel writes itself (again after a language switch or the anonymize toggle). */
  render() {
    const { t } = this.context;
    const view = this.view;
    this.fillDatasets();
    this.$("ch-title").placeholder = t("ch_name_example");
    this.$("challenge-summary").textContent = view ? t("ch_summary", { title: view.spec.title,
      n: view.first.length }) : t("ch_none");
    this.$("challenge-current").hidden = !view;
    this.$("challenge-set").textContent = t(view ? "ch_replace" : "ch_set");
    if (!view) return;
    this.$("challenge-current-title").textContent = view.spec.title;
    this.$("challenge-goals").replaceChildren(...goalLines(view.spec, t).map((line) => element("li", "", line)));
    const reveal = this.$("challenge-reveal");
    reveal.setAttribute("aria-pressed", String(view.revealed));
    reveal.textContent = t(view.revealed ? "ch_hide" : "ch_reveal");
    this.$("challenge-revealed").textContent = t(view.revealed ? "ch_students_see" : "ch_students_do_not_see");
    const time = (seconds) => (seconds ? new Date(seconds * 1000).toLocaleTimeString() : "");
    this.board("board-first", view.first, (entry) => [time(entry.first_passed_at), loss(entry.test_loss)]);
    this.board("board-best", view.best_loss, (entry) => [loss(entry.test_loss),
      entry.passed ? t("ch_passed_mark") : ""]);
    this.board("board-fewest", view.fewest_params, (entry) => [t("ch_params", { n: entry.n_params }),
      loss(entry.test_loss)]);
  }

  board(id, entries, details) {
    const list = this.$(id);
    if (!entries.length) {
      list.replaceChildren(element("li", "board-empty", this.context.t("ch_board_empty")));
      return;
    }
    list.replaceChildren(...entries.map((entry) => {
      const item = element("li", entry.passed ? "passed" : "");
      item.dataset.student = entry.student_id;
      item.append(element("span", "board-name", this.context.nameOf({ id: entry.student_id, nickname: entry.nickname })));
      for (const text of details(entry)) if (text) item.append(element("span", "board-value", text));
      return item;
    }));
  }
}
