"""The playground page in headless Chromium: time to the first decision boundary, rendering under a
30 frames/s stream of the 6x8 network, and page weight.

    python3 bench/bench_page.py [--repeats 5] [--seconds 6] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port, drives Debian's Chromium through Playwright, and
measures with the browser's own Performance API:
- first boundary: performance.now() when the first output heatmap has been drawn (from navigation start);
- rendering: while the 2-8x6-1 network trains on 500 spiral points and frames arrive at 30/s, the
  intervals between requestAnimationFrame callbacks (the UI's frame rate), the frames received per
  second, the time spent handling and drawing frames, and long tasks (> 50 ms) reported by a
  PerformanceObserver;
- page weight: decoded (uncompressed) bytes of the HTML, JS and CSS the page loaded.
Headless Chromium paints without a GPU here, so these are upper bounds of what a student's browser needs.
"""

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright
from server import report, running_server

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
DEEP = "#dataset=spiral&points=500&noise=0.1&layers=8,8,8,8,8,8&act=tanh&opt=adam&lr=0.01&batch=10"

SAMPLE_RENDERING = """async (seconds) => {
    const app = window.nnplay;
    const intervals = [], handling = [];
    const original = app.onFrame.bind(app);
    app.onFrame = (frame) => { const t0 = performance.now(); original(frame); handling.push(performance.now() - t0); };
    const draw = app.output.draw.bind(app.output);
    app.output.draw = () => { const t0 = performance.now(); draw(); handling.push(performance.now() - t0); };
    const longTasks = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ entryTypes: ["longtask"] });
    const framesBefore = app.metrics.frames;
    let last = performance.now();
    const end = last + seconds * 1000;
    await new Promise((resolve) => {
        const tick = (now) => {
            intervals.push(now - last);
            last = now;
            if (now < end) requestAnimationFrame(tick); else resolve();
        };
        requestAnimationFrame(tick);
    });
    observer.disconnect();
    return { intervals, handling, longTasks, frames: app.metrics.frames - framesBefore };
}"""


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--json")
    args = parser.parse_args()
    results = {}
    with running_server() as (base, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        firsts, weights = [], None
        for _ in range(args.repeats):
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            page.goto(f"{base}/")
            page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=20000)
            firsts.append(page.evaluate("window.nnplay.metrics.firstBoundaryMs"))
            if weights is None:
                weights = page.evaluate("""() => {
                    const entries = performance.getEntriesByType("resource")
                        .filter((e) => /\\.(js|css)$/.test(new URL(e.name).pathname));
                    const nav = performance.getEntriesByType("navigation")[0];
                    return { html: nav.decodedBodySize, assets: entries.reduce((s, e) => s + e.decodedBodySize, 0),
                             files: entries.length };
                }""")
            context.close()
        results["first_boundary_ms_median"] = statistics.median(firsts)
        results["first_boundary_ms_all"] = firsts
        results["page_weight_bytes"] = weights["html"] + weights["assets"]
        results["page_files"] = weights["files"] + 1

        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{base}/{DEEP}")
        page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=20000)
        page.click("#play")
        time.sleep(1.0)
        sample = page.evaluate(SAMPLE_RENDERING, args.seconds)
        page.click("#play")
        intervals = sample["intervals"][1:]
        results["render"] = {
            "ui_fps_median": 1000 / statistics.median(intervals),
            "raf_interval_p95_ms": percentile(intervals, 0.95),
            "frames_received_per_second": sample["frames"] / args.seconds,
            "handling_ms_median": statistics.median(sample["handling"]) if sample["handling"] else None,
            "handling_ms_p95": percentile(sample["handling"], 0.95) if sample["handling"] else None,
            "long_tasks": len(sample["longTasks"]),
        }
        browser.close()
    report(results, args.json)


if __name__ == "__main__":
    main()
