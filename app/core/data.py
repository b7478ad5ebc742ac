"""Building a session's data from its DataConfig: a generated set or the user's points, then the split. Shared:
the hosts build their sessions' data with it, and the web process its dataset previews (in a worker thread)."""

from app.core.config import Settings
from app.core.errors import SessionError
from app.schemas.session import DataConfig
from engine import datasets, user_data


def build(data: DataConfig, settings: Settings) -> tuple[datasets.Dataset, datasets.Dataset, datasets.Dataset]:
    """(whole dataset, training part, test part); SessionError with the reason for bad data."""
    if data.n_points > settings.max_points:
        raise SessionError("limit.points", most=settings.max_points, count=data.n_points)
    try:
        if data.name != "custom":
            dataset = datasets.generate(data.name, n_points=data.n_points, noise=data.noise, seed=data.seed,
                                        **data.params)
        elif (data.points is None) == (data.csv is None):
            raise SessionError("data.custom_source")
        elif data.points is not None:
            dataset = user_data.from_points(data.points.X, data.points.y, task=data.points.task,
                                            domain=data.points.domain)
        else:
            dataset = user_data.from_csv(data.csv)
        if dataset.n_points > settings.max_points:
            raise SessionError("limit.points", most=settings.max_points, count=dataset.n_points)
        train, test = datasets.train_test_split(dataset, data.train_ratio, data.seed)
    except datasets.DatasetError as exc:  # the student's own data: its code says what and where, in any language
        if exc.code is not None:
            raise SessionError(exc.code, **exc.params) from None
        raise SessionError("data.invalid", reason=str(exc)) from None
    return dataset, train, test


def preview(data: DataConfig, settings: Settings) -> dict:
    """The points a data config gives, split into train and test, JSON friendly."""
    dataset, train, test = build(data, settings)
    return {"name": dataset.name, "task": dataset.task, "n_classes": dataset.n_classes,
            "domain": [list(bounds) for bounds in dataset.domain],
            "train": {"X": train.X.tolist(), "y": train.y.tolist()},
            "test": {"X": test.X.tolist(), "y": test.y.tolist()}}
