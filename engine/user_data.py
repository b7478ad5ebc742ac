"""User-provided points, from a canvas (``from_points``) or a CSV file (``from_csv``), validated.

Every error says what is wrong and where ("row 3: x2 is not a number", "line 4: expected 3 values,
got 2"), so a student can fix their data; nothing half-valid is ever returned. Each also carries a code
(``data.*``: ``data.points.*`` for drawn points, by row; ``data.csv.*`` for a file, by line) and the params
that say where, so a server can say the same in the student's language.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Sequence

import numpy as np

from engine.datasets import (
    CLASSIFICATION,
    MAX_CLASSES,
    MAX_COORDINATE,
    MAX_USER_POINTS,
    REGRESSION,
    Dataset,
    DatasetError,
    Domain,
    check_task,
    is_real_number,
    is_whole_number,
)

Where = Callable[[int], dict]  # point index -> {"row": 3} (drawn points) or {"line": 5} (a CSV file)


def _row(i: int) -> dict:
    return {"row": i + 1}


def _place(at: dict) -> str:
    """Where, in the English message: "row 3" or "line 5"."""
    return " ".join(f"{key} {value}" for key, value in at.items())


def _source(at: dict) -> str:
    """The code prefix of an error at ``at``: data.csv for a file's line, data.points for a drawn row."""
    return "data.csv" if "line" in at else "data.points"


def _shown(value: float) -> str:
    """A number for an error's params, written as its message writes it (2e+06, 7, 0.5)."""
    return f"{float(value):g}"


def _column_names(dims: int) -> tuple[str, ...]:
    return ("x",) if dims == 1 else ("x1", "x2")


def _check_count(n: int) -> None:
    if n == 0:
        raise DatasetError("no points given", "data.no_points")
    if n > MAX_USER_POINTS:
        raise DatasetError(f"too many points: {n} (at most {MAX_USER_POINTS})", "data.too_many_points",
                           count=n, most=MAX_USER_POINTS)


def _points_matrix(X: object) -> np.ndarray:
    """X as a float (n, d) matrix, naming the first row that is not a list of numbers."""
    if isinstance(X, np.ndarray) and X.dtype.kind in "iuf":
        matrix = X.astype(np.float64).reshape(-1, 1) if X.ndim == 1 else X.astype(np.float64)
        if matrix.ndim != 2 or matrix.shape[1] not in (1, 2):
            raise DatasetError(f"X must have shape (n, 1) or (n, 2), got {X.shape}")
        _check_count(len(matrix))
        return matrix
    if isinstance(X, str | bytes | dict) or not isinstance(X, Sequence | np.ndarray):
        raise DatasetError("X must be a list of points such as [[x1, x2], ...]", "data.points.not_list")
    rows = [[row] if is_real_number(row) else row for row in X]  # a flat list is 1-D data
    _check_count(len(rows))
    first = rows[0]
    dims = len(first) if isinstance(first, Sequence | np.ndarray) else 0
    if dims not in (1, 2):
        raise DatasetError(f"row 1: a point needs 1 or 2 coordinates, got {dims}", "data.points.dims",
                           row=1, count=dims)
    names = _column_names(dims)
    for i, row in enumerate(rows):
        if isinstance(row, str) or not isinstance(row, Sequence | np.ndarray):
            raise DatasetError(f"row {i + 1}: a point must be a list of {dims} numbers", "data.points.not_a_point",
                               row=i + 1, dims=dims)
        if len(row) != dims:
            raise DatasetError(f"row {i + 1}: expected {dims} values, got {len(row)}", "data.points.width",
                               row=i + 1, dims=dims, count=len(row))
        for name, value in zip(names, row, strict=True):
            if not is_real_number(value):
                raise DatasetError(f"row {i + 1}: {name} is not a number", "data.points.not_number",
                                   row=i + 1, column=name)
    return np.array(rows, dtype=np.float64)


