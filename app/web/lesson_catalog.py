"""The lessons, as data: text in Chinese and English, the playground's starting config, and tasks whose
checks run on the learner's own session (app/host/lesson_checks.py). Numbers shown come from the engine."""

from app.core.errors import NotFound
from app.schemas.lessons import Lesson, LessonSummary
from app.schemas.session import SessionConfig

LESSONS: list[dict] = [
    {
        "id": "logic-gates",
        "section": "3.1.2",
        "figures": "Fig. 3-5, 3-6, 3-7",
        "title": {"en": "Logic gates and XOR", "zh": "逻辑门与异或"},
        "text": {
            "en": ["A single neuron computes h = g(w1 x1 + w2 x2 + b) (eq. 3.1-3.2): it splits the plane with the "
                   "straight line w^T x + b = 0 (eq. 3.3).",
                   "OR, (NOT x1) AND x2 and x1 AND (NOT x2) are linearly separable, so one neuron solves each "
                   "(Fig. 3-5). XOR is not (Fig. 3-6): no straight line puts (0,1) and (1,0) on one side and "
                   "(0,0) and (1,1) on the other, so a single neuron never gets more than 3 of the 4 right.",
                   "But XOR = OR(AND(NOT x1, x2), AND(x1, NOT x2)): two hidden neurons compute the two ANDs and "
                   "the output neuron their OR (Fig. 3-7)."],
            "zh": ["单个神经元计算 h = g(w1 x1 + w2 x2 + b)（式 3.1-3.2）：它用直线 w^T x + b = 0 把平面一分为二"
                   "（式 3.3）。",
                   "或、（非 x1）与 x2、x1 与（非 x2）都是线性可分的，所以一个神经元就能解决（图 3-5）。异或不是"
                   "（图 3-6）：没有一条直线能把 (0,1)、(1,0) 放在一边而把 (0,0)、(1,1) 放在另一边，所以单个神经元"
                   "最多答对 4 个中的 3 个。",
                   "但是 异或 = 或(与(非 x1, x2), 与(x1, 非 x2))：两个隐含神经元分别计算两个“与”，输出神经元计算"
                   "它们的“或”（图 3-7）。"],
        },
        "config": {"data": {"name": "or", "n_points": 4, "train_ratio": 1.0}, "hidden_layers": [],
                   "optimizer": "adam", "learning_rate": 0.1, "batch_size": 4},
        # Fig. 3-7: h1 = (NOT x1) AND x2, h2 = x1 AND (NOT x2), output = h1 OR h2, all with sign.
        "figure": {"kind": "load", "label": "load_fig_3_7",
                   "changes": {"data": {"name": "xor_gate"}, "hidden_layers": [2], "activation": "sign",
                               "output": "sign", "loss": "squared_error"},
                   "weights": {"layers": [{"W": [[-1, 1], [1, -1]], "b": [-0.5, -0.5]},
                                          {"W": [[1, 1]], "b": [1]}]}},
        "tasks": [
            {"text": {"en": "With no hidden layer (one neuron), train on x1 OR x2 until every point is right.",
                      "zh": "不加隐含层（只有一个神经元），在“x1 或 x2”上训练，直到每个点都分对。"},
             "conditions": [{"kind": "dataset", "value": "or"}, {"kind": "at_most_hidden_layers", "value": 0},
                            {"kind": "train_accuracy_at_least", "value": 1.0}]},
            {"text": {"en": "Now choose x1 XOR x2: one neuron stays at 75 % or below however long it trains. Add "
                            "one hidden layer of 2 neurons and reach 100 %.",
                      "zh": "现在选择“x1 异或 x2”：一个神经元无论训练多久都不超过 75%。加一个有 2 个神经元的隐含层，"
                            "达到 100%。"},
             "conditions": [{"kind": "dataset", "value": "xor_gate"}, {"kind": "hidden_layers", "value": [2]},
                            {"kind": "train_accuracy_at_least", "value": 1.0}]},
            {"text": {"en": "Load Fig. 3-7's hand-set sign network (button above): look at the two hidden neurons' "
                            "lines and the output's regions, and check that it computes XOR.",
                      "zh": "载入图 3-7 的手动设置的符号网络（上方按钮）：观察两个隐含神经元的直线和输出的区域，"
                            "并检查它是否计算异或。"},
             "conditions": [{"kind": "outputs_at", "value": {"input": [0, 0], "output": [-1]}},
                            {"kind": "outputs_at", "value": {"input": [0, 1], "output": [1]}},
                            {"kind": "outputs_at", "value": {"input": [1, 0], "output": [1]}},
                            {"kind": "outputs_at", "value": {"input": [1, 1], "output": [-1]}}]},
        ],
    },
    {
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
    },
    {
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
    },
    {
        "id": "network-is-a-function",
        "section": "3.2.1",
        "figures": "Fig. 3-13",
        "title": {"en": "A network is a function", "zh": "网络就是一个函数"},
        "text": {
            "en": ["A structure without weights is a set of functions; with its weights it is one function f(x) "
                   "(eq. 3.4-3.7): a(k) = W(k) h(k-1) + b(k), h(k) = g(a(k)).",
                   "Fig. 3-13: two inputs, two hidden layers of two sigmoid neurons and two sigmoid outputs, with "
                   "W1 = [[1, -2], [-1, 1]], b1 = [1, 0]; W2 = [[2, -1], [-2, -1]], b2 = [0, 0]; "
                   "W3 = [[3, -1], [-1, 4]], b3 = [-2, 2]. For x = (1, -1) the chapter finds hidden outputs "
                   "(0.98, 0.12) and (0.86, 0.11) and the output (0.62, 0.83)."],
            "zh": ["没有权重的结构是一组函数；确定了权重，它就是一个函数 f(x)（式 3.4-3.7）："
                   "a(k) = W(k) h(k-1) + b(k)，h(k) = g(a(k))。",
                   "图 3-13：两个输入，两个各有两个 sigmoid 神经元的隐含层，两个 sigmoid 输出，权重为 "
                   "W1 = [[1, -2], [-1, 1]]，b1 = [1, 0]；W2 = [[2, -1], [-2, -1]]，b2 = [0, 0]；"
                   "W3 = [[3, -1], [-1, 4]]，b3 = [-2, 2]。对 x = (1, -1)，书中算得隐含层输出 (0.98, 0.12) 和 "
                   "(0.86, 0.11)，输出为 (0.62, 0.83)。"],
        },
        "config": {"data": {"name": "gauss", "n_points": 100}, "hidden_layers": [2, 2], "activation": "sigmoid",
                   "output": "sigmoid", "loss": "cross_entropy"},
        "figure": [{"kind": "nodes", "input": [1, -1]}, {"kind": "sweep", "mode": "samples", "count": 4}],
        "tasks": [
            {"text": {"en": "Enter the figure's weights and biases (click a link or a neuron to edit it), then check "
                            "that the network gives the chapter's outputs.",
                      "zh": "输入图中的权重和偏置（单击连线或神经元即可编辑），然后检查网络是否给出书中的输出。"},
             "conditions": [{"kind": "outputs_at", "value": {"input": [1, -1], "output": [0.62, 0.83]}},
                            {"kind": "outputs_at", "value": {"input": [0, 0], "output": [0.51, 0.85]}}]},
        ],
    },
]

