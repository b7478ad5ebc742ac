"""One neuron's geometry (eq. 3.3, Fig. 3-4) and its outputs under Table 3-1's activations."""

import numpy as np
import pytest

from engine import neuron


def test_decision_line_normal_distance_and_nearest_point():
    line = neuron.decision_line([3.0, 4.0], -10.0)
    np.testing.assert_allclose(line["normal"], [0.6, 0.8])
    assert line["distance"] == pytest.approx(2.0)  # |b| / ||w||
    nearest = np.array(line["nearest_point"])
    assert np.dot([3.0, 4.0], nearest) - 10.0 == pytest.approx(0)  # on the line
    assert np.linalg.norm(nearest) == pytest.approx(2.0)


def test_no_line_without_weights():
    with pytest.raises(ValueError, match="no line"):
        neuron.decision_line([0, 0], 1)


def test_outputs_of_the_six_activations_follow_table_3_1():
    values = {o["name"]: o for o in neuron.outputs(0.0)}
    assert list(values) == ["linear", "step", "sign", "sigmoid", "tanh", "relu"]
    assert (values["step"]["value"], values["sign"]["value"], values["relu"]["value"]) == (1.0, 1.0, 0.0)
    assert values["sigmoid"]["value"] == pytest.approx(0.5) and values["tanh"]["value"] == 0
    assert values["sign"]["surrogate"] and not values["tanh"]["surrogate"]
    graph = values["tanh"]["graph"]
    np.testing.assert_allclose(graph["g"], np.tanh(graph["a"]))


def test_evaluate_gives_the_linear_input_of_eq_3_1_with_the_line_and_each_activation():
    result = neuron.evaluate([1.0, 1.0], -1.5, [1.0, 1.0])  # AND by hand: 1 + 1 - 1.5
    assert result["a"] == 0.5
    assert result["line"] == neuron.decision_line([1.0, 1.0], -1.5)
    by_name = {entry["name"]: entry["value"] for entry in result["activations"]}
    assert by_name["step"] == 1.0 and by_name["linear"] == 0.5 and by_name["relu"] == 0.5
