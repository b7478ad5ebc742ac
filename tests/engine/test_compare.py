"""Deep versus shallow at equal parameter counts (Table 3-2's experiment)."""

import pytest

from engine import Dense, Sequential
from engine.compare import matching_width, parameter_count, plan


def test_parameter_count_matches_the_engines_own_model():
    model = Sequential([Dense(8, "tanh", input_dim=2), Dense(8, "tanh"), Dense(3, "softmax")])
    assert parameter_count(2, [8, 8], 3) == model.n_params


@pytest.mark.parametrize("k", [1, 2, 3, 5, 7])
def test_shallow_width_matches_the_deep_count_as_nearly_as_whole_units_allow(k):
    row = plan(2, 1, 8, [k])[0]
    per_unit = 2 + 1 + 1
    assert abs(row["shallow_parameters"] - row["deep_parameters"]) <= per_unit / 2
    assert row["deep"] == [8] * k and len(row["shallow"]) == 1


def test_counts_are_exactly_equal_when_whole_units_allow_it():
    deep = parameter_count(10, [20] * 3, 10)  # 220 + 2 * 420 + 210 = 1270
    m = matching_width(10, 10, deep)
    assert (m, parameter_count(10, [m], 10)) == (60, deep)
