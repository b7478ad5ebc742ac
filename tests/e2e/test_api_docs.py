"""/docs (Swagger UI) and /redoc draw the whole API in a real browser without one request leaving the machine:
their JS, CSS and favicon come from the server itself (a school LAN has no internet)."""

from urllib.parse import urlsplit

import httpx
import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def operations(live_server) -> list[dict]:
    """Every operation of the OpenAPI schema, as {"path", "method", "summary"}."""
    schema = httpx.get(f"{live_server}/openapi.json", timeout=10).json()
    return [{"path": path, "method": method, "summary": operation["summary"]}
            for path, item in schema["paths"].items() for method, operation in item.items()]


@pytest.fixture
def offline_page(browser):
    """A page whose requests to any host but loopback are aborted and recorded, as are console errors, page
    errors and failed (>= 400) responses; the test ends by asserting all three lists are empty."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside, errors, requested = [], [], []

    def gate(route):
        url = route.request.url
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: errors.append(f"console {message.text} at {message.location}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error {error}"))
    page.on("response", lambda response: errors.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    page.requested = requested
    yield page
    context.close()
    assert outside == [], "requests left the machine"
    assert [url for url in requested if urlsplit(url).hostname not in LOCAL_HOSTS] == []
    assert errors == []


def _assets(page) -> set[str]:
    return {urlsplit(url).path for url in page.requested if urlsplit(url).path.startswith("/docs-ui/")}


def test_swagger_ui_draws_every_operation_offline(offline_page, live_server, operations):
    offline_page.goto(f"{live_server}/docs")
    offline_page.wait_for_selector(".opblock", timeout=TIMEOUT_MS)
    offline_page.wait_for_function("(n) => document.querySelectorAll('.opblock').length >= n", arg=len(operations),
                                   timeout=TIMEOUT_MS)

    assert offline_page.locator(".opblock").count() == len(operations) > 20
    paths = offline_page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/sessions" in {path.replace("\u200b", "") for path in paths}  # Swagger breaks paths with ZWSPs
    assert offline_page.locator(".swagger-ui .info .title").inner_text().startswith("nnplay")
    # Styled by the local CSS: Swagger UI's stylesheet colours a POST block's method badge green.
    badge = offline_page.locator(".opblock-post .opblock-summary-method").first
    assert badge.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(73, 204, 144)"
    assert {"/docs-ui/swagger-ui-bundle.js", "/docs-ui/swagger-ui.css"} <= _assets(offline_page)


def test_redoc_draws_every_operation_offline(offline_page, live_server, operations):
    offline_page.goto(f"{live_server}/redoc")
    offline_page.wait_for_function(
        "(n) => document.querySelectorAll('[data-section-id^=\"operation/\"]').length >= n", arg=len(operations),
        timeout=TIMEOUT_MS)

    headings = set(offline_page.locator("[data-section-id^='operation/'] h2").all_inner_texts())
    assert {operation["summary"] for operation in operations} <= headings
    assert "Create Session" in headings
    assert offline_page.get_by_text("/api/sessions", exact=True).count() >= 1
    assert "/docs-ui/redoc.offline.js" in _assets(offline_page)
    # The sidebar's Redocly logo (a CDN image in ReDoc's bundle) failed locally, so ReDoc took it away.
    offline_page.wait_for_function("() => !document.querySelector('img[alt=\"redocly logo\"]')", timeout=TIMEOUT_MS)


def test_no_page_asks_for_a_cdn(live_server):
    for url in ("/docs", "/redoc"):
        html = httpx.get(live_server + url, timeout=10).text
        assert "cdn." not in html and "fonts.googleapis" not in html and "tiangolo.com" not in html
    bundle = httpx.get(f"{live_server}/docs-ui/redoc.offline.js", timeout=10)
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("text/javascript")
    assert "cdn.redoc.ly" not in bundle.text and len(bundle.content) > 500_000
    again = httpx.get(f"{live_server}/docs-ui/redoc.offline.js", headers={"if-none-match": bundle.headers["etag"]},
                      timeout=10)
    assert again.status_code == 304 and again.content == b""
