"""Lesson 6 (sections 3.2-3.2.1): the three design problems (Fig. 3-12) and a network with its weights as one function
(Fig. 3-13, eq. 3.4-3.7)."""

# Fig. 3-13's network and weights (W(k) has shape (units in layer k, units in layer k-1)).
FIG_3_13 = {"layers": [{"W": [[1, -2], [-1, 1]], "b": [1, 0]}, {"W": [[2, -1], [-2, -1]], "b": [0, 0]},
                       {"W": [[3, -1], [-1, 4]], "b": [-2, 2]}]}

# Fig. 3-12's three steps for Fig. 3-13's network, in Keras (the chapter's framework) and in this project's engine
# and REST API. tests/app/test_lesson_surface.py runs the engine code and the REST calls.
DESIGN = {
    "keras": [
        "model = Sequential()\n"
        "model.add(Dense(2, input_dim=2,\n"
        "                activation=\"sigmoid\"))\n"
        "model.add(Dense(2, activation=\"sigmoid\"))\n"
        "model.add(Dense(2, activation=\"sigmoid\"))",
        "model.compile(\n"
        "    loss=\"categorical_crossentropy\",",
        "    optimizer=SGD(learning_rate=0.03))\n"
        "model.fit(x, y, batch_size=10, epochs=20)",
    ],
    "engine": [
        "model = Sequential([\n"
        "    Dense(2, \"sigmoid\", input_dim=2),\n"
        "    Dense(2, \"sigmoid\"),\n"
        "    Dense(2, \"sigmoid\")])",
        "model.compile(\n"
        "    loss=\"cross_entropy\",",
        "    optimizer=\"sgd\", learning_rate=0.03)\n"
        "history = model.fit(x, y, batch_size=10, epochs=20,\n"
        "                    stop_at_loss=0.05)",
    ],
    "rest": [
        [["POST", "/api/sessions", {"data": {"name": "gauss"}, "hidden_layers": [2, 2], "activation": "sigmoid",
                                    "output": "sigmoid"}]],
        [["PATCH", "/api/sessions/{id}", {"loss": "cross_entropy"}]],
        [["PATCH", "/api/sessions/{id}", {"optimizer": "sgd", "learning_rate": 0.03, "batch_size": 10}],
         ["POST", "/api/sessions/{id}/train", {"epochs": 20, "until": {"train_loss_below": 0.05}}]],
    ],
}

