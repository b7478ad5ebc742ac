"""A server that stops and starts again under an open page: the page reconnects, its network comes back from the
last checkpoint, and the page says from which epoch (issue 10)."""

import re

import pytest

from tests.conftest import free_port, serving_at

XOR = "#dataset=xor&noise=0&points=200&ratio=0.5&layers=4,2&act=tanh&opt=adam&lr=0.03&batch=10"


def epoch(page) -> int:
    return int(page.locator("#epoch").inner_text().replace(",", ""))


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_page_continues_its_network_after_the_server_restarts(browser, tmp_path, language):
    port = free_port()
    settings = {"data_dir": str(tmp_path / "data"), "workers": "1"}
    locale = "zh-CN" if language == "zh" else "en-US"
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        with serving_at(port, **settings) as base:
            page.goto(f"{base}/{XOR}")
            page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
            page.click("#play")
            page.wait_for_function("Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > 30",
                                   timeout=15000)
            page.click("#play")  # pause: a checkpoint at the epoch the page shows
            page.wait_for_function("document.querySelector('#play').getAttribute('aria-pressed') === 'false'",
                                   timeout=5000)
            # The epoch the server paused at (the page's may be a frame behind): what the store must give back.
            paused_at = page.evaluate("window.nnplay.session.describe().then((d) => d.metrics.epoch)")
            assert paused_at >= epoch(page) > 30
        # The server stopped (SIGTERM): the page waits and reconnects to the new one on the same port.
        with serving_at(port, **settings):
            expected = "已恢复到第" if language == "zh" else "Restored at epoch"
            page.wait_for_function(f"(document.querySelector('#status')?.textContent ?? '').includes({expected!r})",
                                   timeout=30000)
            said = int(re.search(r"\d+", page.locator("#status").inner_text()).group())
            assert said == paused_at, (said, paused_at)
            assert epoch(page) >= paused_at
            page.click("#play")  # and it trains on from there
            page.wait_for_function(f"Number(document.querySelector('#epoch').textContent.replace(/,/g, '')) > "
                                   f"{paused_at + 5}", timeout=15000)
        assert errors == []
    finally:
        context.close()
