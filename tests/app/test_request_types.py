"""Request bodies take what their schema says: JSON numbers for numbers (integers too), no booleans or strings;
names from the engine's registries; query parameters still as text."""

import pytest

from app.schemas.session import MAX_SEED
from engine import activations, datasets, optimizers, surface


@pytest.mark.parametrize(("path", "body"), [
    ("/api/sessions", {"seed": False}),
    ("/api/sessions", {"learning_rate": "0.1"}),
    ("/api/sessions", {"hidden_layers": [True]}),
    ("/api/sessions", {"data": {"params": {"n_classes": True}}}),
    ("/api/neuron", {"w": [1, 1], "b": -1.5, "x": [False, 0]}),
    ("/api/neuron", {"w": [1, 1], "b": "3", "x": [1, 1]}),
    ("/api/surface", {"b_range": [0, False]}),
    ("/api/surface", {"resolution": 10.5}),
    ("/api/datasets/preview", {"name": "custom", "points": {"X": [[0, 0]], "y": [0], "domain": [[0, False]]}}),
])
def test_a_boolean_or_a_string_is_not_a_number(client, path, body):
    response = client.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "request.invalid"


def test_whole_numbers_are_integers_and_integers_are_numbers(client, new_session):
    sid, headers, body = new_session(seed=3.0, learning_rate=1, hidden_layers=[2.0], data={"n_points": 40.0})
    assert body["config"]["seed"] == 3 and body["config"]["hidden_layers"] == [2]
    assert body["config"]["learning_rate"] == 1.0
    response = client.post(f"/api/sessions/{sid}/backprop", json={"input": [1, -1], "target": 0}, headers=headers)
    assert response.status_code == 200, response.text
    edit = {"layer": 1.0, "row": 0, "col": 1.0, "value": 2}
    assert client.patch(f"/api/sessions/{sid}/weights", json=edit, headers=headers).status_code == 200
    assert client.post(f"/api/sessions/{sid}/train", json={"epochs": 2, "until": {"train_loss_below": 1}},
                       headers=headers).status_code == 200


def test_query_parameters_still_arrive_as_text(client, new_session):
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[2])
    assert client.get(f"/api/sessions/{sid}/grid?resolution=5", headers=headers).json()["resolution"] == 5
    assert client.post(f"/api/sessions/{sid}/regenerate?seed=3", headers=headers).json()["config"]["data"]["seed"] == 3
    assert len(client.post(f"/api/sessions/{sid}/samples?count=2", headers=headers).json()["results"]) == 2


def test_the_next_seed_after_the_largest_is_zero(client, new_session):
    sid, headers, _ = new_session(data={"n_points": 40, "seed": MAX_SEED})
    assert client.post(f"/api/sessions/{sid}/regenerate", headers=headers).json()["config"]["data"]["seed"] == 0
    assert client.post(f"/api/sessions/{sid}/regenerate?seed={MAX_SEED + 1}", headers=headers).status_code == 422


def test_the_schema_lists_the_registered_names(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    config = schemas["SessionConfig"]["properties"]
    assert config["optimizer"]["enum"] == list(optimizers.OPTIMIZERS)
    hidden = [name for name, activation in activations.ACTIVATIONS.items() if not activation.output_only]
    assert config["activation"]["anyOf"][0]["enum"] == hidden
    assert config["output"]["enum"] == ["auto", *activations.ACTIVATIONS]
    assert schemas["DataConfig"]["properties"]["name"]["enum"] == [*datasets.DATASETS, "custom"]
    assert schemas["SurfaceRequest"]["properties"]["model"]["enum"] == list(surface.MODELS)


def test_a_goal_needs_a_rule_and_says_so_in_the_schema(client, new_session):
    rule = client.get("/openapi.json").json()["components"]["schemas"]["StopRule"]
    assert rule["minProperties"] == 1 and all("default" not in field for field in rule["properties"].values())
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[2])
    for until in ({}, {"train_loss_below": None}):
        response = client.post(f"/api/sessions/{sid}/train", json={"epochs": 2, "until": until}, headers=headers)
        assert response.status_code == 422, until


def test_a_patch_body_is_documented_as_a_config(client, new_session):
    document = client.get("/openapi.json").json()
    body = document["paths"]["/api/sessions/{session_id}"]["patch"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": "#/components/schemas/SessionConfig"}
    assert document["components"]["schemas"]["SessionConfig"]["additionalProperties"] is False
    sid, headers, _ = new_session(data={"n_points": 40}, hidden_layers=[2])
    assert client.patch(f"/api/sessions/{sid}", json={"no_such_field": 1}, headers=headers).status_code == 422


BAD_ROWS = [["a", "b"]] * 1500  # within the test client's 50 KB bodies


@pytest.mark.parametrize(("method", "path", "body"), [
    ("post", "/api/sessions", {"data": {"name": "custom", "points": {"X": BAD_ROWS, "y": ["q"] * 1500}}}),
    ("post", "{session}/predict", {"inputs": BAD_ROWS}),
    ("put", "{session}/weights", {"layers": [{"W": [["a"] * 30] * 100, "b": ["x"] * 100}]}),
])
def test_a_long_list_of_bad_items_is_refused_by_its_first_bad_item(client, new_session, method, path, body):
    """10,000 bad points made 30,000 errors, about 150 ms of the event loop for one 170 KB request; a long list
    stops at its first bad item (Field(fail_fast=True))."""
    sid, headers, _ = new_session(data={"n_points": 40})
    response = client.request(method, path.format(session=f"/api/sessions/{sid}"), json=body, headers=headers)
    assert response.status_code == 422, response.text[:300]
    problems = response.json()["errors"]
    assert 1 <= len(problems) <= 3, problems  # each list's first bad item, not one per item
    assert all(problem["loc"][0] == "body" for problem in problems)
