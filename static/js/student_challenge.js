// A student's side of the class's challenge and gallery, in class mode (classmode.js): when the class has a
// challenge (the stream's `class` info carries it), a small card with its goal, a "check my network" button
// (POST /api/sessions/{id}/challenge: checked by the server on a test set the student never sees) and what the
// check found (passed, or what is still missing); while the teacher reveals it, the top of the leaderboard. And
// "submit my network" (POST /api/sessions/{id}/snapshot) for the teacher's gallery.
import { goalLines, loss, reasonLines } from "./challenge_goals.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

/** The challenge's goal, without what changes while it stands (the leaderboard, revealed): a new goal makes an
 *  old result meaningless. */
const goalKey = (challenge) => JSON.stringify({ ...challenge, leaderboard: null, revealed: null });

export class StudentChallenge {
  /** playground: the page's Playground (its session and toasts); me(): this student's identity (identity.js). */
  constructor(playground, me) {
    this.playground = playground;
    this.me = me;
    this.challenge = null;
    this.result = null;
    $("challenge-check-mine").addEventListener("click", () => this.check());
    $("class-submit").addEventListener("click", () => this.submit());
  }

  /** The class's challenge from its info (null: none). */
  show(challenge) {
    if (!challenge || goalKey(challenge) !== goalKey(this.challenge ?? {})) this.result = null;
    this.challenge = challenge ?? null;
    this.render();
  }

  async check() {
    const button = $("challenge-check-mine");
    button.disabled = true;
    try {
      this.result = await this.playground.session.call("POST", "/challenge");
      this.render();
    } catch (error) {
      this.playground.fail(error);
    } finally {
      button.disabled = false;
    }
  }

  async submit() {
    const button = $("class-submit");
    button.disabled = true;
    try {
      await this.playground.session.call("POST", "/snapshot");
      this.playground.toast(() => t("class_submitted"), "ok");
    } catch (error) {
      this.playground.fail(error);
    } finally {
      button.disabled = false;
    }
  }

  /** Everything the card writes (again after a language switch). */
  render() {
    const challenge = this.challenge;
    $("class-challenge").hidden = !challenge;
    if (!challenge) return;
    $("class-challenge-name").textContent = challenge.title;
    $("class-challenge-goals").replaceChildren(...goalLines(challenge, t).map((line) => element("li", "", line)));
    this.renderResult();
    const board = challenge.revealed ? challenge.leaderboard ?? [] : null;
    $("class-challenge-board").hidden = board === null;
    if (board === null) return;
    const mine = this.me()?.nickname;
    $("class-leaderboard").replaceChildren(...(board.length ? board.map((entry) => {
      const item = element("li", [entry.passed ? "passed" : "", entry.nickname === mine ? "me" : ""].join(" ").trim());
      item.append(element("span", "board-name", entry.nickname), element("span", "board-value", loss(entry.test_loss)));
      if (entry.passed) item.append(element("span", "board-value", t("ch_passed_mark")));
      return item;
    }) : [element("li", "board-empty", t("ch_board_empty"))]));
  }

  renderResult() {
    const box = $("challenge-result");
    const result = this.result;
    box.hidden = !result;
    if (!result) return;
    box.className = `challenge-result ${result.passed ? "passed" : "not-yet"}`;
    const head = result.passed
      ? t("ch_result_passed", { loss: loss(result.test_loss), goal: this.challenge.goal_test_loss, n: result.n_params })
      : t("ch_result_not_yet", { loss: loss(result.test_loss), n: result.n_params });
    const lines = result.passed ? [] : reasonLines(result, this.challenge, t);
    const best = result.best ?? {};
    const parts = [element("strong", "challenge-verdict", head)];
    if (lines.length) {
      const list = element("ul", "challenge-reasons");
      list.append(...lines.map((line) => element("li", "", line)));
      parts.push(list);
    }
    if (best.test_loss !== undefined && best.test_loss !== null) {
      parts.push(element("span", "challenge-best", t(best.passed ? "ch_best_passed" : "ch_best", { loss: loss(best.test_loss) })));
    }
    box.replaceChildren(...parts);
  }
}
