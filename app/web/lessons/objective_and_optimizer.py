"""Lesson 7 (sections 3.2.2-3.2.3): the objective (eq. 3.8-3.10) and gradient descent (eq. 3.11-3.12) with its two
stopping rules, on a two-parameter loss surface (Fig. 3-15 to 3-17)."""

BOWL = {"model": "linear_squared_error", "steps": 50}  # the lesson's convex surface and its step budget
STARTS = [[-0.5, 1.5], [4.5, -3.5]]  # A and B: engine/surface.py's starts of the bowl (a test checks they agree)

LESSON: dict = {
    "id": "objective-and-optimizer",
    "section": "3.2.2-3.2.3",
    "figures": "Fig. 3-15 to 3-17, eq. 3.8-3.12",
    "title": {"en": "Objective and optimizer", "zh": "目标函数与优化算法"},
    "text": {
        "en": ["The objective J measures how bad the parameters are. For fitting, the loss of one sample is the "
               "squared error l = (y - ȳ)² (eq. 3.8). For M classes the network has M outputs y1..yM (a softmax "
               "output makes them positive and sum to 1) and the label ȳ is a one-hot vector; the loss is the "
               "cross-entropy l = -Σm ȳm log ym (eq. 3.9), which is simply -log y_c, minus the log of the "
               "output for the true class c. The total loss sums over the N samples, J = Σn l(n) (eq. 3.10; this "
               "program divides by N and halves the squared error, which only rescales J). Try eq. 3.9 in the first "
               "table below: choose C, type the scores, choose the true class.",
               "Gradient descent moves the parameters against the gradient: θ <- θ - α ∇θ J (eq. 3.11), α being "
               "the step size (learning rate). For a network, θ is every W(k) and b(k), and ∇θ J stacks "
               "∂J/∂W(1), ∂J/∂W(2), ..., ∂J/∂b(1), ∂J/∂b(2), ... into one vector (eq. 3.12). The chapter stops "
               "after a given number of steps or once J reaches a threshold ε.",
               "Here the model is one neuron with one input, so θ = (w, b) and J is a surface you can see "
               "(Fig. 3-16): w runs across, b up, the colour is J (light = small, scale on the right), the star "
               "is the minimum. The paths start at A (orange) and B (blue), a dot per step (Fig. 3-17), and the "
               "figure prints ∇J at each start (eq. 3.12). On this bowl the largest step that still converges is "
               "α ≈ 1.98 (2 divided by the surface's steepest curvature): a small α crawls, an α near 1 reaches "
               "the bottom in a few steps, and above about 2 the path overshoots further at each step and "
               "diverges. Choose ε to stop a path once J ≤ ε: the figure says after how many steps it stopped.",
               "Switch the model to see the same descent on two-class data: with sigmoid + squared error the "
               "surface is flat far from the minimum (the sigmoid saturates and its gradient vanishes), so the "
               "path from B barely moves; with sigmoid + cross-entropy the same start descends."],
        "zh": ["目标函数 J 衡量参数有多差。拟合问题中单个样本的损失为平方误差 l = (y - ȳ)²（式 3.8）。"
               "M 类分类问题中网络有 M 个输出 y1..yM（softmax 输出使它们为正且和为 1），标签 ȳ 是独热向量，"
               "损失为交叉熵 l = -Σm ȳm log ym（式 3.9），也就是 -log y_c：真实类别 c 那个输出的对数取负。"
               "总损失对 N 个样本求和，J = Σn l(n)（式 3.10；本程序再除以 N，平方误差再乘以 1/2，只改变 J 的比例）。"
               "在下面第一个表中试一试式 3.9：选择 C，输入得分，选择真实类别。",
               "梯度下降沿梯度的反方向移动参数：θ <- θ - α ∇θ J（式 3.11），α 为步长（学习率）。对一个网络，"
               "θ 是所有 W(k) 和 b(k)，∇θ J 把 ∂J/∂W(1)、∂J/∂W(2)、…、∂J/∂b(1)、∂J/∂b(2)、… 排成一个向量"
               "（式 3.12）。书中迭代到指定步数，或者当损失函数达到指定阈值 ε 时停止。",
               "这里的模型是只有一个输入的单个神经元，θ = (w, b)，所以 J 是一个看得见的曲面（图 3-16）：横轴为 w，"
               "纵轴为 b，颜色表示 J（越浅越小，色标在右侧），星号为极小值。两条路径分别从 A（橙色）和 B（蓝色）"
               "出发，每一步一个点（图 3-17），图旁给出两个起点处的梯度 ∇J（式 3.12）。在这个碗形曲面上，仍能收敛的"
               "最大步长约为 α ≈ 1.98（2 除以曲面最陡方向的曲率）：α 太小时进展缓慢，α 在 1 附近时几步就到达碗底，"
               "α 大于约 2 时每一步越过最小值越来越远，路径发散。选择阈值 ε，J ≤ ε 时"
               "路径停止，图旁会给出停止时的步数。",
               "切换模型，看两类数据上的梯度下降：用 Sigmoid 函数 + 平方误差时，远离极小值处曲面很平（Sigmoid 函数"
               "饱和，梯度消失），从 B 出发的路径几乎不动；用 Sigmoid 函数 + 交叉熵时，同一起点能顺利下降。"],
    },
    "config": {"data": {"name": "plane", "n_points": 200}, "hidden_layers": [], "learning_rate": 0.1},
    "panels": [],
    "figure": [{"kind": "objective", "objective": {"scores": [2.0, 1.0, 0.0], "target": 1}},
               {"kind": "surface", "model": "linear_squared_error", "starts": STARTS}],
    "tasks": [
        {"text": {"en": "Set the step size α so that both paths reach the bottom of the bowl (J ≤ 0.05) within 50 "
                        "steps.",
                  "zh": "设置步长 α，使两条路径都在 50 步之内到达碗底（J ≤ 0.05）。"},
         "conditions": [{"kind": "descent_converges", "value": {**BOWL, "start": STARTS[0], "at_most": 0.05}},
                        {"kind": "descent_converges", "value": {**BOWL, "start": STARTS[1], "at_most": 0.05}}]},
        {"text": {"en": "Now raise α until the path from A diverges.",
                  "zh": "现在增大 α，直到从 A 出发的路径发散。"},
         "conditions": [{"kind": "descent_diverges", "value": {**BOWL, "start": STARTS[0]}}]},
        {"text": {"en": "Stop on a threshold: set ε = 0.05 and find a step size α for which both paths stop "
                        "(J ≤ ε) within 6 steps.",
                  "zh": "按阈值停止：设 ε = 0.05，找到一个步长 α，使两条路径都在 6 步之内停止（J ≤ ε）。"},
         "conditions": [{"kind": "descent_stops_below",
                         "value": {**BOWL, "starts": STARTS, "epsilon": 0.05, "within": 6}}]},
        {"text": {"en": "Eq. 3.9 with three classes: a softmax output gives y = (0.7, 0.2, 0.1) and the sample's "
                        "true class is the second (ȳ = (0, 1, 0)). What is its loss l?",
                  "zh": "三类时的式 3.9：softmax 输出为 y = (0.7, 0.2, 0.1)，样本的真实类别是第 2 类"
                        "（ȳ = (0, 1, 0)）。它的损失 l 是多少？"},
         "choices": [{"en": "-log 0.7 ≈ 0.36", "zh": "-log 0.7 ≈ 0.36"},
                     {"en": "-log 0.2 ≈ 1.61", "zh": "-log 0.2 ≈ 1.61"},
                     {"en": "-(log 0.7 + log 0.2 + log 0.1) ≈ 4.2", "zh": "-(log 0.7 + log 0.2 + log 0.1) ≈ 4.2"},
                     {"en": "(0.7 - 0)² + (0.2 - 1)² + (0.1 - 0)² = 1.14",
                      "zh": "(0.7 - 0)² + (0.2 - 1)² + (0.1 - 0)² = 1.14"}],
         "conditions": [{"kind": "answer", "value": 1}]},
        {"text": {"en": "Eq. 3.12 for the network of Fig. 3-13 (2 inputs, two hidden layers of 2, 2 outputs): "
                        "how many numbers does the gradient ∇θ J have?",
                  "zh": "对图 3-13 的网络（2 个输入，两个各有 2 个神经元的隐含层，2 个输出），式 3.12 的梯度 ∇θ J "
                        "有多少个数？"},
         "choices": [{"en": "6", "zh": "6"}, {"en": "12", "zh": "12"}, {"en": "18", "zh": "18"},
                     {"en": "2, one per parameter θ = (w, b)", "zh": "2，每个参数 θ = (w, b) 一个"}],
         "conditions": [{"kind": "answer", "value": 2}]},
    ],
}
