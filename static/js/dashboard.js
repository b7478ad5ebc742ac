// The teacher's dashboard (/classes/{id}; /classes/{id}/enter#<token> is its secret link). Entering trades the
// token for an HttpOnly cookie (POST /api/classes/{id}/cookie) and takes it out of the address bar at once, since
// the dashboard is projected; a server without that endpoint gets the token kept in sessionStorage instead (this
// tab only), sent as a Bearer token. Then: counts, the join code (big, with its link and QR code), the code's,
// the class's, the locks' and the push's buttons (to everyone, or to the students ticked on their cards), the
// students' grid fed by classfeed.js, the challenge panel (challenge_panel.js) and the gallery (gallery.js).
import { ApiError } from "./api.js";
import { ChallengePanel, gone } from "./challenge_panel.js";
import { ClassFeed } from "./classfeed.js";
import { bootPage, call, startOf, startOptions } from "./classpage.js";
import { Gallery } from "./gallery.js";
import { errorText, t } from "./i18n.js";
import { StudentGrid } from "./studentgrid.js";
import { WatchPanel } from "./watch.js";

const $ = (id) => document.getElementById(id);
const boot = bootPage(() => relabel());
const classId = boot.class_id;
const TOKEN_KEY = `nnplay.teacher.${classId}`;
const GROUPS = ["training", "hyperparameters", "network", "data"];
let token = sessionStorage.getItem(TOKEN_KEY);
let cls = null;  // the class as last described (GET, an action's answer, the stream's class messages)
let feed = null;
let grid = null;
let watch = null;
let challenge = null;
let gallery = null;
let qrCode = null;  // the code the QR image shows
let message = null;  // the full-page message shown instead of the dashboard, if any
let troubled = false;  // an error is on screen until the server answers again
let actedAt = -Infinity;  // when an action's answer last set the class
// The stream reads the class twice a second: a reading from just before an action may arrive just after its
// answer. For this long after an action its answer wins (a toggle must not flip back under the teacher's finger).
const ANSWER_WINS_MS = 1500;

// ----- entering -------------------------------------------------------------------------------------------------
/** The secret link: its token out of the address bar first, then for a cookie. False if the page cannot go on. */
async function enter() {
  const secret = decodeURIComponent(location.hash.slice(1));
  history.replaceState(null, "", `/classes/${classId}`);
  if (!secret) return true;  // an old bookmark of /enter: the cookie may still be there
  try {
    await call("POST", `/api/classes/${classId}/cookie`, { token: secret });
    sessionStorage.removeItem(TOKEN_KEY);
    token = null;
    return true;
  } catch (error) {
    if (error.code === "class.not_found") return show("dash_not_found_title", errorText(error));
    if (error.status === 401 || error.status === 403) return show("dash_no_access_title", t("dash_bad_link"));
    // No cookie endpoint on this server (or no answer): keep the token for this tab only.
    sessionStorage.setItem(TOKEN_KEY, secret);
    token = secret;
    return true;
  }
}

/** Show a message instead of the dashboard (no access, no such class, deleted). */
function show(titleKey, text) {
  message = { titleKey, text };
  $("dashboard").hidden = true;
  $("dash-message").hidden = false;
  $("dash-message-title").textContent = t(titleKey);
  $("dash-message-text").textContent = typeof text === "function" ? text() : text;
  feed?.close();
  watch?.close();
  challenge?.stop();
  gallery?.stop();
  return false;
}

function failed(error) {
  if (error.status === 401 || error.status === 403) return show("dash_no_access_title", () => t("dash_open_link"));
  if (error.status === 404) return show("dash_not_found_title", () => errorText(error));
  toast(() => t("error", { message: errorText(error) }), "error", 0);  // e.g. no answer: the next poll may get one
  troubled = true;
  return true;
}

/** An action of the challenge panel or the gallery failed: the whole page goes only when the class or the access
 *  is gone; else (a snapshot deleted meanwhile, a challenge the server refuses) it says why. */
function refused(error) {
  if (gone(error)) return failed(error);
  toast(() => t("error", { message: errorText(error) }), "error");
  return true;
}

// ----- what the page shows ------------------------------------------------------------------------------------
function render() {
  if (!cls) return;
  $("class-title").textContent = cls.name;
  document.title = `nnplay: ${cls.name}`;
  const code = cls.join_code;
  $("join-code").textContent = code ?? "—";
  $("join-code").classList.toggle("code-closed", cls.code_state !== "open");
  $("code-state").textContent = t(`code_state_${cls.code_state}`);
  $("join-link").textContent = code ? `${location.origin}/join?code=${code.replace("-", "")}` : "—";
  $("code-toggle").textContent = t(cls.code_state === "open" ? "code_pause" : "code_open");
  $("code-rotate").disabled = cls.code_state === "ended";
  $("code-end").disabled = cls.code_state === "ended";
  $("class-pause").textContent = t(cls.paused ? "class_resume" : "class_pause");
  $("class-pause").classList.toggle("paused", Boolean(cls.paused));
  for (const button of document.querySelectorAll(".dash-locks [data-group]")) {
    button.setAttribute("aria-pressed", String(cls.locked.includes(button.dataset.group)));
  }
  if (code !== qrCode) loadQr(code);
  renderPicked();
}

