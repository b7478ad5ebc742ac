"""A safe parser for user-typed 1-D functions such as ``sin(3*x)`` or ``x^2 - 1``.

The text is parsed with :func:`ast.parse` and the tree is walked by our own evaluator
over a small whitelist of numbers, names, operators and NumPy functions. Nothing is
ever handed to ``eval``/``exec``/``compile``: anything outside the whitelist is
rejected with a message a student can act on.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

MAX_LENGTH = 200
MAX_DEPTH = 30
MAX_NODES = 200
MAX_CONSTANT_EXPONENT = 10.0


class ExpressionError(ValueError):
    """The expression is not allowed, cannot be parsed or cannot be evaluated."""


def _step(v: np.ndarray) -> np.ndarray:
    return np.where(v >= 0, 1.0, 0.0)


# name -> (number of arguments, NumPy implementation)
FUNCTIONS: dict[str, tuple[int, Callable[..., np.ndarray]]] = {
    "sin": (1, np.sin),
    "cos": (1, np.cos),
    "tan": (1, np.tan),
    "exp": (1, np.exp),
    "log": (1, np.log),
    "sqrt": (1, np.sqrt),
    "abs": (1, np.abs),
    "tanh": (1, np.tanh),
    "sinh": (1, np.sinh),
    "cosh": (1, np.cosh),
    "arcsin": (1, np.arcsin),
    "arccos": (1, np.arccos),
    "arctan": (1, np.arctan),
    "sign": (1, np.sign),
    "floor": (1, np.floor),
    "ceil": (1, np.ceil),
    "step": (1, _step),
    "min": (2, np.minimum),
    "max": (2, np.maximum),
}

CONSTANTS: dict[str, float] = {"pi": float(np.pi), "e": float(np.e)}
VARIABLE = "x"

_BINARY: dict[type, tuple[str, Callable[[np.ndarray, np.ndarray], np.ndarray]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", np.true_divide),
    ast.Pow: ("^", np.power),
}
_UNARY: dict[type, Callable[[np.ndarray], np.ndarray]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}

# What a student typed, in words, for constructs we refuse outright.
_REFUSED: dict[type, str] = {
    ast.Attribute: "attribute access is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.IfExp: "'... if ... else ...' is not allowed",
    ast.Compare: "comparisons are not allowed (use step(x) for a jump)",
    ast.BoolOp: "'and' / 'or' are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.NamedExpr: "assignment is not allowed",
    ast.JoinedStr: "text is not allowed",
}
_OPERATOR_SYMBOLS: dict[type, str] = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~",
}


@dataclass(frozen=True)
class Expression:
    """A parsed, validated expression in ``x``; call it on an array of x values."""

    text: str
    _tree: ast.expr = field(repr=False, compare=False)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """Evaluate at every x; returns raw float64 values (NaN/inf included) of x's shape."""
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            values = _evaluate(self._tree, x)
        return np.array(np.broadcast_to(values, x.shape), dtype=np.float64)


def parse_expression(text: str) -> Expression:
    """Parse and validate ``text`` as a function of x; raise ExpressionError if not allowed."""
    if not isinstance(text, str):
        raise ExpressionError("the expression must be text")
    text = text.strip()
    if not text:
        raise ExpressionError("the expression is empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is too long ({len(text)} characters, at most {MAX_LENGTH})")
    for column, char in enumerate(text, start=1):
        if not (char.isascii() and char.isprintable()):
            raise ExpressionError(
                f"character {char!r} at column {column} is not allowed; type plain text such as x^2 or pi"
            )
    # Users type x^2 for a power. Rewriting the text (rather than the tree) gives ^ the
    # precedence of **, so x^2 - 1 means (x^2) - 1 and not x xor (2 - 1).
    source = text.replace("^", "**")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError as error:
        raise ExpressionError(_syntax_message(text, error)) from None
    _check_size(tree)
    _validate(tree, _Source(text, source))
    return Expression(text, tree)


def evaluate_finite(expression: Expression, x: np.ndarray) -> np.ndarray:
    """Evaluate ``expression`` at x; raise ExpressionError at the first NaN or infinite value."""
    x = np.asarray(x, dtype=np.float64)
    values = expression(x)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        where = float(x.reshape(-1)[bad[0]])
        raise ExpressionError(f"the expression is not finite at x = {where:.6g}")
    return values


def _syntax_message(text: str, error: SyntaxError) -> str:
    """Say where the syntax error is, in the columns of the text the student typed."""
    # CPython reports offset 0 when the text ends in the middle of an expression ("1+").
    column = _original_column(text, error.offset) if error.offset else len(text) + 1
    reason = "the expression ends too early" if column > len(text) else error.msg
    if "decimal literal" in error.msg:
        reason += "; write a product with *, e.g. 2*x"
    return f"syntax error at column {column} ({reason})"


