"""The classroom's pages over plain HTTP (app/web/api/routes/pages.py): each is served, boots with what its script
needs, and never carries a secret; the secret link's token stays in the #fragment, which browsers never send."""

import json
import re

import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from app.main import create_app


@pytest.fixture
def client(tmp_path):
    settings = Settings(workers=0, data_dir=tmp_path, allowed_hosts=["testserver"])
    with TestClient(create_app(settings)) as client:
        yield client


def boot_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="boot">(.*?)</script>', html, re.S).group(1))


def test_join_carries_the_code_of_the_link(client):
    page = client.get("/join", params={"code": "K7QP4M"})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    boot = boot_of(page.text)
    assert boot["code"] == "K7QP4M" and "class.code_wrong" in boot["messages"]
    assert '<script type="module" src="/static/js/join.js">' in page.text
    assert boot_of(client.get("/join").text)["code"] == ""


def test_new_class_offers_presets_and_lessons_and_says_whether_a_key_is_needed(client, tmp_path):
    boot = boot_of(client.get("/classes/new").text)
    assert "spiral" in [preset["name"] for preset in boot["presets"]]
    assert all(preset["title"]["zh"] and preset["title"]["en"] for preset in boot["presets"])
    assert "the-neuron" in [lesson["id"] for lesson in boot["lessons"]]
    assert boot["teacher_key"] is False and boot["max_students"] >= 1
    keyed = Settings(workers=0, data_dir=tmp_path / "keyed", allowed_hosts=["testserver"], teacher_key="s3cret")
    with TestClient(create_app(keyed)) as other:
        page = other.get("/classes/new").text
        assert boot_of(page)["teacher_key"] is True and "s3cret" not in page


def test_the_dashboard_and_its_secret_link_are_one_page_that_keeps_no_secret(client):
    created = client.post("/api/classes", json={"name": "3班"}).json()
    enter, token = created["dashboard_url"].split("#", 1)
    page = client.get(enter)
    assert page.status_code == 200 and token not in page.text
    assert boot_of(page.text) | {"presets": None, "lessons": None, "messages": None} == {
        "class_id": created["id"], "enter": True, "presets": None, "lessons": None, "messages": None}
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    dashboard = client.get(f"/classes/{created['id']}")
    assert dashboard.status_code == 200 and boot_of(dashboard.text)["enter"] is False
    assert '<script type="module" src="/static/js/dashboard.js">' in dashboard.text


def test_a_class_playground_is_the_playground_in_class_mode(client):
    class_id = client.post("/api/classes", json={"name": "3A"}).json()["id"]
    page = client.get(f"/classes/{class_id}/play")
    assert page.status_code == 200
    boot = boot_of(page.text)
    assert boot["class"] == {"id": class_id} and boot["defaults"]["hidden_layers"] and boot["catalogue"]
    assert 'id="class-banner"' in page.text and 'id="class-paused"' in page.text
    ordinary = client.get("/").text
    assert 'id="class-banner"' not in ordinary and "class" not in boot_of(ordinary)  # the playground as it was


@pytest.mark.parametrize("path", ["/classes/short", "/classes/has%20space!!/play", "/classes/AbCdEfGhIj_-/nope"])
def test_paths_that_are_no_class_page_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("page", ["", "/enter", "/play"])
def test_the_pages_of_a_class_that_does_not_exist_are_404_pages(page):
    with TestClient(create_app(Settings(workers=0, allowed_hosts=["testserver"]))) as client:
        answer = client.get(f"/classes/AAAAAAAAAAAA{page}", headers={"Accept-Language": "en"})
    assert answer.status_code == 404 and "There is no class" in answer.text and "<html" in answer.text