/** The push's words: to everyone, or to the students ticked on their cards. */
function renderPicked() {
  const n = grid ? grid.pickedIds().length : 0;
  $("push-label").textContent = n ? t("dash_push_some") : t("dash_push");
  $("push").textContent = n ? t("dash_push_button_some", { n }) : t("dash_push_button");
  $("picked-note").hidden = n === 0;
  $("picked-count").textContent = t("dash_picked", { n });
  gallery?.relabelLoads();
}

/** The counts of the cards shown (a tile may be newer than the server's last count: they always agree). */
function renderCounts() {
  const counts = grid.counts();
  $("count-joined").textContent = `${grid.size}${cls?.max_students ? ` / ${cls.max_students}` : ""}`;
  for (const status of ["playing", "paused", "diverged", "offline"]) $(`count-${status}`).textContent = String(counts[status] ?? 0);
}

function students(list) {
  grid.update(list);
  renderCounts();
  $("no-students").hidden = grid.size > 0;
  const n = grid.size;
  feed?.setFps(n <= 12 ? 2 : n <= 40 ? 1 : 0.5);  // the whole grid within the stream's byte budget
  if (watch?.student) watch.rename(grid.nameOf(watch.student));
  renderPicked();
}

/** The QR code of the join link (made by the server; hidden where the server has none). */
async function loadQr(code) {
  qrCode = code;
  const image = $("join-qr");
  if (!code) {
    image.hidden = true;
    return;
  }
  try {
    const response = await fetch(`/api/classes/${classId}/qr.svg`, {
      credentials: "same-origin", headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!response.ok || qrCode !== code) throw new Error(String(response.status));
    if (image.src.startsWith("blob:")) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(await response.blob());
    image.hidden = false;
  } catch {
    if (qrCode === code) image.hidden = true;
  }
}

function relabel() {
  if (message) show(message.titleKey, message.text);
  render();
  grid?.relabel();
  showMode(feedMode);
  if (!$("status").hidden && toastText) $("status").textContent = toastText();
  startOptions($("push-choice"), boot, t);
  challenge?.render();
  gallery?.render();
}

let feedMode = null;
function showMode(mode) {
  feedMode = mode;
  $("feed-mode").textContent = mode ? t(mode === "stream" ? "feed_live" : "feed_polling") : "";
  $("feed-mode").className = `feed-mode ${mode ?? ""}`;
}

let toastText = null;
let toastTimer = null;
function toast(text, kind = "", seconds = 6) {
  toastText = typeof text === "function" ? text : () => text;
  const box = $("status");
  box.textContent = toastText();
  box.className = `status ${kind}`;
  box.hidden = false;
  clearTimeout(toastTimer);
  if (seconds) toastTimer = setTimeout(() => { box.hidden = true; }, seconds * 1000);
}

/** A yes/no question in the page (not the browser's confirm(), which a projector shows badly). */
function confirmed(text, yesKey) {
  const dialog = $("confirm");
  $("confirm-text").textContent = text;
  $("confirm-ok").textContent = t(yesKey);
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"),
    { once: true }));
}

// ----- actions --------------------------------------------------------------------------------------------------
/** A teacher's call; the class it answers with is shown. */
async function act(method, path, body) {
  try {
    const answer = await call(method, `/api/classes/${classId}${path}`, { token, body });
    if (answer && answer.students) {
      actedAt = performance.now();
      described(answer);
    }
    return answer ?? true;
  } catch (error) {
    failed(error);
    return null;
  }
}

function described(answer) {
  cls = answer;
  render();
  students(answer.students);
}