def _target_vector(y: object, n: int, noun: str) -> np.ndarray:
    """y as a float vector of length n, naming the first entry that is not a number."""
    if isinstance(y, np.ndarray) and y.dtype.kind in "iuf":
        values = y.astype(np.float64).reshape(-1)
    elif isinstance(y, str | bytes | dict) or not isinstance(y, Sequence | np.ndarray):
        raise DatasetError(f"y must be a list of {noun}s", "data.points.y_not_list", column=noun)
    else:
        for i, value in enumerate(y):
            if not is_real_number(value):
                raise DatasetError(f"row {i + 1}: {noun} is not a number", "data.points.not_number",
                                   row=i + 1, column=noun)
        values = np.array(y, dtype=np.float64).reshape(-1)
    if len(values) != n:
        raise DatasetError(f"y has {len(values)} values but X has {n} points", "data.points.y_count",
                           count=len(values), points=n)
    return values


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _validated(X: np.ndarray, y: np.ndarray, task: str, n_classes: int | None, where: Where) -> int | None:
    """Check values (finite, in range, valid labels); return n_classes for classification."""
    names = _column_names(X.shape[1])
    for j, name in enumerate(names):
        if (i := _first(~np.isfinite(X[:, j]))) is not None:
            at = where(i)
            raise DatasetError(f"{_place(at)}: {name} is not a finite number", f"{_source(at)}.not_finite",
                               **at, column=name)
        if (i := _first(np.abs(X[:, j]) > MAX_COORDINATE)) is not None:
            at = where(i)
            raise DatasetError(f"{_place(at)}: {name} = {X[i, j]:g} is outside ±{MAX_COORDINATE:g}",
                               f"{_source(at)}.outside", **at, column=name, value=_shown(X[i, j]),
                               most=_shown(MAX_COORDINATE))
    noun = "label" if task == CLASSIFICATION else "target"
    if (i := _first(~np.isfinite(y))) is not None:
        at = where(i)
        raise DatasetError(f"{_place(at)}: {noun} is not a finite number", f"{_source(at)}.not_finite",
                           **at, column=noun)
    if task == REGRESSION:
        if (i := _first(np.abs(y) > MAX_COORDINATE)) is not None:
            at = where(i)
            raise DatasetError(f"{_place(at)}: target = {y[i]:g} is outside ±{MAX_COORDINATE:g}",
                               f"{_source(at)}.outside", **at, column=noun, value=_shown(y[i]),
                               most=_shown(MAX_COORDINATE))
        return None
    if (i := _first(y != np.round(y))) is not None:
        at = where(i)
        raise DatasetError(f"{_place(at)}: label {y[i]:g} is not a whole number", f"{_source(at)}.not_whole",
                           **at, column=noun, value=_shown(y[i]))
    if n_classes is not None and not (is_whole_number(n_classes) and 2 <= n_classes <= MAX_CLASSES):
        raise DatasetError(f"n_classes must be a whole number from 2 to {MAX_CLASSES}, got {n_classes!r}")
    top = MAX_CLASSES if n_classes is None else int(n_classes)
    if (i := _first((y < 0) | (y >= top))) is not None:
        at = where(i)
        raise DatasetError(f"{_place(at)}: label {y[i]:g} is outside 0..{top - 1}", f"{_source(at)}.class",
                           **at, column=noun, value=_shown(y[i]), last=top - 1)
    inferred = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if inferred < 2:
        raise DatasetError("need at least two classes (labels 0 and 1)", "data.two_classes")
    return inferred


def _padded_box(X: np.ndarray) -> Domain:
    """The bounding box of the points, widened by 10% on each side (1 if it is flat)."""
    lows, highs = X.min(axis=0), X.max(axis=0)
    pads = [0.1 * (hi - lo) if hi > lo else 1.0 for lo, hi in zip(lows, highs, strict=True)]
    return tuple((float(lo - p), float(hi + p)) for lo, hi, p in zip(lows, highs, pads, strict=True))


