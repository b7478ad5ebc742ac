"""Lesson 3 (section 3.1.2): more hidden neurons draw more complex regions (Fig. 3-8, 3-10).

The sweep trains 1, 2, 3, 4 and 8 neurons on the circle; the first task asks the student to read it: the smallest
width that closes a region around the inner disc is 3 (three straight boundaries make a triangle; two make at most
a band). Measured with the lesson's settings over weight seeds 0..9 (tests/app/test_lesson_widths.py asserts it):
test accuracy after 300 epochs is 61-67 % with 1 neuron, 76-86 % with 2, 96-99 % with 3, 99-100 % with 4 and 8."""

SMALLEST_WIDTH = 3  # the right answer of task 0, and the width task 1 builds

WIDTHS = [1, 2, 3, 4, 8]

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
               "circle data needs several: how many? The button below trains networks with 1 hidden layer of "
               "1, 2, 3, 4 and 8 neurons on this data and draws each one's output: blue where it says \"inner "
               "disc\", orange where it says \"ring\", with the number of neurons and the test accuracy under "
               "each map."],
        "zh": ["每个隐含神经元画出自己的一条边界（看它的小热力图）；输出神经元把它们组合起来。隐含神经元越多，"
               "决策区域的形状就可以越复杂（图 3-8）。",
               "一个隐含神经元只能给出一条直的边界。像圆形数据中间的圆盘这样的封闭区域需要好几条：到底要几条？"
               "下面的按钮在这份数据上分别训练隐含层有 1、2、3、4、8 个神经元的单隐含层网络，并画出各自的输出："
               "蓝色表示判为“中间的圆盘”，橙色表示判为“外面的圆环”，每张图下面写着神经元个数和测试准确率。"],
    },
    "config": {"data": {"name": "circle", "n_points": 300}, "hidden_layers": [1], "optimizer": "adam",
               "learning_rate": 0.03},
    "panels": ["network", "output"],
    "figure": {"kind": "sweep", "mode": "maps", "widths": WIDTHS, "epochs": 300},
    "tasks": [
        {"text": {"en": "Press the button above and read the maps: what is the smallest number of hidden neurons "
                        "whose map closes a region around the inner disc, with a test accuracy of at least 95 %?",
                  "zh": "按上面的按钮并读这些图：能把中间的圆盘围成一个封闭区域、测试准确率达到 95% 的最少隐含"
                        "神经元个数是多少？"},
         "choices": [{"en": f"{n} neuron" + ("s" if n > 1 else ""), "zh": f"{n} 个神经元"} for n in WIDTHS],
         "conditions": [{"kind": "answer", "value": WIDTHS.index(SMALLEST_WIDTH)}]},
        {"text": {"en": "Now build it: 1 hidden layer with just that many neurons (use + on the layer), then "
                        "train until the test accuracy reaches 95 %.",
                  "zh": "现在动手搭建：一个隐含层，恰好放这么多个神经元（用该层上的 +），然后训练到测试准确率达到 "
                        "95%。"},
         "conditions": [{"kind": "dataset", "value": "circle"}, {"kind": "hidden_layers", "value": [SMALLEST_WIDTH]},
                        {"kind": "test_accuracy_at_least", "value": 0.95}]},
    ],
}
