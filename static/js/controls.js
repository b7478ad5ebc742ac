// The top bar: run buttons, epoch counter, training settings, share/export/import and language.

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const OUTPUT_LOSS = [  // value "output|loss"; auto picks by task (sigmoid, softmax or linear with its partner)
  ["auto|auto", "auto"],
  ["sigmoid|binary_cross_entropy", "pair_sigmoid_bce"],
  ["softmax|cross_entropy", "pair_softmax_ce"],
  ["tanh|squared_error", "pair_tanh_se"],
  ["linear|squared_error", "pair_linear_se"],
  ["sigmoid|squared_error", "pair_sigmoid_se"],
  ["sigmoid|cross_entropy", "pair_sigmoid_ce"],
];

function fill(select, options) {
  select.replaceChildren(...options.map(([value, label]) => {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = label;
    return option;
  }));
}

export class Controls {
  /** handlers: {onPlay(), onStep(), onReset(), onReseed(), onChange(changes), onShare(), onExport(), onImport(text),
   *  onLanguage(), onView({showTest, discretize}), onPng()} */
  constructor(catalogue, t, handlers) {
    this.t = t;
    this.handlers = handlers;
    this.el = (id) => document.getElementById(id);
    this.catalogue = catalogue;
    this.fillOptions();
    this._wire();
  }

  fillOptions() {
    const t = this.t;
    fill(this.el("learning_rate"), LEARNING_RATES.map((v) => [v, String(v)]));
    fill(this.el("optimizer"), this.catalogue.optimizers.map((o) => [o.name, t(o.name)]));
    fill(this.el("regularization"), this.catalogue.regularizers.map((r) => [r.name, t(r.name)]));
    fill(this.el("reg_rate"), REG_RATES.map((v) => [v, String(v)]));
    fill(this.el("output_loss"), OUTPUT_LOSS.map(([value, key]) => [value, t(key)]));
  }

  _wire() {
    const h = this.handlers;
    const on = (id, event, fn) => this.el(id).addEventListener(event, fn);
    on("play", "click", () => h.onPlay());
    on("step", "click", () => h.onStep());
    on("reset", "click", () => h.onReset());
    on("reseed", "click", () => h.onReseed());
    on("learning_rate", "change", (e) => h.onChange({ learning_rate: Number(e.target.value) }));
    on("optimizer", "change", (e) => h.onChange({ optimizer: e.target.value }));
    on("regularization", "change", (e) => h.onChange({ regularization: e.target.value }));
    on("reg_rate", "change", (e) => h.onChange({ reg_rate: Number(e.target.value) }));
    on("batch_size", "change", (e) => {
      const value = Math.round(Number(e.target.value));
      if (value >= 1) h.onChange({ batch_size: value });
      else e.target.value = this.shown?.batch_size ?? 10;  // refuse visibly: back to the current size
    });
    on("output_loss", "change", (e) => {
      const [output, loss] = e.target.value.split("|");
      h.onChange({ output, loss });
    });
    on("share", "click", () => h.onShare());
    on("export", "click", () => h.onExport());
    on("import", "change", async (event) => {
      const file = event.target.files[0];
      event.target.value = "";
      if (file) h.onImport(await file.text());
    });
    on("language", "click", () => h.onLanguage());
    on("png", "click", () => h.onPng());
    const view = () => h.onView({ showTest: this.el("show_test").checked, discretize: this.el("discretize").checked });
    on("show_test", "change", view);
    on("discretize", "change", view);
    document.addEventListener("keydown", (event) => {
      const focused = document.activeElement;
      const typing = ["INPUT", "SELECT", "TEXTAREA"].includes(focused?.tagName);
      if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
      // Space belongs to a focused button; it plays or pauses only when nothing else has the focus.
      if (event.key === " ") {
        if (focused && focused !== document.body && focused.id !== "play") return;
        event.preventDefault();
        h.onPlay();
      }
      else if (event.key === "s" || event.key === "S") h.onStep();
      else if (event.key === "r" || event.key === "R") h.onReset();
      else if (event.key === "n" || event.key === "N") h.onReseed();
    });
  }

  /** Show a config's training settings; output/loss pairs that cannot fit the task are disabled. */
  show(config, ui, task) {
    this.shown = config;
    for (const option of this.el("output_loss").options) {
      const [output, loss] = option.value.split("|");
      option.disabled = task === "regression" && (loss.includes("cross_entropy") || output === "softmax");
    }
    const select = (id, value, choices) => {
      const element = this.el(id);
      if (choices && !choices.map(String).includes(String(value))) {
        const option = document.createElement("option");
        option.value = option.textContent = String(value);
        element.append(option);
      }
      element.value = String(value);
    };
    select("learning_rate", config.learning_rate, LEARNING_RATES);
    select("optimizer", config.optimizer);
    select("regularization", config.regularization);
    select("reg_rate", config.reg_rate, REG_RATES);
    this.el("batch_size").value = config.batch_size;
    const pair = `${config.output}|${config.loss}`;
    select("output_loss", OUTPUT_LOSS.some(([v]) => v === pair) ? pair : "auto|auto");
    this.el("show_test").checked = ui.showTest;
    this.el("discretize").checked = ui.discretize;
  }

  setPlaying(playing) {
    const button = this.el("play");
    button.classList.toggle("playing", playing);
    button.setAttribute("aria-pressed", String(playing));
  }

  setEpoch(epoch) {
    this.el("epoch").textContent = String(epoch).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  setLanguageButton(language) {
    this.el("language").textContent = language === "zh" ? "English" : "中文";
  }
}
