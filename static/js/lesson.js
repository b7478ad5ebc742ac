// A lesson's tasks: each "Check" asks the server to test the task's conditions on this session and
// lists every condition with the value the engine measured.
import { BackpropView } from "./backprop.js";
import { ChainView } from "./chain.js";
import { DesignView } from "./design.js";
import { ExperimentView } from "./experiment.js";
import { currentLanguage, t } from "./i18n.js";
import { LoadView } from "./load.js";
import { NodesView } from "./nodes.js";
import { NeuronView } from "./neuron.js";
import { ObjectiveView } from "./objective.js";
import { SurfaceView } from "./surface.js";
import { SweepView } from "./sweep.js";

// A lesson's figures, by kind: each view takes (container, playground, figure settings).
const VIEWS = { backprop: BackpropView, chain: ChainView, design: DesignView, experiment: ExperimentView,
  load: LoadView, neuron: NeuronView, nodes: NodesView, objective: ObjectiveView, surface: SurfaceView,
  sweep: SweepView };

// ----- the words of a check: names and numbers the way the panel shows them, never ids or JSON -----------

const isNumber = (v) => typeof v === "number" && Number.isFinite(v);

/** A number as the panel writes it: integers as they are, others to 3 significant digits. */
function number(v) {
  if (!isNumber(v)) return "—";  // nothing measured, e.g. data the task's sample does not fit
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
}

/** A fraction as a percentage: 1 -> "100%", 0.75 -> "75%", 0.9667 -> "96.7%". */
function percent(v) {
  return isNumber(v) ? `${Number((v * 100).toFixed(1))}%` : "—";
}

/** Several numbers: one as itself, more as (a, b). */
function numbers(list) {
  if (!Array.isArray(list)) return number(list);
  return list.length === 1 ? number(list[0]) : `(${list.map(number).join(", ")})`;
}

/** A count of hidden layers in words ("1 hidden layer", "2 hidden layers"). */
function layerCount(n) {
  return isNumber(n) ? t(n === 1 ? "nl_count_one" : "nl_count", { n }) : "—";
}

/** Hidden layers as words: "no hidden layer", "1 hidden layer of 2 neurons", "2 hidden layers (4, 2 neurons)". */
function layers(list) {
  if (!Array.isArray(list)) return "—";
  if (list.length === 0) return t("nl_none");
  if (list.length === 1) return t(list[0] === 1 ? "nl_one_of_one" : "nl_one_of", { units: list[0] });
  return t("nl_many", { n: list.length, units: list.join(", ") });
}

/** A data set by its translated name, in quotes. */
function dataset(name) {
  return typeof name === "string" ? t("nl_quoted", { name: t(`ds_${name}`) }) : "—";
}

/** Anything else: numbers, lists of numbers, a word this part translates (cond_word_<word>), or the word. */
function generic(v) {
  if (v === null || v === undefined) return "—";
  if (Array.isArray(v)) return numbers(v);
  if (typeof v === "string") {
    const key = `cond_word_${v.replaceAll(" ", "_")}`;
    return t(key) === key ? v : t(key);
  }
  if (typeof v === "object") {  // a condition's settings: the number that matters
    const main = v.tolerance ?? v.output ?? v.at_most ?? v.within ?? v.epsilon;
    return main === undefined ? "—" : generic(main);
  }
  return number(v);
}

/** The chosen answer's text in the page's language (or "none chosen"). */
function chosen(task, index) {
  const choice = isNumber(index) ? task.choices?.[index] : undefined;
  if (!choice) return t("cond_no_answer");
  return t("nl_quoted", { name: choice[currentLanguage()] ?? choice.en });
}

// How each condition kind's expected and measured values are written: [expected, measured] formatters.
// Kinds not listed here are written by `generic`.
const FORMATS = {
  answer: [() => "", (v, task) => chosen(task, v)],
  dataset: [dataset, dataset],
  hidden_layers: [layers, layers],
  at_most_hidden_layers: [layerCount, layerCount],
  train_accuracy_at_least: [percent, percent],
  test_accuracy_at_least: [percent, percent],
  train_loss_at_most: [number, number],
  outputs_at: [(v) => numbers(v.output), numbers],
};

function describe(condition, task) {
  const [expected, measured] = FORMATS[condition.kind] ?? [generic, generic];
  const given = condition.expected;
  return t(`cond_${condition.kind}`, { expected: expected(given, task), measured: measured(condition.measured, task),
    input: given?.input ? `(${given.input.map(number).join(", ")})` : "" });
}

/** Show a check's result: ✓/✗ per condition with what was measured, then the summary line. */
function show(list, result, task) {
  list.replaceChildren(...result.conditions.map((condition) => {
    const item = document.createElement("li");
    item.className = condition.passed ? "ok" : "no";
    item.textContent = `${condition.passed ? "✓" : "✗"} ${describe(condition, task)}`;
    return item;
  }));
  const summary = document.createElement("li");
  summary.className = result.passed ? "ok passed" : "no";
  summary.textContent = result.passed ? t("task_passed") : t("task_not_yet");
  list.append(summary);
}

// ----- questions: a task with choices shows them as radio buttons, in both languages like the task text ----

function addChoices(button, task, index) {
  const group = document.createElement("div");
  group.className = "task-choices";
  group.setAttribute("role", "radiogroup");
  group.dataset.i18nLabel = "task_choices";
  group.setAttribute("aria-label", t("task_choices"));
  task.choices.forEach((choice, i) => {
    const label = document.createElement("label");
    const input = document.createElement("input");
    Object.assign(input, { type: "radio", name: `task-${index}-choice`, value: String(i) });
    label.append(input);
    for (const lang of ["en", "zh"]) {
      const text = document.createElement("span");
      Object.assign(text, { className: "bi", lang, textContent: choice[lang] });
      label.append(" ", text);
    }
    group.append(label);
  });
  button.before(group);
}

/** The check's body: the learner's choice for a question (none chosen: no answer, so "not yet"). */
function answerOf(index) {
  const picked = document.querySelector(`input[name="task-${index}-choice"]:checked`);
  return picked ? { answer: Number(picked.value) } : {};
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
  const shown = new Map();  // task number -> its last result, written again when the language changes
  for (const button of document.querySelectorAll(".lesson .check")) {
    const index = Number(button.dataset.task);
    const task = lesson.tasks[index];
    if (task.choices) addChoices(button, task, index);
    button.addEventListener("click", async () => {
      const list = document.getElementById(`task-${index}-result`);
      try {
        const result = await playground.session.call("POST", `/lessons/${lesson.id}/tasks/${index}/check`,
          task.choices ? answerOf(index) : undefined);
        shown.set(index, result);
        show(list, result, task);
      } catch (error) {
        playground.fail(error);
      }
    });
  }
  // i18n.js's apply() sets <html lang> on every language change: write the shown results in the new language.
  new MutationObserver(() => {
    for (const [index, result] of shown) show(document.getElementById(`task-${index}-result`), result, lesson.tasks[index]);
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
}
