// A lesson's tasks: each "Check" asks the server to test the task's conditions on this session and
// lists every condition with the value the engine measured.
import { BackpropView } from "./backprop.js";
import { ExperimentView } from "./experiment.js";
import { t } from "./i18n.js";
import { LoadView } from "./load.js";
import { NodesView } from "./nodes.js";
import { NeuronView } from "./neuron.js";
import { SurfaceView } from "./surface.js";
import { SweepView } from "./sweep.js";

// A lesson's figures, by kind: each view takes (container, playground, figure settings).
const VIEWS = { backprop: BackpropView, neuron: NeuronView, surface: SurfaceView, sweep: SweepView,
  experiment: ExperimentView, load: LoadView, nodes: NodesView };

function describe(condition) {
  const value = (v) => (v === null || v === undefined ? "—"  // nothing measured, e.g. data the task's sample does not fit
    : typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : JSON.stringify(v));
  const given = condition.expected;
  const expected = given?.tolerance ?? given?.output ?? given?.at_most ?? given;  // the number that matters
  return t(`cond_${condition.kind}`, { expected: value(expected), measured: value(condition.measured),
    input: given?.input ? `(${given.input.join(", ")})` : "" });
}

/** Set the lesson's weights (if it has any), mount its figure, and wire the Check buttons. */
export async function startLesson(playground, lesson) {
  if (lesson.weights) {
    try {
      await playground.session.call("PUT", "/weights", lesson.weights);
    } catch (error) {
      playground.fail(error);
    }
  }
  const box = document.getElementById("lesson-figure");
  const figures = Array.isArray(lesson.figure) ? lesson.figure : lesson.figure ? [lesson.figure] : [];
  for (const figure of figures) {
    const container = document.createElement("div");
    container.className = "lesson-figure-part";
    box.append(container);
    new VIEWS[figure.kind](container, playground, figure);
  }
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
