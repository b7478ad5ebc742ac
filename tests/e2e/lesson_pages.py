"""A lesson page in a real Chromium, driven the way a student uses it: through the page alone.

Recipes (tests/e2e/recipes/) use this to do each lesson task as its text says; tests/e2e/test_lesson_tasks.py
runs every task in Chinese and English, and bench/lesson_tasks.py runs them over several seeds."""

from __future__ import annotations

import re
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


class LessonPage:
    """One open lesson page. ``page`` is Playwright's page; ``language`` is "zh" or "en"."""

    def __init__(self, page, lesson_id: str, language: str):
        self.page = page
        self.lesson_id = lesson_id
        self.language = language

    @classmethod
    def open(cls, context, base_url: str, lesson_id: str, language: str = "zh", seed: int | None = None):
        """Open ``/lessons/<lesson_id>`` in ``language``; ``seed`` (a student pressing "New weights" until they
        get that start) goes in the link's hash, the way a shared link carries it. Waits for the first boundary."""
        context.add_init_script(f"localStorage.setItem('nnplay.lang', '{language}')")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.goto(f"{base_url}/lessons/{lesson_id}" + (f"#seed={seed}" if seed is not None else ""))
        page.wait_for_function("window.nnplay && window.nnplay.metrics.firstBoundaryMs !== null", timeout=15000)
        return cls(page, lesson_id, language)

    # ----- what the student reads ----------------------------------------------------------------------

    def number(self, element_id: str) -> float | None:
        """A number the page shows (e.g. "#train_loss" -> 0.012, "#test_accuracy" "96.0%" -> 96.0)."""
        text = self.page.locator(element_id).inner_text()
        match = re.search(r"-?\d+(\.\d+)?(e-?\d+)?", text)
        return float(match.group()) if match else None

    def config(self, path: str):
        """The playground's current config at a dotted path (what its controls show), e.g. "hidden_layers"."""
        return self.page.evaluate(f"window.nnplay.config.{path}")

    # ----- what the student does -----------------------------------------------------------------------

    def play_until(self, condition: str, timeout: int = 30000) -> bool:
        """Press Play, wait until the JS ``condition`` holds (or ``timeout`` ms), press Pause. Whether it held."""
        self.page.click("#play")
        try:
            self.page.wait_for_function(condition, timeout=timeout)
            held = True
        except Exception:  # Playwright's TimeoutError: the student gives up waiting
            held = False
        self.page.click("#play")
        self.page.wait_for_function("document.querySelector('#play').getAttribute('aria-pressed') === 'false'",
                                    timeout=10000)
        return held

    def new_weights(self) -> None:
        """Press "New weights": a new random start, epoch 0."""
        seed = self.config("seed")
        self.page.click("#reseed")
        self.page.wait_for_function(
            f"window.nnplay.config.seed !== {seed} && !document.querySelector('#network').inert", timeout=10000)

    def grow_first_layer_to(self, units: int) -> None:
        """Press the first hidden layer's "+" until it has ``units`` neurons."""
        while self.config("hidden_layers[0]") < units:
            before = self.config("hidden_layers[0]")
            self.page.locator(".nn-col-ctrl[aria-label='h1'] .nn-units .nn-btn").last.click()  # the layer's "+"
            self.page.wait_for_function(f"window.nnplay.config.hidden_layers[0] > {before}"
                                        " && !document.querySelector('#network').inert", timeout=10000)

    def add_hidden_layer(self) -> None:
        """Press "Add a hidden layer"."""
        before = len(self.config("hidden_layers"))
        self.page.locator(".nn-head .nn-btn").first.click()
        self.page.wait_for_function(f"window.nnplay.config.hidden_layers.length > {before}"
                                    " && !document.querySelector('#network').inert", timeout=10000)

    def choose_dataset(self, name: str) -> None:
        """Click the data set's thumbnail."""
        self.page.locator(f"#datasets [data-name='{name}']").click()
        self.page.wait_for_function(f"window.nnplay.config.data.name === '{name}'", timeout=10000)

    def choose(self, task: int, choice: int) -> None:
        """Pick answer ``choice`` (from 0) of the task's question: its radio button."""
        self.page.locator(f"input[name='task-{task}-choice'][value='{choice}']").check()

    def check(self, task: int, timeout: int = 15000) -> tuple[bool, str]:
        """Press the task's Check; (passed, the result as the page shows it) once the result is shown."""
        result = self.page.locator(f"#task-{task}-result")
        self.page.evaluate(f"document.querySelector('#task-{task}-result').replaceChildren()")
        self.page.locator(".check").nth(task).click()
        self.page.wait_for_selector(f"#task-{task}-result li.passed, #task-{task}-result li.no:last-child",
                                    timeout=timeout)
        passed = self.page.locator(f"#task-{task}-result li.passed").count() > 0
        return passed, result.inner_text()

    def check_passes(self, task: int) -> str:
        """Check the task and fail with what the page shows if it does not pass."""
        passed, shown = self.check(task)
        assert passed, f"{self.lesson_id} task {task} ({self.language}) did not pass; the page shows: {shown!r}"
        assert self.page.errors == [], self.page.errors
        return shown

    def screenshot(self, name: str) -> Path:
        """A full-page screenshot in test-artifacts/; its path."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
