"""Lesson 8 (section 3.3): backpropagation step by step."""

from app.web.lessons import network_is_a_function

LESSON: dict = {
    "id": "backpropagation",
    "section": "3.3",
    "figures": "Fig. 3-18 to 3-27",
    "title": {"en": "Backpropagation step by step", "zh": "一步一步看后向传播"},
    "text": {
        "en": ["The forward pass computes every node's value; the backward pass starts at the output and visits "
               "the nodes in reverse, applying the chain rule (eq. 3.19).",
               "At the output: dl/dy (eq. 3.15-3.16), then the gradient at the output's linear input (eq. 3.17-3.18). "
               "In a hidden layer: dl/dh(k) = W(k+1)^T delta(k+1) (eq. 3.21) and delta(k) = dl/dh(k) * g'(a(k)) "
               "(eq. 3.23). For the parameters: grad W(k) = delta(k) h(k-1)^T (eq. 3.25) and grad b(k) = delta(k) "
               "(eq. 3.27); gradient descent then updates them (eq. 3.11).",
               "The network is Fig. 3-13's, with its weights; the sample is x = (1, -1) of class 1 (the first)."],
        "zh": ["前向传播计算出每个节点的值；后向传播从输出开始，按相反的顺序访问各节点，运用链式法则（式 3.19）。",
               "在输出端：dl/dy（式 3.15-3.16），然后是输出线性输入处的梯度（式 3.17-3.18）。在隐含层："
               "dl/dh(k) = W(k+1)^T delta(k+1)（式 3.21），delta(k) = dl/dh(k) * g'(a(k))（式 3.23）。参数的梯度："
               "grad W(k) = delta(k) h(k-1)^T（式 3.25），grad b(k) = delta(k)（式 3.27）；然后梯度下降更新它们"
               "（式 3.11）。",
               "网络是图 3-13 的网络及其权重；样本为 x = (1, -1)，属于第 1 类（第一类）。"],
    },
    "config": network_is_a_function.LESSON["config"],
    "weights": {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                           {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]},
    "figure": {"kind": "backprop", "input": [1, -1], "target": 0},
    "tasks": [
        {"text": {"en": "Step through the forward and the backward pass to the update, then press Check: every "
                        "gradient of backpropagation must equal its finite-difference estimate.",
                  "zh": "一步一步走完前向和后向传播直到参数更新，然后按“检查”：后向传播的每个梯度都必须与有限差分的"
                        "估计相等。"},
         "conditions": [{"kind": "gradients_match", "value": {"input": [1, -1], "target": 0, "tolerance": 1e-6}}]},
    ],
}
