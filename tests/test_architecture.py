"""Arrows one way (issue 13): read every module's imports, as the code is, not as planned."""
import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROCESS_APPS = {"ballots", "intake", "evaluation", "meetings", "workflows"}
WOTUM_APPS = {path.parent.name for path in ROOT.glob("*/apps.py")} | {"wotum"}


def imported(package: str) -> dict[str, set[str]]:
    """{module path: top-level names it imports}, relative imports resolved to ``package``."""
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                names.add(package if node.level else (node.module or "").split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("module, names", sorted(imported("reports").items()))
def test_reports_imports_no_app_holding_process_data(module, names):
    assert not names & PROCESS_APPS, f"{module} imports {sorted(names & PROCESS_APPS)}"


@pytest.mark.parametrize("module, names", sorted(imported("ballots").items()))
def test_ballots_imports_no_process_app(module, names):
    leaks = names & (PROCESS_APPS - {"ballots"})
    assert not leaks, f"{module} imports {sorted(leaks)}"


def test_the_counting_core_imports_only_itself_and_the_standard_library():
    modules = {path: names for path, names in imported("ballots").items()
               if path.startswith("ballots/counting/")}
    assert modules
    for module, names in modules.items():
        foreign = {name for name in names - {"ballots", "__future__"}
                   if name not in sys.stdlib_module_names}
        assert not foreign, f"{module} imports {sorted(foreign)}"
        # Relative imports are fine only within the package itself.
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 1:
                pytest.fail(f"{module} reaches outside ballots.counting: {node.module}")
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "ballots"):
                assert node.module.startswith("ballots.counting"), module


# Who may use a PB edition's internals: the review of its proposals, the flows and the
# timetable, the demo data and the project layer that wires the URLs. Other processes (a
# council's documents) get shared pieces such as the upload checks from infrastructure.
MAY_IMPORT_INTAKE = {"intake", "evaluation", "workflows", "demo", "wotum"}


@pytest.mark.parametrize("module, names", sorted(
    (module, names) for package in sorted(WOTUM_APPS - MAY_IMPORT_INTAKE)
    for module, names in imported(package).items()))
def test_only_evaluation_workflows_demo_and_the_project_import_intake(module, names):
    assert "intake" not in names, f"{module} imports intake"


def test_only_the_database_adapter_asks_which_database_it_runs_on():
    """Database-specific code lives in ``wotum/db.py``; domain code calls it (migrations,
    which run once per backend, aside)."""
    asking = []
    for package in sorted(WOTUM_APPS):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts or path == ROOT / "wotum" / "db.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "vendor":
                    asking.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert asking == []
