// The playground: owns the session, its stream and the views, and keeps the URL in step.
import { ApiError, Session } from "./api.js";
import { LossChart } from "./chart.js";
import { Controls } from "./controls.js";
import { DataPanel } from "./data.js";
import { OutputView } from "./heatmap.js";
import { apply, currentLanguage, errorText, setLanguage, t } from "./i18n.js";
import { NetworkView } from "./network.js";
import { formatNumber as format } from "./numbers.js";
import { splitWeights } from "./protocol.js";
import { fromHash, toHash } from "./state.js";
import { Stream } from "./stream.js";

const RETRY_SECONDS = [5, 10, 20, 30];  // while the server refuses a session: back off, up to 30 s
const REFUSED_ADVICE = {  // what a refused student can do, by the refusal's code (i18n.js keys)
  "limit.client_sessions": "refused_client_sessions",
  "limit.server_sessions": "refused_server_sessions",
  "host.unavailable": "refused_host",
  "host.timeout": "refused_host",
  "client.unreachable": "refused_unreachable",
};
const HIDDEN_ACTIVATIONS = ["tanh", "sigmoid", "relu", "linear", "leaky_relu", "softplus", "sign", "step"];
const $ = (id) => document.getElementById(id);

function download(name, blob) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** A server sentence as the start of a longer message: capitalized, ended, ready for the next sentence. */
function leadSentence(text) {
  const zh = currentLanguage() === "zh";
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.。!！?？]$/.test(capital) ? capital + (zh ? "" : " ") : capital + (zh ? "。" : ". ");
}

const MAX_SEED = 2 ** 31 - 1;  // app/schemas/session.py's MAX_SEED

export class Playground {
  constructor(boot) {
    this.boot = boot;
    this.metrics = { start: performance.now(), firstBoundaryMs: null, framesDrawn: 0, frames: 0 };
    this.outputs = [];
    this.dataVersion = null;
    this.playing = false;
    this.pending = Promise.resolve();
    this.drawPoints = null;
    this.controls = new Controls(boot.catalogue, t, {
      onPlay: () => { if (this.may("training")) this.stream?.send({ type: this.playing ? "pause" : "play" }); },
      onStep: () => { if (this.may("training")) this.stream?.send({ type: "step" }); },
      onReset: () => { if (this.may("training")) { this.chart.reset(); this.stream?.send({ type: "reset" }); } },
      // A new random start (TensorFlow Playground's "new weights"): the seed of the initial weights changes.
      onReseed: () => { if (this.may("training")) this.change({ seed: 1 + Math.floor(Math.random() * MAX_SEED) }); },
      onChange: (changes) => this.change(changes),
      onShare: () => this.share(),
      onExport: () => this.exportModel(),
      onImport: (text) => this.importModel(text),
      onLanguage: () => this.toggleLanguage(),
      onView: (ui) => { this.ui = ui; this.output.setOptions(ui); this.render(); this.saveUrl(); },
      onPng: async () => { download("nnplay-output.png", await this.output.toBlob()); this.toast(() => t("saved_png"), "ok"); },
    });
    this.dataPanel = new DataPanel({
      catalogue: boot.catalogue, limits: boot.limits, t,
      onChange: (data) => this.change({ data }),
      onFeatures: (features) => this.change({ features }),
      onRegenerate: () => this.change({ data: { seed: this.config.data.seed + 1 } }),
      onCsv: async (csv) => {
        if (await this.change({ data: { name: "custom", csv, points: null } })) await this.adoptServerPoints();
      },
      onDrawToggle: (on) => this.toggleDrawing(on),
      onDrawClear: () => { this.drawPoints = { X: [], y: [] }; this.output.setData({ ...this.data, train: this.drawPoints, test: { X: [], y: [] } }); this.render(); },
    });
    this.network = new NetworkView($("network"), {
      t, activations: HIDDEN_ACTIVATIONS,
      limits: { maxLayers: boot.limits.max_hidden_layers, maxUnits: boot.limits.max_units },
      onEditWeight: (layer, row, col, value) => this.session.editWeight(layer, row, col, value)
        .then(() => true, (e) => { this.fail(e); return false; }),  // false: refused (the matrix editor says so)
      onChangeLayers: (hidden) => this.change({ hidden_layers: hidden, activation: this.activationsFor(hidden) }),
      onChangeActivation: (index, name) => this.change((config) => {
        const acts = this.activationsFor(config.hidden_layers);
        acts[index] = name;
        return { activation: acts };
      }),
    });
    this.output = new OutputView($("heatmap"), $("legend"), { t, onAddPoint: (x1, x2, shift) => this.addPoint(x1, x2, shift) });
    this.chart = new LossChart($("chart"), { t });
    window.addEventListener("pagehide", () => {  // free the session; a closing page must not start another
      this.leaving = true;
      this.stream?.close();
      if (!this.classMode) this.session?.close();  // a class's session stays: it is the student's stored work
    });
    window.addEventListener("pageshow", (event) => { if (event.persisted) location.reload(); });  // back from the cache: its session is gone
  }

