"""Each lesson in a real Chromium: open it, do its task, press Check, see the engine confirm it."""

from pathlib import Path

import pytest

from app.web import lesson_catalog as catalog

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
FIG_3_13 = {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                       {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]}


@pytest.fixture
def lesson(browser, live_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1100})

    def open_lesson(lesson_id: str):
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(f"{live_server}/lessons/{lesson_id}")
        page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
        return page

    yield open_lesson
    context.close()


def train_until(page, condition: str, timeout: int = 30000) -> None:
    page.click("#play")
    page.wait_for_function(condition, timeout=timeout)
    page.click("#play")


def wait_for_result(page, task: int, outcome: str) -> None:
    """Wait for task ``task``'s result to show ``outcome`` (``passed`` or ``no``); if it does not, fail with what
    the page shows instead (its result line and any error), so that a slow or refused check says which."""
    try:
        page.wait_for_selector(f"#task-{task}-result .{outcome}", timeout=10000)
    except Exception as exc:
        shown = page.evaluate(f"""() => [document.querySelector('#task-{task}-result')?.textContent ?? '',
            ...[...document.querySelectorAll('.error, [role=alert]')].map((e) => e.textContent)].join(' | ')""")
        raise AssertionError(f"task {task} did not show {outcome!r}; the page shows: {shown!r}") from exc


def check_passes(page, task: int, name: str) -> None:
    page.locator(".check").nth(task).click()
    wait_for_result(page, task, "passed")
    page.screenshot(path=str(ARTIFACTS / f"lesson-{name}.png"), full_page=True)
    assert page.errors == []


def grow_first_layer_to(page, units: int) -> None:
    while page.evaluate("window.nnplay.config.hidden_layers[0]") < units:
        before = page.evaluate("window.nnplay.config.hidden_layers[0]")
        page.get_by_role("button", name="Add a neuron").first.click()
        page.wait_for_function(f"window.nnplay.config.hidden_layers[0] > {before}"
                               " && !document.querySelector('#network').inert", timeout=10000)


def test_lesson_index_lists_the_lessons(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server}/lessons")
    assert page.locator(".lesson-list li").count() >= 4
    page.click("#language")
    assert page.locator("h1").inner_text() == "课程"
    page.screenshot(path=str(ARTIFACTS / "lessons.png"))
    page.close()


def test_logic_gates_one_neuron_learns_or(lesson):
    page = lesson("logic-gates")
    assert page.evaluate("window.nnplay.config.hidden_layers") == []
    train_until(page, "document.querySelector('#train_accuracy').textContent === '100.0%'")
    check_passes(page, 0, "logic-gates")


def test_more_neurons_close_the_circle(lesson):
    page = lesson("more-neurons")
    page.locator(".check").first.click()
    wait_for_result(page, 0, "no")  # one neuron: not yet
    grow_first_layer_to(page, 4)
    train_until(page, "parseFloat(document.querySelector('#test_accuracy').textContent) >= 96")
    check_passes(page, 0, "more-neurons")


def test_universal_approximation_fits_the_sine(lesson):
    page = lesson("universal-approximation")
    grow_first_layer_to(page, 8)
    train_until(page, "parseFloat(document.querySelector('#train_loss').textContent) < 0.0008", timeout=60000)
    check_passes(page, 0, "universal-approximation")


def test_network_is_a_function_with_the_figures_weights(lesson):
    page = lesson("network-is-a-function")
    page.evaluate("(weights) => window.nnplay.session.call('PUT', '/weights', weights)", FIG_3_13)
    page.click(".nd-run")  # type-in input (1, -1) -> every node's value, from the engine
    page.wait_for_function(
        "(document.querySelector('.nd-layers')?.textContent ?? '').includes('h(3) = [0.618, 0.829]')", timeout=10000)
    assert "h(1) = [0.982, 0.119]" in page.locator(".nd-layers").inner_text()
    check_passes(page, 0, "network-is-a-function")
    assert "0.62" in page.locator("#task-0-result").inner_text()


