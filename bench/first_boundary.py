"""Where the time to the first painted boundary goes: a trace of the playground page `/`, from navigation start.

    python3 bench/first_boundary.py [--runs 15] [--warmup 1] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port (bench/server.py), drives Debian's Chromium through Playwright,
and loads `/` in a fresh browser context each run (no HTTP cache, no storage; one warm-up run first, not
counted). Nothing of the product changes: an init script (page.add_init_script, run before the page's own
scripts) wraps `fetch`, `Response.json` and `WebSocket`, and `window.nnplay`'s `onFrame` and output `draw`
once main.js sets it, and records `performance.now()` (milliseconds from navigation start) at:
- the HTML's response end, each script and style sheet loaded (Resource Timing `responseEnd`);
- the playground constructed (main.js sets `window.nnplay`), DOMContentLoaded (Navigation Timing);
- each API call: `fetch` called, its response headers, its JSON body read (POST /api/sessions, GET describe, GET
  data, history and dataset previews); Resource Timing gives the bytes;
- the WebSocket: constructed, open, the hello message, the first binary frame received, the frame decoded (the
  page's `onFrame` called) and drawn (the page's own `metrics.firstBoundaryMs`, set in the animation frame that
  drew the output with the frame's maps and the data);
- the default config's first picture drawn from the copy that came with the page, before its session exists (the
  page's own `metrics.firstPictureMs`, static/js/first_frame.js; none on a page without it);
- painted: the first animation frame after which at least half of the output canvas `#heatmap` is painted.
  Each animation frame (requestAnimationFrame from the start) posts a message whose task runs after that
  frame's rendering steps; it draws #heatmap onto a 48x48 sampling canvas (no smoothing: a grid of point
  samples) and counts the samples with alpha >= 128. The canvas starts transparent and the page clears it and
  draws the boundary image at alpha 0.85 (217) over it, then the data points (at most a few % of the area), so
  ">= 50 % of the samples opaque" means the boundary image is on the canvas. The time is when that task ran
  (the end of the frame's main-thread work; the compositor shows it shortly after).
Reported: per stage the median, min and max over the runs, and the median of the per-run deltas between
consecutive stages; the page weight (decoded bytes of the HTML, JS and CSS); the round trips before the paint
(all requests, and the longest chain of requests each started after the previous one's answer, previews and
history left out: the sequential round trips the paint waits for); and what an "after" change could cut.
Bounded: a run waits at most 20 s; loopback only; each run's session is deleted afterwards.
"""

import argparse
import statistics
import sys

from playwright.sync_api import sync_playwright
from server import report, running_server

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1400, "height": 1000}  # as bench_page.py: the three panels side by side, #heatmap visible

