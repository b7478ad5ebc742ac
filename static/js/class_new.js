// /classes/new: a teacher creates a class (name, language, what students start from, locked controls, size,
// and the server's teacher key when it asks for one), then gets the code to give students and the dashboard's
// secret link to keep.
import { currentLanguage, errorText, t } from "./i18n.js";
import { bootPage, call, startOf, startOptions } from "./classpage.js";

const $ = (id) => document.getElementById(id);
let shownError = null;
const boot = bootPage(() => { startOptions($("class-start"), boot, t, t("new_class_default")); showError(shownError); });

function showError(error) {
  shownError = error;
  $("new-class-error").hidden = !error;
  const text = error ? errorText(error) : "";
  $("new-class-error").textContent = text.charAt(0).toUpperCase() + text.slice(1);
}

async function create(event) {
  event.preventDefault();
  const name = $("class-name-input").value.trim();
  if (!name) {
    $("class-name-input").focus();
    return showError({ message: t("new_class_name_missing") });
  }
  const spec = {
    name, language: $("class-language").value, start: startOf($("class-start").value),
    locked: [...document.querySelectorAll("input[name=locked]:checked")].map((box) => box.value),
    max_students: Number($("class-size").value) || 40,
  };
  if ($("teacher-key").value) spec.teacher_key = $("teacher-key").value;
  showError(null);
  $("create-class").disabled = true;
  try {
    const created = await call("POST", "/api/classes", { body: spec });
    showCreated(created);
  } catch (error) {
    if (error.code === "class.teacher_key") $("teacher-key-row").hidden = false;
    showError(error);
    $("create-class").disabled = false;
  }
}

function showCreated(created) {
  $("new-class").hidden = true;
  $("class-created").hidden = false;
  $("created-code").textContent = created.join_code;
  $("created-join-link").textContent = location.origin + created.join_url;
  $("created-dashboard-link").value = location.origin + created.dashboard_url;
  $("open-dashboard").href = created.dashboard_url;
  $("open-dashboard").focus();
}

$("copy-dashboard-link").addEventListener("click", async () => {
  const input = $("created-dashboard-link");
  try {
    await navigator.clipboard.writeText(input.value);
    $("copy-dashboard-link").textContent = t("copied_short");
  } catch {
    input.select();  // no clipboard (plain http on a LAN): selected, for Ctrl+C
  }
});

startOptions($("class-start"), boot, t, t("new_class_default"));
$("class-language").value = currentLanguage();
$("class-size").max = boot.max_students;
$("teacher-key-row").hidden = !boot.teacher_key;
$("new-class").addEventListener("submit", create);
$("class-name-input").focus();
