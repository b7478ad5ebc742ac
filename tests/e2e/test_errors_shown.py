"""Server errors reach the student as sentences in the page's language, and a page the server refuses a
session says why and what to do instead of showing a broken playground (real Chromium, real server)."""

import string

import httpx
import pytest

from app.core.messages import MESSAGES, render
from tests.conftest import serving

LOCALES = {"zh": "zh-CN", "en": "en-US"}


@pytest.fixture(scope="module")
def limited_server():
    """A real server on a free loopback port that allows one session per client."""
    with serving(max_sessions_per_client="1") as base:
        yield base


def delete_session(base: str, session_id: str, token: str) -> None:
    response = httpx.delete(f"{base}/api/sessions/{session_id}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (204, 404), response.text


@pytest.fixture
def blocker(limited_server):
    """This client's one session, taken over HTTP before the page opens; deleted afterwards if still there."""
    response = httpx.post(f"{limited_server}/api/sessions", json={})
    assert response.status_code == 201, response.text
    created = response.json()
    yield created
    delete_session(limited_server, created["id"], created["token"])


@pytest.fixture
def open_page(browser):
    """Open a URL in a fresh context with a locale; collects uncaught page errors."""
    contexts = []

    def opener(url: str, language: str):
        context = browser.new_context(locale=LOCALES[language], viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


def visible_text(page) -> str:
    return page.evaluate("document.body.innerText")


def wait_between_tries(page) -> None:
    """Wait until the refused page is counting down with seconds to spare: no try is in flight, none is due."""
    page.wait_for_function("window.nnplay.refusal && window.nnplay.refusal.seconds >= 2", timeout=35000)


def close_between_tries(page) -> None:
    """Close a refused page when no try can reach the server after it (the one session stays the test's)."""
    wait_between_tries(page)
    page.close()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_refused_page_says_why_in_the_students_language(limited_server, blocker, open_page, language):
    page = open_page(f"{limited_server}/", language)
    panel = page.locator("#refused")
    panel.wait_for(state="visible", timeout=15000)
    sentence = render("limit.client_sessions", {"count": 1}, language)
    sentence = sentence[0].upper() + sentence[1:]  # the panel starts the server's sentence with a capital
    page.wait_for_function("(s) => (document.querySelector('#refused-reason')?.textContent ?? '') === s", arg=sentence,
                           timeout=5000)
    advice = page.locator("#refused-advice").inner_text()
    assert ("nnplay" in advice) and (("标签页" in advice) if language == "zh" else ("tabs" in advice))
    assert page.locator("#retry-now").is_visible() and page.locator("#retry-now").is_enabled()
    page.wait_for_function("/\\d/.test((document.querySelector('#retry-countdown')?.textContent ?? ''))", timeout=5000)
    # The playground is not shown half-made: no settings, no empty network, no nonsense numbers.
    for selector in ("#learning_rate", "#batch_size", "#play", ".layout", "#export"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("#language").is_visible()  # the language can still be switched
    text = visible_text(page)
    assert "NaN" not in text and "0.00001" not in text and "undefined" not in text
    assert page.locator("#status").is_hidden()  # the panel says it, not a toast as well
    page.screenshot(path=f"/tmp/refused-{language}.png", full_page=True)
    assert page.errors == []
    close_between_tries(page)


def test_switching_language_rewrites_the_refusal(limited_server, blocker, open_page):
    page = open_page(f"{limited_server}/", "en")
    page.locator("#refused").wait_for(state="visible", timeout=15000)
    page.click("#language")
    zh = render("limit.client_sessions", {"count": 1}, "zh")
    page.wait_for_function("(s) => (document.querySelector('#refused-reason')?.textContent ?? '') === s", arg=zh,
                           timeout=5000)
    assert "秒后自动重试" in page.locator("#retry-countdown").inner_text()
    assert page.errors == []
    close_between_tries(page)


def test_try_again_now_starts_the_playground_once_a_session_is_free(limited_server, blocker, open_page):
    page = open_page(f"{limited_server}/", "en")
    page.locator("#refused").wait_for(state="visible", timeout=15000)
    wait_between_tries(page)  # so that the button, not the countdown, makes the next try
    delete_session(limited_server, blocker["id"], blocker["token"])
    page.click("#retry-now")
    page.locator("#refused").wait_for(state="hidden", timeout=15000)
    page.wait_for_function("window.nnplay.session && window.nnplay.session.id && window.nnplay.structure"
                           " && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    for selector in ("#learning_rate", "#batch_size", "#play", ".layout"):
        assert page.locator(selector).is_visible(), selector
    assert page.locator("#learning_rate").input_value() == "0.03"
    assert page.locator("#batch_size").input_value() == "10"
    page.click("#step")
    page.wait_for_function("(document.querySelector('#epoch')?.textContent ?? '').endsWith('1')", timeout=10000)
    assert page.errors == []
    session = page.evaluate("({id: window.nnplay.session.id, token: window.nnplay.session.token})")
    page.close()  # first: an open page would start a new session as soon as this one is gone
    delete_session(limited_server, session["id"], session["token"])  # free this client's one session


def test_a_refused_bad_csv_reads_in_chinese_on_a_chinese_page(live_server, open_page, tmp_path):
    page = open_page(f"{live_server}/", "zh")
    languages = []
    page.on("request", lambda request: "/api/sessions" in request.url
            and languages.append(request.headers.get("accept-language", "")))
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n0,0,0\n1,oops,1\n")
    page.set_input_files("#csv", str(bad))
    expected = render("data.csv.not_number", {"line": 3, "column": "x2", "text": "oops"}, "zh")
    assert expected == "第 3 行：x2 的值 oops 不是数"  # wholly Chinese but for the column and the bad value
    page.wait_for_function("(s) => (document.querySelector('#status')?.textContent ?? '').includes(s)", arg=expected,
                           timeout=10000)
    assert "错误" in page.locator("#status").inner_text()
    assert page.evaluate("window.nnplay.config.data.name") == "circle"
    assert languages and all(value.startswith("zh") for value in languages)
    assert page.errors == []


def test_an_invalid_import_reads_in_chinese_on_a_chinese_page(live_server, open_page, tmp_path):
    page = open_page(f"{live_server}/", "zh")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    document = tmp_path / "not-a-model.json"
    document.write_text('{"format": "something.else"}')
    page.set_input_files("#import", str(document))
    expected = render("document.format", {"expected": "nnplay.session"}, "zh")
    page.wait_for_function("(s) => (document.querySelector('#status')?.textContent ?? '').includes(s)", arg=expected,
                           timeout=10000)
    assert page.errors == []


def test_the_page_formats_every_server_sentence_as_python_does(live_server, open_page):
    page = open_page(f"{live_server}/", "en")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    cases = []
    for code, templates in MESSAGES.items():
        fields = {name for text in templates.values() for _, name, _, _ in string.Formatter().parse(text) if name}
        for value in ("it's a \\ path", 'say "hi"', 7, 0.25, "plain"):
            params = {name: value for name in fields}
            for language, template in templates.items():
                cases.append({"template": template, "params": params, "expected": render(code, params, language)})
    mismatches = page.evaluate("""async (cases) => {
        const { formatPython } = await import("/static/js/i18n.js");
        return cases.filter((c) => formatPython(c.template, c.params) !== c.expected)
                    .map((c) => [c.template, c.params, formatPython(c.template, c.params), c.expected]);
    }""", cases)
    assert mismatches == []
    # An unknown code, or a missing parameter, falls back to the server's own sentence.
    fallbacks = page.evaluate("""async () => {
        const { errorText } = await import("/static/js/i18n.js");
        return [errorText({ code: "no.such.code", params: {}, message: "the server's words" }),
                errorText({ code: "limit.points", params: {}, message: "at most N points" }),
                errorText({ code: "client.unreachable", params: { reason: "offline" }, message: "x" })];
    }""")
    assert fallbacks == ["the server's words", "at most N points", "the server cannot be reached (offline)"]


def test_a_stream_the_server_ends_is_explained_in_the_pages_language(live_server, open_page):
    page = open_page(f"{live_server}/", "zh")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    session = page.evaluate("({id: window.nnplay.session.id, token: window.nnplay.session.token})")
    delete_session(live_server, session["id"], session["token"])  # the server closes the stream (4410)
    expected = render("stream.session_ended", {}, "zh")
    page.wait_for_function("(s) => (document.querySelector('#status')?.textContent ?? '').includes(s)", arg=expected,
                           timeout=10000)
    assert "正在新建一个" in page.locator("#status").inner_text()  # and what the page does about it
    page.wait_for_function("(old) => window.nnplay.session && window.nnplay.session.id !== old",
                           arg=session["id"], timeout=15000)  # and it started a new session
    assert page.errors == []
    fresh = page.evaluate("({id: window.nnplay.session.id, token: window.nnplay.session.token})")
    page.close()
    delete_session(live_server, fresh["id"], fresh["token"])
