"""Lesson 1 (section 3.1.2): one neuron, its activations and its line."""

LESSON: dict = {
    "id": "the-neuron",
    "section": "3.1.2",
    "figures": "Table 3-1, Fig. 3-4",
    "title": {"en": "The neuron", "zh": "神经元"},
    "text": {
        "en": ["An artificial neuron with inputs x computes its linear input a = w^T x + b (eq. 3.1) and its output "
               "h = g(a) (eq. 3.2). Table 3-1 lists six activations g: linear, step, sign, sigmoid, tanh and ReLU "
               "(step, sign and ReLU switch at a >= 0).",
               "With two inputs, a = 0 on the straight line w^T x + b = 0 (eq. 3.3): w is the line's normal vector, "
               "pointing to the side where a > 0, and the line lies |b| / ||w|| from the origin (Fig. 3-4). With the "
               "sign activation the neuron says +1 on one side and -1 on the other: it is a linear classifier."],
        "zh": ["一个人工神经元对输入 x 计算线性输入 a = w^T x + b（式 3.1）和输出 h = g(a)（式 3.2）。表 3-1 列出六种"
               "激活函数 g：线性、阶跃、符号、sigmoid、tanh 和 ReLU（阶跃、符号和 ReLU 在 a >= 0 处切换）。",
               "有两个输入时，a = 0 的点构成直线 w^T x + b = 0（式 3.3）：w 是这条直线的法向量，指向 a > 0 的一侧；"
               "直线到原点的距离是 |b| / ||w||（图 3-4）。使用符号激活函数时，神经元在直线一侧输出 +1，另一侧输出 -1："
               "它是一个线性分类器。"],
    },
    "config": {"data": {"name": "and", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [], "output": "sign",
               "loss": "squared_error", "optimizer": "sgd", "batch_size": 4},
    "weights": {"layers": [{"W": [[1, 1]], "b": [-0.5]}]},
    "figure": {"kind": "neuron", "domain": [[-0.5, 1.5], [-0.5, 1.5]]},
    "tasks": [
        {"text": {"en": "Move w1, w2 and b so that the sign neuron computes x1 AND x2: +1 at (1, 1) only, -1 at the "
                        "other three corners.",
                  "zh": "调整 w1、w2 和 b，使符号神经元计算 x1 与 x2：只在 (1, 1) 输出 +1，在另外三个角输出 -1。"},
         "conditions": [{"kind": "outputs_at", "value": {"input": [0, 0], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [0, 1], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 0], "output": [-1]}},
                        {"kind": "outputs_at", "value": {"input": [1, 1], "output": [1]}}]},
    ],
}
