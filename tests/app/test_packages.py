"""House rule: the process boundary is the package boundary. app/host/ (the session hosts) never imports
app/web/ (the web process); app/web/ reaches app/host/ only to start hosts (app/web/host_client.py); the
shared packages (app/core/, app/schemas/, app/store/) import neither."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
# The only web modules that may import host code, each with its reason.
WEB_TO_HOST = {
    "app/web/host_client.py": "starts the host processes (app.host.host)",
    "app/web/ray_hosts.py": "creates the host actors on a Ray cluster (app.host.ray_actor)",
}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module ``path`` imports (``from a.b import c`` counts as a.b and a.b.c)."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def modules_under(folder: str) -> dict[str, set[str]]:
    """Relative path -> imported modules, for every Python file below app/<folder>."""
    root = APP.parent
    return {str(path.relative_to(root)): imported_modules(path) for path in sorted((APP / folder).rglob("*.py"))}


def touches(modules: set[str], package: str) -> bool:
    return any(module == package or module.startswith(package + ".") for module in modules)


def test_the_host_never_imports_the_web_side():
    host = modules_under("host")
    assert len(host) > 8
    assert [path for path, modules in host.items() if touches(modules, "app.web")] == []


def test_the_web_side_reaches_the_host_only_to_start_it():
    web = modules_under("web")
    assert len(web) > 15
    crossing = {path for path, modules in web.items() if touches(modules, "app.host")}
    assert crossing == set(WEB_TO_HOST)


def test_shared_packages_belong_to_neither_side():
    for folder in ("core", "schemas", "store"):
        for path, modules in modules_under(folder).items():
            assert not touches(modules, "app.web") and not touches(modules, "app.host"), path