function wire() {
  $("code-toggle").addEventListener("click", () => act("POST", "/code", { action: cls.code_state === "open" ? "pause" : "open" }));
  $("code-rotate").addEventListener("click", () => act("POST", "/code", { action: "rotate" }));
  $("code-end").addEventListener("click", async () => {
    if (await confirmed(t("confirm_end_code"), "code_end")) act("POST", "/code", { action: "end" });
  });
  $("class-pause").addEventListener("click", () => act("POST", cls.paused ? "/resume" : "/pause"));
  for (const button of document.querySelectorAll(".dash-locks [data-group]")) {
    button.addEventListener("click", () => {
      const locked = new Set(cls.locked);
      if (locked.has(button.dataset.group)) locked.delete(button.dataset.group);
      else locked.add(button.dataset.group);
      act("PUT", "/locked", { locked: GROUPS.filter((group) => locked.has(group)) });
    });
  }
  $("push").addEventListener("click", async () => {
    const choice = $("push-choice");
    const title = choice.selectedOptions[0]?.textContent ?? "";
    const picked = grid.pickedIds();
    const question = picked.length ? t("confirm_push_some", { what: title, n: picked.length })
      : t("confirm_push", { what: title });
    if (!choice.value || !(await confirmed(question, picked.length ? "dash_push_confirm_some" : "dash_push_button"))) return;
    const body = startOf(choice.value);
    if (picked.length) body.students = picked;
    const answer = await act("POST", "/push", body);
    if (answer?.reached) {
      const n = answer.reached.length;
      toast(() => t("pushed", { n, what: title }), "ok");
      feed.refresh();
    }
  });
  $("class-delete").addEventListener("click", async () => {
    if (!(await confirmed(t("confirm_delete_class", { name: cls.name }), "class_delete"))) return;
    if (await act("DELETE", "")) {
      sessionStorage.removeItem(TOKEN_KEY);
      show("dash_deleted_title", () => t("dash_deleted"));
    }
  });
  $("download-csv").addEventListener("click", () => download("/report.csv", "class.csv"));
  $("download-zip").addEventListener("click", () => download("/models.zip", "class-models.zip"));
  $("sort").addEventListener("change", (event) => grid.setSort(event.target.value));
  $("filter").addEventListener("change", (event) => grid.setFilter(event.target.value));
  $("anonymize").addEventListener("change", (event) => {
    grid.setAnonymous(event.target.checked);
    if (watch.student) watch.rename(grid.nameOf(watch.student));
    challenge.render();
    gallery.render();
  });
  $("pick-clear").addEventListener("click", () => grid.clearPicks());
}

/** After class: a file the server makes (the results' CSV, every network's ZIP), fetched with the teacher's
 *  credential (a cookie, or the token of this tab) and saved under the server's name for it. */
async function download(path, fallbackName) {
  try {
    const response = await fetch(`/api/classes/${classId}${path}`, {
      credentials: "same-origin", headers: token ? { Authorization: `Bearer ${token}` } : {} });
    if (!response.ok) {
      const body = await response.json().catch(() => null);
      throw new ApiError(response.status, body?.detail ?? `HTTP ${response.status}`, body?.code ?? null, body?.params ?? {});
    }
    const named = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") ?? "");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = named ? named[1] : fallbackName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } catch (error) {
    failed(error instanceof ApiError ? error : new ApiError(0, String(error.message ?? error), "client.unreachable",
      { reason: String(error.message ?? error) }));
  }
}

async function removeStudent(student) {
  const name = grid.nameOf(student);
  if (!(await confirmed(t("confirm_remove", { name }), "student_remove"))) return;
  if (await act("DELETE", `/students/${encodeURIComponent(student.id)}`)) {
    toast(() => t("removed", { name }), "ok");
    feed.refresh();
  }
}

// ----- start ----------------------------------------------------------------------------------------------------
async function main() {
  if (boot.enter && !(await enter())) return;
  let answer;
  try {
    answer = await call("GET", `/api/classes/${classId}`, { token });
  } catch (error) {
    failed(error);
    return;
  }
  grid = new StudentGrid($("students"), { t, onWatch: (student) => watch.open(student, grid.nameOf(student)),
    onRemove: (student) => removeStudent(student), onSnapshot: (student) => gallery.take(student),
    onPick: () => renderPicked() });
  watch = new WatchPanel($("watch"), { t, token });
  const context = { classId, token, call, t, nameOf: (student) => grid.nameOf(student), failed: refused, toast,
    confirmed };
  challenge = new ChallengePanel($("challenge-panel"), context);
  gallery = new Gallery($("gallery-panel"), { ...context, picked: () => grid.pickedIds(),
    onLoaded: () => feed.refresh() });
  call("GET", "/api/catalogue").then((catalogue) => challenge.setDatasets(catalogue.datasets)).catch(refused);
  challenge.schedule();  // whether the class has one (its summary shows while the panel is closed)
  gallery.schedule();
  startOptions($("push-choice"), boot, t);
  wire();
  $("dashboard").hidden = false;
  described(answer);
  feed = new ClassFeed(classId, token, {
    onDescribed: (answer) => {
      if (troubled) $("status").hidden = true;
      troubled = false;
      if (performance.now() - actedAt >= ANSWER_WINS_MS) described(answer);  // else maybe read before the action
    },
    onClass: (info) => {
      if (performance.now() - actedAt < ANSWER_WINS_MS) return;
      cls = { ...cls, ...Object.fromEntries(Object.entries(info).filter(([key]) => key !== "type" && key !== "students")) };
      render();
    },
    onRoster: (list) => students(list),
    onTile: (id, frame) => {
      grid.tile(id, frame);
      renderCounts();
    },
    onEnded: () => {
      sessionStorage.removeItem(TOKEN_KEY);
      show("dash_deleted_title", () => t("dash_deleted"));
    },
    onMode: (mode) => showMode(mode),
    onFailed: (error) => failed(error),
  });
  showMode("polling");
  feed.start();
  window.nnplayDashboard = { grid, feed, challenge, gallery, get cls() { return cls; } };  // for tests
}

main();
