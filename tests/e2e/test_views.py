"""static/js/network.js, chart.js and colors.js in a real browser, on synthetic data."""

import pytest

BLANK = "<!doctype html><meta charset=utf-8><link rel=icon href='data:,'><title>views</title><body style='margin:0'>"

STRUCTURE = {"layers": [[4, 2, "tanh"], [2, 4, "tanh"], [1, 2, "sigmoid"]], "features": ["x1", "x2"]}

# Builds a NetworkView in a 640 px wide div; the callbacks' arguments go to window.calls.
SETUP_NETWORK = """async (structure) => {
    const { NetworkView } = await import("/static/js/network.js");
    const box = document.createElement("div");
    box.id = "net";
    box.style.width = "640px";
    document.body.append(box);
    window.calls = [];
    const record = (name) => (...args) => window.calls.push([name, ...args]);
    window.view = new NetworkView(box, {
        t: (key, params) => (key === "hidden_layers" ? `${params.n} hidden layers` : key),
        activations: ["relu", "tanh", "sigmoid", "linear"], limits: { maxLayers: 6, maxUnits: 8 },
        onEditWeight: record("edit"), onChangeLayers: record("layers"), onChangeActivation: record("activation"),
    });
    window.view.setStructure(structure);
}"""

# W[k][row][col] = (row - col) / 2 for the hidden layers; the output layer's W = [[-3, 1.5]].
WEIGHTS = [
    {"W": [[(r - c) / 2 for c in range(2)] for r in range(4)], "b": [0.1, 0.2, 0.3, 0.4]},
    {"W": [[(r - c) / 2 for c in range(4)] for r in range(2)], "b": [-0.5, 0.25]},
    {"W": [[-3.0, 1.5]], "b": [0.0]},
]

LINK = '#net path.nn-link[data-layer="{}"][data-row="{}"][data-col="{}"]'


@pytest.fixture
def view_page(page):
    """A blank page on the live server (so /static/ imports work), failing on any console error."""
    errors = []

    def on_console(message):  # the browser's own /favicon.ico request (the server has none) is not ours
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} at {message.location}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = page.url.rstrip("/") + "/views-test"
    page.route(url, lambda route: route.fulfill(status=200, content_type="text/html", body=BLANK))
    page.goto(url)
    yield page
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert errors == []


@pytest.fixture
def network(view_page):
    view_page.evaluate(SETUP_NETWORK, STRUCTURE)
    view_page.evaluate("(weights) => window.view.setWeights(weights)", WEIGHTS)
    return view_page


def stroke(page, layer, row, col):
    selector = LINK.format(layer, row, col)
    color, width = page.eval_on_selector(selector, "(p) => [p.getAttribute('stroke'), p.getAttribute('stroke-width')]")
    r, g, b = (int(v) for v in color.removeprefix("rgb(").removesuffix(")").split(","))
    return (r, g, b), float(width)


def calls(page):
    return page.evaluate("() => window.calls")


def test_colors_lut_and_weight_styles(view_page):
    result = view_page.evaluate("""async () => {
        const c = await import("/static/js/colors.js");
        const lut = c.divergingLUT();
        const at = (i) => Array.from(lut.slice(4 * i, 4 * i + 4));
        return { lut: [at(0), at(128), at(255)], length: lut.length, same: lut === c.divergingLUT(),
                 classes: c.CLASS_COLORS, styles: [-2, -0.1, 0, 0.1, 2].map((w) => c.weightStyle(w, 2)) };
    }""")
    assert result["length"] == 1024 and result["same"]
    assert result["lut"] == [[0xF5, 0x93, 0x22, 255], [0xE8, 0xEA, 0xEB, 255], [0x08, 0x77, 0xBD, 255]]
    assert result["classes"][:2] == ["#f59322", "#0877bd"] and len(set(result["classes"])) == 6
    widths = [style["width"] for style in result["styles"]]
    assert widths == [6, pytest.approx(0.775), 0.5, pytest.approx(0.775), 6]


