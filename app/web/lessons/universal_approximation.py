"""Lesson 4 (section 3.1.3): the universal approximation theorem and the chapter's three caveats.

Each caveat is a button whose settings show it; every number the text and the buttons state is what the engine
gave with those settings over weight seeds 0..9 (tests/app/test_lesson_widths.py asserts them on a few seeds):
- 1, approximation (the width sweep on sin(pi x), 600 epochs): training loss 0.037-0.038 with 1 neuron,
  0.0012-0.0028 with 2, 0.00014-0.0013 with 4; the best of 4..32 neurons 2e-5-4.2e-4; never 0.
- 2, the condition: the step (square integrable) with 4 neurons goes below 0.002 by epoch 470-850 and to
  3e-5-8e-5 by epoch 3000; y = 1/x (neither) with 8 neurons never goes below 43 000 in 3000 epochs.
- 3, existence is not finding: 8 ReLU neurons, SGD, learning rate 1.0: the lowest training loss in 3000 epochs is
  0.026-0.083; 32 neurons on 6 noisy points: training loss <= 0.001 by epoch 450-590, test loss never below
  0.0079 after epoch 100.
"""

# Every caveat sets all of these, so that a button gives the same run whichever button was pressed before it.
BASE = {"hidden_layers": [8], "activation": "tanh", "optimizer": "adam", "learning_rate": 0.02, "batch_size": 20}
SINE = {"name": "sine", "n_points": 200, "noise": 0.0, "train_ratio": 0.8, "params": {}}

CAVEATS = {
    "caveat_step": {**BASE, "data": {**SINE, "name": "step"}, "hidden_layers": [4]},
    "caveat_inverse": {**BASE, "data": {**SINE, "name": "expression", "params": {"expression": "1/x"}}},
    "caveat_stuck": {**BASE, "data": SINE, "activation": "relu", "optimizer": "sgd", "learning_rate": 1.0},
    "caveat_overfit": {**BASE, "data": {**SINE, "n_points": 12, "noise": 1.0, "train_ratio": 0.5},
                       "hidden_layers": [32], "learning_rate": 0.03, "batch_size": 4},
}
SWEEP = {"kind": "sweep", "mode": "chart", "label": "caveat_approximation", "widths": [1, 2, 4, 8, 16, 32],
         "epochs": 600}

LESSON: dict = {
    "id": "universal-approximation",
    "section": "3.1.3",
    "figures": "Fig. 3-10",
    "title": {"en": "Universal approximation", "zh": "万能逼近"},
    "text": {
        "en": ["The universal approximation theorem: a feedforward network with a linear output layer and at "
               "least 1 hidden layer, given enough neurons (with a suitable activation, such as the tanh function), "
               "can approximate any continuous or square-integrable function to any precision.",
               "The chapter adds three caveats. Each button below loads settings that show one: press it, then "
               "Play. The numbers are what this program measured with those settings from ten random starts.",
               "1. It is an approximation, not an exact fit; more neurons, better precision. The first button "
               "trains 1, 2, 4, 8, 16 and 32 neurons on this data for 600 epochs each. On sin(πx) the training "
               "loss is about 0.04 with 1 neuron, about 0.002 with 2, and below 0.001 for the best of 4 or more; it "
               "is never 0. Beyond 4 neurons it no longer falls steadily: in 600 epochs the training, not the "
               "width, limits the precision.",
               "2. The target must be continuous or square integrable. The step (y = 1 for x ≥ 0, else 0) jumps, "
               "so it is not continuous, but it is square integrable, so the theorem covers it: 4 neurons bring "
               "the training loss below 0.002 within 900 epochs (the jump becomes a steep ramp). y = 1/x is "
               "neither (it grows without bound at 0): with 8 neurons the training loss stays above 10 000.",
               "3. Such weights exist, but training need not find them. 8 neurons with the tanh function fit "
               "sin(πx) (the first button), yet 8 ReLU neurons trained by SGD with a step (learning rate) of 1.0 "
               "keep the training loss above 0.02. And a network too large for its data may not generalize: 32 "
               "neurons on 6 noisy training points bring the training loss to 0.001 or lower while the test "
               "loss stays above 0.005."],
        "zh": ["万能逼近定理：一个包含线性输出层和至少一个隐含层的前馈神经网络，只要给予足够数量的神经元（并使用"
               "合适的激活函数，例如 tanh 函数），就能以任意精度逼近任意连续函数或平方可积函数。",
               "本章给出了三点提醒。下面每个按钮载入能展示其中一点的设置：按下它，再按运行。文中的数字是本程序用"
               "这些设置从十个不同的随机起点测得的。",
               "1. 这是逼近而不是精确拟合；神经元越多，精度越高。第一个按钮在这份数据上分别训练 1、2、4、8、16、"
               "32 个神经元，各 600 轮。对 sin(πx)，1 个神经元的训练损失约为 0.04，2 个约为 0.002，4 个及以上中最好的"
               "低于 0.001；它从不等于 0。超过 4 个神经元后损失不再稳定下降：在 600 轮内，限制精度的是训练，"
               "而不是宽度。",
               "2. 被逼近的函数必须是连续函数或平方可积函数。阶跃函数（x ≥ 0 时 y = 1，否则为 0）有跳变，不连续，"
               "但它平方可积，所以定理仍然适用：4 个神经元在 900 轮内把训练损失降到 0.002 以下（跳变处变成一段"
               "陡坡）。y = 1/x 两者都不是（在 0 附近无界增长）：用 8 个神经元，训练损失一直高于 10 000。",
               "3. 这样的权重存在，但训练不一定能找到它们。8 个使用 tanh 函数的神经元能拟合 sin(πx)（第一个按钮），"
               "而 8 个 ReLU 神经元用 SGD、步长（学习率）1.0 训练时，训练损失一直高于 0.02。另外，对数据而言过大的"
               "网络可能无法泛化：32 个神经元拟合 6 个带噪声的训练点，训练损失降到 0.001 或更低，测试损失却一直"
               "高于 0.005。"],
    },
    "config": {"data": {"name": "sine", "n_points": 200, "train_ratio": 0.8}, "features": ["x1"],
               "hidden_layers": [1], "optimizer": "adam", "learning_rate": 0.02, "batch_size": 20},
    "panels": ["settings", "data", "network", "output"],
    "figure": [SWEEP] + [{"kind": "load", "label": label, "changes": changes} for label, changes in CAVEATS.items()],
    "tasks": [
        {"text": {"en": "Fit sin(πx) with 1 hidden layer until the training loss is below 0.001. Start with "
                        "one neuron and add more.",
                  "zh": "用一个隐含层拟合 sin(πx)，直到训练损失低于 0.001。从一个神经元开始，逐渐增加。"},
         "conditions": [{"kind": "dataset", "value": "sine"}, {"kind": "at_most_hidden_layers", "value": 1},
                        {"kind": "train_loss_at_most", "value": 0.001}]},
    ],
}
