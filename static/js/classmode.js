// Class mode: a student's playground inside a teacher's class (/classes/{id}/play). The session is the one this
// browser joined with at /join (identity.js), never a new one, and it is never deleted when the page goes: the
// student's work stays, stored, for the teacher and for the next visit. The class's pause and locks arrive with
// the stream (its hello, then a `class` message on every change) and grey out what the server would refuse
// anyway (423 class.paused / class.locked): the page reflects the server's rule, it does not make it. The class's
// challenge (also in that info) and "submit my network" are student_challenge.js's.
import { ApiError, Session } from "./api.js";
import { currentLanguage, t } from "./i18n.js";
import { forgetIdentity, loadIdentity } from "./identity.js";
import { Stream } from "./stream.js";
import { StudentChallenge } from "./student_challenge.js";

// The page's controls of each group a teacher can lock (the server's table is app/core/controls.py).
// Buttons, inputs and selects are disabled; containers (dataset thumbnails, features, the network diagram with
// its layer, neuron, activation and weight editing) are made inert.
const GROUPS = {
  training: ["play", "step", "reset"],
  hyperparameters: ["learning_rate", "batch_size", "regularization", "reg_rate", "optimizer"],
  network: ["output_loss", "import", "features", "network"],
  data: ["datasets", "n_classes", "expression", "train_ratio", "noise", "n_points", "regenerate", "draw",
    "draw-clear", "draw-classes", "csv"],
};

/** The session stream, also passing the class's own messages ({"type": "class", ...}) to handlers.onClass. */
class ClassStream extends Stream {
  connect() {
    super.connect();
    this.ws.addEventListener("message", (event) => {
      if (typeof event.data !== "string") return;
      const message = JSON.parse(event.data);
      if (message.type === "class") this.handlers.onClass?.(message);
    });
  }
}

export class ClassMode {
  /** info: the boot data's class ({id}); playground: the page's Playground. */
  constructor(info, playground) {
    this.id = info.id;
    this.playground = playground;
    this.info = { paused: false, locked: [] };
    this.Stream = ClassStream;
    document.getElementById("class-not-me").addEventListener("click", () => this.notMe());
    this.challenge = new StudentChallenge(playground, () => this.me);
  }

  /** The session this browser joined the class with, or null: then the page is on its way to /join. */
  session() {
    this.me = loadIdentity(this.id);
    if (!this.me) {
      this.leave();
      return null;
    }
    this.showBanner(this.me.class_name);
    return new Session({ id: this.me.session_id, token: this.me.token });
  }

  /** Whether an error means this browser's place in the class is gone (removed, the class deleted, a token
   *  that is not this session's): then only joining again helps. */
  isGone(error) {
    return error instanceof ApiError && [401, 403, 404].includes(error.status);
  }

  /** The session has ended on the server (the teacher removed the student, or deleted the class). */
  gone() {
    forgetIdentity(this.id);
    this.leave("ended");
  }

  leave(reason = "") {
    this.playground.leaving = true;
    this.playground.stream?.close();
    location.replace(reason ? `/join?left=${reason}` : "/join");
  }

  /** A shared computer: forget this student here (their work stays on the server) and let the next one join. */
  notMe() {
    forgetIdentity(this.id);
    this.leave();
  }

  showBanner(className) {
    if (className) document.getElementById("class-name").textContent = className;
    document.getElementById("class-nickname").textContent = this.me?.nickname ?? "";
  }

  /** The class's state from the stream (null: the session is not in a class any more). */
  onInfo(info) {
    if (!info) return;
    this.followClassLanguage(info.language);
    this.info = { paused: Boolean(info.paused), locked: info.locked ?? [] };
    this.showBanner(info.name);
    this.challenge.show(info.challenge ?? null);
    this.apply();
  }

  /** The class's language, the first time this browser sees the class: the teacher chose it for the class. The
   *  language button still switches it, and that choice is kept. */
  followClassLanguage(language) {
    const key = `nnplay.class-language.${this.id}`;
    if (!language || localStorage.getItem(key)) return;
    localStorage.setItem(key, language);
    if (currentLanguage() !== language) this.playground.toggleLanguage();
  }

  allows(group) {
    return !this.info.paused && !this.info.locked.includes(group);
  }

  /** Grey out what the class forbids now, say why, and give back what it allows again. */
  apply() {
    const { paused, locked } = this.info;
    document.body.classList.toggle("class-is-paused", paused);
    document.getElementById("class-paused").hidden = !paused;
    const note = document.getElementById("class-locked");
    note.hidden = paused || !locked.length;
    note.textContent = t("class_locked_note", { groups: locked.map((group) => t(`group_${group}`)).join(t("list_sep")) });
    for (const [group, ids] of Object.entries(GROUPS)) {
      const off = !this.allows(group);
      for (const id of ids) {
        const element = document.getElementById(id);
        if (!element) continue;
        if (element.matches("button, input, select")) element.disabled = off;
        else element.inert = off;
        (element.closest(".file-button") ?? element).classList.toggle("class-locked", off);
      }
    }
    this.challenge.render();  // its words, again after a language switch
    const playground = this.playground;
    if (!this.allows("data") && playground.drawPoints) {  // drawing stops with the data's lock
      playground.dataPanel.setDrawing(false);
      playground.toggleDrawing(false);
    }
  }

  /** Import a model into this class's session (a new session would leave the class): its config, then its
   *  weights (the document's model.weights are W(1), b(1), W(2), b(2), ... as PUT /weights takes them). */
  async importModel(document) {
    const playground = this.playground;
    if (!document?.config || !(await playground.change(document.config))) return;
    const weights = document.model?.weights ?? [];
    const layers = [];
    for (let i = 0; i + 1 < weights.length; i += 2) layers.push({ W: weights[i], b: weights[i + 1] });
    try {
      if (layers.length) await playground.session.call("PUT", "/weights", { layers });
      playground.toast(() => t("imported"), "ok");
    } catch (error) {
      playground.fail(error);
    }
  }
}