def test_diagram_has_a_node_per_neuron_and_a_link_per_weight(network):
    assert network.locator("#net .nn-node canvas").count() == 2 + 4 + 2 + 1
    assert network.locator("#net path.nn-link").count() == 2 * 4 + 4 * 2 + 2 * 1
    assert network.locator("#net .nn-flabel").all_text_contents() == ["x1", "x2"]
    # Fig. 3-9's layer names over the columns (this test's t() returns the key).
    assert network.locator("#net .nn-layer-name").all_text_contents() == [
        "nn_input_layer", "nn_hidden_layer", "nn_hidden_layer", "nn_output_layer"]
    assert network.locator("#net select").evaluate_all("(s) => s.map((e) => e.value)") == ["tanh", "tanh"]
    assert "2 hidden layers" in network.locator("#net .nn-head").text_content()
    # Everything lies inside the container.
    box = network.locator("#net").bounding_box()
    for node in network.locator("#net .nn-node").all():
        rect = node.bounding_box()
        assert box["x"] <= rect["x"] and rect["x"] + rect["width"] <= box["x"] + box["width"]
        assert box["y"] <= rect["y"] and rect["y"] + rect["height"] <= box["y"] + box["height"]


def test_link_colour_follows_the_sign_and_width_grows_with_the_magnitude(network):
    (r, _, b), heavy = stroke(network, 3, 0, 0)  # w = -3, the largest |w|
    assert r > 200 and b < 100 and heavy == 6
    (r, _, b), medium = stroke(network, 3, 0, 1)  # w = 1.5
    assert b > r and 2 < medium < 6
    (r, _, b), light = stroke(network, 1, 1, 0)  # w = 0.5
    assert b > r and 0.5 < light < medium
    (r, _, b), _ = stroke(network, 1, 0, 1)  # w = -0.5
    assert r > b
    zero_color, zero = stroke(network, 1, 0, 0)  # w = 0
    assert zero == 0.5 and zero_color == (0xE8, 0xEA, 0xEB)
    # Updates change attributes on the same elements, not new ones.
    network.evaluate("() => { window.kept = document.querySelector('#net path.nn-link'); }")
    network.evaluate("(weights) => window.view.setWeights(weights)", [*WEIGHTS[:2], {"W": [[3.0, 1.5]], "b": [0]}])
    assert stroke(network, 3, 0, 0)[0][2] > 150  # now blue
    assert network.evaluate("() => window.kept.isConnected && window.kept === document.querySelector('#net path')")


def test_set_maps_paints_node_thumbnails(network):
    read = """([k, i]) => {
        const canvas = document.querySelector(`#net .nn-node[data-k="${k}"][data-i="${i}"] canvas`);
        const ctx = canvas.getContext("2d");
        return Array.from(ctx.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data);
    }"""
    assert network.evaluate(read, [1, 2]) == [0, 0, 0, 0]
    network.evaluate("""() => window.view.setMaps([
        { kind: "neuron", layer: 1, neuron: 2, shape: [8, 8], bytes: new Uint8Array(64).fill(255) },
        { kind: "input", layer: 0, neuron: 1, shape: [8, 8], bytes: new Uint8Array(64).fill(0) },
        { kind: "neuron", layer: 3, neuron: 0, shape: [16], bytes: new Uint8Array(16).fill(128) },
        { kind: "output", layer: 3, neuron: 0, shape: [8, 8], bytes: new Uint8Array(64) },
    ])""")
    assert network.evaluate(read, [1, 2]) == [0x08, 0x77, 0xBD, 255]  # POSITIVE
    assert network.evaluate(read, [0, 1]) == [0xF5, 0x93, 0x22, 255]  # NEGATIVE
    assert network.evaluate(read, [3, 0]) == [0xE8, 0xEA, 0xEB, 255]  # a 1-D map, ZERO
    assert network.evaluate(read, [1, 0]) == [0, 0, 0, 0]  # untouched
    # A later frame without that map keeps the picture, through a re-layout at another size and through
    # a new structure of the same shape (an activation changed).
    network.evaluate("() => window.view.setMaps([])")
    network.evaluate("() => { document.getElementById('net').style.width = '300px'; }")
    network.wait_for_function("() => document.querySelector('#net svg').getAttribute('width') === '300'")
    assert network.evaluate(read, [1, 2]) == [0x08, 0x77, 0xBD, 255]
    relu = [[4, 2, "relu"], [2, 4, "tanh"], [1, 2, "sigmoid"]]
    network.evaluate("(s) => window.view.setStructure(s)", {**STRUCTURE, "layers": relu})
    assert network.evaluate(read, [1, 2]) == [0x08, 0x77, 0xBD, 255]
    smaller = [[3, 2, "relu"], [2, 3, "tanh"], [1, 2, "sigmoid"]]
    network.evaluate("(s) => window.view.setStructure(s)", {**STRUCTURE, "layers": smaller})
    assert network.evaluate(read, [1, 2]) == [0, 0, 0, 0]


