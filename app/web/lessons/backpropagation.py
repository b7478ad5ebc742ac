"""Lesson 8 (section 3.3): the chain rule over paths, then backpropagation step by step on Fig. 3-13's network."""

from app.web.lessons import network_is_a_function

SAMPLE = {"input": [1, -1], "target": 0}
"""x = (1, -1) of the first class (c = 1 as the chapter counts; target 0 as the program counts from 0)."""

LESSON: dict = {
    "id": "backpropagation",
    "section": "3.3",
    "figures": "Fig. 3-18 to 3-27",
    "title": {"en": "Backpropagation step by step", "zh": "一步一步看后向传播"},
    "text": {
        "en": ["The forward pass computes every node's value; the backward pass starts at the output and visits "
               "the nodes in reverse order. Its rule is the chain rule (eq. 3.19, Fig. 3-19 to 3-22): the "
               "gradient of the loss l at a node is the sum, over every path from that node to l, of the product "
               "of the local derivatives along the path. One path gives one product (Fig. 3-19), two paths a sum "
               "of two (Fig. 3-20), n paths a sum of n (Fig. 3-21).",
               "Each neuron has two halves (Fig. 3-23, 3-26): its linear input a = W h + b (the dashed half) and "
               "its nonlinear output h = g(a) (the solid half). Going back through a neuron multiplies by g'(a) "
               "(eq. 3.22-3.23); going back along a link multiplies by its weight (eq. 3.20-3.21).",
               "At the output: dl/dy (eq. 3.15-3.16), then delta(3) = dl/da(3) (eq. 3.17-3.18). In a hidden "
               "layer: dl/dh(k) = W(k+1)^T delta(k+1) (eq. 3.21) and delta(k) = dl/dh(k) * g'(a(k)) (eq. 3.23). "
               "For the parameters: grad W(k) = delta(k) h(k-1)^T (eq. 3.25) and grad b(k) = delta(k) "
               "(eq. 3.27); gradient descent then updates both W and b (eq. 3.11). The network diagram shows, "
               "step by step, the layer whose values are listed (Fig. 3-27).",
               "The network is Fig. 3-13's, with its weights: sigmoid outputs and the loss l = -log y_c "
               "(eq. 3.14). The sample is x = (1, -1) of class c = 1. Eq. 3.18 prints delta(3) = y - e(c), "
               "which is exact for softmax outputs with cross-entropy (or sigmoid outputs with a binary "
               "cross-entropy per output); with sigmoid outputs and -log y_c the other output does not enter the "
               "loss, so its delta is 0. The walk-through shows both values."],
        "zh": ["前向传播计算出每个节点的值；后向传播从输出开始，按相反的顺序访问各节点。它依据的是链式法则"
               "（式 3.19，图 3-19 至图 3-22）：损失 l 在某节点处的梯度，等于从该节点到 l 的每一条路径上各局部导数"
               "之积的和。一条路径只有一个乘积（图 3-19），两条路径是两个乘积之和（图 3-20），n 条路径是 n 个乘积"
               "之和（图 3-21）。",
               "每个神经元分为两半（图 3-23、图 3-26）：线性输入 a = W h + b（虚线半圈）和非线性输出 h = g(a)"
               "（实线半圈）。反向穿过一个神经元要乘以 g'(a)（式 3.22-3.23）；反向经过一条连线要乘以它的权重"
               "（式 3.20-3.21）。",
               "在输出端：dl/dy（式 3.15-3.16），然后是 delta(3) = dl/da(3)（式 3.17-3.18）。在隐含层："
               "dl/dh(k) = W(k+1)^T delta(k+1)（式 3.21），delta(k) = dl/dh(k) * g'(a(k))（式 3.23）。参数的梯度："
               "grad W(k) = delta(k) h(k-1)^T（式 3.25），grad b(k) = delta(k)（式 3.27）；然后梯度下降同时更新 W "
               "和 b（式 3.11）。网络图一步一步标出当前列出数值的那一层（图 3-27）。",
               "网络是图 3-13 的网络及其权重：Sigmoid 函数输出，损失为 l = -log y_c（式 3.14）。样本为 "
               "x = (1, -1)，属于第 c = 1 类。式 3.18 给出 delta(3) = y - e(c)，它对 softmax 输出配交叉熵（或 "
               "Sigmoid 函数输出配逐个输出的二元交叉熵）是精确的；而 Sigmoid 函数输出配 -log y_c 时，另一个输出"
               "不进入损失，它的 delta 为 0。逐步演示同时给出这两个值。"],
    },
    "config": network_is_a_function.LESSON["config"],
    "weights": {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                           {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]},
    "figure": [{"kind": "chain", **SAMPLE, "start": {"half": "h", "layer": 1, "index": 0}},
               {"kind": "backprop", **SAMPLE}],
    "panels": ["settings", "network"],
    "tasks": [
        {"text": {"en": "Step through the forward and the backward pass with \"Next step\" up to the last step, the "
                        "update of W and b, then press Check: every gradient of backpropagation must also equal "
                        "its finite-difference estimate.",
                  "zh": "用“下一步”一步一步走完前向和后向传播，直到最后一步（W 和 b 的更新），然后按“检查”："
                        "后向传播的每个梯度还都必须与有限差分的估计相等。"},
         "conditions": [{"kind": "gradients_match", "value": {**SAMPLE, "tolerance": 1e-6}},
                        {"kind": "walked_to_update", "value": SAMPLE}]},
        {"text": {"en": "In the chain-rule figure, choose the node h(1)₁ (the output of the first neuron of hidden "
                        "layer 1). How many paths lead from it to the loss l?",
                  "zh": "在链式法则图中选择节点 h(1)₁（第 1 个隐含层第一个神经元的输出）。从它到损失 l 共有几条路径？"},
         "choices": [{"en": "1", "zh": "1"}, {"en": "2", "zh": "2"}, {"en": "4", "zh": "4"},
                     {"en": "8", "zh": "8"}],
         "conditions": [{"kind": "answer", "value": 2}]},
        {"text": {"en": "Look at the paths' products: every path that goes through y₂ contributes 0. Why?",
                  "zh": "看各条路径的乘积：每条经过 y₂ 的路径贡献都是 0。为什么？"},
         "choices": [{"en": "The sample is of class 1, so l = -log y₁ and dl/dy₂ = 0 (eq. 3.15)",
                      "zh": "样本属于第 1 类，l = -log y₁，所以 dl/dy₂ = 0（式 3.15）"},
                     {"en": "A weight on those paths is 0", "zh": "这些路径上有一个权重为 0"},
                     {"en": "The derivative of the Sigmoid function is 0 there",
                      "zh": "Sigmoid 函数在那里的导数为 0"}],
         "conditions": [{"kind": "answer", "value": 0}]},
        {"text": {"en": "At the step \"delta(3)\", the chapter's eq. 3.18 gives [-0.3823, 0.8291] and this network "
                        "[-0.3823, 0]. Why do they differ?",
                  "zh": "在 “delta(3)” 这一步，书中式 3.18 给出 [-0.3823, 0.8291]，而这个网络给出 [-0.3823, 0]。"
                        "为什么不同？"},
         "choices": [{"en": "Eq. 3.18 is exact for softmax + cross-entropy (or sigmoid + binary cross-entropy per "
                            "output); with sigmoid outputs and -log y_c, y₂ does not enter the loss",
                      "zh": "式 3.18 对 softmax 配交叉熵（或 Sigmoid 函数配逐个输出的二元交叉熵）是精确的；"
                            "Sigmoid 函数输出配 -log y_c 时，y₂ 不进入损失"},
                     {"en": "Rounding: the program computes in float32", "zh": "舍入误差：程序用 float32 计算"},
                     {"en": "The chapter's weights differ from Fig. 3-13's", "zh": "书中的权重与图 3-13 的不同"}],
         "conditions": [{"kind": "answer", "value": 0}]},
    ],
}
