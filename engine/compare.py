"""Deep against shallow at equal parameter counts (section 3.1.4, Table 3-2).

A deep network of k hidden layers of n units is compared with a shallow one of a single hidden layer
whose width m is chosen so that both have (as nearly as whole units allow) the same number of weights
and biases.
"""


def parameter_count(inputs: int, hidden: list[int], outputs: int) -> int:
    """Weights and biases of a fully connected network: sum over layers of (fan_in + 1) * units."""
    sizes = [inputs, *hidden, outputs]
    return sum((fan_in + 1) * units for fan_in, units in zip(sizes, sizes[1:], strict=False))


def matching_width(inputs: int, outputs: int, target: int) -> int:
    """The single hidden layer width m whose parameter count is closest to ``target`` (at least 1)."""
    per_unit = inputs + 1 + outputs  # each hidden unit brings its weights in, its bias, and its weights out
    m = max(1, round((target - outputs) / per_unit))
    return min((c for c in (m - 1, m, m + 1) if c >= 1),
               key=lambda c: abs(parameter_count(inputs, [c], outputs) - target))


def plan(inputs: int, outputs: int, width: int, depths: list[int]) -> list[dict]:
    """For each depth k: the deep k x width network and the shallow 1 x m one with a matching count."""
    rows = []
    for k in depths:
        deep = [width] * k
        target = parameter_count(inputs, deep, outputs)
        m = matching_width(inputs, outputs, target)
        rows.append({"depth": k, "deep": deep, "deep_parameters": target, "shallow": [m],
                     "shallow_parameters": parameter_count(inputs, [m], outputs)})
    return rows