def from_points(X: object, y: object, task: str = CLASSIFICATION, n_classes: int | None = None,
                name: str = "custom", domain: Domain | None = None) -> Dataset:
    """Build a dataset from user points; raise DatasetError naming the first bad row (1-based).

    ``domain`` is the region the points were drawn in (one (min, max) per column); by default the
    points' bounding box, padded by 10%.
    """
    check_task(task)
    matrix = _points_matrix(X)
    targets = _target_vector(y, len(matrix), "label" if task == CLASSIFICATION else "target")
    n_classes = _validated(matrix, targets, task, n_classes, _row)
    if domain is None:
        return Dataset(matrix, targets, task, n_classes, name, _padded_box(matrix))
    return Dataset(matrix, targets, task, n_classes, name, _checked_domain(domain, matrix))


def _checked_domain(domain, X: np.ndarray) -> Domain:
    try:
        bounds = tuple((float(lo), float(hi)) for lo, hi in domain)
    except (TypeError, ValueError):
        raise DatasetError("domain must be one (min, max) pair per column", "data.points.domain") from None
    if len(bounds) != X.shape[1] or not all(math.isfinite(lo) and math.isfinite(hi) and lo < hi for lo, hi in bounds):
        raise DatasetError("domain must be one finite (min, max) pair with min < max per column",
                           "data.points.domain")
    lows, highs = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    if (i := _first(((X < lows) | (X > highs)).any(axis=1))) is not None:
        raise DatasetError(f"row {i + 1}: every point must lie inside the domain", "data.points.outside_domain",
                           row=i + 1)
    return bounds


def _delimiter(line: str) -> str:
    return next((d for d in ("\t", ";", ",") if d in line), ",")


def _as_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def from_csv(text: str, task: str = CLASSIFICATION) -> Dataset:
    """Read 'x1,x2,label' (or 'x,target' for 1-D) rows; raise DatasetError naming the bad line.

    Separators may be commas, semicolons or tabs; blank lines are skipped and a first row
    that holds no number is taken as a header.
    """
    check_task(task)
    if not isinstance(text, str):
        raise DatasetError("the CSV must be text", "data.csv.not_text")
    lines = [(no, line) for no, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        raise DatasetError("the CSV text is empty", "data.csv.empty")
    delimiter = _delimiter(lines[0][1])
    rows = [(no, [f.strip() for f in next(csv.reader([line], delimiter=delimiter))]) for no, line in lines]
    width = len(rows[0][1])
    if all(_as_float(f) is None for f in rows[0][1]):
        rows = rows[1:]  # a header row
    noun = "label" if task == CLASSIFICATION else "target"
    if width not in (2, 3):
        expected = f"2 values (x, {noun}) or 3 (x1, x2, {noun})"
        raise DatasetError(f"line {lines[0][0]}: expected {expected}, got {width}", "data.csv.columns",
                           line=lines[0][0], count=width, column=noun)
    _check_count(len(rows))
    names = (*_column_names(width - 1), noun)
    values = np.empty((len(rows), width))
    for i, (no, fields) in enumerate(rows):
        if len(fields) != width:
            raise DatasetError(f"line {no}: expected {width} values, got {len(fields)}", "data.csv.width",
                               line=no, expected=width, count=len(fields))
        for j, (column, field_text) in enumerate(zip(names, fields, strict=True)):
            number = _as_float(field_text)
            if number is None:
                raise DatasetError(f"line {no}: {column} {field_text!r} is not a number", "data.csv.not_number",
                                   line=no, column=column, text=field_text)
            values[i, j] = number
    X, y = values[:, :-1], values[:, -1]
    line_numbers = [no for no, _ in rows]
    n_classes = _validated(X, y, task, None, lambda i: {"line": line_numbers[i]})
    return Dataset(X, y, task, n_classes, "custom", _padded_box(X))
