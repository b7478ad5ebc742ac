"""The request models repeat no limit that comes from Settings or from a service: the schema states each one,
from one source, and a request at the schema's bound is accepted while one beyond it is refused."""

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.core.messages import LANGUAGES, MESSAGES
from app.main import create_app
from app.web import lesson_catalog as catalog
from engine.datasets import MAX_COORDINATE


def _client(settings: Settings):
    with TestClient(create_app(settings)) as client:
        yield client, client.get("/openapi.json").json()["components"]["schemas"]


def _create(client, **config):
    created = client.post("/api/sessions", json=config)
    assert created.status_code == 201, created.text
    body = created.json()
    return f"/api/sessions/{body['id']}", {"Authorization": f"Bearer {body['token']}"}


@pytest.fixture(scope="module")
def big():
    """Limits above the request models' old fixed ones (100000 epochs, 64 layers of weights)."""
    yield from _client(Settings(workers=0, max_epochs_per_call=200_000, max_hidden_layers=70,
                                max_seconds_per_call=0.01))


@pytest.fixture(scope="module")
def small():
    yield from _client(Settings(workers=0, max_units=5, max_grid=20))


def test_epochs_at_the_schemas_maximum_are_accepted_when_settings_allow_more_than_before(big):
    client, schemas = big
    most = schemas["TrainRequest"]["properties"]["epochs"]["maximum"]
    assert most == 200_000
    session, headers = _create(client, data={"n_points": 20}, hidden_layers=[1])
    trained = client.post(f"{session}/train", json={"epochs": most}, headers=headers)
    assert trained.status_code == 200, trained.text  # it stops at the (tiny) time limit, or completes
    assert trained.json()["status"] in ("completed", "time_limit")
    refused = client.post(f"{session}/train", json={"epochs": most + 1}, headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "limit.epochs_per_call"


def test_weights_of_as_many_layers_as_the_schema_allows_are_accepted(big):
    client, schemas = big
    most = schemas["WeightsIn"]["properties"]["layers"]["maxItems"]
    assert most == 71  # 70 hidden layers and the output layer
    session, headers = _create(client, data={"n_points": 20}, hidden_layers=[1] * 70)
    layers = [{"W": [[0.5, 0.5]], "b": [0]}] + [{"W": [[0.5]], "b": [0]}] * (most - 1)
    response = client.put(f"{session}/weights", json={"layers": layers}, headers=headers)
    assert response.status_code == 200, response.text
    assert len(response.json()["layers"]) == most


def _point_schema(schema: dict) -> dict:
    assert (schema["minItems"], schema["maxItems"]) == (1, 2)
    assert (schema["items"]["minimum"], schema["items"]["maximum"]) == (-MAX_COORDINATE, MAX_COORDINATE)
    return schema


def test_the_schema_states_the_engines_coordinate_bounds(small):
    _, schemas = small
    _point_schema(schemas["PredictRequest"]["properties"]["inputs"]["items"])
    _point_schema(schemas["BackpropRequest"]["properties"]["input"])
    _point_schema(schemas["UserPoints"]["properties"]["X"]["items"])
    y = schemas["UserPoints"]["properties"]["y"]["items"]
    assert (y["minimum"], y["maximum"]) == (-MAX_COORDINATE, MAX_COORDINATE)


def test_inputs_at_the_coordinate_bound_are_accepted_and_beyond_it_refused(small):
    client, _ = small
    session, headers = _create(client, data={"n_points": 20}, hidden_layers=[2])
    edge, beyond = MAX_COORDINATE, MAX_COORDINATE * (1 + 1e-9)
    assert client.post(f"{session}/predict", json={"inputs": [[edge, -edge]]}, headers=headers).status_code == 200
    assert client.post(f"{session}/backprop", json={"input": [-edge, edge], "target": 1},
                       headers=headers).status_code == 200
    for inputs in ([[beyond, 0]], [[0, -beyond]], [[0, 0, 0]], [[]]):
        response = client.post(f"{session}/predict", json={"inputs": inputs}, headers=headers)
        assert response.status_code == 422 and response.json()["code"] == "request.invalid", inputs
    for row in ([beyond, 0], [0, 0, 0], []):
        response = client.post(f"{session}/backprop", json={"input": row, "target": 1}, headers=headers)
        assert response.status_code == 422 and response.json()["code"] == "request.invalid", row


def _custom(X, y, task="classification"):
    return {"name": "custom", "points": {"X": X, "y": y, "task": task}}


def test_custom_points_at_the_coordinate_bound_are_accepted_and_beyond_it_refused(small):
    client, _ = small
    edge, beyond = MAX_COORDINATE, MAX_COORDINATE * (1 + 1e-9)
    square = [[edge, edge], [-edge, -edge], [edge, -edge], [-edge, edge]]
    assert client.post("/api/datasets/preview", json=_custom(square, [0, 1, 0, 1])).status_code == 200
    line = [[-edge], [0], [1], [edge]]
    regression = _custom(line, [edge, -edge, 0, 1], "regression")
    assert client.post("/api/datasets/preview", json=regression).status_code == 200
    for data in (_custom([[beyond, 0]] + square[1:], [0, 1, 0, 1]), _custom([[0, 0, 0]] + square[1:], [0, 1, 0, 1]),
                 _custom(line, [beyond, 0, 0, 1], "regression")):
        response = client.post("/api/datasets/preview", json=data)
        assert response.status_code == 422 and response.json()["code"] == "request.invalid", data


def test_the_comparisons_widths_are_at_most_the_servers_max_units(small):
    client, schemas = small
    assert schemas["SweepRequest"]["properties"]["widths"]["items"]["maximum"] == 5
    assert schemas["ExperimentRequest"]["properties"]["width"]["maximum"] == 5
    session, headers = _create(client, data={"n_points": 20}, hidden_layers=[2])
    assert client.post(f"{session}/sweep", json={"widths": [5], "epochs": 1}, headers=headers).status_code == 200
    refused = client.post(f"{session}/sweep", json={"widths": [6], "epochs": 1}, headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "sweep.widths"
    assert refused.json()["params"]["units"] == 5
    refused = client.post(f"{session}/experiments/deep-vs-shallow", json={"width": 6, "depths": [1], "epochs": 1},
                          headers=headers)
    assert refused.status_code == 422 and refused.json()["code"] == "experiment.plan"
    assert refused.json()["params"]["units"] == 5
    started = client.post(f"{session}/experiments/deep-vs-shallow", json={"width": 5, "depths": [1], "epochs": 1},
                          headers=headers)
    assert started.status_code == 202, started.text
    assert client.delete(f"{session}/experiments/deep-vs-shallow", headers=headers).status_code == 200


def test_the_lesson_figures_fit_the_default_limits():
    schemas = create_app(Settings(workers=0)).openapi()["components"]["schemas"]
    sweep, experiment = schemas["SweepRequest"]["properties"], schemas["ExperimentRequest"]["properties"]
    figures = []
    for lesson in catalog.LESSONS:
        figure = lesson.get("figure") or []
        figures += figure if isinstance(figure, list) else [figure]
    sweeps = [f for f in figures if f.get("kind") == "sweep" and "widths" in f]
    experiments = [f for f in figures if f.get("kind") == "experiment"]
    assert sweeps and experiments
    for figure in sweeps:
        assert len(figure["widths"]) <= sweep["widths"]["maxItems"], figure
        assert max(figure["widths"]) <= sweep["widths"]["items"]["maximum"], figure
        assert figure["epochs"] <= sweep["epochs"]["maximum"], figure
    for figure in experiments:
        assert figure["width"] <= experiment["width"]["maximum"], figure
        assert len(figure["depths"]) <= experiment["depths"]["maxItems"], figure
        assert max(figure["depths"]) <= experiment["depths"]["items"]["maximum"], figure
        assert figure["epochs"] <= experiment["epochs"]["maximum"], figure


def test_a_grid_resolution_above_the_servers_maximum_names_that_limit(small):
    client, _ = small
    session, headers = _create(client, data={"n_points": 20}, hidden_layers=[2])
    assert client.get(f"{session}/grid?resolution=20", headers=headers).status_code == 200
    refused = client.get(f"{session}/grid?resolution=21", headers=headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "limit.grid_resolution" and refused.json()["params"] == {"most": 20}
    assert "20" in refused.json()["detail"]
    assert set(MESSAGES["limit.grid_resolution"]) == set(LANGUAGES)
