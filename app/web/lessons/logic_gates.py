"""Lesson 2 (section 3.1.2): logic gates, and why XOR needs a hidden layer.

The settings (tanh hidden neurons, TensorFlow Playground's uniform initial weights, Adam with step 0.1, batches
of 2) are chosen so that XOR with 2 hidden neurons is learnt from most starts: over seeds 0..19, 18 starts reach
100 % within 1000 epochs (a fraction of a second of Play), the other two stay at 75 %
(tests/app/test_lesson_neuron.py asserts at least 16 and seed 0, the lesson's default start).
"""

# Fig. 3-7: h1 = (NOT x1) AND x2, h2 = x1 AND (NOT x2), output = h1 OR h2, all with sign.
FIG_3_7 = {"layers": [{"W": [[-1, 1], [1, -1]], "b": [-0.5, -0.5]}, {"W": [[1, 1]], "b": [1]}]}


def _corner(x1: int, x2: int, output: int) -> dict:
    return {"kind": "outputs_at", "value": {"input": [x1, x2], "output": [output]}}


def _one_neuron_learns(dataset: str) -> list[dict]:
    """The conditions of "one neuron (no hidden layer), trained on a gate, gets every corner right"."""
    return [{"kind": "dataset", "value": dataset}, {"kind": "at_most_hidden_layers", "value": 0},
            {"kind": "train_accuracy_at_least", "value": 1.0}]


