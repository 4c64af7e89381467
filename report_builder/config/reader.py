"""The one reader of report.toml's values: typed values out of the parsed file, each problem
recorded (never raised) so that load_config can list them all at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# how a value of the wrong type is told: by the type's name ("'yes' should be a bool"), and in
# [email] in words ("'25' should be a whole number")
_KIND_WORDS: dict[str, dict[type, str]] = {
    "email": {int: "a whole number", float: "a number", str: "a string", list: "a list"},
}


class Reader:
    """Reads typed values out of the parsed TOML and collects every problem."""

    def __init__(self, raw: dict[str, Any], base_dir: Path) -> None:
        self.raw = raw
        self.base_dir = base_dir  # relative paths are relative to the config file
        self.problems: list[str] = []

    def section(self, name: str, *, required: bool = False) -> dict[str, Any]:
        value = self.raw.get(name)
        if value is None:
            if required:
                self.problems.append(f"Config section [{name}] is missing")
            return {}
        if not isinstance(value, dict):
            self.problems.append(f"Config value '{name}': expected a table [{name}]")
            return {}
        return value

    def get(
        self, sec: dict[str, Any], secname: str, key: str, kind: type, default: Any = None,
        *, required: bool = False,
    ) -> Any:
        if key not in sec:
            if required:
                self.problems.append(f"Config value '{secname}.{key}': missing (required)")
            return default
        value = sec[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is dt.date and isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                self.problems.append(
                    f"Config value '{secname}.{key}': {value!r} is not a date like 2026-11-24"
                )
                return default
        if kind is dt.date and isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            words = _KIND_WORDS.get(secname, {}).get(kind, f"a {kind.__name__}")
            self.problems.append(f"Config value '{secname}.{key}': {value!r} should be {words}")
            return default
        return value

    def path(self, value: str | None) -> Path | None:
        if value is None:
            return None
        p = Path(value).expanduser()
        return p if p.is_absolute() else (self.base_dir / p)
