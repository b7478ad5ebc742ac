"""Dataset generators and the train/test split."""

import json

import numpy as np
import pytest

from engine import datasets
from engine.datasets import (
    DATASETS,
    Dataset,
    DatasetError,
    generate,
    train_test_split,
)

CLASSIFIERS = [name for name, spec in DATASETS.items() if spec.task == "classification"]
GATES = {
    "or": [0, 1, 1, 1],
    "and": [0, 0, 0, 1],
    "not_x1_and_x2": [0, 1, 0, 0],
    "x1_and_not_x2": [0, 0, 1, 0],
    "xor_gate": [0, 1, 1, 0],
}
CURVES = {"sine": lambda x: np.sin(np.pi * x), "abs": np.abs, "step": lambda x: (x >= 0) * 1.0,
          "cubic": lambda x: 4 * x**3 - 3 * x}


# ------------------------------------------------------------------ every generator


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_data_different_seed_different_data(name):
    a = generate(name, n_points=60, noise=0.2, seed=7)
    b = generate(name, n_points=60, noise=0.2, seed=7)
    c = generate(name, n_points=60, noise=0.2, seed=8)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", list(DATASETS))
def test_shapes_types_and_domain(name):
    spec = DATASETS[name]
    data = generate(name, n_points=101, noise=0.1, seed=1)
    expected_points = 100 if name in GATES else 101  # gates round to a multiple of 4
    assert data.n_points == expected_points
    assert data.X.shape == (expected_points, spec.dims) and data.X.dtype == np.float64
    assert data.y.shape == (expected_points,)
    assert data.task == spec.task and data.name == name
    assert len(data.domain) == spec.dims
    if spec.task == "classification":
        assert data.y.dtype == np.int64
        assert set(np.unique(data.y)) == set(range(data.n_classes))
    else:
        assert data.y.dtype == np.float64 and data.n_classes is None
        assert np.isfinite(data.y).all()


@pytest.mark.parametrize("name", ["circle", "xor", "gauss", "spiral", "plane", "multi_gaussian"])
def test_playground_sets_cover_the_playground_square(name):
    data = generate(name, n_points=500, noise=0.0, seed=2)
    assert data.domain == ((-6.0, 6.0), (-6.0, 6.0))
    assert np.abs(data.X).max() <= 6.0


# ------------------------------------------------------------------ TensorFlow Playground's sets


def test_circle_labels_follow_the_radius_at_noise_0():
    data = generate("circle", n_points=400, noise=0.0, seed=3)
    radius = np.hypot(data.X[:, 0], data.X[:, 1])
    np.testing.assert_array_equal(data.y, (radius < 2.5).astype(int))
    assert (data.y == 1).sum() == 200
    assert not ((radius > 2.5) & (radius < 3.5)).any()  # the gap between disc and ring


def test_circle_noise_flips_labels_but_not_points():
    clean = generate("circle", n_points=400, noise=0.0, seed=3)
    noisy = generate("circle", n_points=400, noise=0.5, seed=3)
    radius = np.hypot(noisy.X[:, 0], noisy.X[:, 1])
    assert radius.max() <= 5.0  # stored points stay un-noised
    assert (noisy.y != (radius < 2.5)).any()
    assert np.array_equal(clean.X, noisy.X)


def test_xor_labels_follow_the_sign_of_the_product_at_noise_0():
    data = generate("xor", n_points=400, noise=0.0, seed=4)
    np.testing.assert_array_equal(data.y, (data.X[:, 0] * data.X[:, 1] >= 0).astype(int))
    assert np.abs(data.X).min() >= 0.3  # padding away from the axes


