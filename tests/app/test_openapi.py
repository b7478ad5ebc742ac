"""The OpenAPI document says what each operation returns, which errors it can give (one error body), and the
sizes this server accepts, from its own Settings."""

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app
from app.schemas.answer import NETWORK_DTYPE, NETWORK_NUMBERS, Answer
from app.schemas.experiments import WeightSample, WidthResult
from app.schemas.network import Grid
from app.schemas.training import StepResult, TrainHistory
from app.web.api.openapi import LIMITS, PARAMETER_LIMITS

FILES = {"image/svg+xml", "text/csv", "application/zip", "application/octet-stream"}
ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "415", "422", "423", "429", "503"}


def operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


@pytest.fixture(scope="module")
def document() -> dict:
    return create_app(Settings(workers=0)).openapi()


def test_every_operation_has_a_typed_answer(document):
    for method, path, operation in operations(document):
        success = {status: answer for status, answer in operation["responses"].items() if status.startswith("2")}
        assert len(success) == 1, (method, path)
        status, answer = next(iter(success.items()))
        if status == "204":
            assert "content" not in answer, (method, path)
            continue
        if list(answer["content"])[0] in FILES:  # a file to save or draw, not a JSON answer
            continue
        schema = answer["content"]["application/json"]["schema"]
        schema = schema.get("items", schema)  # a list of models
        assert "$ref" in schema, (method, path, schema)


def test_every_error_answer_is_the_error_body(document):
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert status in ERROR_STATUSES, (method, path, status)
                assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_session_operations_document_the_token_errors(document):
    for method, path, operation in operations(document):
        if path.startswith("/api/sessions/{session_id}"):
            assert {"401", "403", "404", "422", "503"} <= set(operation["responses"]), (method, path)
            if "requestBody" in operation:
                assert {"400", "413"} <= set(operation["responses"]), (method, path)
    assert {"422", "429", "503"} <= set(document["paths"]["/api/sessions"]["post"]["responses"])
    assert "409" in document["paths"]["/api/sessions/{session_id}/experiments/deep-vs-shallow"]["post"]["responses"]


def test_every_limit_of_the_table_is_in_the_document_with_the_value_of_its_settings():
    settings = Settings(workers=0, max_points=777, max_hidden_layers=3, max_units=5, max_epochs_per_call=7,
                        max_predict_rows=9, max_grid=20)
    document = create_app(settings).openapi()
    schemas = document["components"]["schemas"]
    # Literal numbers: from the settings above, or a lesson figure's own constant (app/host/sweep.py,
    # app/host/experiment.py). A LIMITS entry missing here, or a wrong value, fails.
    expected = {
        ("DataConfig", "n_points"): ("maximum", 777),
        ("UserPoints", "X"): ("maxItems", 777),
        ("UserPoints", "y"): ("maxItems", 777),
        ("SessionConfig", "hidden_layers"): ("maxItems", 3),
        ("SessionConfig", "hidden_layers.items"): ("maximum", 5),
        ("SessionConfig", "activation"): ("maxItems", 3),
        ("TrainRequest", "epochs"): ("maximum", 7),
        ("PredictRequest", "inputs"): ("maxItems", 9),
        ("WeightsIn", "layers"): ("maxItems", 4),
        ("SweepRequest", "widths"): ("maxItems", 8),
        ("SweepRequest", "widths.items"): ("maximum", 5),
        ("SweepRequest", "epochs"): ("maximum", 2000),
        ("ExperimentRequest", "width"): ("maximum", 5),
        ("ExperimentRequest", "depths"): ("maxItems", 6),
        ("ExperimentRequest", "depths.items"): ("maximum", 6),
        ("ExperimentRequest", "epochs"): ("maximum", 1000),
    }
    assert set(expected) == set(LIMITS)
    for (name, path), (keyword, value) in expected.items():
        assert LIMITS[name, path][0] == keyword, (name, path)
        for key in (name, f"{name}-Input", f"{name}-Output"):
            if key in schemas:
                node = schemas[key]
                for part in path.split("."):
                    node = node["items"] if part == "items" else node["properties"][part]
                assert node[keyword] == value, (name, path)
    assert set(PARAMETER_LIMITS) == {("get", "/api/sessions/{session_id}/grid", "resolution")}
    grid = document["paths"]["/api/sessions/{session_id}/grid"]["get"]
    assert next(p for p in grid["parameters"] if p["name"] == "resolution")["schema"]["maximum"] == 20


@pytest.fixture(scope="module")
def small():
    """An app with limits unlike the defaults, and a client of it."""
    settings = Settings(workers=0, max_points=777, max_hidden_layers=3, max_units=5, max_epochs_per_call=7,
                        max_predict_rows=9, max_grid=20, max_sessions_per_client=50, max_sessions=50)
    with TestClient(create_app(settings)) as client:
        yield client, client.get("/openapi.json").json()


def _create(client, **config):
    return client.post("/api/sessions", json=config)


