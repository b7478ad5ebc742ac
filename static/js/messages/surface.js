// Words of the surface part of the pages, in English and Chinese (merged into i18n.js's table).

export default {
  en: {
    sv_model: "Model",
    sv_linear_squared_error: "linear output + squared error (a line fit)",
    sv_sigmoid_cross_entropy: "sigmoid + cross-entropy (two classes)",
    sv_sigmoid_squared_error: "sigmoid + squared error (two classes)",
    sv_ended: "From {start}: J = {J} after {steps} steps.",
    sv_diverged: "From {start}: diverged after {steps} steps (J = {J}).",
    nd_run: "Show every node's value",
  },
  zh: {
    sv_model: "模型",
    sv_linear_squared_error: "线性输出 + 平方误差（拟合直线）",
    sv_sigmoid_cross_entropy: "sigmoid + 交叉熵（两类）",
    sv_sigmoid_squared_error: "sigmoid + 平方误差（两类）",
    sv_ended: "从 {start} 出发：{steps} 步后 J = {J}。",
    sv_diverged: "从 {start} 出发：{steps} 步后发散（J = {J}）。",
    nd_run: "显示每个节点的值",
  },
};
