"""Layers that only look down: every import of every module of report_builder, read with `ast`
(also those inside functions and under TYPE_CHECKING), is from its own layer or below.

The layer map is docs/architecture.md's table; LAYERS below is the same map as data, and a test
checks the two agree.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "report_builder"
DOC = ROOT / "docs" / "architecture.md"

# bottom to top: each layer's top-level modules and packages (a package holds all under it);
# "" is the package itself (report_builder/__init__.py: its version)
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("", "errors", "periods", "formatting", "resources", "theme", "text_limits", "names",
              "terminal", "writer", "i18n", "placeholders", "locales")),
    ("config", ("config",)),
    ("data", ("data",)),
    ("engine", ("engine",)),
    ("model", ("model", "history")),
    ("charts", ("charts",)),
    ("renderers", ("renderers", "decks")),
    ("top", ("delivery", "actions", "starter", "build", "web", "cli", "__main__")),
)
# the model carries keys and values: words and number formats come at rendering
MODEL_MUST_NOT_IMPORT = ("i18n", "formatting")
WHERE_TO_ADD = "add it to LAYERS in tests/test_layers.py and to the table in docs/architecture.md"


class Import(NamedTuple):
    module: str  # the importing module, like "config.load" (relative to report_builder)
    line: int
    imported: str  # the module imported from, like "data.presets"


def layer_of(module: str) -> str | None:
    """The layer of a module named relative to report_builder ("" is the package itself)."""
    top = module.split(".")[0]
    found = [layer for layer, names in LAYERS if top in names]
    return found[0] if len(found) == 1 else None


def rank(layer: str) -> int:
    return [name for name, _ in LAYERS].index(layer)


def module_names(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module of the package by its dotted name relative to it ("data.load")."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(module: str, source: str, *, is_package: bool, known: set[str]) -> list[Import]:
    """Each import of report_builder in `source` (module `module`), wherever it is written.
    `from report_builder.x import y` imports the module x.y when there is one, else x."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [_inside(alias.name) for alias in node.names]
            found += [Import(module, node.lineno, name) for name in names if name is not None]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, is_package=is_package)
            if base is None:
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}".lstrip(".")
                found.append(Import(module, node.lineno, sub if sub in known else base))
    return list(dict.fromkeys(found))  # `from x import a, b` is one import of x


def _inside(name: str) -> str | None:
    """`report_builder.data.load` -> "data.load", `report_builder` -> ""; None for others."""
    if name == "report_builder":
        return ""
    return name.removeprefix("report_builder.") if name.startswith("report_builder.") else None


def _absolute(node: ast.ImportFrom, module: str, *, is_package: bool) -> str | None:
    """The module `node` imports from, relative to report_builder; None outside it."""
    if node.level == 0:
        return _inside(node.module or "")
    parts = module.split(".") if module else []
    package = parts if is_package else parts[:-1]
    base = package[:len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def problems(imports: list[Import]) -> list[str]:
    """One line for each import that looks up a layer, or from the model into words or number
    formats, or of or from a module no layer holds."""
    found = []
    for imp in imports:
        own, theirs = layer_of(imp.module), layer_of(imp.imported)
        where = f"report_builder.{imp.module}".rstrip(".") + f" (line {imp.line})"
        if own is None or theirs is None:
            unmapped = imp.module if own is None else imp.imported
            found.append(f"{where}: report_builder.{unmapped} is in no layer; {WHERE_TO_ADD}")
        elif rank(theirs) > rank(own):
            found.append(f"{where} imports report_builder.{imp.imported}: layer {own} "
                         f"imports from layer {theirs} above it")
        elif own == "model" and imp.imported.split(".")[0] in MODEL_MUST_NOT_IMPORT:
            found.append(f"{where} imports report_builder.{imp.imported}: the model carries "
                         "keys and values; words and number formats come at rendering")
    return found


def all_imports() -> list[Import]:
    modules = module_names()
    return [imp for name, path in modules.items()
            for imp in imports_of(name, path.read_text(encoding="utf-8"),
                                  is_package=path.name == "__init__.py", known=set(modules))]


def test_every_module_is_in_exactly_one_layer() -> None:
    unmapped = [f"report_builder.{name}".rstrip(".") for name in module_names()
                if layer_of(name) is None]
    assert unmapped == [], f"modules in no layer (or in two): {unmapped}; {WHERE_TO_ADD}"


def test_every_import_looks_down() -> None:
    found = problems(all_imports())
    assert found == [], "imports that look up a layer:\n" + "\n".join(found)


def test_the_doc_has_the_same_layers() -> None:
    """Each row of docs/architecture.md's table names the layer and its modules, in order."""
    rows = re.findall(r"^\| (\w+) \| (.+?) \| .+ \|$", DOC.read_text(encoding="utf-8"), re.M)
    in_doc = [(layer, {name.rstrip("/") for name in re.findall(r"`([\w/]+)`", modules)}
               | ({""} if "the package itself" in modules else set()))
              for layer, modules in rows if layer != "layer"]
    assert in_doc == [(layer, set(names)) for layer, names in LAYERS]


# -- the checker itself, on imports written for the purpose ---------------------------------
KNOWN = {"config", "config.load", "data", "data.presets", "model", "model.agenda", "i18n",
         "formatting", "renderers", "renderers.html", "charts", "charts.figures"}


@pytest.mark.parametrize(("module", "is_package", "source", "expected"), [
    ("config.load", False, "from report_builder.data.presets import PRESETS\n",
     ["report_builder.config.load (line 1) imports report_builder.data.presets: layer config "
      "imports from layer data above it"]),
    ("config.load", False, "def check():\n    from report_builder.data import presets\n",
     ["report_builder.config.load (line 2) imports report_builder.data.presets: layer config "
      "imports from layer data above it"]),
    ("model.agenda", False,
     "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import report_builder.charts\n",
     ["report_builder.model.agenda (line 3) imports report_builder.charts: layer model imports "
      "from layer charts above it"]),
    ("charts.figures", False, "from ..renderers import html\n",
     ["report_builder.charts.figures (line 1) imports report_builder.renderers.html: layer "
      "charts imports from layer renderers above it"]),
    ("model", True, "from . import agenda\nfrom ..formatting import Formatter\n",
     ["report_builder.model (line 2) imports report_builder.formatting: the model carries keys "
      "and values; words and number formats come at rendering"]),
    ("model.agenda", False, "import report_builder.i18n as words\n",
     ["report_builder.model.agenda (line 1) imports report_builder.i18n: the model carries "
      "keys and values; words and number formats come at rendering"]),
    ("reports.new", False, "from report_builder.config import Config\n",
     [f"report_builder.reports.new (line 1): report_builder.reports.new is in no layer; "
      f"{WHERE_TO_ADD}"]),
    ("renderers.html", False,
     "import json\nfrom report_builder.charts.figures import build_figures\n"
     "from report_builder import model\nfrom report_builder.model.agenda import Agenda\n", []),
    ("i18n", False, "from report_builder.config import SUPPORTED_LANGUAGES\n",
     ["report_builder.i18n (line 1) imports report_builder.config: layer base imports from "
      "layer config above it"]),
], ids=["up", "inside-a-function", "type-checking", "relative", "model-formatting",
        "model-i18n", "unmapped", "down-only", "base-up"])
def test_the_checker(module: str, is_package: bool, source: str, expected: list[str]) -> None:
    found = imports_of(module, source, is_package=is_package, known=KNOWN)
    assert problems(found) == expected
