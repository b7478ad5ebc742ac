"""Named starting points: a config and a sentence in Chinese and English, for the catalogue and the page."""

from app.schemas.session import SessionConfig

PRESETS: list[dict] = [
    {
        "name": "playground",
        "title": {"en": "TensorFlow Playground's start", "zh": "TensorFlow Playground 的初始设置"},
        "description": {"en": "Circle data, two hidden layers of 4 and 2 tanh neurons.",
                        "zh": "圆形数据，两个隐含层，分别有 4 个和 2 个 tanh 神经元。"},
        "config": {},
    },
    {
        "name": "xor_two_two_one",
        "title": {"en": "XOR with 2-2-1", "zh": "用 2-2-1 网络解决异或"},
        "description": {"en": "The chapter's XOR: one neuron cannot, two hidden neurons can (Fig. 3-6, 3-7).",
                        "zh": "本章的异或问题：一个神经元做不到，两个隐含神经元可以（图 3-6、3-7）。"},
        "config": {"data": {"name": "xor_gate", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [2],
                   "optimizer": "adam", "learning_rate": 0.05, "batch_size": 4},
    },
    {
        "name": "spiral",
        "title": {"en": "Spiral challenge", "zh": "螺旋线挑战"},
        "description": {"en": "Two interleaved spirals need depth or extra features.",
                        "zh": "两条交错的螺旋线需要更深的网络或更多的特征。"},
        "config": {"data": {"name": "spiral", "n_points": 500, "noise": 0.1},
                   "features": ["x1", "x2", "sin(x1)", "sin(x2)"], "hidden_layers": [8, 8],
                   "optimizer": "adam", "learning_rate": 0.01},
    },
    {
        "name": "fig_3_13",
        "title": {"en": "The chapter's worked example", "zh": "本章的计算示例"},
        "description": {"en": "Fig. 3-13: sigmoid everywhere, two outputs; enter its weights by hand.",
                        "zh": "图 3-13：全部使用 sigmoid，两个输出；手动输入它的权重。"},
        "config": {"data": {"name": "gauss", "n_points": 100}, "hidden_layers": [2, 2], "activation": "sigmoid",
                   "output": "sigmoid", "loss": "cross_entropy"},
    },
    {
        "name": "sine",
        "title": {"en": "Universal approximation", "zh": "万能逼近"},
        "description": {"en": "One hidden layer fits sin(pi x); more neurons, better fit (3.1.3).",
                        "zh": "一个隐含层拟合 sin(πx)；神经元越多，拟合越好（3.1.3 节）。"},
        "config": {"data": {"name": "sine", "n_points": 200, "train_ratio": 0.8}, "features": ["x1"],
                   "hidden_layers": [8], "optimizer": "adam", "learning_rate": 0.02, "batch_size": 20},
    },
    {
        "name": "six_classes",
        "title": {"en": "Six classes with softmax", "zh": "用 softmax 分六类"},
        "description": {"en": "Multi-class output, which TensorFlow Playground never had.",
                        "zh": "多类输出，这是 TensorFlow Playground 没有的。"},
        "config": {"data": {"name": "blobs", "n_points": 600, "noise": 0.1, "params": {"n_classes": 6}},
                   "hidden_layers": [8], "activation": "relu", "initializer": "he", "optimizer": "adam",
                   "learning_rate": 0.02},
    },
]


def describe() -> list[dict]:
    """Every preset with its full, validated config (defaults filled in)."""
    return [{**preset, "config": SessionConfig.model_validate(preset["config"]).model_dump()} for preset in PRESETS]
