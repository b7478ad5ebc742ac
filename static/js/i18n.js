// Chinese and English for every label and message. `t(key, params)` looks a key up in the current
// language; elements carrying data-i18n (text) or data-i18n-title (tooltip) are translated by apply().
// Server errors are rendered by errorText(error) from the server's own table (app/core/messages.py,
// inlined into the page's boot data): code + params, in the page's language.

import ACCESS from "./messages/access.js";
import BACKPROP from "./messages/backprop.js";
import LESSON from "./messages/lesson.js";
import NEURON from "./messages/neuron.js";
import SURFACE from "./messages/surface.js";
import WIDTHS from "./messages/widths.js";

const MESSAGES = {
  en: {
    tagline: "Tinker with a neural network and watch it learn",
    reset_title: "Reset the network to its starting weights (R)", reseed: "New weights",
    reseed_title: "Start again from new random weights (N)", play_title: "Run or pause training (Space)",
    step_title: "Train one epoch (S)", epoch: "Epoch", learning_rate: "Learning rate", optimizer: "Optimizer",
    batch_size: "Batch size", regularization: "Regularization", reg_rate: "Regularization rate",
    output_loss: "Output / loss", share: "Share", export_model: "Export model", import_model: "Import model",
    data: "Data", which_dataset: "Which dataset do you want to use?", classes: "Classes", expression: "y = f(x)",
    train_ratio: "Ratio of training to test data", noise: "Noise", n_points: "Points", regenerate: "Regenerate",
    your_data: "Your own data", draw_points: "Draw points", clear: "Clear",
    draw_hint: "Click the output to add a point of the chosen colour; Shift-click adds the next colour.",
    upload_csv: "Upload CSV", features: "Features", which_features: "Which properties do you want to feed in?",
    network: "Network", output: "Output", test_loss: "Test loss", train_loss: "Training loss",
    test_accuracy: "Test accuracy", train_accuracy: "Training accuracy", show_test: "Show test data",
    discretize: "Discretize output", download_png: "Download PNG",
    keys_hint: "Keys: Space play/pause, S step, R reset, N new weights.", api_docs: "API docs",
    weight: "weight", bias: "bias", add_unit: "Add a neuron", remove_unit: "Remove a neuron",
    add_layer: "Add a hidden layer", remove_layer: "Remove a hidden layer",
    hidden_layers: "{n} hidden layers", train: "train", test: "test",
    none: "None", l1: "L1", l2: "L2", sgd: "SGD", momentum: "Momentum", adam: "Adam",
    auto: "Automatic", classification: "classification", regression: "regression",
    connecting: "Connecting…", connected: "Connected.", disconnected: "Connection lost. Reconnecting in {s} s…",
    session_gone: "The session ended on the server; starting a new one.",
    restored: "Restored at epoch {epoch}: the server had stopped, and your network continues from its last save.",
    copied: "Link copied: it opens this exact playground.", copy_failed: "Copy this link: {url}",
    diverged: "Training diverged: the loss is no longer a number. The last good weights were kept; lower the learning rate and reset.",
    error: "Error: {message}", bad_url: "The link's settings were not valid ({message}); using the defaults.",
    imported: "Model imported.", csv_loaded: "{n} points loaded from the file.", drawn: "{n} points drawn.",
    low: "low", high: "high",
    pair_sigmoid_bce: "sigmoid + binary cross-entropy", pair_softmax_ce: "softmax + cross-entropy",
    pair_tanh_se: "tanh + squared error", pair_linear_se: "linear + squared error",
    pair_sigmoid_se: "sigmoid + squared error", pair_sigmoid_ce: "sigmoid + cross-entropy (Fig. 3-13)",
    ds_circle: "Circle", ds_xor: "Exclusive or (quadrants)", ds_gauss: "Two Gaussians", ds_spiral: "Spiral",
    ds_plane: "Plane (regression)", ds_multi_gaussian: "Multi-Gaussian (regression)", ds_or: "x1 OR x2",
    ds_and: "x1 AND x2", ds_not_x1_and_x2: "(NOT x1) AND x2", ds_x1_and_not_x2: "x1 AND (NOT x2)",
    ds_xor_gate: "x1 XOR x2", ds_blobs: "Blobs (2-6 classes)", ds_spiral_arms: "Spiral arms (2-6 classes)",
    ds_sine: "sin(πx)", ds_abs: "|x|", ds_step: "Step", ds_cubic: "Cubic 4x³ − 3x", ds_expression: "Your own y = f(x)",
    limits: "Here you may use up to {layers} hidden layers of {units} neurons and {points} points.",
    activation: "Activation", class_n: "Class {n}", too_many_points: "At most {n} points.",
    saved_png: "Heatmap saved.", lessons: "Lessons", all_lessons: "All lessons", playground: "Playground",
    lessons_tagline: "The chapter as lessons", check: "Check",
    bad_file: "That file is not a model exported by nnplay (not valid JSON).",
    draw_only_2d: "Points can be drawn on two-dimensional classification data; choose such a dataset first.",
    play: "Play or pause", reset: "Reset", step: "Step", language: "Language", boundary: "Decision boundary",
    client_unreachable: "the server cannot be reached ({reason})",
    refused_title: "No network could be started for you",
    refused_client_sessions: "This computer already holds as many networks as the server allows one user: every open nnplay tab or window keeps one. Close the other nnplay tabs, then press Try again now; or ask whoever runs the server to raise the limit.",
    refused_server_sessions: "The server is full right now. Wait a little: this page tries again by itself, or press Try again now.",
    refused_host: "The server's training process is not answering. This page tries again by itself; if that keeps failing, ask whoever runs the server to restart it.",
    refused_unreachable: "The page cannot reach the server. Check the connection (and that the server is running); this page tries again by itself.",
    refused_other: "This page tries again by itself, or press Try again now.",
    retry_in: "Trying again in {s} s…", retrying: "Trying again…", retry_now: "Try again now",

    // ----- the classroom (join, new class, dashboard, a student's class banner) -----
    class_label: "Class", class_you_are: "You are", class_not_me: "Not me",
    class_paused_banner: "The teacher has paused the class",
    class_locked_note: "The teacher has locked: {groups}.", list_sep: ", ",
    group_training: "Training", group_hyperparameters: "Hyperparameters", group_network: "Network", group_data: "Data",
    join_tagline: "Join your class", join_title: "Join a class", join_code: "Class code", join_nickname: "Your nickname",
    join_nickname_hint: "Leave it empty and a friendly one is made up for you. No real names needed.",
    join_button: "Join", join_code_missing: "Type the code your teacher gave you.",
    join_teacher_link: "Teacher? Create a class", join_continue_title: "Continue where you were",
    join_continue_as: "Continue as {name} ({class})",
    join_left_ended: "Your place in that class has ended (the teacher removed it, or the class is over). Join again with the code.",
    new_class_tagline: "Host a class", new_class_title: "Create a class", new_class_name: "Name of the class",
    new_class_name_missing: "Give the class a name.", new_class_language: "Language of made-up nicknames",
    new_class_start: "Students start from", new_class_default: "The playground's default network",
    class_presets: "Presets", new_class_locked: "Controls students may not use", new_class_size: "Students at most",
    new_class_key: "Teacher key (from whoever runs this server)", new_class_create: "Create the class",
    created_title: "Your class is ready", created_code: "Students join with the code", created_join_link: "or open this link",
    created_secret_title: "Your dashboard's secret link",
    created_secret_hint: "Keep it (bookmark it, or send it to yourself): it opens the dashboard on any device. Do not project it or give it to students.",
    created_copy: "Copy", copied_short: "Copied", created_open: "Open the dashboard",
    dash_tagline: "Class dashboard", dash_new_class: "New class", count_joined: "joined",
    status_playing: "playing", status_paused: "paused", status_diverged: "diverged", status_offline: "offline",
    status_removed: "removed",
    dash_join_title: "Join with the code", dash_join_at: "at", code_state_open: "open",
    code_state_paused: "paused: nobody can join", code_state_ended: "ended: nobody can join",
    code_pause: "Pause the code", code_open: "Open the code", code_rotate: "New code", code_end: "End the code",
    class_pause: "Pause the class", class_resume: "Resume the class", dash_locks: "Lock for students",
    dash_push: "Give everyone", dash_push_button: "Push to all", dash_students: "Students", dash_sort: "Sort by",
    sort_joined: "joining", sort_name: "name", sort_epoch: "epoch", sort_test_loss: "test loss", dash_filter: "Show",
    filter_all: "everyone", dash_anonymize: "Hide names (for projecting)", anon_name: "Student {n}",
    dash_no_students: "No students yet: they open the link above, or go to /join and type the code.",
    class_delete: "Delete the class and all its work", accuracy_short: "Accuracy", dash_status: "Status",
    student_remove: "Remove", student_remove_named: "Remove {name}", student_watch: "Watch {name}",
    watch_read_only: "Watching (read-only)", close: "Close", cancel: "Cancel",
    watch_unavailable: "The live view is not available here. {why}", watch_ended: "The live view stopped. {why}",
    confirm_end_code: "End the code? Nobody can join until you open a new one; students already in stay.",
    confirm_push: "Give every student “{what}”? Their networks start again from it.",
    confirm_remove: "Remove {name} from the class? Their network is deleted.",
    confirm_delete_class: "Delete the class “{name}” with every student's work? This cannot be undone.",
    pushed: "“{what}” reached {n} students.", removed: "{name} was removed.",
    feed_live: "live", feed_polling: "updating every 2 s",
    dash_no_access_title: "This dashboard needs its secret link",
    dash_open_link: "Open your dashboard link (the secret link you got when you created the class) on this device.",
    dash_bad_link: "This link is not (or no longer) the class's dashboard link.",
    dash_not_found_title: "No such class", dash_deleted_title: "Class deleted",
    dash_deleted: "The class and all its students' work were deleted.",
    dash_download_csv: "Download the results (CSV)", dash_download_zip: "Download every network (ZIP)",
    // ----- Selected students, challenges, snapshots and the gallery -----
    student_pick: "select", student_pick_named: "Select {name}", student_snapshot: "Snapshot",
    student_snapshot_named: "Take a snapshot of {name}'s network",
    dash_push_some: "Give the selected students", dash_push_button_some: "Push to {n} selected",
    dash_push_confirm_some: "Push", dash_picked: "{n} selected", dash_pick_clear: "Untick all",
    dash_pick_hint: "Tick students to push to them only (or load a snapshot into them only); with none ticked, it goes to everyone.",
    confirm_push_some: "Give the {n} selected students “{what}”? Their networks start again from it.",
    ch_heading: "Challenge", ch_name: "Title", ch_name_example: "Circle: test loss below 0.1", ch_dataset: "Data set",
    ch_noise: "Noise (%)", ch_points: "Points in the test set", ch_goal: "Test loss below",
    ch_max_params: "At most … parameters (empty: any)", ch_no_extra: "No extra features (only x1 and x2)",
    ch_advanced: "Advanced", ch_seed: "The test set's seed (empty: a secret one)", ch_set: "Set the challenge",
    ch_replace: "Replace the challenge", ch_set_toast: "The challenge “{title}” is set: students see its goal.",
    ch_confirm_replace: "Replace “{title}”? Its leaderboard starts again with the new challenge.",
    ch_none: "none yet", ch_summary: "{title} · {n} reached the goal", ch_check_all: "Check everyone now",
    ch_checked: "Every network in use was checked.", ch_reveal: "Show the leaderboard to students",
    ch_hide: "Hide the leaderboard from students", ch_revealed_toast: "Students now see the leaderboard.",
    ch_hidden_toast: "The leaderboard is hidden from students.", ch_students_see: "Students see the leaderboard.",
    ch_students_do_not_see: "Students do not see the leaderboard.", ch_board_first: "First to reach the goal",
    ch_board_best: "Lowest test loss", ch_board_fewest: "Fewest parameters (of those who reached the goal)",
    ch_board_empty: "No one yet", ch_passed_mark: "✓ goal", ch_params: "{n} parameters",
    ch_goal_data: "Data: {dataset}, noise {noise}%, {points} test points (the server's own)",
    ch_goal_loss: "Test loss below {goal}", ch_goal_params: "At most {n} parameters",
    ch_goal_no_extra: "No extra features (only x1 and x2)", ch_goal_features: "Only these features: {features}",
    ch_reason_loss: "Test loss {loss}; the goal is below {goal}.",
    ch_reason_overflow: "The test loss overflows; the goal is below {goal}.",
    ch_reason_params: "{n} parameters: at most {most} are allowed.",
    ch_reason_features: "Features not allowed: {features}.",
    ch_check_mine: "Check my network", ch_leaderboard: "Leaderboard",
    ch_result_passed: "Passed! Test loss {loss} (below {goal}) with {n} parameters.",
    ch_result_not_yet: "Not yet (test loss {loss}, {n} parameters):",
    ch_best: "Your best so far: {loss}.", ch_best_passed: "Your best so far: {loss}, goal reached.",
    class_submit: "Submit my network", class_submitted: "Your network was sent to your teacher's gallery.",
    gal_heading: "Gallery",
    gal_hint: "Take a snapshot of a student's network from their card (students can submit theirs too), then choose which ones are shown here, side by side, large.",
    gal_empty: "No snapshot chosen yet.", gal_all: "All snapshots, newest first", gal_none: "No snapshots yet.",
    gal_summary: "{n} snapshots, {chosen} shown", gal_numbers: "epoch {epoch} · test loss {loss}",
    gal_taken: "Snapshot of {name} taken: it is in the gallery.", gal_chosen: "show in the gallery",
    gal_unchoose: "Take out of the gallery", gal_delete: "Delete",
    gal_confirm_delete: "Delete the snapshot of {name} (epoch {epoch})?",
    gal_by_teacher: "taken by you at {when}", gal_by_student: "submitted by the student at {when}",
    gal_load: "Load into everyone", gal_load_some: "Load into {n} selected", gal_load_button: "Load",
    gal_confirm_load: "Load {name}'s network into every student's playground? Their networks are replaced by it.",
    gal_confirm_load_some: "Load {name}'s network into the {n} selected students' playgrounds? Their networks are replaced by it.",
    gal_loaded: "{name}'s network reached {n} students.", gal_fullscreen: "Full screen (for projecting)",
  },
  zh: {
    tagline: "动手摆弄一个神经网络，看它如何学习",
    reset_title: "把网络恢复到初始权重（R）", reseed: "新的初始权重",
    reseed_title: "换一组新的随机初始权重，重新开始（N）", play_title: "开始或暂停训练（空格）", step_title: "训练一轮（S）",
    epoch: "轮次", learning_rate: "学习率（步长）", optimizer: "优化器", batch_size: "批大小", regularization: "正则化",
    reg_rate: "正则化率", output_loss: "输出 / 损失", share: "分享", export_model: "导出模型", import_model: "导入模型",
    data: "数据", which_dataset: "选择要使用的数据集", classes: "类别数", expression: "y = f(x)",
    train_ratio: "训练数据与测试数据之比", noise: "噪声", n_points: "点数", regenerate: "重新生成",
    your_data: "自己的数据", draw_points: "画点", clear: "清除",
    draw_hint: "单击输出图添加所选颜色的点；按住 Shift 单击添加下一种颜色。",
    upload_csv: "上传 CSV", features: "特征", which_features: "选择要输入网络的特征",
    network: "网络", output: "输出", test_loss: "测试损失", train_loss: "训练损失",
    test_accuracy: "测试准确率", train_accuracy: "训练准确率", show_test: "显示测试数据",
    discretize: "离散化输出", download_png: "下载 PNG", keys_hint: "快捷键：空格 开始/暂停，S 单步，R 重置，N 新的初始权重。",
    api_docs: "API 文档", weight: "权重", bias: "偏置", add_unit: "增加一个神经元", remove_unit: "减少一个神经元",
    add_layer: "增加一个隐含层", remove_layer: "减少一个隐含层", hidden_layers: "{n} 个隐含层",
    train: "训练", test: "测试", none: "无", l1: "L1", l2: "L2", sgd: "SGD", momentum: "动量", adam: "Adam",
    auto: "自动", classification: "分类", regression: "回归",
    connecting: "正在连接…", connected: "已连接。", disconnected: "连接已断开，{s} 秒后重新连接…",
    session_gone: "服务器上的会话已结束，正在新建一个。",
    restored: "已恢复到第 {epoch} 轮：服务器曾停止，你的网络从最近一次保存处继续。",
    copied: "链接已复制：打开它会得到完全相同的游乐场。", copy_failed: "请复制这个链接：{url}",
    diverged: "训练发散了：损失已不再是一个数。已保留最后一组正常的权重；请降低学习率并重置。",
    error: "错误：{message}", bad_url: "链接中的设置无效（{message}），已改用默认设置。",
    imported: "模型已导入。", csv_loaded: "已从文件载入 {n} 个点。", drawn: "已画 {n} 个点。",
    low: "低", high: "高",
    pair_sigmoid_bce: "sigmoid + 二元交叉熵", pair_softmax_ce: "softmax + 交叉熵",
    pair_tanh_se: "tanh + 平方误差", pair_linear_se: "线性 + 平方误差",
    pair_sigmoid_se: "sigmoid + 平方误差", pair_sigmoid_ce: "sigmoid + 交叉熵（图 3-13）",
    ds_circle: "圆形", ds_xor: "异或（四个象限）", ds_gauss: "两个高斯分布", ds_spiral: "螺旋线",
    ds_plane: "平面（回归）", ds_multi_gaussian: "多个高斯（回归）", ds_or: "x1 或 x2", ds_and: "x1 与 x2",
    ds_not_x1_and_x2: "（非 x1）与 x2", ds_x1_and_not_x2: "x1 与（非 x2）", ds_xor_gate: "x1 异或 x2",
    ds_blobs: "团簇（2-6 类）", ds_spiral_arms: "多臂螺旋（2-6 类）", ds_sine: "sin(πx)", ds_abs: "|x|",
    ds_step: "阶跃", ds_cubic: "三次函数 4x³ − 3x", ds_expression: "自定义 y = f(x)",
    limits: "这里最多允许 {layers} 个隐含层、每层 {units} 个神经元、{points} 个数据点。",
    activation: "激活函数", class_n: "第 {n} 类", too_many_points: "最多 {n} 个点。",
    saved_png: "热力图已保存。", lessons: "课程", all_lessons: "全部课程", playground: "游乐场",
    lessons_tagline: "把本章变成课程", check: "检查",
    bad_file: "这个文件不是 nnplay 导出的模型（不是有效的 JSON）。",
    draw_only_2d: "只能在二维的分类数据上画点；请先选择这样的数据集。",
    play: "开始或暂停", reset: "重置", step: "单步", language: "语言", boundary: "决策边界",
    client_unreachable: "无法连接到服务器（{reason}）",
    refused_title: "暂时无法为你创建网络",
    refused_client_sessions: "这台电脑占用的网络已达到服务器允许每个用户的上限：每个打开的 nnplay 标签页或窗口都占用一个。请关闭其他 nnplay 标签页，再按“立即重试”；或请运行服务器的人调高上限。",
    refused_server_sessions: "服务器现在已满。请稍等：本页会自动重试，也可以按“立即重试”。",
    refused_host: "服务器的训练进程没有响应。本页会自动重试；如果一直失败，请运行服务器的人重启它。",
    refused_unreachable: "本页无法连接到服务器。请检查网络连接（以及服务器是否在运行）；本页会自动重试。",
    refused_other: "本页会自动重试，也可以按“立即重试”。",
    retry_in: "{s} 秒后自动重试…", retrying: "正在重试…", retry_now: "立即重试",

    // ----- 课堂（加入、新建课堂、教师面板、学生的课堂横幅） -----
    class_label: "课堂", class_you_are: "你是", class_not_me: "不是我",
    class_paused_banner: "老师暂停了课堂",
    class_locked_note: "老师锁定了：{groups}。", list_sep: "、",
    group_training: "训练", group_hyperparameters: "超参数", group_network: "网络", group_data: "数据",
    join_tagline: "加入你的课堂", join_title: "加入课堂", join_code: "课堂代码", join_nickname: "你的昵称",
    join_nickname_hint: "留空会自动起一个友好的昵称。不需要真实姓名。",
    join_button: "加入", join_code_missing: "请输入老师给你的代码。",
    join_teacher_link: "你是老师？新建课堂", join_continue_title: "回到刚才的位置",
    join_continue_as: "以 {name} 的身份继续（{class}）",
    join_left_ended: "你在那个课堂里的位置已结束（老师移除了它，或课堂已结束）。请用代码重新加入。",
    new_class_tagline: "开设课堂", new_class_title: "新建课堂", new_class_name: "课堂名称",
    new_class_name_missing: "请给课堂起个名字。", new_class_language: "自动昵称的语言",
    new_class_start: "学生从这里开始", new_class_default: "游乐场的默认网络",
    class_presets: "预设", new_class_locked: "学生不能使用的控件", new_class_size: "学生人数上限",
    new_class_key: "教师密钥（向运行服务器的人索取）", new_class_create: "新建课堂",
    created_title: "课堂已就绪", created_code: "学生用这个代码加入", created_join_link: "或者打开这个链接",
    created_secret_title: "你的教师面板秘密链接",
    created_secret_hint: "请保存好（加入书签，或发给自己）：在任何设备上都能用它打开教师面板。不要投影它，也不要给学生。",
    created_copy: "复制", copied_short: "已复制", created_open: "打开教师面板",
    dash_tagline: "教师面板", dash_new_class: "新建课堂", count_joined: "已加入",
    status_playing: "训练中", status_paused: "已暂停", status_diverged: "已发散", status_offline: "离线",
    status_removed: "已移除",
    dash_join_title: "用代码加入", dash_join_at: "网址", code_state_open: "开放",
    code_state_paused: "已暂停：暂时不能加入", code_state_ended: "已结束：不能加入",
    code_pause: "暂停代码", code_open: "开放代码", code_rotate: "换新代码", code_end: "结束代码",
    class_pause: "暂停课堂", class_resume: "继续课堂", dash_locks: "为学生锁定",
    dash_push: "发给所有人", dash_push_button: "推送给全部", dash_students: "学生", dash_sort: "排序",
    sort_joined: "加入顺序", sort_name: "名字", sort_epoch: "轮次", sort_test_loss: "测试损失", dash_filter: "显示",
    filter_all: "所有人", dash_anonymize: "隐藏名字（投影时用）", anon_name: "学生 {n}",
    dash_no_students: "还没有学生：他们打开上面的链接，或进入 /join 输入代码。",
    class_delete: "删除课堂及全部作品", accuracy_short: "准确率", dash_status: "状态",
    student_remove: "移除", student_remove_named: "移除 {name}", student_watch: "查看 {name}",
    watch_read_only: "正在查看（只读）", close: "关闭", cancel: "取消",
    watch_unavailable: "这里无法查看实时画面。{why}", watch_ended: "实时画面已停止。{why}",
    confirm_end_code: "结束代码？在你开放新代码之前没有人能加入；已加入的学生不受影响。",
    confirm_push: "把“{what}”发给每个学生？他们的网络会从它重新开始。",
    confirm_remove: "把 {name} 移出课堂？其网络会被删除。",
    confirm_delete_class: "删除课堂“{name}”及每个学生的作品？此操作无法撤销。",
    pushed: "“{what}”已发给 {n} 名学生。", removed: "已移除 {name}。",
    feed_live: "实时", feed_polling: "每 2 秒更新",
    dash_no_access_title: "打开教师面板需要它的秘密链接",
    dash_open_link: "请在这台设备上打开你的教师面板链接（新建课堂时得到的秘密链接）。",
    dash_bad_link: "这个链接不是（或已不再是）本课堂的教师面板链接。",
    dash_not_found_title: "找不到这个课堂", dash_deleted_title: "课堂已删除",
    dash_deleted: "课堂及其所有学生的作品已被删除。",
    dash_download_csv: "下载成绩（CSV）", dash_download_zip: "下载所有网络（ZIP）",
    // ----- 选中的学生、挑战、快照和作品展 -----
    student_pick: "选中", student_pick_named: "选中 {name}", student_snapshot: "快照",
    student_snapshot_named: "给 {name} 的网络拍一张快照",
    dash_push_some: "发给选中的学生", dash_push_button_some: "推送给选中的 {n} 人",
    dash_push_confirm_some: "推送", dash_picked: "已选中 {n} 人", dash_pick_clear: "全部取消选中",
    dash_pick_hint: "选中一些学生，就只推送给他们（或只把快照载入给他们）；一个都不选时，发给所有人。",
    confirm_push_some: "把“{what}”发给选中的 {n} 名学生？他们的网络会从它重新开始。",
    ch_heading: "挑战", ch_name: "标题", ch_name_example: "圆形：测试损失低于 0.1", ch_dataset: "数据集",
    ch_noise: "噪声（%）", ch_points: "测试集的点数", ch_goal: "测试损失低于",
    ch_max_params: "参数不超过……个（留空：不限）", ch_no_extra: "不加额外特征（只用 x1 和 x2）",
    ch_advanced: "高级", ch_seed: "测试集的随机种子（留空：保密的随机值）", ch_set: "设定挑战",
    ch_replace: "替换挑战", ch_set_toast: "挑战“{title}”已设定：学生能看到它的目标。",
    ch_confirm_replace: "替换“{title}”？排行榜会随新挑战重新开始。",
    ch_none: "还没有", ch_summary: "{title} · {n} 人达到目标", ch_check_all: "现在检查所有人",
    ch_checked: "已检查所有正在使用的网络。", ch_reveal: "向学生显示排行榜",
    ch_hide: "对学生隐藏排行榜", ch_revealed_toast: "学生现在能看到排行榜。",
    ch_hidden_toast: "排行榜已对学生隐藏。", ch_students_see: "学生能看到排行榜。",
    ch_students_do_not_see: "学生看不到排行榜。", ch_board_first: "最先达到目标",
    ch_board_best: "测试损失最低", ch_board_fewest: "参数最少（达到目标者中）",
    ch_board_empty: "还没有人", ch_passed_mark: "✓ 达标", ch_params: "{n} 个参数",
    ch_goal_data: "数据：{dataset}，噪声 {noise}%，{points} 个测试点（由服务器生成）",
    ch_goal_loss: "测试损失低于 {goal}", ch_goal_params: "参数不超过 {n} 个",
    ch_goal_no_extra: "不加额外特征（只用 x1 和 x2）", ch_goal_features: "只能用这些特征：{features}",
    ch_reason_loss: "测试损失为 {loss}；目标是低于 {goal}。",
    ch_reason_overflow: "测试损失溢出了；目标是低于 {goal}。",
    ch_reason_params: "{n} 个参数：最多允许 {most} 个。",
    ch_reason_features: "不允许的特征：{features}。",
    ch_check_mine: "检查我的网络", ch_leaderboard: "排行榜",
    ch_result_passed: "通过了！测试损失 {loss}（低于 {goal}），用了 {n} 个参数。",
    ch_result_not_yet: "还没有通过（测试损失 {loss}，{n} 个参数）：",
    ch_best: "你目前的最好成绩：{loss}。", ch_best_passed: "你目前的最好成绩：{loss}，已达到目标。",
    class_submit: "提交我的网络", class_submitted: "你的网络已提交到老师的作品展。",
    gal_heading: "作品展",
    gal_hint: "在学生卡片上给他的网络拍快照（学生也可以自己提交），再选择哪些在这里并排放大展示。",
    gal_empty: "还没有选择要展示的快照。", gal_all: "所有快照，最新的在前", gal_none: "还没有快照。",
    gal_summary: "{n} 张快照，展示 {chosen} 张", gal_numbers: "第 {epoch} 轮 · 测试损失 {loss}",
    gal_taken: "已给 {name} 拍了快照：它在作品展里。", gal_chosen: "在作品展中展示",
    gal_unchoose: "从作品展中撤下", gal_delete: "删除",
    gal_confirm_delete: "删除 {name} 的快照（第 {epoch} 轮）？",
    gal_by_teacher: "你在 {when} 拍摄", gal_by_student: "学生在 {when} 提交",
    gal_load: "载入给所有人", gal_load_some: "载入给选中的 {n} 人", gal_load_button: "载入",
    gal_confirm_load: "把 {name} 的网络载入每个学生的游乐场？他们的网络会被它替换。",
    gal_confirm_load_some: "把 {name} 的网络载入选中的 {n} 名学生的游乐场？他们的网络会被它替换。",
    gal_loaded: "{name} 的网络已载入给 {n} 名学生。", gal_fullscreen: "全屏（投影用）",
  },
};