  /** Whether the page may use a group of controls: always, unless a class's pause or lock forbids it. */
  may(group) { return !this.classMode || this.classMode.allows(group); }

  activationsFor(hidden) {
    const current = this.config.activation;
    const list = Array.isArray(current) ? current : this.config.hidden_layers.map(() => current);
    return hidden.map((_, i) => list[i] ?? list[list.length - 1] ?? "tanh");
  }

  /** Get a session and show it; resolves once the playground runs (a refused page waits and retries). */
  async start() {
    if (this.classMode) return this.startInClass();
    let { config, ui } = fromHash(location.hash, this.boot.defaults);
    this.ui = ui;
    this.asked = config;  // shown until the server's description arrives (not the lists' first entries)
    this.controls.show(config, ui);
    this.dataPanel.show(config);
    for (let attempt = 0; ; attempt += 1) {
      try {
        try {
          this.session = await Session.create(config);
        } catch (error) {
          if (!(error instanceof ApiError) || error.status !== 422) throw error;
          this.toast(() => t("bad_url", { message: errorText(error) }), "error");
          config = this.asked = structuredClone(this.boot.defaults);
          this.session = await Session.create(config);
        }
        this.config = config;
        this.adopt(await this.session.describe());
        break;
      } catch (error) {
        this.session?.close();
        this.session = null;
        await this.refused(error, attempt);  // e.g. the server is full: say so, try again a little later
      }
    }
    this.hideRefused();
    this.connect();
    this.dataPanel.loadThumbnails();
  }

  /** Class mode (classmode.js): show the session this browser joined the class with; none, or one the server
   *  no longer has (the student was removed): off to /join. */
  async startInClass() {
    const { ui } = fromHash(location.hash, this.boot.defaults);
    this.ui = ui;
    this.asked = structuredClone(this.boot.defaults);
    this.controls.show(this.asked, ui);
    this.dataPanel.show(this.asked);
    for (let attempt = 0; ; attempt += 1) {
      this.session = this.classMode.session();
      if (!this.session) return;
      try {
        this.config = structuredClone(this.asked);
        this.adopt(await this.session.describe());
        break;
      } catch (error) {
        if (this.classMode.isGone(error)) return this.classMode.gone();
        await this.refused(error, attempt);  // e.g. the server is restarting: say so, try again a little later
      }
    }
    this.hideRefused();
    this.connect();
    this.dataPanel.loadThumbnails();
  }

  connect() {
    this.stream?.close();
    this.stream = new (this.classMode?.Stream ?? Stream)(this.session, {
      onClass: (info) => this.classMode?.onInfo(info),
      onHello: (hello) => this.onHello(hello),
      onFrame: (frame) => this.onFrame(frame),
      onError: (error) => this.toast(() => t("error", { message: errorText(error) }), "error"),
      onStatus: (status, seconds, why) => this.connectionStatus(status, seconds, why),
      onGone: (why) => this.restart(why),
      onRefused: (why) => this.toast(() => t("error", { message: errorText(why) }), "error", 0),
    });
    this.stream.setView({ output_resolution: 64, neuron_resolution: 20 });
    this.session.history().then((history) => { this.chart.setHistory(history); this.render(); }).catch(() => {});
  }

