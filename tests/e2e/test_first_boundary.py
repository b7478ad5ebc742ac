"""What makes the playground's first boundary come early (issue 13), in a real Chromium against a real server: every
module preloaded (app/web/module_graph.py), and the default config's first picture painted from the copy that came
with the page (app/web/first_frame.py, static/js/first_frame.js) before the page's own session exists."""

import json
import re
import time

import httpx
import pytest

XOR = "#dataset=xor&noise=0&points=200&ratio=0.5&layers=4,2&act=tanh&opt=adam&lr=0.03&batch=10"
OPAQUE_FRACTION = """() => {  // the share of #heatmap's pixels (a sample of them) that are painted
    const canvas = document.getElementById("heatmap");
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0, all = 0;
    for (let i = 3; i < pixels.length; i += 4 * 97) { all += 1; if (pixels[i] >= 128) opaque += 1; }
    return opaque / all;
}"""
DIGEST = """() => {
    const canvas = document.getElementById("heatmap");
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0;
    for (let i = 0; i < data.length; i += 7) hash = (hash * 31 + data[i]) | 0;
    return hash;
}"""


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context
    context.close()


def open_page(context, url: str):
    page = context.new_page()
    page.errors = []
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(url)
    return page


def picture_ready(base: str, deadline_seconds: float = 30) -> None:
    """Wait until the server serves `/` with its first picture (the first page asked for starts making it)."""
    deadline = time.monotonic() + deadline_seconds
    while '"first": {' not in httpx.get(f"{base}/", timeout=10).text:
        assert time.monotonic() < deadline, "the server never made the first picture"
        time.sleep(0.05)


def test_the_playground_fetches_every_module_it_runs_at_once_and_no_other(context, live_server):
    page = open_page(context, f"{live_server}/")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    preloaded = page.eval_on_selector_all('link[rel="modulepreload"]', "links => links.map(l => l.href)")
    fetched = page.evaluate("""() => performance.getEntriesByType("resource")
        .filter((e) => e.name.endsWith(".js")).map((e) => e.name)""")
    assert len(preloaded) == len(set(preloaded)) >= 20
    assert sorted(set(fetched)) == sorted(preloaded)  # a module missing from the list would be fetched anyway
    assert page.errors == []


def test_the_default_playground_paints_its_first_picture_before_its_session_exists(context, live_server):
    picture_ready(live_server)
    held = []
    context.route("**/api/sessions", lambda route: held.append(route))  # the session's creation waits for us
    page = open_page(context, f"{live_server}/")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstPictureMs !== undefined", timeout=15000)
    page.wait_for_function(f"({OPAQUE_FRACTION})() >= 0.9", timeout=15000)
    assert len(held) == 1 and page.evaluate("window.nnplay.session") is None
    assert page.evaluate("window.nnplay.metrics.firstBoundaryMs") is None  # the session's own frame: not yet
    page.wait_for_function("document.querySelectorAll('#network canvas').length >= 2 + 4 + 2 + 1", timeout=15000)
    picture = page.evaluate(DIGEST)

    held[0].continue_()
    page.wait_for_function("window.nnplay.metrics.firstBoundaryMs !== null && window.nnplay.data", timeout=15000)
    assert page.evaluate(DIGEST) == picture  # the session's own first frame looks the same
    page.click("#play")  # and it trains
    page.wait_for_function("Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > 20",
                           timeout=60000)
    page.click("#play")
    assert page.evaluate(DIGEST) != picture
    assert page.errors == []


def test_only_the_default_config_gets_the_picture(context, live_server):
    picture_ready(live_server)
    page = open_page(context, f"{live_server}/{XOR}")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    assert page.evaluate("window.nnplay.metrics.firstPictureMs") is None  # never painted: another config
    page = open_page(context, f"{live_server}/")
    page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
    written = page.evaluate("location.hash")  # the page keeps its config in the URL: a reload asks for it again
    defaults = json.loads(re.search(r'id="boot">(.*?)</script>', page.content(), re.S).group(1))["defaults"]
    answers = page.evaluate("""async ([hashes, defaults]) => {
        const { asksForDefaults } = await import("/static/js/first_frame.js");
        return hashes.map((hash) => asksForDefaults(hash, defaults));
    }""", [["", written, "#test=1&disc=1", XOR, "#lr=0.1", "#layers=4,2", "#layers=4,3", "#dseed=1"], defaults])
    assert answers == [True, True, True, False, False, True, False, False]
    assert page.errors == []
