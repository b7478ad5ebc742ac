"""static/js/protocol.js decodes frames exactly as docs/protocol.md says, in a real browser."""

import base64

import numpy as np

from app.host.frames import FrameEncoder, LayerMaps, Snapshot, decode

DECODE_IN_BROWSER = """async (encoded) => {
    const { decodeFrame, splitWeights } = await import("/static/js/protocol.js");
    const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    const frame = await decodeFrame(bytes.buffer);
    return {
        header: frame.header,
        weights: frame.weights ? Array.from(frame.weights) : null,
        layers: frame.weights ? splitWeights(frame.weights, [[3, 2, "tanh"], [1, 3, "sigmoid"]]) : null,
        maps: frame.maps.map((m) => ({ key: [m.kind, m.layer, m.neuron], values: Array.from(m.values) })),
    };
}"""


def make_frame(compressible: bool) -> bytes:
    rng = np.random.default_rng(3)
    if compressible:  # smooth maps: the payload is deflated
        x = np.linspace(-1, 1, 40, dtype=np.float32)
        values = np.stack([np.tanh(np.add.outer(x, k * x)) for k in (1, 2, 3)])
    else:  # tiny maps: sent raw
        values = rng.uniform(-1, 1, size=(3, 4, 4)).astype(np.float32)
    output = rng.uniform(0, 5, size=(1, 6, 6)).astype(np.float32)  # a dynamic range
    weights = np.concatenate([rng.normal(size=9), [70000.0, -3e5, 1e-6, 0.5]]).astype(np.float32)  # float16 limits
    shot = Snapshot({"type": "frame", "epoch": 7, "train_loss": 0.25}, weights,
                    [LayerMaps(2, output, None, "output"), LayerMaps(1, values, (-1.0, 1.0), "neuron")])
    return FrameEncoder(1e9).encode(shot)


def test_browser_decoder_matches_the_python_decoder(page):
    for compressible in (True, False):
        frame = make_frame(compressible)
        assert bool(frame[5] & 1) == compressible  # the deflate flag is exercised both ways
        header, weights, maps = decode(frame)
        result = page.evaluate(DECODE_IN_BROWSER, base64.b64encode(frame).decode())
        assert result["header"] == header
        np.testing.assert_array_equal(np.array(result["weights"], dtype=np.float32), weights)
        assert result["layers"][0]["W"][1] == list(map(float, weights[2:4]))
        assert len(result["maps"]) == len(maps) == 4
        for entry in result["maps"]:
            expected = maps[tuple(entry["key"])].ravel()
            np.testing.assert_allclose(entry["values"], expected, rtol=1e-6, atol=1e-6)
