"""The Sequential model: the chapter's worked example, the public API and its error messages."""

import numpy as np
import pytest

from engine import Dense, Sequential

FIG_3_13 = [
    [[1, -2], [-1, 1]], [1, 0],
    [[2, -1], [-2, -1]], [0, 0],
    [[3, -1], [-1, 4]], [-2, 2],
]


def fig_3_13_model(dtype="float64"):
    model = Sequential([Dense(2, activation="sigmoid", input_dim=2), Dense(2, activation="sigmoid"),
                        Dense(2, activation="sigmoid")], dtype=dtype)
    model.set_weights(FIG_3_13)
    return model


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("x, hidden1, hidden2, output", [
    ((1, -1), (0.98, 0.12), (0.86, 0.11), (0.62, 0.83)),
    ((0, 0), (0.73, 0.50), (0.72, 0.12), (0.51, 0.85)),
])
def test_fig_3_13_worked_example_at_every_layer(dtype, x, hidden1, hidden2, output):
    trace = fig_3_13_model(dtype).forward_trace([x])
    for got, expected in zip(trace.outputs, (hidden1, hidden2, output), strict=True):
        np.testing.assert_allclose(np.round(got[0].astype(np.float64), 2), expected, atol=1e-6)
    np.testing.assert_allclose(trace.linear[0][0], np.array(FIG_3_13[0]) @ x + FIG_3_13[1])  # a(1) = W(1) x + b(1)


def test_weights_round_trip_in_the_chapters_shapes():
    model = Sequential([Dense(4, "tanh", input_dim=3), Dense(2, "sigmoid")])
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(4, 3), (4,), (2, 4), (2,)]  # W(k): (units k, units k-1)
    new = [np.full(s, i, dtype=float) for i, s in enumerate(shapes)]
    model.set_weights(new)
    for got, expected in zip(model.get_weights(), new, strict=True):
        np.testing.assert_array_equal(got, expected)
    model.get_weights()[0][...] = 99  # copies, not views
    assert model.get_weights()[0][0, 0] == 0


def test_set_weights_explains_what_is_wrong_and_changes_nothing():
    model = Sequential([Dense(2, "tanh", input_dim=2), Dense(1, "sigmoid")])
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"W\(2\) must have shape \(1, 2\)"):
        model.set_weights([before[0], before[1], np.zeros((2, 2)), before[3]])
    with pytest.raises(ValueError, match="expected 4 arrays"):
        model.set_weights(before[:2])
    with pytest.raises(ValueError, match=r"b\(1\) contains NaN"):
        model.set_weights([before[0], [np.nan, 0], before[2], before[3]])
    for got, expected in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_set_weight_changes_one_value_and_refuses_what_does_not_fit():
    model = Sequential([Dense(2, "tanh", input_dim=2), Dense(1, "sigmoid")])
    before = model.get_weights()
    model.set_weight(2, 0, 1, 0.5)
    model.set_weight(1, 1, None, -3.0)
    after = model.get_weights()
    assert after[2][0, 1] == 0.5 and after[1][1] == -3.0
    before[2][0, 1], before[1][1] = 0.5, -3.0
    for got, expected in zip(after, before, strict=True):
        np.testing.assert_array_equal(got, expected)
    for args in ((0, 0, 0), (3, 0, 0), (1, 2, 0), (1, 0, 2)):
        with pytest.raises(IndexError):
            model.set_weight(*args, 1.0)
    with pytest.raises(ValueError, match="finite float32"):
        model.set_weight(1, 0, 0, 1e39)


@pytest.mark.parametrize("layers, message", [
    ([], "at least one layer"),
    ([Dense(2, "tanh")], "needs input_dim"),
    ([Dense(2, "softmax", input_dim=2), Dense(1)], "only be used on the output layer"),
    ([Dense(2, "tanh", input_dim=2), Dense(1, input_dim=3)], "expects 3 inputs but receives 2"),
])
def test_bad_structures_are_refused_clearly(layers, message):
    with pytest.raises(ValueError, match=message):
        Sequential(layers)


def test_bad_layer_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="positive whole number of units"):
        Dense(0)
    with pytest.raises(ValueError, match="unknown activation"):
        Dense(2, "swish")
    with pytest.raises(ValueError, match="dtype"):
        Sequential([Dense(1, input_dim=1)], dtype="float16")


def test_same_seed_same_weights_and_reset_reproduces_them():
    build = lambda seed: Sequential([Dense(5, "tanh", input_dim=2), Dense(1)], seed=seed)  # noqa: E731
    a, b, c = build(3), build(3), build(4)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(a.get_weights()[0], c.get_weights()[0])
    initial = a.get_weights()
    a.compile(loss="squared_error", optimizer="adam", learning_rate=0.1)
    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.random.default_rng(1).normal(size=20)
    a.fit(X, y, epochs=3, batch_size=5)
    assert not np.array_equal(a.get_weights()[0], initial[0])
    a.initialize()
    np.testing.assert_array_equal(a.get_weights()[0], initial[0])
    assert a.epoch == 0


