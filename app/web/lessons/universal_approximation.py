"""Lesson 4 (section 3.1.3): the universal approximation theorem and its caveats."""

LESSON: dict = {
    "id": "universal-approximation",
    "section": "3.1.3",
    "figures": "Fig. 3-10",
    "title": {"en": "Universal approximation", "zh": "万能逼近"},
    "text": {
        "en": ["One hidden layer with enough neurons and a linear output can approximate any continuous "
               "function as closely as we like.",
               "The chapter's caveats: it is an approximation, not an exact fit (more neurons, better "
               "precision); it is for continuous targets; and the theorem says such weights exist, not that "
               "training will find them.",
               "Try each caveat with the datasets on the left: the step function is not continuous, so "
               "the error near its jump stays large; with few noisy points a wide layer fits the training "
               "points but not the test points; and some seeds leave a small network stuck far from the "
               "best fit."],
        "zh": ["一个有足够多神经元的隐含层加上线性输出，可以以任意精度逼近任何连续函数。",
               "本章的提醒：这是逼近而不是精确拟合（神经元越多，精度越高）；只适用于连续的目标函数；定理只说"
               "这样的权重存在，并不保证训练能找到它们。",
               "用左边的数据集逐一验证这些提醒：阶跃函数不连续，它跳变附近的误差一直很大；点少且有噪声时，很宽的"
               "隐含层能拟合训练点却拟合不好测试点；有些随机种子会让小网络卡在离最佳拟合很远的地方。"],
    },
    "config": {"data": {"name": "sine", "n_points": 200, "train_ratio": 0.8}, "features": ["x1"],
               "hidden_layers": [1], "optimizer": "adam", "learning_rate": 0.02, "batch_size": 20},
    "figure": [
        {"kind": "sweep", "mode": "chart", "widths": [1, 2, 4, 8, 16, 32], "epochs": 600},
        # The chapter's three caveats, each as a counter-example to load and train.
        {"kind": "load", "label": "caveat_discontinuous",
         "changes": {"data": {"name": "step", "n_points": 200, "train_ratio": 0.8}, "hidden_layers": [4]}},
        {"kind": "load", "label": "caveat_overfit",
         "changes": {"data": {"name": "sine", "n_points": 12, "noise": 1.0, "train_ratio": 0.5},
                     "hidden_layers": [32], "learning_rate": 0.03, "batch_size": 4}},
        {"kind": "load", "label": "caveat_stuck",
         "changes": {"data": {"name": "sine", "n_points": 200, "noise": 0, "train_ratio": 0.8},
                     "hidden_layers": [8], "activation": "relu", "learning_rate": 1.0, "optimizer": "sgd"}},
    ],
    "tasks": [
        {"text": {"en": "Fit sin(πx) with one hidden layer until the training loss is below 0.001. Start with "
                        "one neuron and add more.",
                  "zh": "用一个隐含层拟合 sin(πx)，直到训练损失低于 0.001。从一个神经元开始，逐渐增加。"},
         "conditions": [{"kind": "dataset", "value": "sine"}, {"kind": "at_most_hidden_layers", "value": 1},
                        {"kind": "train_loss_at_most", "value": 0.001}]},
    ],
}
