"""Every error the server can answer with, as a stable code and its sentence in each language.

An error travels as ``code`` plus ``params`` (plain JSON values); the sentence is made where it is shown:
by the server for the ``detail`` of an HTTP answer (in the language of ``Accept-Language``), and by the
page from this same table (inlined into the page), so a student reads it in the page's language.
Placeholders are ``str.format`` fields named after the params.
"""

LANGUAGES = ("en", "zh")
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    # Requests
    "request.invalid": {"en": "{problems}", "zh": "请求有误：{problems}"},
    "request.bad_json": {"en": "the request body is not valid JSON (line {line}, column {column}: {reason})",
                         "zh": "请求内容不是有效的 JSON（第 {line} 行第 {column} 列有误）"},
    "request.too_large": {"en": "the request body is larger than {most} bytes",
                          "zh": "请求内容超过 {most} 字节"},
    "request.nesting": {"en": "the request nests lists or objects too deeply", "zh": "请求中的列表或对象嵌套过深"},
    "request.not_found": {"en": "nothing here: {path}", "zh": "没有这个地址：{path}"},
    "request.method_not_allowed": {"en": "{method} is not allowed here", "zh": "这里不能用 {method}"},
    "request.error": {"en": "{reason}", "zh": "请求未完成：{reason}"},
    "request.media_type": {
        "en": "this call takes a JSON body (Content-Type: application/json), not {media_type}",
        "zh": "这个操作只接受 JSON 内容（Content-Type: application/json），而不是 {media_type}"},
    "request.host": {
        "en": "this server does not answer to the name {host} "
              "(whoever runs it can add the name to NNPLAY_ALLOWED_HOSTS)",
        "zh": "这台服务器不接受地址 {host}（管理员可以把它加入 NNPLAY_ALLOWED_HOSTS）"},
    # Who may use a session
    "session.not_found": {"en": "no session {session_id!r} (it was deleted, or it expired after inactivity)",
                          "zh": "找不到网络 {session_id}（已删除，或长时间未使用已过期）"},
    "session.lost": {"en": "the server lost session {session_id!r} when its training process stopped before it "
                            "was first saved; create a new one (reload the page)",
                     "zh": "训练进程意外停止，服务器丢失了网络 {session_id}；请新建一个（刷新页面）"},
    "session.restarting": {"en": "the training process of session {session_id!r} stopped; reconnecting continues "
                                 "it from its last checkpoint",
                           "zh": "网络 {session_id} 的训练进程停止了；重新连接后将从最近一次保存处继续"},
    "session.unreadable": {"en": "session {session_id!r} is stored but cannot be read back ({reason}); create a new "
                                 "one (reload the page)",
                           "zh": "网络 {session_id} 已保存，但无法读取（{reason}）；请新建一个（刷新页面）"},
    "store.unavailable": {"en": "the server cannot reach its database just now ({reason}); try again in a moment",
                          "zh": "服务器暂时无法访问它的数据库（{reason}）；请稍后再试"},
    # Classes
    "config.unknown_preset": {"en": "no preset {name!r} (known: {known})", "zh": "没有预设 {name}（可选：{known}）"},
    "config.unknown_lesson": {"en": "no lesson {name!r} (known: {known})", "zh": "没有课程 {name}（可选：{known}）"},
    "stream.read_only": {"en": "this stream only watches (the teacher's view): only fps and view are accepted",
                         "zh": "这个连接只能观看（老师的视图）：只接受 fps 和 view"},
    "class.snapshot_not_found": {"en": "no snapshot {snapshot_id!r} in this class",
                                 "zh": "这个班级没有快照 {snapshot_id}"},
    "class.not_in_class": {"en": "this network belongs to no class", "zh": "这个网络不属于任何班级"},
    "class.no_challenge": {"en": "this class has no challenge yet", "zh": "这个班级还没有挑战"},
    "class.not_found": {"en": "no class {class_id!r}", "zh": "找不到班级 {class_id}"},
    "class.code_wrong": {"en": "no class has the code {typed}: check it with your teacher",
                         "zh": "没有班级使用代码 {typed}：请向老师核对"},
    "class.code_closed": {"en": "the class's code is not open just now: ask your teacher",
                          "zh": "这个班级的代码现在不可用：请问老师"},
    "class.full": {"en": "the class is full ({most} students)", "zh": "班级已满（{most} 名学生）"},
    "class.paused": {"en": "the teacher has paused the class", "zh": "老师暂停了课堂"},
    "class.locked": {"en": "the teacher has locked this ({group})", "zh": "老师锁定了这一项（{group}）"},
    "class.teacher_key": {"en": "creating a class needs the server's teacher key",
                          "zh": "创建班级需要服务器的教师密钥"},
    "class.teacher_only": {"en": "this is for the class's teacher (their token)",
                           "zh": "这只有本班老师（用教师令牌）才能做"},
    "class.name_refused": {"en": "please choose another nickname", "zh": "请换一个昵称"},
    "class.student_not_found": {"en": "no student {student_id!r} in this class", "zh": "这个班级没有学生 {student_id}"},
    "class.rejoin": {"en": "this browser's earlier place in the class cannot be found; join again",
                     "zh": "找不到这个浏览器之前在班级中的位置；请重新加入"},
    "limit.classes": {"en": "the server stores its maximum of {most} classes",
                      "zh": "服务器保存的班级已达上限（{most} 个）"},
    "limit.class_size": {"en": "a class may have at most {most} students on this server",
                         "zh": "这台服务器上的班级最多 {most} 名学生"},
    "limit.join_attempts": {"en": "too many wrong codes from this network; wait a minute and check the code",
                            "zh": "这个网络输入错误代码的次数太多；请等一分钟并核对代码"},
    "auth.missing": {"en": "this call needs the session's token (Authorization: Bearer <token>)",
                     "zh": "这个操作需要网络的令牌（Authorization: Bearer <token>）"},
    "auth.wrong": {"en": "this token does not belong to this session", "zh": "这个令牌不属于这个网络"},
    # Limits
    "limit.server_sessions": {"en": "the server holds its maximum of {most} sessions; try again later",
                              "zh": "这台机器上的网络已达上限（{most} 个），请稍后再试"},
    "limit.stored_sessions": {"en": "the server stores its maximum of {most} sessions; try again later",
                              "zh": "服务器保存的网络已达上限（{most} 个），请稍后再试"},
    "limit.stored_client_sessions": {
        "en": "you already have {count} stored sessions, the most one client may keep; delete some first "
              "(or ask whoever runs the server to raise NNPLAY_MAX_STORED_SESSIONS_PER_CLIENT)",
        "zh": "你已经保存了 {count} 个网络，达到每个用户的上限；请先删除一些"},
    "limit.client_sessions": {
        "en": "you already have {count} sessions, the most one client may hold; delete one first "
              "(or ask whoever runs the server to raise NNPLAY_MAX_SESSIONS_PER_CLIENT)",
        "zh": "你已经有 {count} 个网络，达到每个用户的上限；请先关闭一个"
              "（或请管理员调大 NNPLAY_MAX_SESSIONS_PER_CLIENT）"},
    "limit.points": {"en": "at most {most} points on this server (asked for {count})",
                     "zh": "这里最多 {most} 个数据点（请求了 {count} 个）"},
    "limit.hidden_layers": {"en": "at most {most} hidden layers on this server",
                            "zh": "这里最多 {most} 个隐藏层"},
    "limit.units": {"en": "at most {most} units per hidden layer on this server",
                    "zh": "这里每个隐藏层最多 {most} 个神经元"},
    "limit.epochs_per_call": {"en": "at most {most} epochs per call; call again to continue",
                              "zh": "每次最多训练 {most} 轮；可以再次调用继续训练"},
    "limit.predict_rows": {"en": "at most {most} inputs per call for this network",
                           "zh": "对这个网络每次最多 {most} 个输入"},
    "limit.grid": {"en": "this grid would be too large for this network; ask for a smaller resolution "
                         "(at most {most} values per answer)",
                   "zh": "对这个网络这个网格太大；请降低分辨率（每次最多 {most} 个数值）"},
    "limit.grid_resolution": {"en": "the grid's resolution is at most {most} on this server",
                              "zh": "这里网格的分辨率最多为 {most}"},
    "host.unavailable": {"en": "the training process has stopped; reload the page or restart the server",
                         "zh": "训练进程已停止；请刷新页面或重启程序"},
    "call.time_limit": {"en": "the server could not finish this within {seconds} s (it is shared fairly, and busy); "
                              "try again, or ask for less",
                        "zh": "服务器未能在 {seconds} 秒内完成（它被公平地分享，现在很忙）；请重试，或减少请求的量"},
    "limit.heavy_calls": {"en": "at most {most} long calls (training, sweeps, grids, checks) at once; wait for one to "
                                "finish",
                          "zh": "同时最多 {most} 个耗时的请求（训练、扫描、网格、检查）；请等其中一个完成"},
    "limit.jobs": {"en": "the server runs its maximum of {most} experiments at once; try again later",
                   "zh": "服务器同时运行的实验已达上限 {most} 个；请稍后再试"},
    "host.timeout": {"en": "the training process did not answer in time; try again",
                     "zh": "训练进程没有及时回应；请重试"},
    "host.wrong": {"en": "the server's web nodes disagree on the number of session hosts (the hosts have {hosts}): "
                         "its operator must set NNPLAY_RAY_HOSTS alike on every web node",
                   "zh": "服务器的各个网页节点对训练进程的数量设置不一致（实际有 {hosts} 个）："
                         "请管理员在每个网页节点上设置相同的 NNPLAY_RAY_HOSTS"},
    # Config and data
    "config.invalid": {"en": "{problems}", "zh": "设置有误：{problems}"},
    "config.activations_count": {"en": "give one activation per hidden layer ({layers}), not {given}",
                                 "zh": "每个隐藏层需要一个激活函数（{layers} 个），现在是 {given} 个"},
    "config.engine": {"en": "{reason}", "zh": "无法按这个设置建立网络：{reason}"},
    "data.invalid": {"en": "{reason}", "zh": "数据有误：{reason}"},
    # A student's own data (engine/user_data.py): drawn points by row, a CSV file by line
    "data.no_points": {"en": "no points given", "zh": "没有数据点"},
    "data.too_many_points": {"en": "too many points: {count} (at most {most})",
                             "zh": "数据点太多：{count} 个（最多 {most} 个）"},
    "data.two_classes": {"en": "need at least two classes (labels 0 and 1)",
                         "zh": "至少需要两个类别（标签 0 和 1）"},
    "data.points.not_list": {"en": "X must be a list of points such as [[x1, x2], ...]",
                             "zh": "X 必须是点的列表，例如 [[x1, x2], ...]"},
    "data.points.dims": {"en": "row {row}: a point needs 1 or 2 coordinates, got {count}",
                         "zh": "第 {row} 行：一个点需要 1 或 2 个坐标，现在是 {count} 个"},
    "data.points.not_a_point": {"en": "row {row}: a point must be a list of {dims} numbers",
                                "zh": "第 {row} 行：一个点必须是 {dims} 个数的列表"},
    "data.points.width": {"en": "row {row}: expected {dims} values, got {count}",
                          "zh": "第 {row} 行：应有 {dims} 个值，现在是 {count} 个"},
    "data.points.not_number": {"en": "row {row}: {column} is not a number", "zh": "第 {row} 行：{column} 不是数"},
    "data.points.y_not_list": {"en": "y must be a list of {column}s", "zh": "y 必须是 {column} 的列表"},
    "data.points.y_count": {"en": "y has {count} values but X has {points} points",
                            "zh": "y 有 {count} 个值，而 X 有 {points} 个点"},
    "data.points.not_finite": {"en": "row {row}: {column} is not a finite number",
                               "zh": "第 {row} 行：{column} 不是有限的数"},
    "data.points.outside": {"en": "row {row}: {column} = {value} is outside ±{most}",
                            "zh": "第 {row} 行：{column} = {value} 超出了 ±{most} 的范围"},
    "data.points.not_whole": {"en": "row {row}: label {value} is not a whole number",
                              "zh": "第 {row} 行：标签 {value} 不是整数"},
    "data.points.class": {"en": "row {row}: label {value} is outside 0..{last}",
                          "zh": "第 {row} 行：标签 {value} 不在 0 到 {last} 之间"},
    "data.points.domain": {"en": "domain must be one finite (min, max) pair with min < max per column",
                           "zh": "domain 必须为每一列给出一对有限的 (min, max)，且 min < max"},
    "data.points.outside_domain": {"en": "row {row}: every point must lie inside the domain",
                                   "zh": "第 {row} 行：每个点都必须在 domain 范围之内"},
    "data.csv.not_text": {"en": "the CSV must be text", "zh": "CSV 必须是文本"},
    "data.csv.empty": {"en": "the CSV text is empty", "zh": "CSV 文件是空的"},
    "data.csv.columns": {"en": "line {line}: expected 2 values (x, {column}) or 3 (x1, x2, {column}), got {count}",
                         "zh": "第 {line} 行：应有 2 个值（x, {column}）或 3 个值（x1, x2, {column}），"
                               "现在是 {count} 个"},
    "data.csv.width": {"en": "line {line}: expected {expected} values, got {count}",
                       "zh": "第 {line} 行：应有 {expected} 个值，现在是 {count} 个"},
    "data.csv.not_number": {"en": "line {line}: {column} {text!r} is not a number",
                            "zh": "第 {line} 行：{column} 的值 {text} 不是数"},
    "data.csv.not_finite": {"en": "line {line}: {column} is not a finite number",
                            "zh": "第 {line} 行：{column} 不是有限的数"},
    "data.csv.outside": {"en": "line {line}: {column} = {value} is outside ±{most}",
                         "zh": "第 {line} 行：{column} = {value} 超出了 ±{most} 的范围"},
    "data.csv.not_whole": {"en": "line {line}: label {value} is not a whole number",
                           "zh": "第 {line} 行：标签 {value} 不是整数"},
    "data.csv.class": {"en": "line {line}: label {value} is outside 0..{last}",
                       "zh": "第 {line} 行：标签 {value} 不在 0 到 {last} 之间"},
    "data.custom_source": {"en": "custom data needs exactly one of 'points' or 'csv'",
                           "zh": "自定义数据需要 points 或 csv 之一（且只能一个）"},
    # Looking inside
    "inputs.shape": {"en": "inputs must be rows of {dims} numbers (the data's raw coordinates)",
                     "zh": "输入必须是每行 {dims} 个数（数据的原始坐标）"},
    "inputs.range": {"en": "inputs must be finite numbers no larger than {most} in size",
                     "zh": "输入必须是有限的数，绝对值不超过 {most}"},
    "target.class": {"en": "target must be a class from 0 to {last}", "zh": "目标必须是 0 到 {last} 之间的类别"},
    "target.invalid": {"en": "{reason}", "zh": "目标值无效：{reason}"},
    "weights.invalid": {"en": "{reason}", "zh": "权重无效：{reason}"},
    "weights.layer": {"en": "layer must be from 1 to {last}", "zh": "层号必须在 1 到 {last} 之间"},
    "weights.row": {"en": "layer {layer} has neurons 0 to {last}", "zh": "第 {layer} 层的神经元编号为 0 到 {last}"},
    "weights.col": {"en": "layer {layer} takes inputs 0 to {last}", "zh": "第 {layer} 层的输入编号为 0 到 {last}"},
    # Training goals (POST /train with "until")
    "goal.needs_test_set": {
        "en": "the goal {rules} needs a test set; this session trains on every point (train_ratio 1)",
        "zh": "目标 {rules} 需要测试集；这个网络用全部数据点训练（train_ratio 为 1）"},
    "goal.needs_classes": {"en": "accuracy goals need classes; this session's data is a regression task",
                           "zh": "准确率目标只适用于分类；这个网络的数据是回归任务"},
    "goal.unknown": {"en": "unknown goal rules: {rules} (known: {known})",
                     "zh": "未知的目标规则：{rules}（可用：{known}）"},
    # Documents
    "document.format": {"en": "not an nnplay session document (format should be {expected!r})",
                        "zh": "这不是 nnplay 的模型文件（format 应为 {expected}）"},
    "document.version": {"en": "unsupported session document version {version!r}",
                         "zh": "不支持的模型文件版本 {version}"},
    "document.config": {"en": "the document's config is not valid: {reason}", "zh": "文件中的设置无效：{reason}"},
    "document.no_model": {"en": "the document has no model", "zh": "文件中没有模型"},
    "document.layers": {"en": "the model's layers do not match its config", "zh": "模型的层与其设置不一致"},
    "document.model": {"en": "the model cannot be read: {reason}", "zh": "无法读取模型：{reason}"},
    # Lessons and their figures
    "lesson.not_found": {"en": "no lesson {lesson_id!r}; see /api/lessons", "zh": "没有课程 {lesson_id}"},
    "page.lesson_not_found": {"en": "There is no lesson “{lesson_id}”.", "zh": "没有课程“{lesson_id}”。"},
    "page.class_not_found": {"en": "There is no class “{class_id}” on this server (it may have been deleted).",
                             "zh": "这台服务器上没有班级“{class_id}”（可能已被删除）。"},
    "lesson.task": {"en": "lesson {lesson_id!r} has tasks 0 to {last}",
                    "zh": "课程 {lesson_id} 的任务编号为 0 到 {last}"},
    "figure.invalid": {"en": "{reason}", "zh": "无法计算：{reason}"},
    "sweep.widths": {"en": "give 1 to {most} widths, each from 1 to {units} neurons",
                     "zh": "请给出 1 到 {most} 个宽度，每个 1 到 {units} 个神经元"},
    "sweep.epochs": {"en": "epochs must be from 1 to {most}", "zh": "训练轮数必须在 1 到 {most} 之间"},
    "sweep.count": {"en": "count must be from 1 to {most}", "zh": "数量必须在 1 到 {most} 之间"},
    "experiment.plan": {"en": "width 1 to {units} and 1 to {most} depths, each from 1 to {most}",
                        "zh": "宽度 1 到 {units}，深度 1 到 {most} 个，每个 1 到 {most}"},
    "experiment.running": {"en": "an experiment is already running on this session; cancel it first",
                           "zh": "这个网络上已有一个实验在运行；请先取消它"},
    "experiment.none": {"en": "no experiment has been started on this session", "zh": "这个网络上还没有开始实验"},
    # The stream
    "stream.too_many": {"en": "at most {most} streams per session; close another view of this network first",
                        "zh": "每个网络最多同时打开 {most} 个实时连接；请先关闭这个网络的其他页面"},
    "stream.session_ended": {"en": "the session was deleted or expired, or its training process stopped",
                             "zh": "这个网络已被删除或已过期，或者它的训练进程已停止"},
    "stream.message_too_large": {"en": "a control message is larger than {most} bytes",
                                 "zh": "控制消息超过 {most} 字节"},
    "stream.origin": {"en": "streams may not be opened from this origin",
                      "zh": "不允许从这个来源打开实时连接"},
    "stream.live_fields": {"en": "the stream can change {live} live; use PATCH /api/sessions/{{id}} for {other}",
                           "zh": "训练中只能直接修改 {live}；{other} 请用 PATCH /api/sessions/{{id}} 修改"},
    "internal": {"en": "the server failed: {reason}", "zh": "程序内部出错：{reason}"},
}


def render(code: str, params: dict, language: str = DEFAULT_LANGUAGE) -> str:
    """The sentence for ``code`` in ``language`` (English when unknown), with ``params`` filled in."""
    templates = MESSAGES.get(code) or MESSAGES["request.error"]
    template = templates.get(language) or templates[DEFAULT_LANGUAGE]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a missing parameter must not hide the error itself
        return f"{code} {params}"


def language_of(accept_language: str | None) -> str:
    """The best of LANGUAGES for an Accept-Language header (``zh-CN,zh;q=0.9,en;q=0.8`` -> zh)."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in (accept_language or "").split(","):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > best_q:
            best, best_q = primary, quality
    return best
