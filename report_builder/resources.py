"""Where our templates and assets are: inside the installed package, or at the top of a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"report-builder is installed without its {name}/ folder "
                            f"(looked in {_PACKAGE} and {_PACKAGE.parent}); reinstall it")


def templates_dir() -> Path:
    return _find("templates")


def assets_dir() -> Path:
    return _find("assets")