LESSON: dict = {
    "id": "logic-gates",
    "section": "3.1.2",
    "figures": "Fig. 3-5, 3-6, 3-7, 3-8",
    "title": {"en": "Logic gates and XOR", "zh": "逻辑门与异或"},
    "text": {
        "en": ["A single neuron computes h = g(w1 x1 + w2 x2 + b) (eq. 3.1-3.2): it splits the plane with the "
               "straight line w^T x + b = 0 (eq. 3.3). Such a classifier of one neuron is a perceptron.",
               "OR, (NOT x1) AND x2 and x1 AND (NOT x2) are linearly separable, so one neuron solves each "
               "(Fig. 3-5). XOR is not (Fig. 3-6): no straight line puts (0,1) and (1,0) on one side and "
               "(0,0) and (1,1) on the other, so a single neuron never gets more than 3 of the 4 right (75 %).",
               "But XOR = OR(AND(NOT x1, x2), AND(x1, NOT x2)): two hidden neurons compute the two ANDs and "
               "the output neuron their OR (Fig. 3-6, 3-7). The button below loads that network with the "
               "weights set by hand; its picture shows the two hidden neurons' lines, the regions where "
               "(h1, h2) takes each sign pattern, and the output at the four corners. With more hidden neurons the "
               "regions can be more complex (Fig. 3-8).",
               "Trained from random weights, 2 hidden neurons learn XOR from most starts within 1000 epochs. "
               "Some starts get stuck at 75 %: both hidden neurons drift towards the same line, or training "
               "sits near a saddle point where the loss hardly changes. Training longer does not help then: "
               "press \"New weights\" for a new random start and press Play (▶) again."],
        "zh": ["单个神经元计算 h = g(w1 x1 + w2 x2 + b)（式 3.1-3.2）：它用直线 w^T x + b = 0 把平面一分为二"
               "（式 3.3）。一个神经元构成的分类器也称为感知机。",
               "或、（非 x1）与 x2、x1 与（非 x2）都是线性可分的，所以一个神经元就能解决（图 3-5）。异或不是"
               "（图 3-6）：没有一条直线能把 (0,1)、(1,0) 放在一边而把 (0,0)、(1,1) 放在另一边，所以单个神经元"
               "最多答对 4 个中的 3 个（75%）。",
               "但是 异或 = 或(与(非 x1, x2), 与(x1, 非 x2))：两个隐含神经元分别计算两个“与”，输出神经元计算"
               "它们的“或”（图 3-6、3-7）。下面的按钮载入这个手动设置权重的网络；它的图画出两个隐含神经元的"
               "直线、(h1, h2) 取各个符号组合的区域，以及四个角上的输出。神经元越多，能描述的区域就越复杂（图 3-8）。",
               "从随机权重开始训练时，大多数初始权重下 2 个隐含神经元在 1000 轮之内就学会异或。有些初始权重会停在 75%："
               "两个隐含神经元趋向同一条直线，或者训练停在鞍点附近，损失几乎不再变化。这时训练再久也没有用："
               "请按“新的初始权重”换一组随机初始权重，再按“开始”（▶）。"],
    },
    "config": {"data": {"name": "or", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [],
               "activation": "tanh", "initializer": "uniform", "optimizer": "adam", "learning_rate": 0.1,
               "batch_size": 2},
    "panels": ["data", "network", "output"],
    "figure": {"kind": "load", "label": "load_fig_3_7", "regions": True,
               "changes": {"data": {"name": "xor_gate"}, "hidden_layers": [2], "activation": "sign",
                           "output": "sign", "loss": "squared_error"},
               "weights": FIG_3_7},
    "tasks": [
        {"text": {"en": "With no hidden layer (one neuron), train on x1 OR x2 until every point is right.",
                  "zh": "不加隐含层（只有一个神经元），在“x1 或 x2”上训练，直到每个点都分对。"},
         "conditions": _one_neuron_learns("or")},
        {"text": {"en": "Now choose x1 XOR x2: one neuron stays at 75 % or below however long it trains. Add "
                        "one hidden layer of 2 neurons and reach 100 % (if it stays at 75 %, press \"New "
                        "weights\" and Play (▶) again).",
                  "zh": "现在选择“x1 异或 x2”：一个神经元无论训练多久都不超过 75%。加一个有 2 个神经元的隐含层，"
                        "达到 100%（如果停在 75%，按“新的初始权重”，再按“开始”（▶））。"},
         "conditions": [{"kind": "dataset", "value": "xor_gate"}, {"kind": "hidden_layers", "value": [2]},
                        {"kind": "train_accuracy_at_least", "value": 1.0}]},
        {"text": {"en": "Load Fig. 3-7's hand-set sign network (button above): look at the two hidden neurons' "
                        "lines and the output's regions, and check that it computes XOR.",
                  "zh": "载入图 3-7 的手动设置的符号网络（上方按钮）：观察两个隐含神经元的直线和输出的区域，"
                        "并检查它是否计算异或。"},
         "conditions": [_corner(0, 0, -1), _corner(0, 1, 1), _corner(1, 0, 1), _corner(1, 1, -1)]},
        {"text": {"en": "In the picture of Fig. 3-7's network, read the hidden pair (h1, h2) at the four corners. "
                        "Which is true?",
                  "zh": "在图 3-7 网络的图中，读出四个角上隐含层的 (h1, h2)。下面哪一句是对的？"},
         "choices": [
             {"en": "The four corners give four different patterns (h1, h2).",
              "zh": "四个角给出四种不同的 (h1, h2)。"},
             {"en": "(0,0) and (1,1) both give (−1, −1); (0,1) gives (+1, −1) and (1,0) gives (−1, +1): the "
                    "hidden layer puts the two classes of XOR on the two sides of one line, which the output "
                    "neuron draws.",
              "zh": "(0,0) 和 (1,1) 都给出 (−1, −1)；(0,1) 给出 (+1, −1)，(1,0) 给出 (−1, +1)：隐含层把异或的"
                    "两类放到一条直线的两侧，输出神经元画的就是这条直线。"},
             {"en": "All four corners give (+1, +1).", "zh": "四个角都给出 (+1, +1)。"},
         ],
         "conditions": [{"kind": "answer", "value": 1}]},
        {"text": {"en": "The two ANDs the hidden neurons compute are Fig. 3-5's other two gates. Choose "
                        "(NOT x1) AND x2, remove every hidden layer, and train one neuron until every point is right.",
                  "zh": "隐含神经元计算的两个“与”正是图 3-5 中另外两个逻辑门。选择“（非 x1）与 x2”，去掉所有隐含层，"
                        "训练一个神经元直到每个点都分对。"},
         "conditions": _one_neuron_learns("not_x1_and_x2")},
        {"text": {"en": "The same for x1 AND (NOT x2): one neuron, every point right.",
                  "zh": "对“x1 与（非 x2）”也这样做：一个神经元，每个点都分对。"},
         "conditions": _one_neuron_learns("x1_and_not_x2")},
    ],
}
