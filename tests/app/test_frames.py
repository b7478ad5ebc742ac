"""Frame encoding: change detection, the byte budget, and a round trip through the Python decoder."""

import numpy as np

from app.host.frames import FrameEncoder, LayerMaps, Snapshot, decode, quantize


def snapshot(values: np.ndarray, weights=None, kind="neuron") -> Snapshot:
    return Snapshot({"type": "frame", "epoch": 1}, np.zeros(4) if weights is None else weights,
                    [LayerMaps(1, values, (-1.0, 1.0), kind)])


def test_round_trip_within_one_quantization_step():
    rng = np.random.default_rng(0)
    values = np.tanh(rng.normal(size=(3, 20, 20))).astype(np.float32)
    weights = rng.normal(size=30).astype(np.float32)
    header, decoded_weights, maps = decode(FrameEncoder(1e9).encode(snapshot(values, weights)))
    np.testing.assert_allclose(decoded_weights, weights, rtol=1e-3, atol=1e-3)  # float16
    for j in range(3):
        np.testing.assert_allclose(maps[("neuron", 1, j)], values[j], atol=1 / 255 + 1e-6)


def test_only_visibly_changed_maps_are_sent_again():
    encoder = FrameEncoder(1e9)
    values = np.zeros((3, 8, 8), dtype=np.float32)
    first = decode(encoder.encode(snapshot(values)))[2]
    assert len(first) == 3  # all new, including the all-zero ones
    values[1] += 0.5
    values[2] += 0.001  # below one quantization level
    second = decode(encoder.encode(snapshot(values)))[2]
    assert list(second) == [("neuron", 1, 1)]


def test_budget_caps_bytes_and_every_map_gets_its_turn():
    rng = np.random.default_rng(1)
    encoder = FrameEncoder(bytes_per_second=3000)
    seen, total = set(), 0
    for _ in range(30):
        encoder._last_refill -= 1.0  # as if a second passed: one second's budget comes in
        values = rng.uniform(-1, 1, size=(12, 20, 20)).astype(np.float32)  # incompressible, changes every time
        frame = encoder.encode(snapshot(values))
        total += len(frame)
        header, _, maps = decode(frame)
        seen |= set(maps)
        assert header["maps_pending"] + len(maps) == 12
        assert 0 < len(maps) < 12
    assert total <= 30 * 3000 * 1.05  # within the budget over time
    assert seen == {("neuron", 1, j) for j in range(12)}


def test_quantize_maps_the_range_onto_bytes():
    q = quantize(np.array([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=np.float32), -1.0, 1.0)
    np.testing.assert_array_equal(q, [0, 0, 128, 255, 255])


def test_quantize_turns_overflowed_values_and_ranges_into_bytes_without_warnings():
    """Huge weights (a ReLU network just before it diverged) overflow float32 on the grid: infinities clip to
    the ends, NaN and a range of no width give 0, and NumPy warns of nothing."""
    values = np.array([[0, 1, 2], [np.inf, -np.inf, np.nan], [1e38, 3e38, 2e38]], dtype=np.float32)
    with np.errstate(all="raise"):
        q = quantize(values, np.array([[0.0], [0.0], [1e38]]), np.array([[2.0], [1.0], [3e38]]))
        flat = quantize(np.full((1, 3), 5.0, dtype=np.float32), 5.0, 5.0)
    assert q.tolist() == [[0, 128, 255], [255, 0, 0], [0, 255, 127]] and flat.tolist() == [[0, 0, 0]]
