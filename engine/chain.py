"""The chain rule over every path of a network's computational graph (section 3.3, eq. 3.19, Fig. 3-19 .. 3-22).

Backpropagation sums, at each node, the gradient arriving along every edge that leaves it (eq. 3.19). Written
out, the gradient of the loss l at a node is the sum over every path from that node to l of the product of the
local derivatives along the path: one path (Fig. 3-19), two (Fig. 3-20), n (Fig. 3-21) or a whole graph
(Fig. 3-22). This module lists those paths for one sample, so a lesson can show that their sum is exactly
what backpropagation finds.

A node is (half, k, j): half "a" is the linear input a(k)_j of neuron j of layer k (k from 1), half "h" its
output h(k)_j = g(a(k)_j); ("h", 0, j) is the input x_j and ("h", L, j) the output y_j. The edges, with their
local derivatives:

    h(k-1)_j -> a(k)_i   dA/dh = W(k)_ij                 (eq. 3.20)
    a(k)_j   -> h(k)_j   dh/da = g'(a(k)_j)              (eq. 3.22)
    y_m      -> l        dl/dy_m                         (eq. 3.15-3.16)
"""

import numpy as np

MAX_PATHS = 64
"""More paths than this are not listed (their number grows as the product of the layers' widths)."""


def count(widths: list[int], start: tuple[str, int, int]) -> int:
    """How many paths lead from ``start`` to the loss in a network whose layers have ``widths`` neurons."""
    _, k, _ = start  # from a(k)_j the only way on is h(k)_j, so both halves of a neuron have the same paths
    return int(np.prod(widths[k:], dtype=np.int64))


def paths(weights: list[np.ndarray], g_prime: list[np.ndarray], grad_output: np.ndarray,
          start: tuple[str, int, int]) -> list[dict]:
    """Every path from ``start`` to the loss: its nodes, the local derivative of each edge, and their product.

    ``weights`` are W(1) .. W(L) (units k x units k-1), ``g_prime`` each layer's g'(a(k)) at the sample and
    ``grad_output`` dl/dy (eq. 3.16). A ValueError if there are more than MAX_PATHS of them.
    """
    widths = [W.shape[0] for W in weights]
    if count(widths, start) > MAX_PATHS:
        raise ValueError(f"more than {MAX_PATHS} paths")
    L = len(weights)
    found: list[dict] = []

    def walk(node: tuple[str, int, int], nodes: list, factors: list) -> None:
        half, k, j = node
        if half == "a":  # a(k)_j -> h(k)_j (eq. 3.22)
            walk(("h", k, j), nodes + [node], factors + [float(g_prime[k - 1][j])])
        elif k == L:  # y_j -> l (eq. 3.15-3.16)
            chain = factors + [float(grad_output[j])]
            found.append({"nodes": [list(n) for n in nodes + [node]] + [["l", L + 1, 0]], "factors": chain,
                          "product": float(np.prod(chain))})
        else:  # h(k)_j -> a(k+1)_i for every neuron i of the next layer (eq. 3.20)
            for i in range(widths[k]):
                walk(("a", k + 1, i), nodes + [node], factors + [float(weights[k][i, j])])

    walk(tuple(start), [], [])
    return found


def total(found: list[dict]) -> float:
    """The chain rule's answer at the start node: the sum over its paths (eq. 3.19)."""
    return float(sum(path["product"] for path in found))
