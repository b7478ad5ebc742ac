"""Datasets: seeded generators (TensorFlow Playground's sets and the course's own) and user data.

Every generator is reproducible: ``generate(name, n_points, noise, seed)`` draws only from
``np.random.default_rng(seed)``, so the same arguments always give the same points.
Classification labels are int64 classes 0..k-1 (TensorFlow Playground's +1 is class 1,
its -1 class 0); regression targets are float64.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from engine.expressions import ExpressionError, evaluate_finite, parse_expression

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)
MAX_POINTS = 100_000
MAX_USER_POINTS = 10_000
MAX_CLASSES = 6
MAX_COORDINATE = 1e6  # raw coordinates and regression targets of user data and inputs, in size at most

Domain = tuple[tuple[float, float], ...]
PLAYGROUND_DOMAIN: Domain = ((-6.0, 6.0), (-6.0, 6.0))
GATE_DOMAIN: Domain = ((-0.5, 1.5), (-0.5, 1.5))
LINE_DOMAIN: Domain = ((-1.0, 1.0),)


class DatasetError(ValueError):
    """A dataset request or user data that cannot be used, with a message saying why.

    Errors a student can make in their own data also carry a ``code`` (``data.*``) and the ``params`` that
    say where (row or line, column), so that a server can say the same in the student's language;
    ``code`` is None for the others.
    """

    def __init__(self, message: str, code: str | None = None, **params: object):
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(eq=False)  # arrays have no single truth value, so compare fields explicitly
class Dataset:
    """Points X (n, d), labels or targets y (n,), and what they mean."""

    X: np.ndarray
    y: np.ndarray
    task: str
    n_classes: int | None
    name: str
    domain: Domain

    def __post_init__(self) -> None:
        check_task(self.task)
        self.X = np.asarray(self.X, dtype=np.float64)
        labels = np.asarray(self.y)
        self.y = labels.astype(np.int64 if self.task == CLASSIFICATION else np.float64)
        if self.task == CLASSIFICATION and not np.array_equal(self.y, labels):
            raise DatasetError("classification labels must be whole numbers")
        if self.X.ndim != 2:
            raise DatasetError(f"X must have shape (n, d), got {self.X.shape}")
        if self.task == CLASSIFICATION and not (is_whole_number(self.n_classes) and self.n_classes >= 2):
            raise DatasetError(f"a classification dataset needs n_classes >= 2, got {self.n_classes!r}")
        self.domain = tuple((float(lo), float(hi)) for lo, hi in self.domain)
        if self.y.shape != (len(self.X),):
            raise DatasetError(f"y has shape {self.y.shape} but X has {len(self.X)} points")
        if len(self.domain) != self.X.shape[1]:
            raise DatasetError(f"domain has {len(self.domain)} ranges but X has {self.X.shape[1]} columns")
        if self.task == CLASSIFICATION and self.y.size:
            if not 0 <= self.y.min() <= self.y.max() < self.n_classes:
                raise DatasetError(f"labels must be classes 0..{self.n_classes - 1}")

    @property
    def n_points(self) -> int:
        """How many points the dataset holds."""
        return len(self.X)

    @property
    def dims(self) -> int:
        """How many input columns each point has (1 or 2)."""
        return self.X.shape[1]

    def to_dict(self) -> dict:
        """A JSON-friendly form built of lists and plain numbers."""
        return {
            "name": self.name,
            "task": self.task,
            "n_classes": self.n_classes,
            "domain": [list(bounds) for bounds in self.domain],
            "X": self.X.tolist(),
            "y": self.y.tolist(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Dataset:
        """Rebuild a dataset from to_dict() output."""
        try:
            dims = len(data["domain"])
            X = np.asarray(data["X"], dtype=np.float64).reshape(-1, dims)
            return cls(X, data["y"], data["task"], data["n_classes"], data["name"], data["domain"])
        except (KeyError, TypeError, ValueError) as error:
            raise DatasetError(f"not a valid dataset dictionary: {error}") from None

    def subset(self, indices: Sequence[int] | np.ndarray) -> Dataset:
        """The points at ``indices`` (or where a boolean mask is true), same metadata."""
        index = np.asarray(indices)
        if index.dtype != np.bool_:
            index = index.astype(np.intp)
        return Dataset(self.X[index], self.y[index], self.task, self.n_classes, self.name, self.domain)


# ---------------------------------------------------------------- generators
# Each takes (n_points, noise, rng, **params) and returns (X, y).


def _halves(n: int) -> tuple[int, int]:
    # Playground's sets make n/2 points of each class; for odd n the first class gets one more.
    return (n + 1) // 2, n // 2


def _even_counts(n: int, k: int) -> list[int]:
    return [n // k + (1 if j < n % k else 0) for j in range(k)]


def _circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    n_inside, n_outside = _halves(n)
    r = np.concatenate([rng.uniform(0, radius * 0.5, n_inside), rng.uniform(radius * 0.7, radius, n_outside)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    # As in dataset.ts: the label comes from a noisy copy, the stored point stays clean.
    noisy = X + rng.uniform(-radius, radius, (n, 2)) * noise
    return X, (np.hypot(noisy[:, 0], noisy[:, 1]) < radius * 0.5).astype(np.int64)


def _xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # padding keeps points off the axes
    noisy = X + rng.uniform(-5, 5, (n, 2)) * noise
    return X, (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)


def _gauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    # dataset.ts maps noise 0..0.5 linearly onto a *variance* of 0.5..4 and normalRandom
    # scales by its square root.
    std = math.sqrt(0.5 + 7.0 * noise)
    n_pos, n_neg = _halves(n)
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n_neg], axis=0)
    return centres + rng.normal(0, std, (n, 2)), np.repeat([1, 0], [n_pos, n_neg])


def _spiral_arm(count: int, delta_t: float, noise: float, rng: np.random.Generator) -> np.ndarray:
    fraction = np.arange(count) / max(count, 1)
    r = fraction * 5
    t = 1.75 * fraction * 2 * np.pi + delta_t
    arm = np.column_stack([r * np.sin(t), r * np.cos(t)])
    return arm + rng.uniform(-1, 1, (count, 2)) * noise


def _spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_pos, n_neg = _halves(n)
    X = np.concatenate([_spiral_arm(n_pos, 0.0, noise, rng), _spiral_arm(n_neg, np.pi, noise, rng)])
    return X, np.repeat([1, 0], [n_pos, n_neg])


def _spiral_arms(n: int, noise: float, rng: np.random.Generator, n_classes: int) -> tuple[np.ndarray, ...]:
    counts = _even_counts(n, n_classes)
    arms = [_spiral_arm(c, 2 * np.pi * j / n_classes, noise, rng) for j, c in enumerate(counts)]
    return np.concatenate(arms), np.repeat(np.arange(n_classes), counts)


def _blobs(n: int, noise: float, rng: np.random.Generator, n_classes: int) -> tuple[np.ndarray, ...]:
    counts = _even_counts(n, n_classes)
    angles = 2 * np.pi * np.arange(n_classes) / n_classes
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    X = np.repeat(centres, counts, axis=0) + rng.normal(0, 0.5 + 2 * noise, (n, 2))
    return X, np.repeat(np.arange(n_classes), counts)


def _noisy_square(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X = rng.uniform(-6, 6, (n, 2))
    return X, X + rng.uniform(-6, 6, (n, 2)) * noise


def _plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X, noisy = _noisy_square(n, noise, rng)
    return X, noisy.sum(axis=1) / 10  # x + y in [-10, 10] -> [-1, 1]


# (centre x, centre y, sign) of Playground's six bumps
_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]])


def _multi_gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    X, noisy = _noisy_square(n, noise, rng)
    distance = np.hypot(noisy[:, :1] - _BUMPS[:, 0], noisy[:, 1:] - _BUMPS[:, 1])
    values = _BUMPS[:, 2] * np.clip(1 - distance / 2, 0, 1)
    # argmax keeps the first of equal magnitudes, as dataset.ts's strict '>' does; + 0.0 turns -0 into 0.
    strongest = np.argmax(np.abs(values), axis=1)
    return X, values[np.arange(n), strongest] + 0.0


_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _gate(truth_table: tuple[int, int, int, int]) -> Callable:
    def generate(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        copies = max(1, (n + 2) // 4)  # n rounded to the nearest multiple of 4
        X = np.tile(_CORNERS, (copies, 1))
        return X + rng.normal(0, 0.25 * noise, X.shape), np.tile(truth_table, copies)

    return generate


def _curve(function: Callable[[np.ndarray], np.ndarray]) -> Callable:
    def generate(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        x = np.sort(rng.uniform(-1, 1, n))
        return x[:, None], function(x) + rng.normal(0, 0.2 * noise, n)

    return generate


def _expression(n: int, noise: float, rng: np.random.Generator, expression: str) -> tuple[np.ndarray, ...]:
    try:
        parsed = parse_expression(expression)
        return _curve(lambda x: evaluate_finite(parsed, x))(n, noise, rng)
    except ExpressionError as error:
        raise DatasetError(str(error)) from None


# ---------------------------------------------------------------- registry


@dataclass(frozen=True)
class ParamSpec:
    """An extra generator parameter: its type, default and allowed range."""

    name: str
    type: str  # "int" or "str"
    default: int | str
    description: str
    min: int | None = None
    max: int | None = None


@dataclass(frozen=True)
class DatasetSpec:
    """A registry entry: how to make a dataset and what it is for."""

    name: str
    task: str
    description: str
    generator: Callable[..., tuple[np.ndarray, np.ndarray]]
    params: tuple[ParamSpec, ...] = ()
    dims: int = 2
    domain: Domain = PLAYGROUND_DOMAIN
    n_classes: int | None = 2  # for multi-class sets, the n_classes parameter decides


_N_CLASSES = ParamSpec("n_classes", "int", 3, "How many classes.", 2, MAX_CLASSES)
_EXPRESSION = ParamSpec("expression", "str", "sin(3*x)", "The target function y = f(x), e.g. x^2 - 1.")
_CLASSIFY, _REGRESS = CLASSIFICATION, REGRESSION


def _gate_spec(name: str, description: str, truth: tuple[int, int, int, int]) -> DatasetSpec:
    return DatasetSpec(name, _CLASSIFY, description, _gate(truth), domain=GATE_DOMAIN)


def _curve_spec(name: str, description: str, generator: Callable, params: tuple = ()) -> DatasetSpec:
    return DatasetSpec(name, _REGRESS, description, generator, params, 1, LINE_DOMAIN, None)


_SPECS = (
    DatasetSpec("circle", _CLASSIFY, "A disc of one class inside a ring of the other.", _circle),
    DatasetSpec("xor", _CLASSIFY, "Four quadrants: class 1 where x1 and x2 have the same sign.", _xor),
    DatasetSpec("gauss", _CLASSIFY, "Two gaussian clouds; noise widens them.", _gauss),
    DatasetSpec("spiral", _CLASSIFY, "Two interleaved spiral arms.", _spiral),
    DatasetSpec("plane", _REGRESS, "The target grows linearly with x1 + x2.", _plane, n_classes=None),
    DatasetSpec(
        "multi_gaussian", _REGRESS, "Six bumps, three up and three down.", _multi_gaussian, n_classes=None
    ),
    _gate_spec("or", "x1 OR x2 on the four corners of the unit square.", (0, 1, 1, 1)),
    _gate_spec("and", "x1 AND x2 on the four corners of the unit square.", (0, 0, 0, 1)),
    _gate_spec("not_x1_and_x2", "(NOT x1) AND x2 on the four corners.", (0, 1, 0, 0)),
    _gate_spec("x1_and_not_x2", "x1 AND (NOT x2) on the four corners.", (0, 0, 1, 0)),
    _gate_spec("xor_gate", "x1 XOR x2: not linearly separable.", (0, 1, 1, 0)),
    DatasetSpec("blobs", _CLASSIFY, "k gaussian blobs on a circle.", _blobs, (_N_CLASSES,), n_classes=None),
    DatasetSpec("spiral_arms", _CLASSIFY, "A k-arm spiral.", _spiral_arms, (_N_CLASSES,), n_classes=None),
    _curve_spec("sine", "y = sin(pi x) on [-1, 1].", _curve(lambda x: np.sin(np.pi * x))),
    _curve_spec("abs", "y = |x| on [-1, 1].", _curve(np.abs)),
    _curve_spec("step", "y = 1 for x >= 0, else 0.", _curve(lambda x: np.where(x >= 0, 1.0, 0.0))),
    _curve_spec("cubic", "y = 4x^3 - 3x on [-1, 1].", _curve(lambda x: 4 * x**3 - 3 * x)),
    _curve_spec("expression", "Your own function y = f(x) on [-1, 1].", _expression, (_EXPRESSION,)),
)
DATASETS: dict[str, DatasetSpec] = {spec.name: spec for spec in _SPECS}


def get(name: str) -> DatasetSpec:
    """Return the spec called ``name``; raise DatasetError (a ValueError) naming the valid ones."""
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise DatasetError(f"unknown dataset {name!r}; valid datasets are: {', '.join(DATASETS)}") from None


def describe() -> list[dict]:
    """The catalogue: name, task, description, input dims and parameters of each dataset."""
    return [
        {
            "name": spec.name,
            "task": spec.task,
            "description": spec.description,
            "dims": spec.dims,
            "params": [
                {"name": p.name, "type": p.type, "default": p.default, "min": p.min, "max": p.max,
                 "description": p.description}
                for p in spec.params
            ],
        }
        for spec in DATASETS.values()
    ]


def check_task(task: object) -> None:
    if task not in TASKS:
        raise DatasetError(f"task must be one of {', '.join(TASKS)}, got {task!r}")


def is_whole_number(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def is_real_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _checked_params(spec: DatasetSpec, params: dict) -> dict:
    known = {p.name: p for p in spec.params}
    for name in params:
        if name not in known:
            offered = f"its parameters are: {', '.join(known)}" if known else "it takes no parameters"
            raise DatasetError(f"dataset {spec.name!r} has no parameter {name!r}; {offered}")
    values = {}
    for p in spec.params:
        value = p.default if params.get(p.name) is None else params[p.name]
        if p.type == "int" and not (is_whole_number(value) and p.min <= value <= p.max):
            raise DatasetError(f"{p.name} must be a whole number from {p.min} to {p.max}, got {value!r}")
        if p.type == "str" and not isinstance(value, str):
            raise DatasetError(f"{p.name} must be text, got {value!r}")
        values[p.name] = int(value) if p.type == "int" else value
    return values


def generate(name: str, n_points: int = 200, noise: float = 0.0, seed: int = 0, **params) -> Dataset:
    """Generate dataset ``name`` reproducibly from ``seed``; raise DatasetError for bad arguments.

    ``noise`` is a fraction 0..1 (TensorFlow Playground's 0-50% slider is 0..0.5). The gates
    round n_points to the nearest multiple of 4.
    """
    spec = get(name)
    if not (is_whole_number(n_points) and 1 <= n_points <= MAX_POINTS):
        raise DatasetError(f"n_points must be a whole number from 1 to {MAX_POINTS}, got {n_points!r}")
    if not (is_real_number(noise) and math.isfinite(noise) and 0 <= noise <= 1):
        raise DatasetError(f"noise must be a number from 0 to 1, got {noise!r}")
    if not (is_whole_number(seed) and seed >= 0):
        raise DatasetError(f"seed must be a non-negative whole number, got {seed!r}")
    values = _checked_params(spec, params)
    X, y = spec.generator(int(n_points), float(noise), np.random.default_rng(int(seed)), **values)
    n_classes = values.get("n_classes", spec.n_classes) if spec.task == CLASSIFICATION else None
    return Dataset(X, y, spec.task, n_classes, spec.name, spec.domain)


def train_test_split(dataset: Dataset, train_ratio: float, seed: int) -> tuple[Dataset, Dataset]:
    """Split by a seeded permutation; train_ratio in (0, 1], 1.0 leaves the test set empty."""
    if not (is_real_number(train_ratio) and math.isfinite(train_ratio) and 0 < train_ratio <= 1):
        raise DatasetError(f"train_ratio must be a number in (0, 1], got {train_ratio!r}")
    if not (is_whole_number(seed) and seed >= 0):
        raise DatasetError(f"seed must be a non-negative whole number, got {seed!r}")
    n = dataset.n_points
    if n == 0:
        raise DatasetError("cannot split an empty dataset")
    n_train = min(n, max(1, round(train_ratio * n)))
    order = np.random.default_rng(int(seed)).permutation(n)
    # Sorting within each part keeps the original order, so 1-D data stays sorted by x.
    return dataset.subset(np.sort(order[:n_train])), dataset.subset(np.sort(order[n_train:]))
