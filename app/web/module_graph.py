"""The static import graph of the page scripts (static/js), for `<link rel="modulepreload">` lines.

A browser finds a module's imports only once it has that module: without preloading, the playground's modules
arrive in one wave per level of the graph (four one after another). Preloading every module of the graph lets
the browser fetch them all at once. The list is read from the import statements themselves, once per process
(the files do not change while the server runs), so that it cannot go stale as modules come and go.

Only static imports count (`import ... from "./x.js"`, `import "./x.js"`, `export ... from "./x.js"`): a
dynamic `import("./x.js")` is code the page may never run (the lesson and class modules).
"""

import functools
import posixpath
import re
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
STATIC_URL = "/static"
# Comments go first, so that an import in a comment does not count. A string holding "//" (a URL) would lose its
# end, but import specifiers come before anything else in a module and hold no "//".
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)
# A statement that starts a line with import or export and names a module in quotes, with nothing between that
# could not be part of an import or export clause (no parentheses: not a dynamic import or a function; no quotes
# or semicolons: not a later statement's specifier).
_STATIC_IMPORT = re.compile(r"""^[ \t]*(?:import|export)\b(?:[^;"'()]*?\bfrom)?\s*["']([^"']+)["']""", re.M)


def imports_of(source: str) -> list[str]:
    """The specifiers of a module's static imports and re-exports, in the order they appear."""
    return _STATIC_IMPORT.findall(_COMMENTS.sub("", source))


def resolve(specifier: str, importer: str) -> str | None:
    """The URL path a relative or root-relative specifier names from the module at URL path `importer`; None for
    a bare specifier (a package name) or a full URL, which this server does not serve."""
    if specifier.startswith("/"):
        return posixpath.normpath(specifier)
    if specifier.startswith(("./", "../")):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
    return None


def static_graph(entry: str, static_dir: Path = STATIC_DIR) -> list[str]:
    """The URL paths of `entry` (a URL path under /static) and of every module it imports statically, directly or
    not, breadth first (the entry first). A module that is not a file under `static_dir` is an error: the page
    would fail to load it too."""
    seen, order = {entry}, [entry]
    for url in order:  # grows while it is walked
        file = static_dir / url.removeprefix(STATIC_URL + "/")
        if not url.startswith(STATIC_URL + "/") or not file.is_file():
            raise FileNotFoundError(f"{url} is not a module under {static_dir}")
        for specifier in imports_of(file.read_text(encoding="utf-8")):
            target = resolve(specifier, url)
            if target is not None and target not in seen:
                seen.add(target)
                order.append(target)
    return order


@functools.cache
def preloads(*entries: str) -> tuple[str, ...]:
    """The modules to preload for a page whose scripts are `entries` (names under static/js, e.g. "main.js"):
    each entry's static graph, without repeats, computed once per process."""
    order: dict[str, None] = {}
    for entry in entries:
        order.update(dict.fromkeys(static_graph(f"{STATIC_URL}/js/{entry}")))
    return tuple(order)
