"""Input features: registry, validation and the fast transform used on heatmap grids."""


import numpy as np
import pytest

from engine import features
from engine.features import FEATURES, FeatureMap


def test_registry_names_and_labels():
    labels = {name: feature.label for name, feature in FEATURES.items()}
    assert labels == {
        "x1": "X₁", "x2": "X₂", "x1^2": "X₁²", "x2^2": "X₂²", "x1*x2": "X₁X₂",
        "sin(x1)": "sin(X₁)", "sin(x2)": "sin(X₂)",
    }
    one_column = {name for name, feature in FEATURES.items() if feature.required_columns == 1}
    assert one_column == {"x1", "x1^2", "sin(x1)"}


def test_each_feature_computes_its_formula():
    X = np.random.default_rng(0).uniform(-3, 3, (50, 2))
    x1, x2 = X[:, 0], X[:, 1]
    expected = {
        "x1": x1, "x2": x2, "x1^2": x1**2, "x2^2": x2**2, "x1*x2": x1 * x2,
        "sin(x1)": np.sin(x1), "sin(x2)": np.sin(x2),
    }
    for name, values in expected.items():
        np.testing.assert_allclose(features.get(name).fn(X), values)
        np.testing.assert_allclose(FeatureMap([name]).transform(X)[:, 0], values)


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match="unknown feature 'x3'.*x1, x2"):
        features.get("x3")


def test_describe_follows_registry_order():
    described = features.describe()
    assert [d["name"] for d in described] == list(FEATURES)
    assert all({"name", "label", "description"} <= set(d) for d in described)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        ([], "at least one"),
        (["x1", "x9"], "unknown feature 'x9'"),
        (["x1", "x1"], "chosen twice"),
        ("x1", "list"),
    ],
)
def test_feature_map_rejects_bad_choices(names, message):
    with pytest.raises(ValueError, match=message):
        FeatureMap(names)


def test_transform_shape_order_and_dtype():
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    fmap = FeatureMap(["x1*x2", "x1", "x2^2"])
    out = fmap.transform(X)
    assert fmap.n_features == 3 and out.shape == (2, 3) and out.dtype == np.float64
    np.testing.assert_allclose(out, [[2.0, 1.0, 4.0], [-3.0, 3.0, 1.0]])
    assert fmap.transform(X.astype(np.float32)).dtype == np.float32
    assert fmap.transform(X, dtype=np.float32).dtype == np.float32
    assert fmap.transform(np.array([[1, 2]])).dtype == np.float64
    assert out.flags.c_contiguous


def test_transform_leaves_input_untouched():
    X = np.array([[0.5, -2.0]])
    FeatureMap(list(FEATURES)).transform(X)
    np.testing.assert_array_equal(X, [[0.5, -2.0]])


def test_one_dimensional_data_uses_x1_features_only():
    X = np.linspace(-1, 1, 5)[:, None]
    out = FeatureMap(["x1", "x1^2", "sin(x1)"]).transform(X)
    np.testing.assert_allclose(out[:, 1], X[:, 0] ** 2)
    with pytest.raises(ValueError, match="x2.*2 input columns"):
        FeatureMap(["x1", "x2"]).transform(X)
    with pytest.raises(ValueError, match="2-D"):
        FeatureMap(["x1"]).transform(np.zeros(3))


def test_round_trip_through_dict():
    fmap = FeatureMap(["sin(x2)", "x1"])
    assert fmap.to_dict() == {"names": ["sin(x2)", "x1"]}
    assert FeatureMap.from_dict(fmap.to_dict()) == fmap
    with pytest.raises(ValueError):
        FeatureMap.from_dict({})