def test_the_schema_states_this_servers_limits(small):
    _, document = small
    schemas = document["components"]["schemas"]
    assert schemas["DataConfig"]["properties"]["n_points"]["maximum"] == 777
    assert schemas["UserPoints"]["properties"]["X"]["maxItems"] == 777
    assert schemas["SessionConfig"]["properties"]["hidden_layers"]["maxItems"] == 3
    assert schemas["SessionConfig"]["properties"]["hidden_layers"]["items"]["maximum"] == 5
    assert schemas["TrainRequest"]["properties"]["epochs"]["maximum"] == 7
    assert schemas["PredictRequest"]["properties"]["inputs"]["maxItems"] == 9
    create = document["paths"]["/api/sessions"]["post"]["description"]
    assert "50 live sessions per client" in create and "777 points" in create


def test_a_request_at_the_schemas_maximum_is_accepted_and_one_above_it_refused(small):
    client, document = small
    schemas = document["components"]["schemas"]
    most_points = schemas["DataConfig"]["properties"]["n_points"]["maximum"]
    assert client.post("/api/datasets/preview", json={"n_points": most_points}).status_code == 200
    assert client.post("/api/datasets/preview", json={"n_points": most_points + 1}).status_code == 422

    layers = schemas["SessionConfig"]["properties"]["hidden_layers"]
    widest = [layers["items"]["maximum"]] * layers["maxItems"]
    created = _create(client, hidden_layers=widest, data={"n_points": 40})
    assert created.status_code == 201, created.text
    assert _create(client, hidden_layers=widest + [1]).status_code == 422
    assert _create(client, hidden_layers=[layers["items"]["maximum"] + 1]).status_code == 422

    sid, headers = created.json()["id"], {"Authorization": f"Bearer {created.json()['token']}"}
    epochs = schemas["TrainRequest"]["properties"]["epochs"]["maximum"]
    train = f"/api/sessions/{sid}/train"
    assert client.post(train, json={"epochs": epochs}, headers=headers).status_code == 200
    assert client.post(train, json={"epochs": epochs + 1}, headers=headers).status_code == 422

    rows = schemas["PredictRequest"]["properties"]["inputs"]["maxItems"]
    predict = f"/api/sessions/{sid}/predict"
    assert client.post(predict, json={"inputs": [[0, 0]] * rows}, headers=headers).status_code == 200
    assert client.post(predict, json={"inputs": [[0, 0]] * (rows + 1)}, headers=headers).status_code == 422

    grid = document["paths"]["/api/sessions/{session_id}/grid"]["get"]
    most = next(p for p in grid["parameters"] if p["name"] == "resolution")["schema"]["maximum"]
    assert most == 20
    assert client.get(f"/api/sessions/{sid}/grid?resolution={most}", headers=headers).status_code == 200
    assert client.get(f"/api/sessions/{sid}/grid?resolution={most + 1}", headers=headers).status_code == 422


def test_a_grid_whose_values_overflowed_has_nulls_and_matches_its_model(client, new_session):
    sid, headers, _ = new_session(data={"name": "plane", "n_points": 20}, hidden_layers=[2] * 7,
                                  activation="linear", output="linear", dtype="float32")
    shapes = [(2, 2)] + [(2, 2)] * 6 + [(1, 2)]  # 8 linear layers: W (units k x units k-1)
    weights = {"layers": [{"W": [[1e6] * cols for _ in range(rows)], "b": [1e6] * rows} for rows, cols in shapes]}
    assert client.put(f"/api/sessions/{sid}/weights", json=weights, headers=headers).status_code == 200
    body = client.get(f"/api/sessions/{sid}/grid?resolution=3", headers=headers).json()
    Grid.model_validate(body)
    assert None in body["layers"][-1][0][0]  # (1e6 x 2)^8 is far beyond float32


def test_the_comparisons_maps_may_hold_nulls():
    for model, body in ((WidthResult, {"width": 1, "parameters": 5, "status": "diverged", "train_loss": None,
                                       "test_loss": None, "train_accuracy": None, "test_accuracy": None,
                                       "output": [[[None, 1.0], [0.5, None]]]}),
                        (WeightSample, {"seed": 1, "output": [[None, 0.5]]})):
        assert model.model_validate(body).model_dump() == body


def test_the_training_answers_are_answer_models_with_the_shared_number_text(document):
    assert issubclass(TrainHistory, Answer) and issubclass(StepResult, Answer)
    schemas = document["components"]["schemas"]
    assert schemas["StepResult"]["properties"]["metrics"]["description"].endswith(NETWORK_NUMBERS)
    assert schemas["TrainHistory"]["properties"]["train_loss"]["description"].endswith(NETWORK_DTYPE)


@pytest.mark.parametrize("config", [{"hidden_layers": [3, 2]}, {"data": {"name": "sine"}, "features": ["x1"]}])
def test_the_grid_sent_without_response_validation_matches_its_model(small, config):
    client, _ = small
    created = _create(client, **config).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    body = client.get(f"/api/sessions/{created['id']}/grid?resolution=4", headers=headers).json()
    grid = Grid.model_validate(body)
    assert grid.model_dump() == body