def test_gauss_clouds_sit_around_their_centres_and_widen_with_noise():
    tight = generate("gauss", n_points=2000, noise=0.0, seed=5)
    wide = generate("gauss", n_points=2000, noise=0.5, seed=5)
    np.testing.assert_allclose(tight.X[tight.y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(tight.X[tight.y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert wide.X[wide.y == 1].std() > 2 * tight.X[tight.y == 1].std()


def test_spiral_arms_interleave():
    data = generate("spiral", n_points=4000, noise=0.0, seed=0)
    arm1, arm0 = data.X[data.y == 1], data.X[data.y == 0]
    assert len(arm1) == len(arm0) == 2000
    np.testing.assert_allclose(arm0, -arm1, atol=1e-12)  # the second arm is the first turned by pi
    assert np.hypot(data.X[:, 0], data.X[:, 1]).max() < 5.0
    # Walking outwards along any ray from the origin, the two arms take turns.
    angle = np.arctan2(data.X[:, 1], data.X[:, 0])
    for direction in np.linspace(0, 2 * np.pi, 8, endpoint=False):
        on_ray = np.abs(np.angle(np.exp(1j * (angle - direction)))) < 0.03
        labels = data.y[on_ray][np.argsort(np.hypot(*data.X[on_ray].T))]
        assert np.count_nonzero(np.diff(labels)) >= 2, direction


def test_plane_target_is_the_scaled_sum_at_noise_0():
    data = generate("plane", n_points=300, noise=0.0, seed=6)
    np.testing.assert_allclose(data.y, data.X.sum(axis=1) / 10)


def test_multi_gaussian_peaks_and_signs_at_noise_0():
    data = generate("multi_gaussian", n_points=3000, noise=0.0, seed=6)
    assert -1 <= data.y.min() < 0 < data.y.max() <= 1
    near_first = np.hypot(data.X[:, 0] + 4, data.X[:, 1] - 2.5) < 1
    near_second = np.hypot(data.X[:, 0], data.X[:, 1] - 2.5) < 1
    assert (data.y[near_first] > 0).all() and (data.y[near_second] < 0).all()
    far = np.abs(data.X[:, 1]) > 5
    np.testing.assert_array_equal(data.y[far], 0.0)


# ------------------------------------------------------------------ Boolean gates


@pytest.mark.parametrize(("name", "truth"), list(GATES.items()))
def test_gates_give_the_exact_truth_table_at_noise_0(name, truth):
    data = generate(name, n_points=4, noise=0.0, seed=0)
    np.testing.assert_array_equal(data.X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(data.y, truth)
    assert data.domain == ((-0.5, 1.5), (-0.5, 1.5))
    more = generate(name, n_points=12, noise=0.0, seed=0)
    np.testing.assert_array_equal(more.X, np.tile(data.X, (3, 1)))
    np.testing.assert_array_equal(more.y, np.tile(truth, 3))


@pytest.mark.parametrize(("requested", "made"), [(1, 4), (4, 4), (5, 4), (6, 8), (7, 8), (10, 12)])
def test_gates_round_n_points_to_a_multiple_of_4(requested, made):
    assert generate("xor_gate", n_points=requested).n_points == made


def test_gate_noise_jitters_points_but_keeps_labels():
    data = generate("and", n_points=400, noise=1.0, seed=3)
    corners = np.tile([[0, 0], [0, 1], [1, 0], [1, 1]], (100, 1))
    offsets = data.X - corners
    assert 0.15 < offsets.std() < 0.35
    np.testing.assert_array_equal(data.y, np.tile(GATES["and"], 100))


# ------------------------------------------------------------------ multi-class


@pytest.mark.parametrize("name", ["blobs", "spiral_arms"])
@pytest.mark.parametrize("k", [2, 3, 6])
def test_multi_class_sets_have_k_classes_with_even_counts(name, k):
    data = generate(name, n_points=100, noise=0.1, seed=2, n_classes=k)
    counts = np.bincount(data.y, minlength=k)
    assert data.n_classes == k and len(counts) == k
    assert counts.sum() == 100 and counts.max() - counts.min() <= 1


def test_multi_class_default_is_3_classes():
    assert generate("blobs", n_points=30).n_classes == 3


def test_blob_centres_lie_on_a_circle():
    data = generate("blobs", n_points=3000, noise=0.0, seed=1, n_classes=4)
    for j in range(4):
        centre = data.X[data.y == j].mean(axis=0)
        np.testing.assert_allclose(np.hypot(*centre), 3.5, atol=0.1)


# ------------------------------------------------------------------ 1-D regression


@pytest.mark.parametrize(("name", "function"), list(CURVES.items()))
def test_curves_equal_their_function_at_noise_0(name, function):
    data = generate(name, n_points=200, noise=0.0, seed=9)
    x = data.X[:, 0]
    assert data.domain == ((-1.0, 1.0),) and data.X.shape == (200, 1)
    assert x.min() >= -1 and x.max() <= 1 and (np.diff(x) >= 0).all()
    np.testing.assert_allclose(data.y, function(x))


def test_curve_noise_is_gaussian_on_the_targets():
    data = generate("sine", n_points=5000, noise=1.0, seed=9)
    residual = data.y - np.sin(np.pi * data.X[:, 0])
    assert 0.17 < residual.std() < 0.23


def test_expression_dataset_evaluates_the_users_function():
    data = generate("expression", n_points=50, expression="x^2 - 1")
    np.testing.assert_allclose(data.y, data.X[:, 0] ** 2 - 1)
    default = generate("expression", n_points=50)
    np.testing.assert_allclose(default.y, np.sin(3 * default.X[:, 0]))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "not allowed"),
        ("y + 1", "unknown name 'y'"),
        ("log(x - 2)", "not finite"),
        (3, "text"),
    ],
)
def test_expression_dataset_reports_the_parsers_message(expression, message):
    with pytest.raises(DatasetError, match=message):
        generate("expression", n_points=20, expression=expression)


# ------------------------------------------------------------------ registry and argument checks


def test_get_and_describe():
    assert datasets.get("circle").task == "classification"
    with pytest.raises(ValueError, match="unknown dataset 'moons'.*circle"):
        datasets.get("moons")
    described = {d["name"]: d for d in datasets.describe()}
    assert list(described) == list(DATASETS)
    assert described["sine"]["dims"] == 1 and described["circle"]["dims"] == 2
    (n_classes,) = described["blobs"]["params"]
    assert n_classes["name"] == "n_classes"
    assert (n_classes["default"], n_classes["min"], n_classes["max"]) == (3, 2, 6)
    assert described["expression"]["params"][0]["default"] == "sin(3*x)"
    json.dumps(datasets.describe())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_points": 0}, "n_points"),
        ({"n_points": 100_001}, "n_points"),
        ({"n_points": 2.5}, "n_points"),
        ({"noise": -0.1}, "noise"),
        ({"noise": 1.5}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"seed": -1}, "seed"),
        ({"n_classes": 3}, "no parameter 'n_classes'"),
    ],
)
def test_generate_validates_arguments(kwargs, message):
    with pytest.raises(DatasetError, match=message):
        generate("circle", **{"n_points": 10, **kwargs})