def test_backpropagation_step_by_step_and_the_numerical_check(lesson):
    page = lesson("backpropagation")
    page.wait_for_selector(".bp-steps li", timeout=10000)
    first = page.locator(".bp-steps li").first.inner_text()
    assert "1.0000, -1.0000" in first  # the sample x = (1, -1)
    steps = int(page.locator(".bp-position").inner_text().split("/")[1])
    for _ in range(steps - 1):
        page.click(".bp-next")
    text = page.locator(".bp-steps").inner_text()
    assert "0.9820, 0.1192" in text  # h(1) of Fig. 3-13 at x = (1, -1), from the engine
    for equation in ("3.15-3.16", "3.17-3.18", "3.20-3.21", "3.22-3.23", "3.24-3.27", "3.11"):
        assert f"eq. {equation}" in text
    page.click(".bp-numeric")
    page.wait_for_selector(".bp-check .ok", timeout=10000)
    check_passes(page, 0, "backpropagation")


def test_the_neuron_hand_set_to_and(lesson):
    page = lesson("the-neuron")
    page.wait_for_selector(".nv-table tr", timeout=10000)
    assert page.locator(".nv-table tr").count() == 6  # Table 3-1
    slider = page.get_by_label("b", exact=True)
    slider.fill("-1.5")
    slider.dispatch_event("change")
    page.wait_for_function("(document.querySelector('.nv-facts')?.textContent ?? '').includes('1.061')", timeout=10000)
    page.wait_for_function("""async () => {
        const weights = await window.nnplay.session.call("GET", "/weights");
        return weights.layers[0].b[0] === -1.5;
    }""", timeout=10000)  # the slider's change has reached the session
    check_passes(page, 0, "the-neuron")


def test_objective_and_optimizer_paths_converge_then_diverge(lesson):
    page = lesson("objective-and-optimizer")
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '').includes('J =')", timeout=10000)
    alpha = page.locator(".sv-alpha")
    alpha.fill("0")  # alpha = 10^0 = 1
    alpha.dispatch_event("change")
    page.wait_for_function("window.nnplay.config.learning_rate === 1", timeout=10000)
    check_passes(page, 0, "objective-and-optimizer")
    alpha.fill("0.7")  # alpha = 10^0.7, about 5
    alpha.dispatch_event("change")
    page.wait_for_function("window.nnplay.config.learning_rate === 5", timeout=10000)
    page.wait_for_function("(document.querySelector('.sv-facts')?.textContent ?? '').includes('diverged')",
                           timeout=10000)
    check_passes(page, 1, "objective-and-optimizer-diverged")


def sweep_widths(lesson_id: str) -> list[int]:
    """The widths of a lesson's sweep figure, from the lesson catalogue."""
    figure = catalog.BY_ID[lesson_id]["figure"]
    figures = figure if isinstance(figure, list) else [figure]
    return next(figure["widths"] for figure in figures if figure["kind"] == "sweep")


@pytest.mark.parametrize("lesson_id, selector, extra_rows", [("more-neurons", ".sw-maps canvas", 0),
                                                              ("universal-approximation", ".sw-table tr", 1)])
def test_width_sweeps_are_drawn(lesson, lesson_id, selector, extra_rows):
    count = len(sweep_widths(lesson_id)) + extra_rows  # one map or table row per width (+ the table's header)
    page = lesson(lesson_id)
    page.click(".sw-run")
    page.wait_for_function(f"document.querySelectorAll('{selector}').length === {count}", timeout=30000)
    page.screenshot(path=str(ARTIFACTS / f"lesson-{lesson_id}-sweep.png"), full_page=True)
    assert page.errors == []


def test_structure_without_weights_is_a_set_of_functions(lesson):
    page = lesson("network-is-a-function")
    page.click(".sw-run")
    page.wait_for_function("document.querySelectorAll('.sw-maps canvas').length === 4", timeout=20000)
    assert page.errors == []


def test_deep_versus_shallow_experiment(lesson):
    page = lesson("deep-versus-shallow")
    page.click(".ex-start")
    page.wait_for_function("document.querySelectorAll('.ex-table')[0]?.querySelectorAll('tr').length === 5",
                           timeout=60000)
    assert page.locator(".ex-progress").get_attribute("value") in ("1", "1.0")
    check_passes(page, 0, "deep-versus-shallow")


def test_fig_3_7_hand_set_sign_network_computes_xor(lesson):
    page = lesson("logic-gates")
    page.click(".ld-load")
    page.wait_for_function("""async () => {
        const weights = await window.nnplay.session.call("GET", "/weights");
        return weights.layers.length === 2 && weights.layers[0].activation === "sign" && weights.layers[1].b[0] === 1;
    }""", timeout=10000)
    check_passes(page, 2, "logic-gates-fig-3-7")
