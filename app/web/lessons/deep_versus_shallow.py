"""Lesson 5 (section 3.1.4): deep versus shallow networks at equal parameter counts (Table 3-2).

Task 1 asks what the table shows. Measured with the lesson's settings over weight seeds 0..9 (asserted in
tests/app/test_lesson_widths.py): in every row with 2, 3 or 4 hidden layers the deep k x 8 network has the lower
test error (deep 5-27 %, shallow 23-40 %); the 1-layer row is the same network twice."""

DEEP_WINS = 1  # the index of the right choice of task 1

LESSON: dict = {
    "id": "deep-versus-shallow",
    "section": "3.1.4",
    "figures": "Table 3-2",
    "title": {"en": "Deep versus shallow at equal parameters", "zh": "参数量相同时的深层与浅层"},
    "text": {
        "en": ["Deep means more than two hidden layers. A shallow network that can represent a function may need an "
               "enormous width and be hard to train; deep networks are more compact: more expressive for the same "
               "number of parameters.",
               "Table 3-2 (speech recognition, from the literature) compares deep k × 2k networks with single-layer "
               "ones whose width was chosen to match their parameter counts. Here the same experiment runs on the "
               "spiral data shown in the Output panel: deep k × 8 networks against 1 × m ones with m chosen to "
               "match, same data, settings and seed. The chart under the tables shows each network's test loss "
               "epoch by epoch: one colour per number of layers, the deep network solid, its shallow match dashed."],
        "zh": ["深层指超过两个隐含层。能表示某个函数的浅层网络可能需要巨大的宽度而且难以训练；深层网络是更紧致的"
               "模型：在参数量相同时表达能力更强。",
               "表 3-2（语音识别，来自文献）把深层的 k × 2k 网络与宽度经过选择、参数量相同的单隐含层网络作比较。这里在"
               "“输出”中显示的螺旋数据上做同样的实验：深层 k × 8 网络对比宽度 m 使参数量相同的 1 × m 网络，"
               "数据、设置和随机种子都相同。表格下面的图画出每个网络每一轮的测试损失：每种层数一种颜色，深层网络为实线，"
               "与它参数量相同的浅层网络为虚线。"],
    },
    "config": {"data": {"name": "spiral", "n_points": 400, "noise": 0.1}, "optimizer": "adam",
               "learning_rate": 0.01},
    "panels": ["output"],
    "figure": {"kind": "experiment", "width": 8, "depths": [1, 2, 3, 4], "epochs": 150},
    "tasks": [
        {"text": {"en": "Run the experiment and compare the deep and shallow columns at each parameter count.",
                  "zh": "运行实验，在每个参数量下比较深层和浅层两列。"},
         "conditions": [{"kind": "experiment_done", "value": 2}]},
        {"text": {"en": "Read the table you computed: with the same number of parameters, which network classifies "
                        "the spiral better (lower test error)?",
                  "zh": "读你算出的表格：参数量相同时，哪种网络对螺旋数据分类得更好（测试错误率更低）？"},
         "choices": [
             {"en": "The shallow 1 × m network: its test error is lower in every row with 2 or more hidden layers",
              "zh": "浅层的 1 × m 网络：隐含层数为 2 及以上的每一行中，它的测试错误率都更低"},
             {"en": "The deep k × 8 network: its test error is lower in every row with 2 or more hidden layers",
              "zh": "深层的 k × 8 网络：隐含层数为 2 及以上的每一行中，它的测试错误率都更低"},
             {"en": "Neither: with equal parameter counts both have about the same test error",
              "zh": "都不是：参数量相同时，两者的测试错误率差不多"},
         ],
         "conditions": [{"kind": "experiment_done", "value": 2}, {"kind": "answer", "value": DEEP_WINS}]},
    ],
}