def test_layer_and_unit_buttons_call_on_change_layers(network):
    network.get_by_role("button", name="add_layer").click()
    network.get_by_role("button", name="remove_layer").click()
    network.get_by_role("group", name="h2").get_by_role("button", name="add_unit").click()
    network.get_by_role("group", name="h1").get_by_role("button", name="remove_unit").click()
    network.locator("#net select").first.select_option("relu")
    assert calls(network) == [["layers", [4, 2, 2]], ["layers", [4]], ["layers", [4, 3]], ["layers", [3, 2]],
                              ["activation", 0, "relu"]]
    # At the limits the buttons are disabled.
    full = {"features": ["x1"], "layers": [[8, 1, "relu"], [1, 8, "linear"]]}
    network.evaluate("(s) => window.view.setStructure(s)", full)
    assert network.get_by_role("button", name="add_unit").is_disabled()
    assert network.get_by_role("button", name="remove_unit").is_enabled()
    network.evaluate("""() => window.view.setStructure({ features: ["x1"], layers: [[1, 1, "linear"]] })""")
    assert network.get_by_role("button", name="remove_layer").is_disabled()
    network.get_by_role("button", name="add_layer").click()
    assert calls(network)[-1] == ["layers", [4]]


def test_editing_a_weight_and_a_bias_inline(network):
    editor = network.locator("#net input.nn-edit")
    network.locator('#net path.nn-hit[data-i="13"]').dispatch_event("click", {"clientX": 300, "clientY": 200})
    assert editor.is_visible() and editor.input_value() == "0"  # layer 2, row 1, col 1: (1 - 1) / 2
    editor.fill("abc")
    editor.press("Enter")
    assert editor.is_visible() and "nn-invalid" in editor.get_attribute("class") and calls(network) == []
    editor.fill("0.75")
    editor.press("Enter")
    assert editor.is_hidden()
    assert calls(network) == [["edit", 2, 1, 1, 0.75]]
    # Escape cancels.
    network.locator('#net path.nn-hit[data-i="0"]').dispatch_event("click", {"clientX": 100, "clientY": 150})
    editor.fill("9")
    editor.press("Escape")
    assert editor.is_hidden() and len(calls(network)) == 1
    # A node edits its bias.
    network.locator('#net .nn-node[data-k="2"][data-i="0"]').click()
    assert editor.input_value() == "-0.5"
    editor.fill("-1e-2")
    editor.press("Enter")
    assert calls(network)[-1] == ["edit", 2, 0, None, -0.01]
    # From the keyboard: Enter on a focused neuron, Escape gives the focus back.
    node = network.locator('#net .nn-node[data-k="1"][data-i="3"]')
    node.focus()
    network.keyboard.press("Enter")
    assert editor.is_visible() and editor.input_value() == "0.4"
    network.keyboard.press("Escape")
    assert editor.is_hidden() and node.evaluate("(el) => document.activeElement === el")
    assert len(calls(network)) == 2


def test_hover_shows_the_weight_and_the_bias(network):
    # A point on the link of layer 3, row 0, col 1 (w = 1.5) that no other link covers.
    point = network.evaluate("""() => {
        const links = [...document.querySelectorAll("#net path.nn-link")];
        const i = links.findIndex((p) => p.dataset.layer === "3" && p.dataset.col === "1");
        const hit = document.querySelectorAll("#net path.nn-hit")[i];
        const svg = hit.ownerSVGElement.getBoundingClientRect();
        for (let s = 0.3; s < 1; s += 0.05) {
            const p = hit.getPointAtLength(s * hit.getTotalLength());
            const [x, y] = [svg.left + p.x, svg.top + p.y];
            if (document.elementFromPoint(x, y) === hit) return [x, y];
        }
    }""")
    network.mouse.move(*point)
    tip = network.locator("#net .nn-tip")
    assert tip.is_visible() and "w = 1.500" in tip.text_content() and "weight" in tip.text_content()
    network.evaluate("(weights) => window.view.setWeights(weights)", [*WEIGHTS[:2], {"W": [[-3.0, 2.25]], "b": [0]}])
    assert "w = 2.250" in tip.text_content()  # live
    network.locator('#net .nn-node[data-k="2"][data-i="1"]').hover()
    assert "bias = 0.250" in tip.text_content()
    network.mouse.move(1, 1)
    assert tip.is_hidden()


