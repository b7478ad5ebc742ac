"""Every page preloads its modules' whole static import graph (app/web/module_graph.py), read from the import
statements, so that the list cannot go stale. tests/e2e/test_first_boundary.py checks, in a real browser, that the
playground fetches no module it did not preload."""

import re

import pytest

from app.web.module_graph import STATIC_DIR, imports_of, preloads, resolve, static_graph

PRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)">')
ENTRY = re.compile(r'<script type="module" src="([^"]+)">')
INLINE_IMPORT = re.compile(r'<script type="module">.*?from "([^"]+)"', re.S)


def test_imports_of_reads_every_static_form_and_skips_dynamic_imports_and_comments():
    source = '''// import { commented } from "./line_comment.js";
/* import "./block_comment.js"; */
import { a, b as c } from "./named.js";
import {
  split,
  over,
} from './lines.js';
import whole from "./default.js";
import * as space from "../up/namespace.js";
import "./side_effect.js";
export { request as call } from "./reexport.js";
export * from "/static/js/absolute.js";
export function notAnImport() { return "from './string.js'"; }
const later = import("./dynamic.js");
  import("./dynamic_statement.js").then(() => {});
import { x } from "bare-package";
'''
    assert imports_of(source) == ["./named.js", "./lines.js", "./default.js", "../up/namespace.js", "./side_effect.js",
                                  "./reexport.js", "/static/js/absolute.js", "bare-package"]


@pytest.mark.parametrize("specifier, importer, url", [
    ("./a.js", "/static/js/main.js", "/static/js/a.js"),
    ("./messages/b.js", "/static/js/main.js", "/static/js/messages/b.js"),
    ("../c.js", "/static/js/messages/b.js", "/static/js/c.js"),
    ("/static/js/d.js", "/static/js/messages/b.js", "/static/js/d.js"),
    ("bare", "/static/js/main.js", None),
    ("https://cdn.example/e.js", "/static/js/main.js", None),
])
def test_resolve(specifier, importer, url):
    assert resolve(specifier, importer) == url


def test_the_graph_follows_imports_through_folders_and_cycles_and_skips_dynamic_ones(tmp_path):
    js = tmp_path / "js"
    (js / "sub").mkdir(parents=True)
    (js / "main.js").write_text('import { a } from "./a.js";\nimport "./sub/b.js";\nimport("./lazy.js");\n')
    (js / "a.js").write_text('import { b } from "./sub/b.js";\nexport const a = 1;\n')
    (js / "sub" / "b.js").write_text('import { a } from "../a.js";\nexport * from "./c.js";\n')  # a cycle back to a
    (js / "sub" / "c.js").write_text("export const c = 3;\n")
    (js / "lazy.js").write_text("export const lazy = 4;\n")
    assert static_graph("/static/js/main.js", tmp_path) == [
        "/static/js/main.js", "/static/js/a.js", "/static/js/sub/b.js", "/static/js/sub/c.js"]
    (js / "sub" / "c.js").unlink()  # a module the page would fail to load: said, not skipped
    with pytest.raises(FileNotFoundError, match="c.js"):
        static_graph("/static/js/main.js", tmp_path)


def test_the_playground_graph_is_its_modules_without_the_lesson_and_class_code():
    graph = preloads("main.js")
    assert graph[0] == "/static/js/main.js" and len(graph) == len(set(graph))
    assert {"/static/js/playground.js", "/static/js/network_keys.js", "/static/js/messages/lesson.js"} <= set(graph)
    assert not {"/static/js/lesson.js", "/static/js/classmode.js"} & set(graph)  # imported dynamically, when used
    for url in graph:
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file()


def closed_under_imports(urls: list[str]) -> bool:
    """Whether every static import of every module in ``urls`` is in ``urls`` too."""
    for url in urls:
        source = (STATIC_DIR / url.removeprefix("/static/")).read_text(encoding="utf-8")
        for specifier in imports_of(source):
            if resolve(specifier, url) not in urls:
                return False
    return True


def test_every_page_preloads_its_scripts_whole_graph_once(client):
    class_id = client.post("/api/classes", json={"name": "7B"}).json()["id"]
    pages = {"/": ["/static/js/main.js"], "/lessons": ["/static/js/i18n.js"],
             "/lessons/the-neuron": ["/static/js/main.js", "/static/js/lesson.js"],
             "/join": ["/static/js/join.js"], "/classes/new": ["/static/js/class_new.js"],
             f"/classes/{class_id}/play": ["/static/js/main.js", "/static/js/classmode.js"],
             f"/classes/{class_id}": ["/static/js/dashboard.js"]}
    for path, entries in pages.items():
        html = client.get(path).text
        preloaded = PRELOAD.findall(html)
        assert len(preloaded) == len(set(preloaded)), path
        assert set(entries) <= set(preloaded), path
        assert set(ENTRY.findall(html) + INLINE_IMPORT.findall(html)) <= set(preloaded), path
        assert closed_under_imports(preloaded), path
        # Nothing else: a module the page never imports would only cost bytes.
        assert set(preloaded) == {url for entry in entries for url in static_graph(entry)}, path
