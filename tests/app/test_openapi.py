"""The OpenAPI document says what each operation returns, which errors it can give (one error body), and the
sizes this server accepts, from its own Settings."""

import pytest
from fastapi.testclient import TestClient

from app.api.openapi import LIMITS, PARAMETER_LIMITS
from app.core.config import Settings
from app.main import create_app
from app.schemas.network import Grid

ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "422", "429", "503"}


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


def test_every_limit_of_the_table_is_in_the_document(document):
    schemas = document["components"]["schemas"]
    defaults = Settings(workers=0)
    for (name, path), (keyword, limit) in LIMITS.items():
        node = schemas[name]
        for part in path.split("."):
            node = node["items"] if part == "items" else node["properties"][part]
        assert node[keyword] == limit(defaults), (name, path)
    for (method, path, name), (keyword, limit) in PARAMETER_LIMITS.items():
        parameter = next(p for p in document["paths"][path][method]["parameters"] if p["name"] == name)
        assert parameter["schema"][keyword] == limit(defaults)


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


@pytest.mark.parametrize("config", [{"hidden_layers": [3, 2]}, {"data": {"name": "sine"}, "features": ["x1"]}])
def test_the_grid_sent_without_response_validation_matches_its_model(small, config):
    client, _ = small
    created = _create(client, **config).json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    body = client.get(f"/api/sessions/{created['id']}/grid?resolution=4", headers=headers).json()
    grid = Grid.model_validate(body)
    assert grid.model_dump() == body