LESSON: dict = {
    "id": "network-is-a-function",
    "section": "3.2-3.2.1",
    "figures": "Fig. 3-12, 3-13",
    "title": {"en": "A network is a function", "zh": "网络就是一个函数"},
    "text": {
        "en": ["Designing a network means answering three questions (Fig. 3-12): define the structure, which "
               "fixes a set of functions; choose the objective, which says which function of the set is good; "
               "choose the optimizer, which finds the best one from the data. The chapter shows them in Keras; "
               "the table below puts the same three steps in this project's engine and its REST API.",
               "A structure without weights is a set of functions; with its weights it is one function f(x) "
               "(eq. 3.4-3.7): a(k) = W(k) h(k-1) + b(k), h(k) = g(a(k)). \"Draw 4 random weight settings of this "
               "structure\" gives it several random weights: several different functions.",
               "Fig. 3-13: two inputs, two hidden layers of two sigmoid neurons and two sigmoid outputs, with "
               "W1 = [[1, -2], [-1, 1]], b1 = [1, 0]; W2 = [[2, -1], [-2, -1]], b2 = [0, 0]; "
               "W3 = [[3, -1], [-1, 4]], b3 = [-2, 2]. Row i of W(k) holds the weights into neuron i of layer k: "
               "W1's first row (1, -2) are the links x1 -> h1.1 and x2 -> h1.1. For x = (1, -1) the chapter "
               "finds hidden outputs (0.98, 0.12) and (0.86, 0.11) and the output (0.62, 0.83).",
               "To enter a layer's weights, press the \"W, b\" button above its column in the network "
               "diagram: a table opens with one row per neuron (its weights, then its bias b), as W(k) is "
               "written; type the numbers and press Enter. (One weight alone: click its link.) Then type an "
               "input below and press \"Show every node's value\" to read a(k) and h(k) of every layer."],
        "zh": ["设计一个深度学习网络要回答三个问题（图 3-12）：定义网络结构，即设定一个函数集合；选择目标函数，"
               "即决定集合中什么样的函数是好函数；选择优化算法，即根据数据找到最优的函数。书中以 Keras 为例，"
               "下表把同样的三步写成本项目的程序库和 REST 接口。",
               "没有权重的结构是一组函数；确定了权重，它就是一个函数 f(x)（式 3.4-3.7）："
               "a(k) = W(k) h(k-1) + b(k)，h(k) = g(a(k))。“为这个结构随机抽取 4 组权重”：得到几个不同的函数。",
               "图 3-13：两个输入，两个各有两个 Sigmoid 函数神经元的隐含层，两个 Sigmoid 函数输出，权重为 "
               "W1 = [[1, -2], [-1, 1]]，b1 = [1, 0]；W2 = [[2, -1], [-2, -1]]，b2 = [0, 0]；"
               "W3 = [[3, -1], [-1, 4]]，b3 = [-2, 2]。W(k) 的第 i 行是进入第 k 层第 i 个神经元的权重："
               "W1 的第一行 (1, -2) 是连线 x1 -> h1.1 和 x2 -> h1.1。对 x = (1, -1)，书中算得隐含层输出 "
               "(0.98, 0.12) 和 (0.86, 0.11)，输出为 (0.62, 0.83)。",
               "输入一层的权重：按网络图中该列上方的“W, b”按钮，会打开一个表格，每个神经元一行（先是权重，"
               "最后是偏置 b），与 W(k) 的写法一致；输入数字后按 Enter。（只改一个权重时，单击它的连线。）"
               "然后在下面输入 x，按“显示每个节点的值”，读出每一层的 a(k) 和 h(k)。"],
    },
    "config": {"data": {"name": "gauss", "n_points": 100}, "hidden_layers": [2, 2], "activation": "sigmoid",
               "output": "sigmoid", "loss": "cross_entropy"},
    "panels": ["network", "output"],
    "figure": [{"kind": "design", "design": DESIGN}, {"kind": "nodes", "input": [1, -1]},
               {"kind": "sweep", "mode": "samples", "count": 4}],
    "tasks": [
        {"text": {"en": "Enter the figure's weights and biases (the \"W, b\" button of each layer), then check "
                        "that the network gives the chapter's outputs.",
                  "zh": "输入图中的权重和偏置（每一层的“W, b”按钮），然后检查网络是否给出书中的输出。"},
         "conditions": [{"kind": "outputs_at", "value": {"input": [1, -1], "output": [0.62, 0.83]}},
                        {"kind": "outputs_at", "value": {"input": [0, 0], "output": [0.51, 0.85]}}]},
        {"text": {"en": "With Fig. 3-13's weights entered, type the input x = (0, 0) and show every node's value. "
                        "What is the second hidden layer's output h(2)?",
                  "zh": "输入图 3-13 的权重后，输入 x = (0, 0) 并显示每个节点的值。第二个隐含层的输出 h(2) 是多少？"},
         "choices": [{"en": "(0.73, 0.50)", "zh": "(0.73, 0.50)"}, {"en": "(0.72, 0.12)", "zh": "(0.72, 0.12)"},
                     {"en": "(0.51, 0.85)", "zh": "(0.51, 0.85)"}, {"en": "(0.86, 0.11)", "zh": "(0.86, 0.11)"}],
         "conditions": [{"kind": "answer", "value": 1}]},
        {"text": {"en": "Press \"Draw 4 random weight settings of this structure\": one structure, four random "
                        "weight settings. What does the structure alone define?",
                  "zh": "按“为这个结构随机抽取 4 组权重”：同一个结构，四组随机权重。"
                        "只给定结构（不给定权重）时，它定义了什么？"},
         "choices": [{"en": "One function, the same for every weight setting",
                      "zh": "一个函数，对每组权重都一样"},
                     {"en": "A set of functions: each weight setting picks one of them",
                      "zh": "一个函数集合：每组权重选出其中一个函数"},
                     {"en": "Only the objective J", "zh": "只是目标函数 J"}],
         "conditions": [{"kind": "answer", "value": 1}]},
        {"text": {"en": "In the table of Fig. 3-12, which design problems does the line model.compile(loss=..., "
                        "optimizer=...) answer?",
                  "zh": "在图 3-12 的表中，model.compile(loss=..., optimizer=...) 这一行回答了哪几个设计问题？"},
         "choices": [{"en": "1 only: the structure", "zh": "只有一：网络结构"},
                     {"en": "2 and 3: the objective and the optimizer", "zh": "二和三：目标函数和优化算法"},
                     {"en": "All three", "zh": "全部三个"}],
         "conditions": [{"kind": "answer", "value": 1}]},
    ],
}
