"""Lesson 2 (section 3.1.2): logic gates, and why XOR needs a hidden layer."""

LESSON: dict = {
    "id": "logic-gates",
    "section": "3.1.2",
    "figures": "Fig. 3-5, 3-6, 3-7",
    "title": {"en": "Logic gates and XOR", "zh": "逻辑门与异或"},
    "text": {
        "en": ["A single neuron computes h = g(w1 x1 + w2 x2 + b) (eq. 3.1-3.2): it splits the plane with the "
               "straight line w^T x + b = 0 (eq. 3.3).",
               "OR, (NOT x1) AND x2 and x1 AND (NOT x2) are linearly separable, so one neuron solves each "
               "(Fig. 3-5). XOR is not (Fig. 3-6): no straight line puts (0,1) and (1,0) on one side and "
               "(0,0) and (1,1) on the other, so a single neuron never gets more than 3 of the 4 right.",
               "But XOR = OR(AND(NOT x1, x2), AND(x1, NOT x2)): two hidden neurons compute the two ANDs and "
               "the output neuron their OR (Fig. 3-7)."],
        "zh": ["单个神经元计算 h = g(w1 x1 + w2 x2 + b)（式 3.1-3.2）：它用直线 w^T x + b = 0 把平面一分为二"
               "（式 3.3）。",
               "或、（非 x1）与 x2、x1 与（非 x2）都是线性可分的，所以一个神经元就能解决（图 3-5）。异或不是"
               "（图 3-6）：没有一条直线能把 (0,1)、(1,0) 放在一边而把 (0,0)、(1,1) 放在另一边，所以单个神经元"
               "最多答对 4 个中的 3 个。",
               "但是 异或 = 或(与(非 x1, x2), 与(x1, 非 x2))：两个隐含神经元分别计算两个“与”，输出神经元计算"
               "它们的“或”（图 3-7）。"],
    },
    "config": {"data": {"name": "or", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [],
               "optimizer": "adam", "learning_rate": 0.1, "batch_size": 4},
    # Fig. 3-7: h1 = (NOT x1) AND x2, h2 = x1 AND (NOT x2), output = h1 OR h2, all with sign.
    "figure": {"kind": "load", "label": "load_fig_3_7",
               "changes": {"data": {"name": "xor_gate"}, "hidden_layers": [2], "activation": "sign",
                           "output": "sign", "loss": "squared_error"},
               "weights": {"layers": [{"W": [[-1, 1], [1, -1]], "b": [-0.5, -0.5]},
                                      {"W": [[1, 1]], "b": [1]}]}},
    "tasks": [
        {"text": {"en": "With no hidden layer (one neuron), train on x1 OR x2 until every point is right.",
                  "zh": "不加隐含层（只有一个神经元），在“x1 或 x2”上训练，直到每个点都分对。"},
         "conditions": [{"kind": "dataset", "value": "or"}, {"kind": "at_most_hidden_layers", "value": 0},
                        {"kind": "train_accuracy_at_least", "value": 1.0}]},
        {"text": {"en": "Now choose x1 XOR x2: one neuron stays at 75 % or below however long it trains. Add "
                        "one hidden layer of 2 neurons and reach 100 %.",
                  "zh": "现在选择“x1 异或 x2”：一个神经元无论训练多久都不超过 75%。加一个有 2 个神经元的隐含层，"
                        "达到 100%。"},
         "conditions": [{"kind": "dataset", "value": "xor_gate"}, {"kind": "hidden_layers", "value": [2]},
                        {"kind": "train_accuracy_at_least", "value": 1.0}]},
        {"text": {"en": "Load Fig. 3-7's hand-set sign network (button above): look at the two hidden neurons' "
                        "lines and the output's regions, and check that it computes XOR.",
                  "zh": "载入图 3-7 的手动设置的符号网络（上方按钮）：观察两个隐含神经元的直线和输出的区域，"
                        "并检查它是否计算异或。"},
         "conditions": [{"kind": "outputs_at", "value": {"input": [0, 0], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [0, 1], "output": [1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 0], "output": [1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 1], "output": [-1]}}]},
    ],
}