// Each part's words live next to it in messages/; a key is defined once (tests/e2e/test_i18n.py).
for (const part of [ACCESS, BACKPROP, LESSON, NEURON, SURFACE, WIDTHS]) {
  for (const lang of ["en", "zh"]) Object.assign(MESSAGES[lang], part[lang]);
}

let language = "en";

/** Pick the language: the saved choice, else the browser's. */
export function initLanguage() {
  const saved = localStorage.getItem("nnplay.lang");
  const browser = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
  language = MESSAGES[saved] ? saved : browser;
  return language;
}

export function currentLanguage() {
  return language;
}

export function setLanguage(lang) {
  language = MESSAGES[lang] ? lang : "en";
  localStorage.setItem("nnplay.lang", language);
  apply();
}

/** The text for `key` in the current language, with {name} placeholders filled from params. */
export function t(key, params = {}) {
  const text = MESSAGES[language][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in params ? String(params[name]) : `{${name}}`));
}

/** Translate every element marked with data-i18n / data-i18n-title under root. */
export function apply(root = document) {
  document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

// ----- server errors ---------------------------------------------------------------------------------

let serverMessages = {};  // code -> {en, zh}: the server's MESSAGES, from the boot data
const CLIENT_CODES = { "client.unreachable": "client_unreachable" };  // errors the page makes itself

/** Use the server's message table (boot.messages) for errorText. */
export function setServerMessages(table) {
  serverMessages = table || {};
}

function pythonStr(value) {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(", ")}]`;
  if (typeof value === "object") return `{${Object.entries(value).map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(", ")}}`;
  return String(value);
}

function pythonRepr(value) {
  if (typeof value !== "string") return pythonStr(value);
  const escaped = value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
  if (value.includes("'") && !value.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
}

/** Python's str.format for the table's templates: {name}, {name!r}, {name:.3f}, and {{ / }} for braces.
 *  Throws when a field has no value (the caller then shows the server's own sentence). */
export function formatPython(template, params = {}) {
  return template.replace(/\{\{|\}\}|\{(\w+)(?:!([rsa]))?(?::([^{}]*))?\}/g, (match, name, conversion, spec) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    if (!(name in params)) throw new Error(`no value for {${name}}`);
    const value = params[name];
    if (conversion === "r" || conversion === "a") return pythonRepr(value);
    const fixed = /^\.(\d+)f$/.exec(spec || "");
    if (fixed && typeof value === "number") return value.toFixed(Number(fixed[1]));
    return pythonStr(value);
  });
}

/** An error's sentence in the current language: from its code and params when the table knows the code,
 *  else the server's own sentence (its detail) or the error's message. */
export function errorText(error) {
  if (!error) return "";
  const code = error.code;
  const params = error.params || {};
  if (code && CLIENT_CODES[code]) return t(CLIENT_CODES[code], params);
  const templates = code ? serverMessages[code] : null;
  if (templates) {
    try {
      return formatPython(templates[language] ?? templates.en, params);
    } catch {
      // a parameter is missing: the server's sentence below still says what happened
    }
  }
  return error.message || String(error);
}