def _original_column(text: str, offset: int) -> int:
    """Map a 1-based column in the ^ -> ** rewritten source back to the typed text."""
    source_column = 0
    for column, char in enumerate(text, start=1):
        source_column += 2 if char == "^" else 1
        if source_column >= offset:
            return column
    return len(text) + 1


@dataclass(frozen=True)
class _Source:
    """The typed text and its rewritten form, to quote the part a message is about."""

    text: str
    source: str

    def quote(self, node: ast.AST) -> str:
        segment = ast.get_source_segment(self.source, node) or ""
        return segment.replace("**", "^")


def _check_size(tree: ast.expr) -> None:
    nodes = [node for node in ast.walk(tree) if isinstance(node, ast.expr)]
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"the expression is too big ({len(nodes)} parts, at most {MAX_NODES})")
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise ExpressionError(f"the expression is nested too deeply ({depth} levels, at most {MAX_DEPTH})")


def _depth(node: ast.AST) -> int:
    children = [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]
    return 1 + max((_depth(child) for child in children), default=0)


def _is_constant(node: ast.expr) -> bool:
    return not any(isinstance(n, ast.Name) and n.id == VARIABLE for n in ast.walk(node))


def _validate(node: ast.expr, src: _Source) -> None:
    """Raise ExpressionError for the first construct outside the whitelist."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "text" if isinstance(value, str | bytes) else type(value).__name__
            raise ExpressionError(f"{kind} value {src.quote(node)!r} is not allowed; use numbers and x")
    elif isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            raise ExpressionError(f"'{node.id}' is a function; call it like {node.id}(x)")
        if node.id != VARIABLE and node.id not in CONSTANTS:
            raise ExpressionError(f"unknown name '{node.id}'; use x as the variable (and pi, e)")
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(f"operator '{symbol}' is not allowed in {src.quote(node)!r}")
        _validate(node.left, src)
        _validate(node.right, src)
        if isinstance(node.op, ast.Pow) and _is_constant(node.right):
            _check_exponent(node, src)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            symbol = _OPERATOR_SYMBOLS.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(f"operator '{symbol}' is not allowed in {src.quote(node)!r}")
        _validate(node.operand, src)
    elif isinstance(node, ast.Call):
        _validate_call(node, src)
    else:
        reason = _REFUSED.get(type(node), "this is not allowed")
        raise ExpressionError(f"{reason}: {src.quote(node)!r}")


def _validate_call(node: ast.Call, src: _Source) -> None:
    if isinstance(node.func, ast.Attribute):
        raise ExpressionError(f"attribute access is not allowed: {src.quote(node.func)!r}")
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(f"only named functions can be called, not {src.quote(node.func)!r}")
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExpressionError(f"function '{name}' is not allowed; allowed functions: {', '.join(FUNCTIONS)}")
    if node.keywords:
        raise ExpressionError(f"{name}() does not take named arguments")
    arity = FUNCTIONS[name][0]
    if len(node.args) != arity:
        plural = "argument" if arity == 1 else "arguments"
        raise ExpressionError(f"{name}() takes {arity} {plural}, got {len(node.args)}")
    for arg in node.args:
        if isinstance(arg, ast.Starred):
            raise ExpressionError(f"'*' unpacking is not allowed in {name}()")
        _validate(arg, src)


def _check_exponent(node: ast.BinOp, src: _Source) -> None:
    # The exponent is already validated and free of x, so evaluating it is cheap and safe;
    # a bound here stops 9^9^9 before anything huge is computed.
    with np.errstate(all="ignore"):
        exponent = float(_evaluate(node.right, np.float64(0.0)))
    if not np.isfinite(exponent) or abs(exponent) > MAX_CONSTANT_EXPONENT:
        raise ExpressionError(
            f"the power in {src.quote(node)!r} is too large (exponent {exponent:.6g}, "
            f"at most {MAX_CONSTANT_EXPONENT:g} in size)"
        )


def _evaluate(node: ast.expr, x: np.ndarray) -> np.ndarray:
    """Evaluate a validated tree; the caller holds np.errstate."""
    if isinstance(node, ast.Constant):
        return np.float64(node.value)
    if isinstance(node, ast.Name):
        return x if node.id == VARIABLE else np.float64(CONSTANTS[node.id])
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)][1](_evaluate(node.left, x), _evaluate(node.right, x))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_evaluate(node.operand, x))
    if isinstance(node, ast.Call):
        function = FUNCTIONS[node.func.id][1]
        return function(*(_evaluate(arg, x) for arg in node.args))
    raise ExpressionError(f"cannot evaluate {type(node).__name__}")  # unreachable after _validate
