"""Models to and from the versioned JSON document."""

import json

import numpy as np
import pytest

from engine import Dense, Sequential, from_json, to_json


def trained_model():
    model = Sequential([Dense(5, "relu", input_dim=2), Dense(3, "softmax")], seed=4, dtype="float32", initializer="he")
    model.compile(loss="cross_entropy", optimizer="momentum", learning_rate=0.2, momentum=0.8,
                  regularization="l2", reg_rate=0.001)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    model.fit(X, rng.integers(0, 3, 30), epochs=3, batch_size=10)
    return model, X


def test_round_trip_keeps_architecture_weights_settings_and_predictions():
    model, X = trained_model()
    text = to_json(model)
    document = json.loads(text)
    assert document["format"] == "nnplay.model" and document["version"] == 1
    copy = from_json(text)
    assert [layer.config() for layer in copy.layers] == [layer.config() for layer in model.layers]
    for a, b in zip(copy.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    assert (copy.loss.name, copy.optimizer.name, copy.optimizer.learning_rate) == ("cross_entropy", "momentum", 0.2)
    assert copy.optimizer.momentum == 0.8 and copy.regularizer.name == "l2" and copy.reg_rate == 0.001
    assert copy.epoch == model.epoch == 3 and copy.dtype == model.dtype and copy.initializer == "he"


def test_uncompiled_model_round_trips():
    model = Sequential([Dense(1, "sigmoid", input_dim=2)])
    assert from_json(to_json(model)).loss is None


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="keras"), "not an nnplay model"),
    (lambda d: d.update(version=99), "unsupported model document version 99"),
    (lambda d: d.pop("weights"), "missing 'weights'"),
    (lambda d: d["layers"][0].update(activation="swish"), "layer 1: unknown activation"),
    (lambda d: d["weights"].pop(), "expected 4 arrays"),
    (lambda d: d["weights"][0][0].append(1.0), r"W\(1\) must be an array of numbers"),
    (lambda d: d["weights"].__setitem__(2, [[1.0]]), r"W\(2\) must have shape \(3, 5\)"),
    (lambda d: d["weights"].__setitem__(1, ["a"] * 5), r"b\(1\) must be an array of numbers"),
    (lambda d: d["compile"].update(loss="hinge"), "unknown loss"),
    (lambda d: d.update(layers=[]), "no layers"),
])
def test_bad_documents_are_refused_with_a_reason(mutate, message):
    model, _ = trained_model()
    document = model.to_dict()
    mutate(document)
    with pytest.raises(ValueError, match=message):
        Sequential.from_dict(document)


def test_invalid_json_text_is_a_value_error():
    with pytest.raises(ValueError, match="not valid JSON"):
        from_json("{nope")