LESSONS.insert(0, {
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
})

BOWL = {"model": "linear_squared_error", "steps": 50}  # the lesson's convex surface and its step budget

LESSONS.insert(next(i for i, l in enumerate(LESSONS) if l["id"] == "network-is-a-function"), {
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
})

LESSONS.append({
    "id": "objective-and-optimizer",
    "section": "3.2.2-3.2.3",
    "figures": "Fig. 3-15 to 3-17",
    "title": {"en": "Objective and optimizer", "zh": "目标函数与优化算法"},
    "text": {
        "en": ["The objective J (eq. 3.10) measures how wrong the parameters are: squared error for fitting "
               "(eq. 3.8), cross-entropy for classes (eq. 3.9). Gradient descent moves the parameters against "
               "the gradient, theta <- theta - alpha grad J (eq. 3.11), until a step count or a loss threshold.",
               "Here the model has two parameters, theta = (w, b), so J is a surface you can see (Fig. 3-16). The "
               "two paths start at A (orange) and B (blue). A small step size alpha crawls, a good one reaches "
               "the minimum, too large a one overshoots and diverges. Switch the model to compare squared error "
               "with cross-entropy on the same classification data."],
        "zh": ["目标函数 J（式 3.10）衡量参数有多差：拟合问题用平方误差（式 3.8），分类问题用交叉熵（式 3.9）。梯度"
               "下降沿梯度的反方向移动参数，theta <- theta - alpha grad J（式 3.11），直到达到指定步数或损失阈值。",
               "这里模型只有两个参数 theta = (w, b)，所以 J 是一个看得见的曲面（图 3-16）。两条路径分别从 A（橙色）"
               "和 B（蓝色）出发。步长 alpha 太小时进展缓慢，合适时到达最小值，太大时越过最小值并发散。切换模型，"
               "比较同一分类数据上的平方误差与交叉熵。"],
    },
    "config": {"data": {"name": "plane", "n_points": 200}, "hidden_layers": [], "learning_rate": 0.1},
    "figure": {"kind": "surface", "model": "linear_squared_error", "starts": [[-0.5, 1.5], [4.5, -3.5]]},
    "tasks": [
        {"text": {"en": "Set alpha so that both paths reach the bottom of the bowl within 50 steps.",
                  "zh": "设置 alpha，使两条路径都在 50 步之内到达碗底。"},
         "conditions": [{"kind": "descent_converges", "value": {**BOWL, "start": [-0.5, 1.5], "at_most": 0.05}},
                        {"kind": "descent_converges", "value": {**BOWL, "start": [4.5, -3.5], "at_most": 0.05}}]},
        {"text": {"en": "Now raise alpha until the path from A diverges.",
                  "zh": "现在增大 alpha，直到从 A 出发的路径发散。"},
         "conditions": [{"kind": "descent_diverges", "value": {**BOWL, "start": [-0.5, 1.5]}}]},
    ],
})

