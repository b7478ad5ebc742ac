"""A client generated from the server's own /openapi.json (openapi-python-client) gets a typed model, not a
dict, from every operation, against a real server."""

import importlib
import subprocess
import sys

import httpx
import pytest

PACKAGE = "nnplay_generated_client"


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory):
    """The generated package (its api and models modules), from the live server's schema."""
    folder = tmp_path_factory.mktemp("client")
    schema = folder / "openapi.json"
    schema.write_bytes(httpx.get(f"{live_server}/openapi.json").content)
    config = folder / "config.yaml"
    # No formatter runs on the generated code; the join QR code (SVG) is read as bytes.
    config.write_text("post_hooks: []\ncontent_type_overrides:\n  image/svg+xml: application/octet-stream\n"
                      "  text/csv: application/octet-stream\n  application/zip: application/octet-stream\n")
    result = subprocess.run([sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema),
                             "--output-path", str(folder / PACKAGE), "--meta", "none", "--config", str(config)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def _op(generated, tag: str, name: str):
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")


def test_every_operation_answers_with_its_generated_model(generated, live_server):
    models = importlib.import_module(f"{PACKAGE}.models")
    client = generated.Client(base_url=live_server, raise_on_unexpected_status=True)
    calls = 0

    def check(result, model):
        nonlocal calls
        calls += 1
        assert isinstance(result, model), (type(result), model)
        return result

    def op(tag, name):
        return _op(generated, tag, name).sync

    check(op("health", "health")(client=client), models.Health)
    check(op("catalogue", "read_catalogue")(client=client), models.Catalogue)
    check(op("catalogue", "preview")(client=client, body=models.DataConfig.from_dict({"n_points": 20})),
          models.DataPreview)
    config = models.SessionConfig.from_dict({"hidden_layers": [3], "data": {"n_points": 40}})
    created = check(op("sessions", "create_session")(client=client, body=config), models.SessionCreated)
    sid = created.id
    auth = generated.AuthenticatedClient(base_url=live_server, token=created.token, raise_on_unexpected_status=True)
    on = {"session_id": sid, "client": auth}

    check(op("sessions", "read_session")(**on), models.SessionOut)
    check(op("sessions", "update_session")(**on, body=models.SessionConfig.from_dict({"learning_rate": 0.1})),
          models.SessionOut)
    check(op("sessions", "read_data")(**on), models.DataView)
    check(op("training", "train")(**on, body=models.TrainRequest(epochs=3)), models.TrainResult)
    check(op("training", "step")(**on), models.StepResult)
    check(op("sessions", "read_history")(**on), models.LossHistory)
    check(op("sessions", "reset_session")(**on), models.SessionOut)
    check(op("sessions", "regenerate_data")(**on, seed=2), models.SessionOut)
    check(op("inspection", "read_weights")(**on), models.Weights)
    weights = {"layers": [{"W": [[1, 0], [0, 1], [1, 1]], "b": [0, 0, 0]}, {"W": [[1, -1, 0.5]], "b": [0]}]}
    check(op("inspection", "write_weights")(**on, body=models.WeightsIn.from_dict(weights)), models.Weights)
    edit = models.WeightEdit(layer=1, row=0, col=1, value=-2.0)
    check(op("inspection", "edit_weight")(**on, body=edit), models.WeightEdited)
    check(op("inspection", "predict")(**on, body=models.PredictRequest(inputs=[[1, -1], [0, 0]])), models.NodeValues)
    sample = models.BackpropRequest(input_=[1, -1], target=1)
    check(op("inspection", "backprop")(**on, body=sample), models.BackwardPass)
    check(op("inspection", "gradient_check")(**on, body=sample), models.GradientCheck)
    check(op("inspection", "grid")(**on, resolution=5), models.Grid)
    check(op("training", "sweep")(**on, body=models.SweepRequest(widths=[1, 2], epochs=2)), models.Sweep)
    check(op("training", "samples")(**on, count=2), models.Samples)
    plan = models.ExperimentRequest(width=2, depths=[1], epochs=2)
    check(op("training", "start_experiment")(**on, body=plan), models.ExperimentReport)
    check(op("training", "experiment_status")(**on), models.ExperimentReport)
    check(op("training", "cancel_experiment")(**on), models.ExperimentReport)
    document = check(op("models", "export_model")(**on), models.SessionDocument)
    imported = op("models", "import_model")(client=client, body=models.ImportRequest.from_dict(
        {"document": document.to_dict()}))
    check(imported, models.SessionCreated)
    lessons = op("lessons", "list_lessons")(client=client)
    assert lessons and all(isinstance(lesson, models.LessonSummary) for lesson in lessons)
    calls += 1
    check(op("lessons", "read_lesson")(client=client, lesson_id=lessons[0].id), models.Lesson)
    check(op("lessons", "check_task")(**on, lesson_id=lessons[0].id, task=0, body=models.TaskAnswer()),
          models.TaskCheck)
    neuron = models.NeuronRequest(w=[1, 1], b=-1.5, x=[1, 1])
    check(op("lessons", "evaluate_neuron")(client=client, body=neuron), models.NeuronAnswer)
    check(op("lessons", "loss_surface")(client=client, body=models.SurfaceRequest(resolution=10, steps=3)),
          models.SurfaceAnswer)
    scores = models.CrossEntropyRequest(scores=[2.0, 1.0, 0.0], target=1)
    check(op("lessons", "cross_entropy")(client=client, body=scores), models.CrossEntropyAnswer)
    made = check(op("classes", "create_class")(client=client, body=models.ClassCreate(name="3A")), models.ClassCreated)
    teacher = {"class_id": made.id, "client": generated.AuthenticatedClient(
        base_url=live_server, token=made.teacher_token, raise_on_unexpected_status=True)}
    joined = check(op("classes", "join_class")(client=client, body=models.JoinRequest(code=made.join_code, name="Al")),
                   models.Joined)
    check(op("classes", "read_class")(**teacher), models.ClassOut)
    check(op("classes", "pause_class")(**teacher), models.ClassOut)
    check(op("classes", "resume_class")(**teacher), models.ClassOut)
    check(op("classes", "lock_controls")(**teacher, body=models.ClassChange(locked=[models.ControlGroup.DATA])),
          models.ClassOut)
    check(op("classes", "push_to_students")(**teacher, body=models.PushRequest(preset="spiral")), models.Pushed)
    check(op("classes", "change_code")(**teacher, body=models.CodeChange(action=models.CodeChangeAction.ROTATE)),
          models.ClassOut)
    spec = models.ChallengeSpec(title="any", dataset=models.ChallengeSpecDataset.CIRCLE, goal_test_loss=10.0)
    check(op("classes", "set_challenge")(**teacher, body=spec), models.ChallengeView)
    check(op("classes", "read_challenge")(**teacher), models.ChallengeView)
    check(op("classes", "reveal_leaderboard")(**teacher, body=models.Reveal(revealed=True)), models.ChallengeView)
    check(op("classes", "check_everyone")(**teacher), models.ChallengeView)
    student = generated.AuthenticatedClient(base_url=live_server, token=joined.session.token,
                                            raise_on_unexpected_status=True)
    check(op("classes", "submit_to_challenge")(session_id=joined.session.id, client=student), models.ChallengeResult)
    shot = check(op("classes", "take_snapshot")(**teacher, body=models.TakeSnapshot(student_id=joined.student_id)),
                 models.SnapshotOut)
    check(op("classes", "submit_snapshot")(session_id=joined.session.id, client=student), models.SnapshotOut)
    shots = op("classes", "list_snapshots")(**teacher)
    assert len(shots) == 2 and all(isinstance(one, models.SnapshotOut) for one in shots)
    calls += 1
    frame = _op(generated, "classes", "snapshot_frame").sync_detailed(**teacher, snapshot_id=shot.id)
    assert frame.status_code == 200 and frame.content.startswith(b"NNPF")
    calls += 1
    check(op("classes", "choose_snapshot")(**teacher, snapshot_id=shot.id, body=models.ChooseSnapshot(chosen=False)),
          models.SnapshotOut)
    check(op("classes", "load_snapshot")(**teacher, snapshot_id=shot.id, body=models.LoadSnapshot()), models.Pushed)
    assert _op(generated, "classes", "delete_snapshot").sync_detailed(**teacher, snapshot_id=shot.id).status_code == 204
    calls += 1
    picture = _op(generated, "classes", "join_qr_code").sync_detailed(**teacher)
    assert picture.status_code == 200 and picture.content.startswith(b"<?xml")
    report = _op(generated, "classes", "class_report").sync_detailed(**teacher)
    assert report.status_code == 200 and report.content.startswith(b"nickname,")
    archive = _op(generated, "classes", "class_models").sync_detailed(**teacher)
    assert archive.status_code == 200 and archive.content.startswith(b"PK")
    refused = op("classes", "recover_dashboard")(class_id=made.id, client=generated.Client(base_url=live_server),
                                                 body=models.Recover(teacher_key="not the key"))
    assert isinstance(refused, models.ErrorBody) and refused.code == "class.teacher_key"
    calls += 4
    for name, extra in (("dashboard_cookie", {}), ("remove_student", {"student_id": joined.student_id}),
                        ("delete_class", {})):
        assert _op(generated, "classes", name).sync_detailed(**teacher, **extra).status_code == 204
        calls += 1
    deleted = _op(generated, "sessions", "delete_session").sync_detailed(**on)
    assert deleted.status_code == 204
    calls += 1

    missing = op("sessions", "read_session")(**on)  # an error answer is typed too
    assert isinstance(missing, models.ErrorBody) and missing.code == "session.not_found"
    operations = sum(len(methods) for methods in httpx.get(f"{live_server}/openapi.json").json()["paths"].values())
    assert calls == operations