INIT = r"""(() => {
  const now = () => performance.now();
  const T = { fetches: [], ws: [], paint: null, paintFrame: null, paintFraction: null, samples: 0,
              nnplaySet: null, frameHandled: null, frameHandledEnd: null, boundaryDraw: null, longTasks: [],
              fcp: null };
  Object.defineProperty(window, "__fb", { value: T });
  const responses = new WeakMap();
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    const url = new URL(typeof input === "string" ? input : input.url, location.href);
    const rec = { path: url.pathname, method: ((init && init.method) || "GET").toUpperCase(), start: now(),
                  headers: null, body: null, status: null };
    T.fetches.push(rec);
    const promise = fetch0.apply(this, arguments);
    promise.then((r) => { rec.headers = now(); rec.status = r.status; responses.set(r, rec); }, () => {});
    return promise;
  };
  const json0 = Response.prototype.json;
  Response.prototype.json = function () {
    const rec = responses.get(this);
    const promise = json0.apply(this, arguments);
    if (rec) promise.then(() => { rec.body = now(); }, () => {});
    return promise;
  };
  const WS0 = window.WebSocket;
  class TimedWebSocket extends WS0 {
    constructor(url, protocols) {
      super(url, protocols);
      const rec = { path: new URL(url).pathname, created: now(), open: null, hello: null, frame: null,
                    frameBytes: null, sent: [] };
      T.ws.push(rec);
      this.__rec = rec;
      this.addEventListener("open", () => { rec.open = now(); });
      this.addEventListener("message", (event) => {  // before the page's onmessage (registered later)
        const t = now();
        if (typeof event.data === "string") {
          if (rec.hello === null && event.data.includes('"hello"')) rec.hello = t;
        } else if (rec.frame === null) {
          rec.frame = t;
          rec.frameBytes = event.data.byteLength ?? event.data.size;
        }
      });
    }
    send(data) {
      this.__rec.sent.push([now(), String(data).slice(0, 60)]);
      return super.send(data);
    }
  }
  window.WebSocket = TimedWebSocket;
  let app;
  Object.defineProperty(window, "nnplay", { configurable: true, enumerable: true, get() { return app; },
    set(value) {
      app = value;
      if (T.nnplaySet !== null || !value) return;
      T.nnplaySet = now();
      const onFrame = value.onFrame;
      value.onFrame = function (frame) {
        const t0 = now();
        const result = onFrame.call(this, frame);
        if (T.frameHandled === null) { T.frameHandled = t0; T.frameHandledEnd = now(); }
        return result;
      };
      const output = value.output, draw = output.draw;
      output.draw = function () {
        const t0 = now();
        const result = draw.apply(this, arguments);
        if (T.boundaryDraw === null && value.outputs.length && value.data) T.boundaryDraw = [t0, now()];
        return result;
      };
    } });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "first-contentful-paint") T.fcp = e.startTime;
    }).observe({ type: "paint", buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) T.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (e) { /* observers are extra */ }
  const N = 48;
  let sampler = null;
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => {  // runs after the rendering steps of the frame that posted it
    if (T.paint !== null) return;
    const canvas = document.getElementById("heatmap");
    if (!canvas || !canvas.width || !canvas.height) return;
    if (!sampler) {
      sampler = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
      sampler.canvas.width = sampler.canvas.height = N;
      sampler.imageSmoothingEnabled = false;
    }
    sampler.clearRect(0, 0, N, N);
    sampler.drawImage(canvas, 0, 0, N, N);
    const pixels = sampler.getImageData(0, 0, N, N).data;
    let opaque = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] >= 128) opaque += 1;
    T.samples += 1;
    if (opaque * 2 >= N * N) {
      T.paint = now();
      T.paintFrame = event.data;
      T.paintFraction = opaque / (N * N);
    }
  };
  const tick = (ts) => {
    if (T.paint !== null) return;
    channel.port2.postMessage(ts);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();"""

