"""axe-core (tests/e2e/axe.py) over every page a student or a teacher opens, in Chinese and English: the
playground, the lesson list, every lesson, and the classroom's pages (join, new class, a student's class
playground, the teacher's dashboard with a student in it). No serious or critical violation (issue 12).

Each page is scanned once it is whole: the playground's first boundary drawn, a lesson's figures built,
the dashboard shown. Waits are on conditions, never on the clock."""

from pathlib import Path

import httpx
import pytest

from app.web.lesson_catalog import DESCRIBED, LESSONS
from tests.e2e.axe import describe, violations

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WAIT_MS = 20000
READY = "window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null"
FIGURES_BUILT = "!document.querySelector('#lesson-figure') || document.querySelector('#lesson-figure').children.length"
LANGUAGES = ["zh", "en"]
PARTS = {"settings": ".topbar .settings", "data": ".panel.data", "network": ".panel.network", "output": ".panel.output"}


@pytest.fixture
def open_in(browser):
    """open_in(language, url): a page in a context of its own whose saved language is ``language``."""
    contexts = []

    def make(language: str, url: str | None = None):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(f"localStorage.setItem('nnplay.lang', '{language}')")
        contexts.append(context)
        page = context.new_page()
        if url:
            page.goto(url)
        return page

    yield make
    for context in contexts:
        context.close()


def settle(page) -> None:
    """Wait until no request has been open for a while (figures fetch their numbers after the page is up)."""
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)


def assert_no_blocking(page, language: str, name: str = "") -> None:
    """No serious or critical violation; the Chinese pages are kept as full-page screenshots to look at."""
    if language == "zh" and name:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-zh.png"), full_page=True)
    expected = "zh-CN" if language == "zh" else "en"
    assert page.evaluate("document.documentElement.lang") == expected  # scanned in the language asked for
    found = violations(page)
    assert found == [], f"{page.url} ({language}):\n{describe(found)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_playground(open_in, live_server, language):
    page = open_in(language, f"{live_server}/")
    page.wait_for_function(READY, timeout=WAIT_MS)
    settle(page)
    assert page.locator("h1").count() == 1
    assert_no_blocking(page, language, "playground")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_lesson_list(open_in, live_server, language):
    page = open_in(language, f"{live_server}/lessons")
    settle(page)
    assert_no_blocking(page, language, "lessons")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("lesson_id", [lesson["id"] for lesson in LESSONS])
def test_every_lesson(open_in, live_server, lesson_id, language):
    page = open_in(language, f"{live_server}/lessons/{lesson_id}")
    page.wait_for_function(READY, timeout=WAIT_MS)
    page.wait_for_function(FIGURES_BUILT, timeout=WAIT_MS)
    settle(page)
    assert_no_blocking(page, language, f"lesson-{lesson_id}")
    # Only the playground's parts the lesson uses are shown; the others are hidden (display: none, so out of
    # the accessibility tree too) and the playground behind them still runs: its frames arrive.
    panels = DESCRIBED[lesson_id].panels
    for part, selector in PARTS.items():
        shown = part in panels
        assert page.locator(selector).is_visible() == shown, (part, panels)
        assert page.locator(selector).evaluate("(el) => el.hidden") == (not shown), part
    assert page.evaluate("window.nnplay.metrics.frames") > 0


def test_thumbnails_have_names_and_move_with_the_arrow_keys(open_in, live_server):
    page = open_in("zh", f"{live_server}/")
    page.wait_for_function(READY, timeout=WAIT_MS)
    thumbs = page.locator("#datasets [role=radio]")
    names = thumbs.all_inner_texts()
    assert all(names) and len(set(names)) == len(names)  # every one named, no two alike
    assert {"x1 或 x2", "x1 与 x2", "x1 异或 x2"} <= set(names)  # the gates tell apart
    # A radiogroup: one Tab stop (the chosen data set), arrows move the focus, Space or Enter chooses.
    assert page.locator("#datasets [tabindex='0']").count() == 1
    chosen = page.evaluate("window.nnplay.config.data.name")
    assert page.locator("#datasets [tabindex='0']").get_attribute("data-name") == chosen
    for _ in range(100):
        if page.evaluate("document.activeElement.matches('#datasets [role=radio]')"):
            break
        page.keyboard.press("Tab")
    order = thumbs.evaluate_all("(els) => els.map((el) => el.dataset.name)")
    at = order.index(chosen)
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.dataset.name") == order[at + 1]
    assert page.evaluate("window.nnplay.config.data.name") == chosen  # moving is not choosing
    per_row = thumbs.evaluate_all("(els) => els.filter((el) => el.offsetTop === els[0].offsetTop).length")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.name") == order[at + 1 + per_row]
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.dataset.name") == order[-1]
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    target = order[1]
    page.keyboard.press("Space")
    page.wait_for_function(f"window.nnplay.config.data.name === '{target}'", timeout=WAIT_MS)
    assert page.locator(f"#datasets [data-name='{target}']").get_attribute("aria-checked") == "true"
    assert page.locator("#datasets [tabindex='0']").get_attribute("data-name") == target


def test_the_legend_has_numbers(open_in, live_server):
    page = open_in("zh", f"{live_server}/")
    page.wait_for_function(READY, timeout=WAIT_MS)
    page.wait_for_function("document.querySelector('#legend .legend-tick').textContent !== '–'", timeout=WAIT_MS)
    ticks = [float(text) for text in page.locator("#legend .legend-tick").all_inner_texts()]
    lo, hi = page.evaluate("[window.nnplay.outputs[0].lo, window.nnplay.outputs[0].hi]")
    assert ticks == pytest.approx([lo, (lo + hi) / 2, hi], abs=0.005)
    assert page.locator("#legend .legend-low").inner_text() == "第 1 类"
    assert page.locator("#legend .legend-high").inner_text() == "第 2 类"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_classroom_pages(open_in, live_server, language):
    created = httpx.post(f"{live_server}/api/classes", json={"name": "3班", "language": language}, timeout=10)
    assert created.status_code == 201, created.text
    klass = created.json()
    for path in ("/join", "/classes/new"):
        page = open_in(language, f"{live_server}{path}")
        settle(page)
        assert_no_blocking(page, language, path.strip("/").replace("/", "-"))
    # A student joins through the page and lands on the class's playground.
    student = open_in(language, f"{live_server}/join")
    student.fill("#join-code", klass["join_code"])
    student.fill("#join-name", "Ada")
    student.click("#join-submit")
    student.wait_for_url("**/classes/*/play", timeout=WAIT_MS)
    student.wait_for_function(READY, timeout=WAIT_MS)
    settle(student)
    assert_no_blocking(student, language, "class-play")
    # The teacher's dashboard, with that student's card on it.
    teacher = open_in(language, f"{live_server}{klass['dashboard_url']}")
    teacher.wait_for_selector("#dashboard:not([hidden])", timeout=WAIT_MS)
    teacher.wait_for_selector(".student-card", timeout=WAIT_MS)
    settle(teacher)
    assert_no_blocking(teacher, language, "dashboard")