@pytest.mark.parametrize("k", [1, 7, 2.5, True])
def test_generate_validates_parameter_ranges(k):
    with pytest.raises(DatasetError, match="n_classes must be a whole number from 2 to 6"):
        generate("spiral_arms", n_points=10, n_classes=k)


# ------------------------------------------------------------------ Dataset


def test_dataset_round_trips_through_json():
    for name in ("spiral_arms", "cubic"):
        data = generate(name, n_points=30, noise=0.2, seed=1)
        again = Dataset.from_dict(json.loads(json.dumps(data.to_dict())))
        np.testing.assert_array_equal(again.X, data.X)
        np.testing.assert_array_equal(again.y, data.y)
        assert again.y.dtype == data.y.dtype
        assert (again.task, again.n_classes, again.name, again.domain) == (
            data.task, data.n_classes, data.name, data.domain)


def test_subset_keeps_metadata():
    data = generate("blobs", n_points=30, seed=1, n_classes=4)
    part = data.subset([3, 0, 7])
    np.testing.assert_array_equal(part.X, data.X[[3, 0, 7]])
    assert part.n_classes == 4 and part.domain == data.domain and part.task == data.task
    assert data.subset([]).X.shape == (0, 2)


# ------------------------------------------------------------------ user points








# ------------------------------------------------------------------ CSV








# ------------------------------------------------------------------ train/test split


@pytest.mark.parametrize(("ratio", "n_train"), [(0.5, 50), (0.8, 80), (1.0, 100), (0.001, 1)])
def test_split_sizes_and_disjointness(ratio, n_train):
    data = generate("xor", n_points=100, seed=1)
    train, test = train_test_split(data, ratio, seed=3)
    assert (train.n_points, test.n_points) == (n_train, 100 - n_train)
    together = np.concatenate([train.X, test.X])
    assert len(np.unique(together, axis=0)) == 100  # disjoint and complete
    assert train.task == test.task == data.task and test.domain == data.domain


def test_split_is_seeded():
    data = generate("gauss", n_points=50, seed=1)
    a, _ = train_test_split(data, 0.6, seed=5)
    b, _ = train_test_split(data, 0.6, seed=5)
    c, _ = train_test_split(data, 0.6, seed=6)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("ratio", [0, -0.5, 1.5, float("nan"), "0.5"])
def test_split_rejects_bad_ratios(ratio):
    with pytest.raises(DatasetError, match="train_ratio"):
        train_test_split(generate("xor", n_points=10), ratio, seed=0)


def test_dataset_rejects_inconsistent_fields():
    good = generate("xor", n_points=4).to_dict()
    with pytest.raises(DatasetError, match="whole numbers"):
        Dataset.from_dict({**good, "y": [0, 1.5, 1, 0]})
    with pytest.raises(DatasetError, match="y has shape"):
        Dataset.from_dict({**good, "y": [0, 1]})