LESSONS.append({
    "id": "backpropagation",
    "section": "3.3",
    "figures": "Fig. 3-18 to 3-27",
    "title": {"en": "Backpropagation step by step", "zh": "一步一步看后向传播"},
    "text": {
        "en": ["The forward pass computes every node's value; the backward pass starts at the output and visits "
               "the nodes in reverse, applying the chain rule (eq. 3.19).",
               "At the output: dl/dy (eq. 3.15-3.16), then the gradient at the output's linear input (eq. 3.17-3.18). "
               "In a hidden layer: dl/dh(k) = W(k+1)^T delta(k+1) (eq. 3.21) and delta(k) = dl/dh(k) * g'(a(k)) "
               "(eq. 3.23). For the parameters: grad W(k) = delta(k) h(k-1)^T (eq. 3.25) and grad b(k) = delta(k) "
               "(eq. 3.27); gradient descent then updates them (eq. 3.11).",
               "The network is Fig. 3-13's, with its weights; the sample is x = (1, -1) of class 1 (the first)."],
        "zh": ["前向传播计算出每个节点的值；后向传播从输出开始，按相反的顺序访问各节点，运用链式法则（式 3.19）。",
               "在输出端：dl/dy（式 3.15-3.16），然后是输出线性输入处的梯度（式 3.17-3.18）。在隐含层："
               "dl/dh(k) = W(k+1)^T delta(k+1)（式 3.21），delta(k) = dl/dh(k) * g'(a(k))（式 3.23）。参数的梯度："
               "grad W(k) = delta(k) h(k-1)^T（式 3.25），grad b(k) = delta(k)（式 3.27）；然后梯度下降更新它们"
               "（式 3.11）。",
               "网络是图 3-13 的网络及其权重；样本为 x = (1, -1)，属于第 1 类（第一类）。"],
    },
    "config": next(lesson for lesson in LESSONS if lesson["id"] == "network-is-a-function")["config"],
    "weights": {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                           {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]},
    "figure": {"kind": "backprop", "input": [1, -1], "target": 0},
    "tasks": [
        {"text": {"en": "Step through the forward and the backward pass to the update, then press Check: every "
                        "gradient of backpropagation must equal its finite-difference estimate.",
                  "zh": "一步一步走完前向和后向传播直到参数更新，然后按“检查”：后向传播的每个梯度都必须与有限差分的"
                        "估计相等。"},
         "conditions": [{"kind": "gradients_match", "value": {"input": [1, -1], "target": 0, "tolerance": 1e-6}}]},
    ],
})

BY_ID = {lesson["id"]: lesson for lesson in LESSONS}


def _described(lesson: dict) -> Lesson:
    """A lesson as the API answers it: its full starting config (defaults filled in), validated."""
    return Lesson.model_validate({**lesson, "config": SessionConfig.model_validate(lesson["config"]).model_dump()})


# Validated once, here: a lesson that does not fit its schema stops the import (and every test), and no request
# validates a lesson again. The routes serve these objects; FastAPI only serializes them.
DESCRIBED: dict[str, Lesson] = {lesson["id"]: _described(lesson) for lesson in LESSONS}
SUMMARIES: list[LessonSummary] = [LessonSummary.model_validate({key: lesson[key] for key in LessonSummary.model_fields})
                                  for lesson in LESSONS]
PAGES: dict[str, dict] = {lesson_id: lesson.model_dump(mode="json", exclude_unset=True)
                          for lesson_id, lesson in DESCRIBED.items()}
"""Each lesson as the page boots with it (the same JSON as GET /api/lessons/{id})."""


def get(lesson_id: str) -> Lesson:
    """The lesson ``lesson_id``, validated; NotFound (404) names the lesson otherwise."""
    lesson = DESCRIBED.get(lesson_id)
    if lesson is None:
        raise NotFound("lesson.not_found", lesson_id=lesson_id)
    return lesson


def task_conditions(lesson_id: str, task: int) -> list:
    """The conditions of task number ``task`` (from 0) of a lesson, as plain data for its session's host;
    NotFound for a lesson or task it does not have."""
    tasks = BY_ID[get(lesson_id).id]["tasks"]
    if not 0 <= task < len(tasks):
        raise NotFound("lesson.task", lesson_id=lesson_id, last=len(tasks) - 1)
    return tasks[task]["conditions"]
