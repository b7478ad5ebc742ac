// A lesson's tasks: each "Check" asks the server to test the task's conditions on this session and
// lists every condition with the value the engine measured.
import { t } from "./i18n.js";

function describe(condition) {
  const value = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : JSON.stringify(v));
  return t(`cond_${condition.kind}`, { expected: value(condition.expected), measured: value(condition.measured) });
}

/** Wire the lesson panel's check buttons to the playground's session. */
export function startLesson(playground, lesson) {
  for (const button of document.querySelectorAll(".lesson .check")) {
    button.addEventListener("click", async () => {
      const task = Number(button.dataset.task);
      const list = document.getElementById(`task-${task}-result`);
      try {
        const result = await playground.session.call("POST", `/lessons/${lesson.id}/tasks/${task}/check`);
        list.replaceChildren(...result.conditions.map((condition) => {
          const item = document.createElement("li");
          item.className = condition.passed ? "ok" : "no";
          item.textContent = `${condition.passed ? "✓" : "✗"} ${describe(condition)}`;
          return item;
        }));
        const summary = document.createElement("li");
        summary.className = result.passed ? "ok passed" : "no";
        summary.textContent = result.passed ? t("task_passed") : t("task_not_yet");
        list.append(summary);
      } catch (error) {
        playground.fail(error);
      }
    });
  }
}
