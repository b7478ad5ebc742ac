"""Every lesson task, done through the page alone as a student following its text would, over several starts.

    python3 bench/lesson_tasks.py [--seeds 5] [--languages zh,en] [--only LESSON_ID] [--json out.json]

Starts `python3 -m app` on a free 127.0.0.1 port and drives Debian's Chromium through Playwright with the
recipes of tests/e2e/recipes/ (the same ones tests/e2e/test_lesson_tasks.py runs once, from the lesson's default
start). Here each task runs from --seeds starts: seed 0 (the lesson's default) and seeds 1..N-1 (the start a
student gets after pressing "New weights", carried in the link as #seed=N). A recipe may press "New weights"
itself where the lesson's text tells the student to on a stuck start; the table counts the presses. Reports per
task: passes out of runs, the median seconds a pass took, and the pages' messages on failure. Bounded: one
Chromium, one page at a time, each recipe stopped by its own timeouts.
"""

import argparse
import pathlib
import statistics
import sys
import time

from playwright.sync_api import sync_playwright
from server import report, running_server

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.web import lesson_catalog as catalog  # noqa: E402
from tests.e2e.lesson_pages import LessonPage  # noqa: E402
from tests.e2e.recipes import load_all  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def run_task(browser, base: str, lesson_id: str, task: int, language: str, seed: int, recipe) -> dict:
    """One run of one task from one start: {passed, seconds, reseeds, shown}."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    started = time.monotonic()
    try:
        lesson = LessonPage.open(context, base, lesson_id, language, seed=seed or None)
        seeds = [lesson.config("seed")]
        recipe(lesson)
        passed, shown = lesson.check(task)
        seeds.append(lesson.config("seed"))
        return {"passed": passed and not lesson.page.errors, "seconds": time.monotonic() - started,
                "reseeds": int(seeds[0] != seeds[-1]), "shown": "" if passed else shown[-300:]}
    except Exception as error:  # a recipe's timeout: the student gave up
        return {"passed": False, "seconds": time.monotonic() - started, "reseeds": 0, "shown": str(error)[:300]}
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5, help="starts per task (seed 0 is the lesson's default)")
    parser.add_argument("--languages", default="zh,en")
    parser.add_argument("--only", help="one lesson id")
    parser.add_argument("--json")
    args = parser.parse_args()
    recipes = load_all()
    tasks = [(lesson["id"], index) for lesson in catalog.LESSONS for index in range(len(lesson["tasks"]))
             if args.only in (None, lesson["id"])]
    rows = []
    with running_server() as (base, _), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for lesson_id, task in tasks:
            runs = [run_task(browser, base, lesson_id, task, language, seed, recipes[lesson_id, task])
                    for seed in range(min(args.seeds, 50)) for language in args.languages.split(",")]
            passed = [run for run in runs if run["passed"]]
            row = {"lesson": lesson_id, "task": task, "passed": len(passed), "runs": len(runs),
                   "median_seconds": round(statistics.median(r["seconds"] for r in passed), 1) if passed else None,
                   "new_weights_pressed": sum(r["reseeds"] for r in runs),
                   "failures": [r["shown"] for r in runs if not r["passed"]][:3]}
            rows.append(row)
            print(f"{lesson_id:28} task {task}: {row['passed']}/{row['runs']} passed, median "
                  f"{row['median_seconds']} s, New weights pressed in {row['new_weights_pressed']} runs", flush=True)
        browser.close()
    report({"seeds": args.seeds, "languages": args.languages, "tasks": rows,
            "all_passed": all(r["passed"] == r["runs"] for r in rows)}, args.json)


if __name__ == "__main__":
    main()
