"""The house by role (docs/architecture.md), read from the code's own imports: no import
circle, and each heavy library only in the room that owns it."""

import ast
from pathlib import Path

import pytest

from flows.settings import PROJECT_ROOT

# Third-party packages that only one room may import (the CLI imports Prefect lazily, below).
OWNERS = {
    "prefect": ("flows/orchestration/",),
    "prefect_dask": ("flows/orchestration/",),
    "dask": ("flows/orchestration/",),
    "weasyprint": ("flows/typesetting/",),
    "pikepdf": ("flows/typesetting/",),
}


def modules() -> dict[str, Path]:
    found = {}
    for package in ("flows", "schemas"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: Path, top_level_only: bool) -> set[str]:
    """The modules ``path`` imports; with ``top_level_only``, not those inside functions."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_no_import_circle_among_our_modules():
    ours = modules()
    graph = {
        name: {n for n in imports(path, top_level_only=True) if n in ours and n != name}
        for name, path in ours.items()
    }
    # A package's __init__ imported by its own modules is no circle: Python loads it first.
    graph = {m: {n for n in deps if not m.startswith(n + ".")} for m, deps in graph.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                pytest.fail("import circle: " + " -> ".join([*trail, name, target]))
            if target not in state:
                visit(target, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert len(state) == len(ours) > 40


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_a_library_is_imported_only_in_its_room(library):
    offenders = []
    for path in modules().values():
        where = path.relative_to(PROJECT_ROOT).as_posix()
        lazy_cli = where.startswith("flows/cli/") and library.startswith("prefect")
        used = imports(path, top_level_only=lazy_cli)
        uses = any(n == library or n.startswith(library + ".") for n in used)
        if uses and not where.startswith(OWNERS[library]):
            offenders.append(where)
    assert offenders == []


def test_schemas_import_nothing_of_flows():
    for name, path in modules().items():
        if name.startswith("schemas"):
            assert not [n for n in imports(path, False) if n.split(".")[0] == "flows"], name


def test_the_cli_loads_no_prefect_weasyprint_or_pikepdf_for_help():
    """`agenda2030 --help` and `validate` stay quick: nothing heavy at the CLI's import."""
    import subprocess
    import sys

    probe = (
        "import sys, flows.cli; flows.cli.parser();"
        "print(sorted(m for m in ('prefect', 'weasyprint', 'pikepdf', 'dask') if m in sys.modules))"
    )
    shown = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert shown.stdout.strip() == "[]", shown.stderr
