"""Lesson 7 (sections 3.2.2-3.2.3): the objective and gradient descent."""

BOWL = {"model": "linear_squared_error", "steps": 50}  # the lesson's convex surface and its step budget

LESSON: dict = {
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
}
