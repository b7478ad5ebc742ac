"""Lesson 6 (section 3.2.1): a network with its weights is one function (Fig. 3-13)."""

LESSON: dict = {
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
}