COLLECT = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource").map((e) => ({
    path: new URL(e.name).pathname, type: e.initiatorType, start: e.startTime, responseStart: e.responseStart,
    end: e.responseEnd, decoded: e.decodedBodySize, transfer: e.transferSize }));
  return { nav: { responseStart: nav.responseStart, end: nav.responseEnd, decoded: nav.decodedBodySize,
                  dcl: nav.domContentLoadedEventStart, load: nav.loadEventStart },
           resources, trace: window.__fb, firstBoundaryMs: window.nnplay.metrics.firstBoundaryMs,
           firstPictureMs: window.nnplay.metrics.firstPictureMs ?? null,
           session: { id: window.nnplay.session.id, token: window.nnplay.session.token } };
}"""

CLEANUP = """async ({ id, token }) => {
  window.nnplay.leaving = true;
  window.nnplay.stream?.close();
  await fetch(`/api/sessions/${id}`, { method: "DELETE", headers: { Authorization: `Bearer ${token}` } });
}"""

# The stages, in the order the page reaches them; the table's deltas are between consecutive rows.
STAGES = [
    ("html_response_start", "HTML first byte"),
    ("html_response_end", "HTML response end"),
    ("css_loaded", "app.css loaded"),
    ("main_js_loaded", "main.js loaded (modulepreload)"),
    ("first_import_requested", "first import of main.js requested"),
    ("last_module_loaded", "last module loaded"),
    ("playground_constructed", "Playground constructed (window.nnplay)"),
    ("post_sessions_start", "POST /api/sessions sent"),
    ("first_picture_drawn", "first picture drawn (firstPictureMs)"),
    ("dom_content_loaded", "DOMContentLoaded"),
    ("post_sessions_end", "POST /api/sessions answered (JSON read)"),
    ("describe_end", "GET /api/sessions/{id} answered"),
    ("ws_created", "WebSocket constructed"),
    ("ws_open", "WebSocket open"),
    ("hello", "hello received"),
    ("first_frame_received", "first frame received"),
    ("first_frame_decoded", "first frame decoded (onFrame)"),
    ("data_end", "GET .../data answered"),
    ("first_boundary_drawn", "boundary drawn (firstBoundaryMs)"),
    ("first_painted_frame", "first frame >= 50 % of #heatmap painted"),
]
EXTRA = [("fcp", "first contentful paint"), ("load_event", "load event")]


def first(items, test):
    return next((item for item in items if test(item)), None)


def longest_chain(intervals):
    """The most intervals (name, start, end) each starting at or after the previous one's end: the sequential
    round trips among them. Returns their names, in order."""
    ordered = sorted(intervals, key=lambda i: i[2])
    best = []
    for k, (name, start, _end) in enumerate(ordered):
        before = [best[j] for j in range(k) if ordered[j][2] <= start]
        best.append(max(before, key=len, default=[]) + [name])
    return max(best, key=len, default=[])


def analyse(raw: dict) -> dict:
    """One run's stages (ms from navigation start), round trips and bytes."""
    trace, resources, nav = raw["trace"], raw["resources"], raw["nav"]
    paint = trace["paint"]
    modules = [r for r in resources if r["path"].endswith(".js") and r["end"] <= nav["dcl"]]
    css = first(resources, lambda r: r["path"].endswith(".css"))
    main_js = first(resources, lambda r: r["path"].endswith("/main.js"))
    fetches = trace["fetches"]
    post = first(fetches, lambda f: f["method"] == "POST" and f["path"] == "/api/sessions")
    describe = first(fetches, lambda f: f["method"] == "GET" and f["path"].count("/") == 3
                     and f["path"].startswith("/api/sessions/"))
    data = first(fetches, lambda f: f["method"] == "GET" and f["path"].endswith("/data"))
    ws = trace["ws"][0] if trace["ws"] else {}
    imports = [m["start"] for m in modules if not m["path"].endswith("/main.js")]
    stages = {
        "html_response_start": nav["responseStart"],
        "html_response_end": nav["end"],
        "css_loaded": css and css["end"],
        "main_js_loaded": main_js and main_js["end"],
        "first_import_requested": min(imports, default=None),
        "last_module_loaded": max((m["end"] for m in modules), default=None),
        "playground_constructed": trace["nnplaySet"],
        "dom_content_loaded": nav["dcl"],
        "post_sessions_start": post and post["start"],
        "first_picture_drawn": raw.get("firstPictureMs"),
        "post_sessions_end": post and post["body"],
        "describe_end": describe and describe["body"],
        "ws_created": ws.get("created"),
        "ws_open": ws.get("open"),
        "hello": ws.get("hello"),
        "first_frame_received": ws.get("frame"),
        "first_frame_decoded": trace["frameHandled"],
        "data_end": data and data["body"],
        "first_boundary_drawn": raw["firstBoundaryMs"],
        "first_painted_frame": paint,
        "fcp": trace["fcp"],
        "load_event": nav["load"] or None,
    }
    # Round trips: every request started before the paint; the chain the paint waited for.
    intervals = [("GET /", 0.0, nav["end"])]
    for r in resources:
        if r["start"] < paint and r["type"] != "fetch":
            intervals.append((f"GET {r['path']}", r["start"], r["end"]))
    for f in fetches:
        if f["start"] < paint:
            intervals.append((f"{f['method']} {f['path']}", f["start"], f["body"] or f["headers"] or paint))
    if ws.get("open") is not None and ws["created"] < paint:
        intervals.append(("WebSocket handshake", ws["created"], ws["open"]))
    on_path = [i for i in intervals if i[2] <= paint and "/preview" not in i[0] and not i[0].endswith("/history")]
    chain = longest_chain(on_path)
    module_chain = longest_chain([i for i in on_path if i[0].endswith(".js")])
    api_bytes = {}
    for r in resources:
        if r["type"] == "fetch" and r["start"] < paint:
            key = r["path"].replace(raw["session"]["id"], "{id}")
            api_bytes[key] = api_bytes.get(key, 0) + r["decoded"]
    return {
        "stages": stages,
        "requests_before_paint": len(intervals),
        "previews_before_paint": sum(1 for i in intervals if "/preview" in i[0]),
        "sequential_round_trips": len(chain),
        "sequential_chain": [name.replace(raw["session"]["id"], "{id}") for name in chain],
        "module_waves": len(module_chain),
        "modules_loaded": len(modules),
        "decode_ms": (trace["frameHandled"] - ws["frame"]) if ws.get("frame") and trace["frameHandled"] else None,
        "on_frame_ms": trace["frameHandledEnd"] - trace["frameHandled"] if trace["frameHandled"] else None,
        "boundary_draw_ms": trace["boundaryDraw"][1] - trace["boundaryDraw"][0] if trace["boundaryDraw"] else None,
        "first_frame_bytes": ws.get("frameBytes"),
        "api_bytes_before_paint": api_bytes,
        "paint_fraction": trace["paintFraction"],
        "paint_frame_raf_ms": trace["paintFrame"],
        "long_tasks_before_paint_ms": sum(d for s, d in trace["longTasks"] if s < paint),
        "module_ends": {m["path"].rsplit("/static/js/", 1)[-1]: m["end"] for m in modules},
        "sent": ws.get("sent", [])[:3],
        "timeline": sorted([(round(i[1], 1), round(i[2], 1), i[0].replace(raw["session"]["id"], "{id}"))
                            for i in intervals], key=lambda i: i[0]),
    }


