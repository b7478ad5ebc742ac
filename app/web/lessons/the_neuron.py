"""Lesson 1 (sections 3.1.1-3.1.2): the biological neuron, one artificial neuron, its activations and its line,
and the Sigmoid neuron as logistic regression."""

LESSON: dict = {
    "id": "the-neuron",
    "section": "3.1.1-3.1.2",
    "figures": "Fig. 3-1, 3-3, 3-4, Table 3-1",
    "title": {"en": "The neuron", "zh": "神经元"},
    "text": {
        "en": ["A biological neuron (Fig. 3-1) receives signals from other neurons through its dendrites, at "
               "synapses of different strengths; its cell body combines them, and its axon passes the result on to "
               "the next neurons. The artificial neuron (Fig. 3-3) keeps that structure: inputs x1 … xD, one weight "
               "per input, a sum, and an output (the picture below maps each part).",
               "It computes its linear input a = w^T x + b (eq. 3.1) and its output h = g(a) (eq. 3.2). Table 3-1 "
               "lists six activation functions g: the linear function, the step function, the sign function, the "
               "Sigmoid function, the tanh function and the ReLU function (step, sign and ReLU switch at a >= 0).",
               "With two inputs, a = 0 on the straight line w^T x + b = 0 (eq. 3.3): w is the line's normal vector, "
               "pointing to the side where a > 0, and the line lies |b| / ||w|| from the origin (Fig. 3-4). With the "
               "sign function the neuron says +1 on one side (blue on the plane) and -1 on the other (orange): it is a "
               "linear classifier, also called a perceptron.",
               "With the Sigmoid function, one neuron models the probability of class 1: P(y=1|x) = 1 / (1 + e^(-a)) "
               "with a = w^T x + b. This classifier is logistic regression: class 1 when P(y=1|x) >= 0.5, otherwise "
               "class 0. Since the Sigmoid function is 0.5 exactly at a = 0, P >= 0.5 exactly when a >= 0: the same "
               "straight line separates the two classes. Choose the Sigmoid function on the plane to see P at x."],
        "zh": ["生物神经元（图 3-1）通过树突接收其他神经元传来的信号，各个突触的连接强弱不同；细胞体把这些信号汇总，"
               "轴突再把结果传给后面的神经元。人工神经元（图 3-3）保留了这个结构：输入 x1 … xD、每个输入一个权重、"
               "求和，以及一个输出（下图标出了各部分的对应关系）。",
               "它计算线性输入 a = w^T x + b（式 3.1）和非线性输出 h = g(a)（式 3.2）。表 3-1 列出六种激活函数 g："
               "线性函数、step 函数、sign 函数、Sigmoid 函数、tanh 函数和 ReLU 函数（step 函数、sign 函数和 ReLU "
               "函数在 a >= 0 处切换）。",
               "有两个输入时，a = 0 的点构成直线 w^T x + b = 0（式 3.3）：w 是这条直线的法向量，指向 a > 0 的一侧；"
               "直线到原点的距离是 |b| / ||w||（图 3-4）。采用 sign 函数时，神经元在直线一侧输出 +1"
               "（平面上的蓝色一侧），另一侧输出 -1（橙色一侧）：它是一个线性分类器，也称为感知机。",
               "采用 Sigmoid 函数时，单个神经元可以模拟类别 1 的概率：P(y=1|x) = 1 / (1 + e^(-a))，其中 a = w^T x + b。"
               "这个分类器就是逻辑回归分类器：若 P(y=1|x) >= 0.5，则判为类别 1，否则为类别 0。Sigmoid 函数恰好在 "
               "a = 0 处等于 0.5，所以 P >= 0.5 当且仅当 a >= 0：分开两类的仍是同一条直线。在平面图上选择 Sigmoid "
               "函数，就能看到 x 处的 P。"],
    },
    "config": {"data": {"name": "and", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [], "output": "sign",
               "loss": "squared_error", "optimizer": "sgd", "batch_size": 4},
    "weights": {"layers": [{"W": [[1, 1]], "b": [-0.5]}]},
    "panels": ["output"],
    "figure": {"kind": "neuron", "domain": [[-0.5, 1.5], [-0.5, 1.5]], "activation": "sign"},
    "tasks": [
        {"text": {"en": "Move w1, w2 and b so that the sign neuron computes x1 AND x2: +1 at (1, 1) only, -1 at the "
                        "other three corners.",
                  "zh": "调整 w1、w2 和 b，使 sign 神经元计算 x1 与 x2：只在 (1, 1) 输出 +1，在另外三个角输出 -1。"},
         "conditions": [{"kind": "outputs_at", "value": {"input": [0, 0], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [0, 1], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 0], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 1], "output": [1]}}]},
        {"text": {"en": "Set w1 = 1, w2 = 1, b = -1.5, choose the Sigmoid function for the plane and type the input "
                        "x = (1, 0). What does the figure say?",
                  "zh": "设 w1 = 1、w2 = 1、b = -1.5，在平面图上选择 Sigmoid 函数，并输入 x = (1, 0)。图上显示的是"
                        "什么？"},
         "choices": [
             {"en": "P(y=1|x) = 0.622 ≥ 0.5, so class 1.", "zh": "P(y=1|x) = 0.622 ≥ 0.5，所以是类别 1。"},
             {"en": "P(y=1|x) = 0.378 < 0.5 because a = −0.5 < 0, so class 0: the same side of the line where the "
                    "sign function says −1.",
              "zh": "因为 a = −0.5 < 0，P(y=1|x) = 0.378 < 0.5，所以是类别 0：正是 sign 函数输出 −1 的那一侧。"},
             {"en": "P(y=1|x) = 0.5: the point (1, 0) lies on the line.",
              "zh": "P(y=1|x) = 0.5：点 (1, 0) 在直线上。"},
         ],
         "conditions": [{"kind": "answer", "value": 1}]},
    ],
}
