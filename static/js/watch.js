// Watching one student large, from the dashboard: their session's own stream, read-only (the server takes the
// class's teacher token there, or the dashboard's cookie, and accepts only fps and view controls), drawn by the
// playground's own views: the output heatmap, the loss chart and the network diagram (inert: nothing to edit).
// Watching never makes a session train: it trains while its student plays it.
import { LossChart } from "./chart.js";
import { protocolsFor, socketUrl } from "./classfeed.js";
import { OutputView } from "./heatmap.js";
import { errorText } from "./i18n.js";
import { NetworkView } from "./network.js";
import { formatNumber as format } from "./numbers.js";
import { decodeFrame, splitWeights } from "./protocol.js";

const NO_POINTS = { X: [], y: [] };
const FPS = 10;
const percent = (value) => (value === null || value === undefined ? "–" : `${(value * 100).toFixed(1)}%`);

export class WatchPanel {
  /** dialog: the <dialog id="watch">; options: {t, token} (token: the teacher's, or null with the cookie) */
  constructor(dialog, options) {
    this.dialog = dialog;
    this.options = options;
    this.$ = (name) => dialog.querySelector(`[data-watch=${name}]`);
    this.output = new OutputView(this.$("heatmap"), this.$("legend"), { t: options.t, onAddPoint: () => {} });
    this.chart = new LossChart(this.$("chart"), { t: options.t });
    this.network = new NetworkView(this.$("network"), { t: options.t });
    this.$("network").inert = true;  // read-only: no layer buttons, no weight editing
    this.$("close").addEventListener("click", () => this.close());
    dialog.addEventListener("close", () => this.stop());
  }

  /** Open the panel on a student (name: as the dashboard shows it, anonymous or not). */
  open(student, name) {
    this.stop();
    this.student = student;
    this.$("name").textContent = name;
    this.note(null);
    this.chart.reset();
    this.outputs = [];
    this.structure = null;
    this.metrics({});
    if (!this.dialog.open) this.dialog.showModal();
    this.connect(student.session_id);
  }

  rename(name) {
    if (this.dialog.open) this.$("name").textContent = name;
  }

  close() {
    if (this.dialog.open) this.dialog.close();  // its "close" event stops the stream
  }

  stop() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.close();
    }
  }

  note(text) {
    this.$("note").hidden = !text;
    this.$("note").textContent = text ?? "";
  }

  connect(sessionId) {
    const ws = new WebSocket(socketUrl(`/api/sessions/${sessionId}/stream`), protocolsFor(this.options.token));
    ws.binaryType = "arraybuffer";
    this.ws = ws;
    let decoding = Promise.resolve();
    let hello = false;
    let closing = null;
    ws.onopen = () => {
      ws.send(JSON.stringify({ type: "view", output_resolution: 64, neuron_resolution: 20 }));
      ws.send(JSON.stringify({ type: "fps", value: FPS }));
    };
    ws.onmessage = (event) => {
      if (this.ws !== ws) return;
      if (typeof event.data === "string") {
        const message = JSON.parse(event.data);
        if (message.type === "hello") {
          hello = true;
          this.onHello(message);
        } else if (message.type === "error") {
          closing = message;
        }
        return;
      }
      decoding = decoding.then(() => decodeFrame(event.data)).then((frame) => this.onFrame(frame)).catch(() => {});
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;  // closed by the dashboard
      this.ws = null;
      const t = this.options.t;
      const why = closing ? errorText(closing) : "";
      this.note(hello ? t("watch_ended", { why }) : t("watch_unavailable", { why }));
    };
  }

  onHello(hello) {
    const session = hello.session ?? {};
    this.output.setData({ domain: hello.domain, task: session.task ?? "classification", n_classes: session.n_classes ?? 2,
      train: NO_POINTS, test: NO_POINTS });
    this.network.setStructure({ layers: hello.layers ?? [], features: session.features ?? [] });
    this.metrics(session.metrics ?? {});
  }

  onFrame(frame) {
    const { header } = frame;
    if (header.structure) {
      const { structure } = header;
      this.structure = structure;
      this.output.setThreshold(structure.threshold);
      this.output.setData({ domain: structure.domain ?? this.output.data?.domain, task: structure.task,
        n_classes: structure.n_classes, train: NO_POINTS, test: NO_POINTS });
      this.network.setStructure({ layers: structure.layers, features: structure.features });
      this.outputs = [];
    }
    if (frame.weights && this.structure) this.network.setWeights(splitWeights(frame.weights, this.structure.layers));
    if (frame.maps.length) {
      this.network.setMaps(frame.maps);
      for (const map of frame.maps) if (map.kind === "output") this.outputs[map.neuron] = map;
      this.output.setOutputs(this.outputs);
    }
    if (header.epoch === 0) this.chart.reset();
    else this.chart.add(header.epoch, header.train_loss, header.test_loss);
    this.metrics(header);
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.output.draw();
      this.chart.draw();
    });
  }

  metrics(values) {
    const t = this.options.t;
    this.$("epoch").textContent = String(values.epoch ?? 0);
    this.$("test_loss").textContent = format(values.test_loss);
    this.$("train_loss").textContent = format(values.train_loss);
    this.$("accuracy").textContent = percent(values.test_accuracy ?? values.train_accuracy);
    this.$("status").textContent = values.status ? t(`status_${values.status === "idle" ? "paused" : values.status}`) : "";
  }
}
