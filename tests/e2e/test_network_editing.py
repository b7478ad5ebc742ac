"""Editing the network diagram's weights (static/js/network.js, matrix_editor.js) in Chromium: the L6 lesson
(network-is-a-function) done with the keyboard alone, the matrix editor's errors, focus on neurons and links,
and clicks near neurons that never open the wrong link."""

import re

import pytest

from tests.e2e.axe import describe, violations
from tests.e2e.test_views import SETUP_NETWORK, STRUCTURE, calls

WAIT_MS = 20000
READY = "window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null"
# Fig. 3-13's weights, one row per neuron: its weights, then its bias.
FIG_3_13 = {
    1: [[1, -2, 1], [-1, 1, 0]],
    2: [[2, -1, 0], [-2, -1, 0]],
    3: [[3, -1, -2], [-1, 4, 2]],
}
WORDS = {"zh": {"applied": "已应用", "bad": "不是数字"}, "en": {"applied": "Applied", "bad": "Not a number"}}


def focused(page, selector: str) -> bool:
    return page.evaluate("(s) => Boolean(document.activeElement && document.activeElement.matches(s))", selector)


def tab_to(page, selector: str, limit: int = 300) -> None:
    """Press Tab until the focus is on ``selector`` (as a keyboard user would), failing after ``limit`` presses."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.fixture
def lesson(browser, live_server, request):
    language = getattr(request, "param", "zh")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(f"localStorage.setItem('nnplay.lang', '{language}')")
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(f"{live_server}/lessons/network-is-a-function")
    page.wait_for_function(READY, timeout=WAIT_MS)
    page.wait_for_selector(".nd-run", timeout=WAIT_MS)
    page.language = language
    yield page
    context.close()


def type_layer(page, k: int, rows: list[list[float]]) -> None:
    """From the layer's "W, b" button: Enter opens the editor, each number is typed and Tab goes on, Enter
    applies, Escape closes (the focus returns to the button)."""
    page.keyboard.press("Enter")
    assert focused(page, ".nn-matrix input")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            assert focused(page, f'.nn-matrix input[data-row="{r}"][data-col="{"b" if c == len(row) - 1 else c}"]')
            page.keyboard.type(str(value))  # a cell reached with Tab has its old number selected
            if c < len(row) - 1 or r < len(rows) - 1:
                page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("(word) => document.querySelector('.nn-matrix .mx-status').textContent.includes(word)",
                           arg=WORDS[page.language]["applied"], timeout=WAIT_MS)
    page.keyboard.press("Escape")
    assert focused(page, f'[data-focus="mx{k}"]') and page.locator(".nn-matrix").is_hidden()


@pytest.mark.parametrize("lesson", ["zh", "en"], indirect=True)
def test_fig_3_13_typed_with_the_keyboard_alone_gives_the_chapters_output(lesson):
    page = lesson
    for k, rows in FIG_3_13.items():
        tab_to(page, f'[data-focus="mx{k}"]')
        type_layer(page, k, rows)
    # The diagram shows what was typed once the stream's next frame carries the new weights.
    page.wait_for_function("""(expected) => JSON.stringify(window.nnplay.network.weights.map(
        (layer) => layer.W.map((row, r) => [...row, layer.b[r]]))) === JSON.stringify(expected)""",
                           arg=list(FIG_3_13.values()), timeout=WAIT_MS)
    # The figure's x = (1, -1) is filled in: Tab to its button and press Enter.
    tab_to(page, ".nd-run")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.nd-layers').textContent.includes('h(3)')", timeout=WAIT_MS)
    line = next(text for text in page.locator(".nd-layers div").all_inner_texts() if text.startswith("h(3)"))
    outputs = [float(v) for v in re.findall(r"-?\d+\.\d+", line)]
    assert [round(v, 2) for v in outputs] == [0.62, 0.83], line  # Fig. 3-13's output
    # The task's Check, from the keyboard too.
    tab_to(page, ".lesson .check")
    page.keyboard.press("Enter")
    page.wait_for_selector("#task-0-result li.passed", timeout=WAIT_MS)
    assert page.errors == []


def test_bad_numbers_are_named_and_nothing_is_sent(lesson):
    page = lesson
    before = page.evaluate("window.nnplay.network.weights[0]")
    tab_to(page, '[data-focus="mx1"]')
    page.keyboard.press("Enter")
    page.keyboard.type("abc")
    page.keyboard.press("Tab")
    page.keyboard.type("")  # an empty cell is not a number either
    page.keyboard.press("Delete")
    page.keyboard.press("Enter")
    error = page.locator(".nn-matrix .mx-error")
    assert error.is_visible() and error.get_attribute("role") == "alert"
    assert WORDS["zh"]["bad"] in error.inner_text()
    assert "W(1)[1,1]" in error.inner_text() and "W(1)[1,2]" in error.inner_text()
    assert page.locator('.nn-matrix input[aria-invalid="true"]').count() == 2
    found = violations(page)  # the open editor, errors shown: every cell named, the error announced
    assert found == [], describe(found)
    assert focused(page, '.nn-matrix input[data-row="0"][data-col="0"]')  # the first bad cell
    assert page.evaluate("window.nnplay.network.weights[0]") == before
    # Fixed (a minus sign and a full-width digit as a Chinese keyboard may type them), it applies.
    page.keyboard.type("−0.5")
    page.keyboard.press("Tab")
    page.keyboard.type("２")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('.nn-matrix .mx-status').textContent.includes('已应用')",
                           timeout=WAIT_MS)
    assert error.is_hidden()
    page.wait_for_function("(([a, b]) => a === -0.5 && b === 2)(window.nnplay.network.weights[0].W[0])",
                           timeout=WAIT_MS)


def test_a_number_the_network_refuses_is_not_shown_as_applied(lesson):
    page = lesson
    before = page.evaluate("window.nnplay.network.weights[0]")
    tab_to(page, '[data-focus="mx1"]')
    page.keyboard.press("Enter")
    page.keyboard.type("1e9")  # a number, but beyond what a weight may be: the server refuses it
    page.keyboard.press("Enter")
    error = page.locator(".nn-matrix .mx-error")
    error.wait_for(state="visible", timeout=WAIT_MS)
    assert "未应用" in error.inner_text()
    assert "已应用" not in page.locator(".nn-matrix .mx-status").inner_text()
    assert page.evaluate("window.nnplay.network.weights[0]") == before


def test_layers_are_named_as_in_fig_3_9(lesson):
    names = lesson.locator("#network .nn-layer-name").all_inner_texts()
    assert names == ["输入层", "隐含层 1", "隐含层 2", "输出层"]


# ----- the diagram on its own (static/js/network.js on synthetic weights, as tests/e2e/test_views.py) -----

# Every link of STRUCTURE gets its own weight: 0.01 * (its index + 1), so the editor's value names the link.
UNIQUE = """() => window.view.setWeights(window.view.structure.layers.map(([units, fanIn], k) => ({
    W: Array.from({ length: units }, (_, r) => Array.from({ length: fanIn }, (_, c) =>
        Number((0.01 * (window.view.linkStart[k + 1] + r * fanIn + c + 1)).toFixed(2)))),
    b: new Array(units).fill(0) })))"""


@pytest.fixture
def diagram(page):
    url = page.url.rstrip("/") + "/views-test"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html",
                                                body="<!doctype html><title>views</title><body style='margin:0'>"))
    page.goto(url)
    page.evaluate(SETUP_NETWORK, STRUCTURE)
    page.evaluate(UNIQUE)
    return page


def test_a_click_on_a_link_opens_that_link_and_clicks_near_a_neuron_open_none(diagram):
    page = diagram
    editor = page.locator("#net input.nn-edit")
    links = page.evaluate("window.view.links.length")
    for i in range(links):
        # A point of the visible curve the pointer can reach, at least 3 px from every other link (where two
        # links cross, either is right); the hit areas of nearby links may still cover it.
        point = page.evaluate("""(i) => {
            const paths = [...document.querySelectorAll("#net path.nn-link")];
            const path = paths[i];
            const box = path.ownerSVGElement.getBoundingClientRect();
            const near = (p, other) => {
                const n = 200, length = other.getTotalLength();
                for (let j = 0; j <= n; j++) {
                    const q = other.getPointAtLength((j / n) * length);
                    if (Math.hypot(p.x - q.x, p.y - q.y) < 3) return true;
                }
                return false;
            };
            for (let s = 0.25; s <= 0.75; s += 0.025) {
                const p = path.getPointAtLength(s * path.getTotalLength());
                const el = document.elementFromPoint(box.left + p.x, box.top + p.y);
                if (!el || !el.classList.contains("nn-hit")) continue;
                if (paths.every((other) => other === path || !near(p, other))) return [box.left + p.x, box.top + p.y];
            }
            return null;
        }""", i)
        assert point, f"link {i} has no reachable point"
        page.mouse.click(*point)
        expected = round(0.01 * (i + 1), 2)
        assert editor.is_visible() and float(editor.input_value()) == expected, (i, editor.input_value())
        page.keyboard.press("Escape")
    # Right next to a neuron, where its links meet, a click opens no link at all.
    for k, i in [(1, 0), (2, 1), (3, 0)]:
        box = page.locator(f'#net .nn-node[data-k="{k}"][data-i="{i}"]').bounding_box()
        page.mouse.click(box["x"] - 3, box["y"] + box["height"] / 2)
        assert editor.is_hidden()
        page.mouse.click(box["x"] + box["width"] + 3, box["y"] + box["height"] / 2)
        assert editor.is_hidden()


def test_neurons_and_links_take_the_keyboard_with_a_visible_focus(diagram):
    page = diagram
    node = page.locator('#net .nn-node[data-k="1"][data-i="0"]')
    tab_to(page, '#net .nn-node[data-k="1"][data-i="0"]')
    assert node.evaluate("(el) => getComputedStyle(el).outlineStyle") == "solid"
    assert "bias" in node.get_attribute("aria-label") or "nn_neuron_label" in node.get_attribute("aria-label")
    # Left: the neuron's first incoming link (x1 -> h1.1); it shows as focused and names its weight.
    page.keyboard.press("ArrowLeft")
    assert focused(page, '#net path.nn-hit[data-i="0"]')
    hit = page.locator('#net path.nn-hit[data-i="0"]')
    assert hit.evaluate("(el) => getComputedStyle(el).stroke") != "rgba(0, 0, 0, 0)"
    assert page.locator("#net .nn-tip").is_visible() and "0.010" in page.locator("#net .nn-tip").inner_text()
    page.keyboard.press("ArrowDown")
    assert focused(page, '#net path.nn-hit[data-i="1"]')
    page.keyboard.press("Enter")
    editor = page.locator("#net input.nn-edit")
    assert editor.is_visible() and editor.input_value() == "0.02"
    page.keyboard.type("-1.5")
    page.keyboard.press("Enter")
    assert calls(page)[-1] == ["edit", 1, 0, 1, -1.5]
    assert focused(page, '#net path.nn-hit[data-i="1"]')  # back where the student was
    page.keyboard.press("ArrowRight")
    assert focused(page, '#net .nn-node[data-k="1"][data-i="0"]')
    # Every link is in the Tab order of a network this small.
    assert page.locator('#net path.nn-hit[tabindex="0"]').count() == page.evaluate("window.view.links.length")


def test_a_layer_button_keeps_the_focus_through_the_rebuild(lesson):
    """The diagram is rebuilt after a change of shape: the "+" just pressed has the focus again, so that a
    keyboard user can press it again."""
    page = lesson
    tab_to(page, '[data-focus="u+0"]')
    for units in (3, 4):
        page.keyboard.press("Enter")
        page.wait_for_function(f"window.nnplay.config.hidden_layers[0] === {units}"
                               " && !document.querySelector('#network').inert", timeout=WAIT_MS)
        page.wait_for_function("document.activeElement && document.activeElement.dataset.focus === 'u+0'"
                               " && document.activeElement.isConnected", timeout=WAIT_MS)
    assert page.locator("#network .nn-node[data-k='1']").count() == 4
