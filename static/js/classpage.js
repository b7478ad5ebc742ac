// What the classroom's own pages (join, new class, dashboard) share: the boot data and the language button,
// and REST calls that carry a teacher's token when the page has one (else the dashboard's cookie goes by
// itself: it is HttpOnly, the page never sees it). Errors become ApiErrors, shown with errorText.
import { apply, currentLanguage, initLanguage, setLanguage, setServerMessages } from "./i18n.js";

/** Read the boot data, set the language, wire the language button; onLanguage() re-renders what the page
 *  wrote itself. The boot data. */
export function bootPage(onLanguage = () => {}) {
  const boot = JSON.parse(document.getElementById("boot").textContent);
  initLanguage();
  setServerMessages(boot.messages);
  apply();
  const button = document.getElementById("language");
  const show = () => { button.textContent = currentLanguage() === "zh" ? "English" : "中文"; };
  show();
  button.addEventListener("click", () => {
    setLanguage(currentLanguage() === "zh" ? "en" : "zh");
    show();
    onLanguage();
  });
  return boot;
}

/** A JSON call (api.js's; a teacher's dashboard cookie goes with it by itself). */
export { request as call } from "./api.js";

export function titleOf(item) {
  return item.title?.[currentLanguage()] ?? item.title?.en ?? item.name ?? item.id;
}

/** <option>s for "start from" and "push": presets, then lessons (values "preset:<name>", "lesson:<id>"). */
export function startOptions(select, boot, t, first = null) {
  const keep = select.value;
  const group = (label, items, kind, key) => {
    const element = document.createElement("optgroup");
    element.label = label;
    for (const item of items) {
      const option = document.createElement("option");
      option.value = `${kind}:${item[key]}`;
      option.textContent = titleOf(item);
      element.append(option);
    }
    return element;
  };
  const options = [];
  if (first) {
    const option = document.createElement("option");
    option.value = "";
    option.textContent = first;
    options.push(option);
  }
  options.push(group(t("class_presets"), boot.presets, "preset", "name"), group(t("lessons"), boot.lessons, "lesson", "id"));
  select.replaceChildren(...options);
  if (keep) select.value = keep;
}

/** "preset:spiral" -> {preset: "spiral"}; "" -> {} (the playground's default). */
export function startOf(value) {
  const at = value.indexOf(":");
  return at < 0 ? {} : { [value.slice(0, at)]: value.slice(at + 1) };
}
