// /join: a student types the class's code (or opens the link carrying it) and a nickname, and lands in the
// class's playground. The same browser comes back to the same session: "continue" links for the classes it
// has joined, and a join with the code again (same or no nickname) asks the server for the old place.
import { errorText, t } from "./i18n.js";
import { forgetIdentity, saveIdentity, storedIdentities } from "./identity.js";
import { bootPage, call } from "./classpage.js";

const $ = (id) => document.getElementById(id);
const boot = bootPage(() => { showContinue(); showNote(); if (shownError) showError(shownError); });
const left = new URLSearchParams(location.search).get("left");
let shownError = null;

function showNote() {
  $("join-note").hidden = left !== "ended";
  $("join-note").textContent = t("join_left_ended");
}

/** The classes this browser joined: continue in one, or forget it ("not me": a shared computer). */
function showContinue() {
  const identities = storedIdentities();
  $("join-continue").hidden = !identities.length;
  $("join-identities").replaceChildren(...identities.map((me) => {
    const item = document.createElement("li");
    const go = document.createElement("a");
    go.href = `/classes/${me.class_id}/play`;
    go.className = "button primary";
    go.textContent = t("join_continue_as", { name: me.nickname, class: me.class_name ?? "" });
    const notMe = document.createElement("button");
    notMe.type = "button";
    notMe.textContent = t("class_not_me");
    notMe.addEventListener("click", () => { forgetIdentity(me.class_id); showContinue(); });
    item.append(go, notMe);
    return item;
  }));
}

function showError(error) {
  shownError = error;
  const box = $("join-error");
  box.hidden = !error;
  box.textContent = error ? capital(typeof error === "string" ? t(error) : errorText(error)) : "";
}

const capital = (text) => text.charAt(0).toUpperCase() + text.slice(1);

/** Back to this browser's old place in the class, if the code is of a class it joined; else null. */
async function rejoin(code, name) {
  for (const me of storedIdentities()) {
    if (name && name !== me.nickname) continue;  // another name: another student on this browser
    try {
      return await call("POST", "/api/classes/join",
        { body: { code, name, rejoin: { student_id: me.student_id, token: me.token } } });
    } catch (error) {
      // A wrong code, or too many: joining anew would be refused alike. Otherwise that place is of another
      // class (or gone): try the next one.
      if (error.code === "class.code_wrong" || error.status === 429 || error.status === 0) throw error;
    }
  }
  return null;
}

async function join(event) {
  event.preventDefault();
  const code = $("join-code").value.trim();
  const name = $("join-name").value.trim();
  if (!code) return showError("join_code_missing");
  showError(null);
  $("join-submit").disabled = true;
  try {
    const joined = (await rejoin(code, name)) ?? await call("POST", "/api/classes/join", { body: { code, name } });
    saveIdentity(joined.class_id, { student_id: joined.student_id, session_id: joined.session.id,
      token: joined.session.token, nickname: joined.nickname, class_name: joined.class_name });
    location.assign(`/classes/${joined.class_id}/play`);
  } catch (error) {
    showError(error);
    $("join-submit").disabled = false;
  }
}

const shown = (code) => (/^[a-z0-9]{6}$/i.test(code) ? `${code.slice(0, 3)}-${code.slice(3)}`.toUpperCase() : code);
$("join-code").value = shown(boot.code ?? "");
$("join-form").addEventListener("submit", join);
showNote();
showContinue();
(boot.code ? $("join-name") : $("join-code")).focus();