def weight(raw: dict) -> dict:
    """Decoded bytes of the HTML, JS and CSS the page loaded."""
    js = [r for r in raw["resources"] if r["path"].endswith(".js")]
    css = [r for r in raw["resources"] if r["path"].endswith(".css")]
    html = raw["nav"]["decoded"]
    js_bytes, css_bytes = sum(r["decoded"] for r in js), sum(r["decoded"] for r in css)
    return {"html": html, "js": js_bytes, "css": css_bytes, "total": html + js_bytes + css_bytes,
            "js_files": len(js), "css_files": len(css),
            "transferred": raw["nav"].get("transfer") or sum(r["transfer"] for r in js + css)}


def spread(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def summarise(runs: list[dict]) -> dict:
    stages = {key: spread([r["stages"][key] for r in runs]) for key, _ in STAGES + EXTRA}
    deltas, previous = {}, None
    for key, _ in STAGES:
        if previous is not None:
            deltas[key] = spread([r["stages"][key] - r["stages"][previous] for r in runs
                                  if r["stages"][key] is not None and r["stages"][previous] is not None])
        previous = key
    numbers = {key: spread([r[key] for r in runs]) for key in (
        "requests_before_paint", "previews_before_paint", "sequential_round_trips", "module_waves",
        "modules_loaded", "decode_ms", "on_frame_ms", "boundary_draw_ms", "first_frame_bytes", "paint_fraction",
        "long_tasks_before_paint_ms")}
    modules = sorted({name for r in runs for name in r["module_ends"]})
    module_ends = {name: spread([r["module_ends"].get(name) for r in runs]) for name in modules}
    return {"stages": stages, "deltas": deltas, "numbers": numbers, "module_ends": module_ends}


def cuts(summary: dict) -> list[dict]:
    """What an "after" change could take off the painted boundary, estimated from the medians of this run."""
    s = {k: (v["median"] if v else None) for k, v in summary["stages"].items()}
    d = {k: (v["median"] if v else None) for k, v in summary["deltas"].items()}
    n = {k: (v["median"] if v else None) for k, v in summary["numbers"].items()}
    paint, dcl = s["first_painted_frame"], s["dom_content_loaded"]
    frame_ms = 1000 / 60
    out = []
    # 1. The default preset's first frame and data served with the page (in the boot JSON or a preloaded
    #    resource): the paint needs only the page, its modules, a decode and a draw; the session is created on
    #    the first interaction (or in the background after the paint).
    local = (n["decode_ms"] or 0) + (n["boundary_draw_ms"] or 0) + frame_ms
    out.append({"cut": "cached first frame + data of the default preset served with the page (no session, "
                       "WebSocket, hello, frame wait or data GET before the paint)",
                "removes": "post_sessions_start .. data_end",
                "estimated_paint_ms": dcl + local, "saves_ms": paint - (dcl + local)})
    # 2. Module preloading: <link rel=modulepreload> for every module of the static graph (or one bundle),
    #    so the waves of imports become one.
    waves = n["module_waves"] or 1
    modules = s["last_module_loaded"] - s["main_js_loaded"] if s["last_module_loaded"] else 0
    per_wave = modules / max(1, waves - 1)
    out.append({"cut": f"modulepreload of all {int(n['modules_loaded'] or 0)} modules of the static graph "
                       f"({waves:g} sequential waves now)",
                "removes": "main_js_loaded .. last_module_loaded (but one wave)",
                "saves_ms": max(0.0, modules - per_wave)})
    # 3. Without the cached frame: fewer round trips on the session path.
    out.append({"cut": "POST /api/sessions answers the description (no separate GET describe)",
                "removes": "post_sessions_end .. describe_end", "saves_ms": d["describe_end"]})
    out.append({"cut": "the first frame sent at once on connect (the stream sleeps 1/fps = 33 ms at the default "
                       "30 fps before it asks the host for its first frame)",
                "removes": "most of hello .. first_frame_received",
                "saves_ms": min(d["first_frame_received"] or 0, 1000 / 30)})
    out.append({"cut": "the data (points) sent with the session's answer or the first frame, not fetched after "
                       "the frame's structure arrives",
                "removes": "first_frame_decoded .. data_end", "saves_ms": d["data_end"]})
    alone = summary.get("without_previews", {}).get("first_painted_frame")
    out.append({"cut": "dataset thumbnails (POST /api/datasets/preview) loaded after the first paint",
                "removes": f"{n['previews_before_paint'] or 0:g} preview requests competing with the session's "
                           "frame and data for the server before the paint (measured: the same runs with them "
                           "aborted, interleaved)",
                "saves_ms": paint - alone["median"] if alone else None})
    # All of the page-side cuts together: one module wave, module evaluation, a local decode and draw.
    evaluate = dcl - s["last_module_loaded"] if s["last_module_loaded"] else 0
    together = s["main_js_loaded"] + per_wave + evaluate + local
    out.append({"cut": "cached first frame + modulepreload together",
                "removes": "all but one module wave and the whole session path",
                "estimated_paint_ms": together, "saves_ms": paint - together})
    return out


def table(summary: dict) -> str:
    lines = [f"{'stage':<44} {'median':>8} {'min':>8} {'max':>8} {'delta':>8}  (ms from navigation start; "
             "delta: median of per-run differences from the row above)"]
    for key, label in STAGES + EXTRA:
        v, dv = summary["stages"][key], summary["deltas"].get(key)
        if v is None:
            lines.append(f"{label:<44} {'-':>8}")
            continue
        delta = f"{dv['median']:8.1f}" if dv else " " * 8
        lines.append(f"{label:<44} {v['median']:8.1f} {v['min']:8.1f} {v['max']:8.1f} {delta}")
    return "\n".join(lines)


def run_once(browser, base: str, previews: bool = True) -> dict:
    """One load of `/` in a fresh context; previews=False: the dataset thumbnails' requests are aborted in the
    browser (what the paint would be if the page asked for them only after it)."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        context.add_init_script(INIT)
        if not previews:
            context.route("**/api/datasets/preview", lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{base}/", wait_until="commit", timeout=20000)
        page.wait_for_function("window.__fb && window.__fb.paint !== null && window.nnplay"
                               " && window.nnplay.metrics.firstBoundaryMs !== null", polling=100, timeout=20000)
        page.wait_for_timeout(300)  # the load event and the late resource entries
        raw = page.evaluate(COLLECT)
        page.evaluate(CLEANUP, raw["session"])
        return raw
    finally:
        context.close()


def run_plain(browser, base: str) -> float:
    """A load without the init script (the control): the page's own firstBoundaryMs, to see what the
    instrumentation costs."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{base}/", wait_until="commit", timeout=20000)
        page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", polling=100,
                               timeout=20000)
        first_boundary = page.evaluate("window.nnplay.metrics.firstBoundaryMs")
        page.evaluate(CLEANUP, page.evaluate("({ id: window.nnplay.session.id, token: window.nnplay.session.token })"))
        return first_boundary
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=1, help="runs first, not counted (the server's first session)")
    parser.add_argument("--json", help="also write the results here")
    parser.add_argument("--what-if-runs", type=int, default=None,
                        help="runs with the thumbnails' preview requests aborted, interleaved (default: --runs)")
    parser.add_argument("--control-runs", type=int, default=5,
                        help="runs without the instrumentation, interleaved: its cost on firstBoundaryMs")
    args = parser.parse_args()
    what_if = args.runs if args.what_if_runs is None else args.what_if_runs
    runs, raws, without_previews, control = [], [], [], []
    with running_server() as (base, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            for _ in range(args.warmup):
                run_once(browser, base)
            for k in range(max(args.runs, what_if, args.control_runs)):
                if k < args.runs:
                    raw = run_once(browser, base)
                    raws.append(raw)
                    runs.append(analyse(raw))
                if k < what_if:
                    without_previews.append(analyse(run_once(browser, base, previews=False)))
                if k < args.control_runs:
                    control.append(run_plain(browser, base))
        finally:
            browser.close()
    summary = summarise(runs)
    if without_previews:
        alone = summarise(without_previews)["stages"]
        summary["without_previews"] = {key: alone[key] for key in (
            "post_sessions_end", "describe_end", "first_frame_received", "data_end", "first_boundary_drawn",
            "first_painted_frame")}
    results = {
        "runs": args.runs, "warmup": args.warmup, "browser": "chromium --headless " + " ".join(ARGS),
        "painted_means": ">= 50 % of a 48x48 point-sample grid of #heatmap with alpha >= 128, sampled in a task "
                         "posted from each requestAnimationFrame (after that frame's rendering steps)",
        **summary,
        "control_first_boundary_ms": spread(control),
        "page_weight_bytes": weight(raws[0]),
        "sequential_chain_example": runs[len(runs) // 2]["sequential_chain"],
        "timeline_example": runs[len(runs) // 2]["timeline"],
        "api_bytes_before_paint": runs[0]["api_bytes_before_paint"],
        "ws_sent_first": runs[0]["sent"],
        # The cuts estimate what the page of before issue 13 could save; a page that paints its first picture
        # from the HTML has made them, and the estimates would be nonsense.
        "cuts": [] if summary["stages"].get("first_picture_drawn") else cuts(summary),
        "target": "first painted boundary < 250 ms median (issue 13; TFP 296-529 ms)",
        "per_run": [r["stages"] for r in runs],
    }
    report(results, args.json)
    print(table(summary), file=sys.stderr)
    for cut in results["cuts"]:
        saves = "?" if cut["saves_ms"] is None else f"{cut['saves_ms']:.0f} ms"
        print(f"cut: {cut['cut']}: saves ~{saves}", file=sys.stderr)
    if control:
        c, v = spread(control), summary["stages"]["first_boundary_drawn"]
        print(f"firstBoundaryMs without instrumentation: {c['median']:.1f} ({c['min']:.1f}-{c['max']:.1f}); "
              f"with: {v['median']:.1f}", file=sys.stderr)
    if "without_previews" in summary:
        v = summary["without_previews"]["first_painted_frame"]
        print(f"painted without previews: {v['median']:.1f} ({v['min']:.1f}-{v['max']:.1f})", file=sys.stderr)


if __name__ == "__main__":
    main()
