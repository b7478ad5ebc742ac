"""Lesson 5 (section 3.1.4): deep versus shallow networks at equal parameter counts."""

LESSON: dict = {
    "id": "deep-versus-shallow",
    "section": "3.1.4",
    "figures": "Table 3-2",
    "title": {"en": "Deep versus shallow at equal parameters", "zh": "参数量相同时的深层与浅层"},
    "text": {
        "en": ["Deep means more than two hidden layers. A shallow network that can represent a function may need an "
               "enormous width and be hard to train; deep networks are more compact: more expressive for the same "
               "number of parameters.",
               "Table 3-2 (speech recognition, from the literature) compares deep k x 2k networks with single-layer "
               "ones whose width was chosen to match their parameter counts. Here the same experiment runs on "
               "this session's data: deep k x 8 networks against 1 x m ones with m chosen to match, same data, "
               "settings and seed."],
        "zh": ["深层指超过两个隐含层。能表示某个函数的浅层网络可能需要巨大的宽度而且难以训练；深层网络更紧凑："
               "在参数量相同时表达能力更强。",
               "表 3-2（语音识别，来自文献）把深层的 k x 2k 网络与宽度经过选择、参数量相同的单层网络作比较。这里在"
               "本会话的数据上做同样的实验：深层 k x 8 网络对比宽度 m 使参数量相同的 1 x m 网络，数据、设置和随机"
               "种子都相同。"],
    },
    "config": {"data": {"name": "spiral", "n_points": 400, "noise": 0.1}, "optimizer": "adam",
               "learning_rate": 0.01},
    "figure": {"kind": "experiment", "width": 8, "depths": [1, 2, 3, 4], "epochs": 150},
    "tasks": [
        {"text": {"en": "Run the experiment and compare the deep and shallow columns at each parameter count.",
                  "zh": "运行实验，在每个参数量下比较深层和浅层两列。"},
         "conditions": [{"kind": "experiment_done", "value": 2}]},
    ],
}