  /** A stream (re)opened. A session that came back from the server's store (after a restart, or its training
   *  process stopped) says from which epoch: the page says so, and reloads the loss chart from there. */
  onHello(hello) {
    this.classMode?.onInfo(hello.class);
    const epoch = hello.session?.restored_epoch;
    if (epoch === null || epoch === undefined || epoch === this.restoredEpoch) return;
    this.restoredEpoch = epoch;
    this.toast(() => t("restored", { epoch }), "ok", 12);
    this.session.history().then((history) => { this.chart.setHistory(history); this.render(); }).catch(() => {});
  }

  /** why: the server's reason for ending the stream ({code, params, message}), shown in the page's language. */
  async restart(why = null) {
    if (this.leaving) return;
    if (this.classMode) return this.classMode.gone();  // a class's session is never replaced by a new one
    this.toast(() => (why ? leadSentence(errorText(why)) : "") + t("session_gone"), "error");
    for (let attempt = 0; ; attempt += 1) {
      try {
        this.session = await Session.create(this.config);
        break;
      } catch (error) {
        await this.refused(error, attempt);
      }
    }
    this.hideRefused();
    this.dataVersion = null;
    this.connect();
  }

  /** The server gave this page no session: hide the playground, say why and what to do, and count down
   *  to the next try ("Try again now" tries at once). Resolves when it is time to try again. */
  refused(error, attempt) {
    this.refusal = { error, seconds: RETRY_SECONDS[Math.min(attempt, RETRY_SECONDS.length - 1)] };
    document.body.classList.add("no-session");
    $("status").hidden = true;
    $("refused").hidden = false;
    const button = $("retry-now");
    button.disabled = false;
    this.showRefusal();
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        this.refusal.seconds -= 1;
        if (this.refusal.seconds <= 0) retry();
        else this.showRefusal();
      }, 1000);
      const retry = () => {
        clearInterval(timer);
        button.onclick = null;
        button.disabled = true;
        this.refusal.seconds = null;  // trying now
        this.showRefusal();
        resolve();
      };
      button.onclick = retry;
    });
  }

  /** The refusal in the current language (again after a language switch). */
  showRefusal() {
    if (!this.refusal) return;
    const { error, seconds } = this.refusal;
    const sentence = errorText(error);  // a server sentence starts in lower case (it also follows "Error: ")
    $("refused-reason").textContent = sentence.charAt(0).toUpperCase() + sentence.slice(1);
    $("refused-advice").textContent = t(REFUSED_ADVICE[error.code] ?? "refused_other");
    $("retry-countdown").textContent = seconds === null ? t("retrying") : t("retry_in", { s: seconds });
  }

  hideRefused() {
    this.refusal = null;
    document.body.classList.remove("no-session");
    $("refused").hidden = true;
  }

  /** Show a session description from the server (config, task, features). */
  adopt(described) {
    const points = this.config.data.points;
    this.config = described.config;
    if (this.config.data.name === "custom" && !this.config.data.points) this.config.data.points = points;
    this.described = described;
    this.controls.show(this.config, this.ui, this.described?.task);
    this.dataPanel.show(this.config, described);
    this.output.setOptions(this.ui);
    this.showLimits();
    this.saveUrl();
  }

  /** Send a config change; changes apply one after another, each shown once the server accepted it. */
  change(changes) {
    const structural = "hidden_layers" in changes || "activation" in changes;
    if (structural) $("network").inert = true;  // the diagram shows the old shape until the answer
    const done = this.pending.then(async () => {
      try {
        this.adopt(await this.session.update(typeof changes === "function" ? changes(this.config) : changes));
        if (structural || "features" in changes || "output" in changes || "seed" in changes) this.chart.reset();
        return true;
      } catch (error) {
        this.fail(error);
        this.controls.show(this.config, this.ui, this.described?.task);
        this.dataPanel.show(this.config, this.described);
        return false;
      } finally {
        if (structural) $("network").inert = !this.may("network");
      }
    });
    this.pending = done;
    return done;
  }

  onFrame(frame) {
    const { header } = frame;
    this.metrics.frames += 1;
    if (this.classMode) this.followTeacher(header);
    if (header.structure) {
      this.structure = header.structure;
      this.output.setThreshold(header.structure.threshold);
      this.network.setStructure({ layers: header.structure.layers, features: header.structure.features });
      this.outputs = [];
      if (header.structure.data_version !== this.dataVersion) {
        this.dataVersion = header.structure.data_version;
        this.loadData();
      }
    }
    if (frame.weights && this.structure) this.network.setWeights(splitWeights(frame.weights, this.structure.layers));
    if (frame.maps.length) {
      this.network.setMaps(frame.maps);
      for (const map of frame.maps) if (map.kind === "output") this.outputs[map.neuron] = map;
      this.output.setOutputs(this.outputs);
    }
    this.playing = header.status === "playing";
    this.controls.setPlaying(this.playing);
    this.controls.setEpoch(header.epoch);
    $("train_loss").textContent = format(header.train_loss);
    $("test_loss").textContent = format(header.test_loss);
    $("train_accuracy").textContent = header.train_accuracy === null ? "–" : `${(header.train_accuracy * 100).toFixed(1)}%`;
    $("test_accuracy").textContent = header.test_accuracy === null ? "–" : `${(header.test_accuracy * 100).toFixed(1)}%`;
    if (header.epoch === 0) this.chart.reset();
    else this.chart.add(header.epoch, header.train_loss, header.test_loss);
    if (header.status === "diverged" && !this.divergedShown) this.toast(() => t("diverged"), "error");
    this.divergedShown = header.status === "diverged";
    this.render();
  }

  /** Class mode: the teacher may push another network (a new structure, or the epoch going back): show its
   *  config, as the server has it, in the controls. */
  followTeacher(header) {
    const back = header.epoch < (this.epochShown ?? 0);
    this.epochShown = header.epoch;
    if (back) this.chart.reset();
    if (!back && !header.structure) return;
    this.pending = this.pending.then(async () => {
      try {
        this.adopt(await this.session.describe());
      } catch {
        // the stream says what went wrong, if anything did
      }
    });
  }

  async loadData() {
    try {
      this.data = await this.session.data();
      this.output.setData(this.data);
      if (this.drawPoints) this.toggleDrawing(true);  // new data: draw on top of it, not the old points
      this.render();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Draw on the next animation frame (several frames arriving together draw once). */
  render() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.output.draw();
      this.output.updateLegendRange();
      this.chart.draw();
      if (this.outputs.length && this.data) {
        this.metrics.framesDrawn += 1;
        if (this.metrics.firstBoundaryMs === null) this.metrics.firstBoundaryMs = performance.now();
      }
    });
  }

  toggleDrawing(on) {
    this.output.setDrawing(on);
    this.drawPoints = null;
    if (!on || !this.data) return;
    if (this.data.domain.length !== 2 || this.data.task !== "classification") {
      this.toast(() => t("draw_only_2d"), "error");
      return;
    }
    this.drawPoints = { X: [...this.data.train.X, ...this.data.test.X], y: [...this.data.train.y, ...this.data.test.y] };
  }

  addPoint(x1, x2, shift) {
    if (!this.drawPoints) return;
    const classes = this.described.task === "classification" ? Math.max(2, this.described.n_classes) : 2;
    const cls = shift ? (this.dataPanel.drawClass + 1) % classes : this.dataPanel.drawClass;
    this.drawPoints.X.push([x1, x2]);
    this.drawPoints.y.push(cls);
    this.output.setData({ ...this.data, train: this.drawPoints, test: { X: [], y: [] } });
    this.render();
    clearTimeout(this.drawTimer);
    this.drawTimer = setTimeout(() => this.sendDrawnPoints(), 400);
  }

  async sendDrawnPoints() {
    const { X, y } = this.drawPoints;
    if (new Set(y).size < 2) return;  // one class alone is not a classification problem yet
    const points = { X: X.map((p) => [...p]), y: [...y], task: "classification", domain: this.data.domain };
    if (await this.change({ data: { name: "custom", points, csv: null } })) {
      this.config.data.points = points;  // kept for the URL: the server's description leaves points out
      this.saveUrl();
      this.toast(() => t("drawn", { n: X.length }), "ok");
    }
  }

  /** After a CSV upload, keep its points in the URL so that a shared link has them. */
  async adoptServerPoints() {
    const data = await this.session.data();
    this.config.data.points = { X: [...data.train.X, ...data.test.X], y: [...data.train.y, ...data.test.y],
      task: data.task, domain: data.domain };
    const n = this.config.data.points.X.length;
    this.toast(() => t("csv_loaded", { n }), "ok");
    this.saveUrl();
  }

  saveUrl() {
    history.replaceState(null, "", toHash(this.config, this.ui));
  }

  async share() {
    try {
      await navigator.clipboard.writeText(location.href);
      this.toast(() => t("copied"), "ok");
    } catch {
      const url = location.href;
      this.toast(() => t("copy_failed", { url }), "ok");
    }
  }

  async exportModel() {
    try {
      const document = await this.session.exportModel();
      download("nnplay-model.json", new Blob([JSON.stringify(document, null, 1)], { type: "application/json" }));
    } catch (error) {
      this.fail(error);
    }
  }

  async importModel(text) {
    let document;
    try {
      document = JSON.parse(text);
    } catch {
      this.toast(() => t("bad_file"), "error");
      return;
    }
    if (this.classMode) return this.classMode.importModel(document);  // a new session would leave the class
    try {
      const { session, described } = await Session.import(document);
      this.session.close();
      this.session = session;
      this.config = structuredClone(document.config);  // with the user's own points, which descriptions leave out
      this.dataVersion = null;
      this.outputs = [];
      this.adopt(described);
      this.chart.reset();
      this.connect();
      this.toast(() => t("imported"), "ok");
    } catch (error) {
      this.fail(error);
    }
  }

  toggleLanguage() {
    setLanguage(currentLanguage() === "zh" ? "en" : "zh");
    this.controls.setLanguageButton(currentLanguage());
    this.controls.fillOptions();
    const config = this.config ?? this.asked;  // no session yet (still starting, or refused): what was asked
    this.controls.show(config, this.ui, this.described?.task);
    this.dataPanel.show(config, this.described);
    if (this.structure) this.network.setStructure({ layers: this.structure.layers, features: this.structure.features });
    if (this.data) this.output.setData(this.data);
    apply();
    this.showLimits();
    this.showRefusal();
    this.classMode?.apply();
    if (!$("status").hidden && this.toastText) $("status").textContent = this.toastText();  // still on screen
  }

  showLimits() {
    const { max_hidden_layers: layers, max_units: units, max_points: points } = this.boot.limits;
    $("limits").textContent = t("limits", { layers, units, points });
  }

  connectionStatus(status, seconds, why = null) {
    if (status === "connected") { if (this.wasDisconnected) this.toast(() => t("connected"), "ok"); this.wasDisconnected = false; }
    else if (status === "disconnected") {
      this.wasDisconnected = true;
      this.toast(() => (why ? leadSentence(errorText(why)) : "") + t("disconnected", { s: seconds }), "error", 0);
    }
  }

  /** Show an error (an ApiError's sentence comes from its code and params, in the page's language). */
  fail(error) {
    this.toast(() => t("error", { message: errorText(error) }), "error");
  }

  /** message: a string, or a function making it (then a language switch re-renders it while shown). */
  toast(message, kind = "", seconds = 6) {
    const box = $("status");
    this.toastText = typeof message === "function" ? message : () => message;
    box.textContent = this.toastText();
    box.className = `status ${kind}`;
    box.hidden = false;
    clearTimeout(this.toastTimer);
    if (seconds) this.toastTimer = setTimeout(() => { box.hidden = true; }, seconds * 1000);
  }
}
