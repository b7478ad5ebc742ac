"""Lesson 3 (section 3.1.2): more hidden neurons draw more complex regions."""

LESSON: dict = {
    "id": "more-neurons",
    "section": "3.1.2",
    "figures": "Fig. 3-8, 3-10",
    "title": {"en": "More neurons, more complex regions", "zh": "神经元越多，区域越复杂"},
    "text": {
        "en": ["Each hidden neuron draws one boundary of its own (look at its small heatmap); the output "
               "neuron combines them. With more hidden neurons the decision regions can take more complex "
               "shapes (Fig. 3-8).",
               "One hidden neuron gives one straight boundary. A closed region such as the inner disc of the "
               "circle data needs several."],
        "zh": ["每个隐含神经元画出自己的一条边界（看它的小热力图）；输出神经元把它们组合起来。隐含神经元越多，"
               "决策区域的形状就可以越复杂（图 3-8）。",
               "一个隐含神经元只能给出一条直的边界。像圆形数据中间的圆盘这样的封闭区域需要好几条。"],
    },
    "config": {"data": {"name": "circle", "n_points": 300}, "hidden_layers": [1], "optimizer": "adam",
               "learning_rate": 0.03},
    "figure": {"kind": "sweep", "mode": "maps", "widths": [1, 2, 4, 8], "epochs": 300},
    "tasks": [
        {"text": {"en": "Keep a single hidden layer and give it just enough neurons to reach 95 % test accuracy "
                        "on the circle.",
                  "zh": "只保留一个隐含层，给它刚好足够的神经元，使圆形数据的测试准确率达到 95%。"},
         "conditions": [{"kind": "dataset", "value": "circle"}, {"kind": "at_most_hidden_layers", "value": 1},
                        {"kind": "test_accuracy_at_least", "value": 0.95}]},
    ],
}
