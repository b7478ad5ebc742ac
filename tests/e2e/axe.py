"""axe-core (the npm package, installed by the README's test command into tests/e2e/vendor/) injected into a
Playwright page: the accessibility violations a page has, as axe reports them."""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor/node_modules/axe-core/axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """axe's violations on ``page`` whose impact is one of ``impacts``: [{id, impact, help, nodes: [html...]}]."""
    assert AXE.exists(), f"{AXE} is missing: run the README's test command (npm install ... axe-core)"
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["html"][:200] + " " + node.get("failureSummary", "")[:300] for node in v["nodes"][:5]]}
            for v in found if v["impact"] in impacts]


def describe(found: list[dict]) -> str:
    """The violations as readable lines, for an assertion message."""
    return "\n".join(f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in found)