@pytest.mark.parametrize("name, check", [
    ("uniform", lambda w, fan_in, fan_out: np.abs(w).max() <= 0.5),
    ("xavier", lambda w, fan_in, fan_out: np.abs(w).max() <= np.sqrt(6 / (fan_in + fan_out))),
    ("he", lambda w, fan_in, fan_out: abs(w.std() - np.sqrt(2 / fan_in)) < 0.1 * np.sqrt(2 / fan_in)),
])
def test_initializers_draw_from_their_documented_distributions(name, check):
    model = Sequential([Dense(300, "relu", input_dim=200), Dense(1)], initializer=name)
    W = model.get_weights()[0]
    assert check(W, 200, 300)
    assert W.std() > 0
    np.testing.assert_array_equal(model.get_weights()[1], 0)  # biases start at zero


def test_compile_defaults_to_the_natural_loss_pair_and_checks_the_pair():
    pairs = [("linear", "squared_error"), ("sigmoid", "binary_cross_entropy"), ("softmax", "cross_entropy")]
    for output, loss in pairs:
        model = Sequential([Dense(3, output, input_dim=2)])
        model.compile()
        assert model.loss.name == loss
    model = Sequential([Dense(3, "tanh", input_dim=2)])
    with pytest.raises(ValueError, match="cannot follow a 'tanh' output"):
        model.compile(loss="cross_entropy")
    with pytest.raises(ValueError, match="unknown optimizer"):
        model.compile(optimizer="rmsprop")
    with pytest.raises(ValueError, match="learning rate must be a positive"):
        model.compile(learning_rate=-1)
    with pytest.raises(RuntimeError, match="compile"):
        Sequential([Dense(1, input_dim=1)]).compute_loss([[0.0]], [0.0])


def test_compute_loss_mean_and_eq_3_10_sum():
    model = fig_3_13_model()
    model.compile(loss="cross_entropy")
    X = np.array([[1, -1], [0, 0]])
    y = np.array([0, 1])
    out = model.predict(X)
    per_sample = -np.log([out[0, 0], out[1, 1]])
    assert model.compute_loss(X, y, reduction="sum") == pytest.approx(per_sample.sum())  # eq. 3.10
    assert model.compute_loss(X, y) == pytest.approx(per_sample.mean())


def test_inputs_are_checked():
    model = Sequential([Dense(2, "tanh", input_dim=2), Dense(1)])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        model.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        model.predict([[np.nan, 0]])
    assert model.predict([0.5, 0.5]).shape == (1, 1)


def test_class_labels_become_targets_in_the_outputs_range():
    tanh_model = Sequential([Dense(1, "tanh", input_dim=2)])
    T, labels = tanh_model.encode_targets(np.array([0, 1]))
    np.testing.assert_array_equal(T[:, 0], [-1, 1])  # TensorFlow Playground's -1/+1
    softmax_model = Sequential([Dense(3, "softmax", input_dim=2)])
    T, _ = softmax_model.encode_targets(np.array([2, 0]))
    np.testing.assert_array_equal(T, [[0, 0, 1], [1, 0, 0]])  # one-hot, eq. 3.9
    with pytest.raises(ValueError, match="needs more outputs"):
        softmax_model.encode_targets(np.array([3]))
    with pytest.raises(ValueError, match="labels must be 0 or 1"):
        tanh_model.encode_targets(np.array([2]))


def test_summary_counts_parameters():
    model = Sequential([Dense(8, "tanh", input_dim=2)] + [Dense(8, "tanh") for _ in range(5)] + [Dense(1, "sigmoid")])
    assert model.n_params == (2 * 8 + 8) + 5 * (8 * 8 + 8) + (8 + 1)
    assert f"{model.n_params} parameters" in model.summary()


def test_an_overflowing_network_has_an_infinite_loss_never_nan():
    model = Sequential([Dense(2, "linear", input_dim=2), Dense(2, "softmax")], dtype="float32")
    model.set_weights([np.full((2, 2), 3e38), [0, 0], [[3e38, -3e38], [-3e38, 3e38]], [0, 0]])
    model.compile(loss="cross_entropy")
    with np.errstate(all="ignore"):
        loss = model.compute_loss([[1.0, 1.0], [-1.0, 2.0]], np.array([0, 1]))
        report = model.evaluate([[1.0, 1.0], [-1.0, 2.0]], np.array([0, 1]))
    assert not np.isnan(loss) and not np.isnan(report["loss"])
