"""`pip install .` alone supports every command: each third-party package the code imports
(at the top of a module or inside a function, as the workbook actions import openpyxl) is a
runtime dependency in pyproject.toml, or one of the documented extras for optional sources
(sql, postgresql, duckdb) and engines (engine-postgres, engine-spark, ...), never a test-only
package."""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "report_builder"
USER_EXTRAS = ("sql", "postgresql", "duckdb",  # README: `pip install '.[sql]'` and the like
               "engine-postgres", "engine-spark", "engine-bigquery", "engine-snowflake",
               "engine-databricks")


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for extra in USER_EXTRAS
              for r in project["optional-dependencies"].get(extra, [])}
    return runtime, extras


def _modules() -> list[str]:
    """Every module of the package (but __main__, which runs the command)."""
    return sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                  for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def _imports(path: Path) -> set[str]:
    """Top-level names of every absolute import in the file, wherever it stands."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    """Every installed top-level name's distributions (reading them all takes a second)."""
    return dict(importlib.metadata.packages_distributions())


def _distributions(top_level: str) -> set[str]:
    found = _packages_distributions().get(top_level, [])
    return {re.sub(r"[-_.]+", "-", d).lower() for d in found}


@pytest.mark.parametrize("module", _modules())
def test_module_imports(module: str) -> None:
    importlib.import_module(module)


def test_every_third_party_import_is_a_runtime_dependency() -> None:
    runtime, extras = _declared()
    undeclared: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in _imports(path):
            if name in sys.stdlib_module_names or name in ("report_builder", "__future__"):
                continue
            distributions = _distributions(name)
            assert distributions, f"{name} (imported in {path.name}) is not installed"
            if not distributions & (runtime | extras):
                undeclared.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    assert undeclared == {}, f"imported but not a runtime dependency: {undeclared}"


def test_the_test_extra_holds_no_package_the_code_needs() -> None:
    """openpyxl edits a workbook's actions sheet (`actions add`): a runtime dependency."""
    runtime, _ = _declared()
    assert {"openpyxl", "tomlkit", "numpy"} <= runtime
