// A class challenge's goal and a check's result in words, in the page's language: shared by the teacher's
// challenge panel (challenge_panel.js) and the student's challenge card (student_challenge.js). The server's
// own `reasons` are English sentences; the page says them itself from the numbers when it can.

export const NO_EXTRA_FEATURES = ["x1", "x2"];

export const loss = (value) => (value === null || value === undefined ? "–" : Number(value).toPrecision(3));

/** Whether a feature list is "no extra features": x1 and x2 and nothing else. */
export function onlyRawInputs(features) {
  return Array.isArray(features) && features.length === NO_EXTRA_FEATURES.length
    && NO_EXTRA_FEATURES.every((name) => features.includes(name));
}

/** The data set's name in the page's language (the playground's dataset names). */
export function datasetName(name, t) {
  const key = `ds_${name}`;
  const text = t(key);
  return text === key ? name : text;
}

/** The goal's lines: the data set, the test loss to get below, the size, the features. */
export function goalLines(spec, t) {
  const lines = [t("ch_goal_data", { dataset: datasetName(spec.dataset, t), noise: Math.round((spec.noise ?? 0) * 100),
    points: spec.n_points })];
  lines.push(t("ch_goal_loss", { goal: spec.goal_test_loss }));
  if (spec.max_params !== null && spec.max_params !== undefined) lines.push(t("ch_goal_params", { n: spec.max_params }));
  if (Array.isArray(spec.features)) {
    lines.push(onlyRawInputs(spec.features) ? t("ch_goal_no_extra")
      : t("ch_goal_features", { features: spec.features.join(", ") }));
  }
  return lines;
}

/** What a check says is still missing, in the page's language; the server's sentences where the page cannot
 *  tell (e.g. a network for another task, which cannot be measured on the challenge's data). */
export function reasonLines(result, spec, t) {
  const rules = [];  // what the network itself breaks
  if (spec.max_params !== null && spec.max_params !== undefined && result.n_params > spec.max_params) {
    rules.push(t("ch_reason_params", { n: result.n_params, most: spec.max_params }));
  }
  if (Array.isArray(spec.features)) {
    const extra = (result.features ?? []).filter((name) => !spec.features.includes(name)).sort();
    if (extra.length) rules.push(t("ch_reason_features", { features: extra.join(", ") }));
  }
  const goal = [];
  if (result.test_loss === null || !(result.test_loss < spec.goal_test_loss)) {
    goal.push(result.test_loss === null ? t("ch_reason_overflow", { goal: spec.goal_test_loss })
      : t("ch_reason_loss", { loss: loss(result.test_loss), goal: spec.goal_test_loss }));
  }
  const theirs = result.reasons ?? [];
  const mine = [...goal, ...rules];
  // The server said something the numbers do not (a network it could not measure): its own sentences.
  if (result.eligible !== !rules.length || mine.length !== theirs.length) return theirs;
  return mine;
}