def test_diagram_fits_narrow_and_wide_containers(network):
    big = {"layers": [[32, 7, "relu"]] * 1 + [[32, 32, "relu"]] * 5 + [[1, 32, "sigmoid"]],
           "features": ["x1", "x2", "x1^2", "x2^2", "x1x2", "sin(x1)", "sin(x2)"]}
    network.evaluate("(s) => window.view.setStructure(s)", big)
    for width in (360, 1000):
        network.evaluate(f"() => {{ document.getElementById('net').style.width = '{width}px'; }}")
        network.wait_for_function(f"() => document.querySelector('#net svg').getAttribute('width') === '{width}'")
        box = network.locator("#net").bounding_box()
        rects = network.locator("#net .nn-node").evaluate_all("(n) => n.map((e) => e.getBoundingClientRect().toJSON())")
        assert len(rects) == 7 + 6 * 32 + 1
        assert min(r["left"] for r in rects) >= box["x"] and max(r["right"] for r in rects) <= box["x"] + box["width"]
        assert max(r["bottom"] for r in rects) <= box["y"] + box["height"]
        assert 20 <= rects[0]["width"] <= 44
    # 30 updates with all maps and weights in a row leave one consistent diagram (speed: bench/bench_page.py).
    nodes = network.evaluate("""(layers) => {
        const maps = [];
        layers.forEach(([units], k) => { for (let i = 0; i < units; i++) maps.push(
            { kind: "neuron", layer: k + 1, neuron: i, shape: [20, 20], bytes: new Uint8Array(400).fill(i * 8) }); });
        const weights = layers.map(([u, n]) => ({ W: Array.from({ length: u }, () => Array.from({ length: n },
            () => Math.random() * 4 - 2)), b: new Array(u).fill(0) }));
        for (let i = 0; i < 30; i++) { window.view.setWeights(weights); window.view.setMaps(maps); }
        return document.querySelectorAll("#net .nn-node").length;
    }""", big["layers"])
    assert nodes == 7 + 6 * 32 + 1


def test_loss_chart_draws_hovers_and_resets(view_page):
    count_inked = """() => {
        const c = document.getElementById("chart");
        const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < data.length; i += 4) n += data[i] > 0;
        return n;
    }"""
    view_page.evaluate("""async () => {
        const { LossChart } = await import("/static/js/chart.js");
        const canvas = document.createElement("canvas");
        canvas.id = "chart";
        canvas.style.cssText = "width: 300px; height: 100px; display: block";
        document.body.append(canvas);
        window.chart = new LossChart(canvas, { t: (key) => key });
        const epochs = Array.from({ length: 5000 }, (_, i) => i + 1);
        window.chart.setHistory({ epoch: epochs, train_loss: epochs.map((e) => 1 / Math.sqrt(e)),
                                  test_loss: epochs.map((e) => (e % 7 ? 1.2 / Math.sqrt(e) : null)) });
        window.chart.draw();
    }""")
    size = view_page.evaluate("() => [chart.canvas.width, chart.canvas.height, chart.train.xs.length]")
    ratio = view_page.evaluate("() => devicePixelRatio")
    assert size[:2] == [round(300 * ratio), round(100 * ratio)] and size[2] <= 2000
    inked = view_page.evaluate(count_inked)
    assert inked > 500
    # Hovering draws a vertical line and a label.
    view_page.locator("#chart").hover(position={"x": 150, "y": 50})
    view_page.wait_for_function(f"() => ({count_inked})() > {inked}")
    # An epoch below the last starts over; reset() clears the canvas.
    view_page.evaluate("() => { chart.add(1, 0.5, null); chart.draw(); }")
    assert view_page.evaluate("() => chart.train.xs.length") == 1
    view_page.evaluate("() => chart.reset()")
    assert view_page.evaluate(count_inked) == 0
    view_page.evaluate("() => { chart.add(1, 0.5, 0.6); chart.add(2, 0.4, 0.5); chart.add(2, 0.3, null); }")
    view_page.evaluate("() => chart.draw()")
    assert view_page.evaluate(count_inked) > 0
    # The same epoch again (several frames per epoch) updates its point.
    points = view_page.evaluate("() => [chart.train.xs, chart.train.ys, chart.test.ys]")
    assert points == [[1, 2], [0.5, 0.3], [0.6, 0.5]]
