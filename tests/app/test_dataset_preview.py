"""A dataset preview is built off the event loop, a bounded number at a time (app/web/api/routes/datasets.py)."""

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from app.core import data
from app.schemas.data import DataPreview
from app.web.api.routes import datasets


def test_the_preview_is_built_in_a_worker_thread(client, monkeypatch):
    where = []
    original = data.preview

    def spying(config, settings):
        try:
            asyncio.get_running_loop()
            where.append("event loop")
        except RuntimeError:  # no running loop in this thread
            where.append("worker thread")
        return original(config, settings)

    monkeypatch.setattr(data, "preview", spying)
    response = client.post("/api/datasets/preview", json={"name": "spiral", "n_points": 200})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    assert DataPreview.model_validate(response.json()).name == "spiral"
    assert where == ["worker thread"]


def test_at_most_preview_threads_previews_run_at_once(client, monkeypatch):
    running, most, lock = [0], [0], threading.Lock()
    original = data.preview

    def slow(config, settings):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.2)  # stands for CPU work
        with lock:
            running[0] -= 1
        return original(config, settings)

    monkeypatch.setattr(data, "preview", slow)
    with ThreadPoolExecutor(6) as pool:
        statuses = list(pool.map(lambda _: client.post("/api/datasets/preview", json={"n_points": 20}).status_code,
                                 range(6)))
    assert statuses == [200] * 6
    assert most[0] == datasets.PREVIEW_THREADS


def test_the_preview_is_bounded_by_the_servers_limits(client, settings):
    response = client.post("/api/datasets/preview", json={"n_points": settings.max_points + 1})
    assert response.status_code == 422 and response.json()["code"] == "limit.points"
