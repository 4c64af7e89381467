"""Every key report.toml accepts, section by section, and the one check that finds any other.

The schema is a tree: a dict maps each known key to the schema of its table, or to None for a
plain value. `Each(spec)` is a table whose names are the user's own (stage names, currency codes):
any name, each value checked against `spec`. `ListOf(spec)` is a list of tables (an array of
tables, `[[company.profile.offer]]`), each checked against `spec`. `Named(...)` is a table
whose names the section's reader checks with its own message (`[deck.layouts]`, the dataset's
tables under `[data.columns]`): only the values of known names are checked here.

`unknown_keys` walks the parsed file against the tree and returns one problem per unknown key,
in the form `Config value 'section.key': unknown key in [section] (report.toml, line 7); did you
mean `locale`?`, with the known keys listed when none is near. The types and values of known
keys are checked by the readers in config/load.py and config/email.py.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from report_builder.config.dataset_names import DATA_TABLES, DATASET_COLUMNS, LOOKUP_TABLES
from report_builder.config.engine import ENGINE_KEYS

SLIDE_KINDS = ("title", "agenda", "content")
# the [email] keys (besides its tables teams and owners: a team's or seller's recipients, by
# name); `password` is refused with its own message (it is never read from the file)
EMAIL_KEYS = ("host", "port", "security", "username", "password_env", "ca_file", "sender", "to",
              "cc", "bcc", "subject", "attach", "days_before", "max_attachments_mb", "send_log",
              "timeout", "retries", "retry_delay")
REFUSED = {
    ("email", "password"): "passwords are never read from the file; set password_env to the "
                           "name of an environment variable that holds it",
}


@dataclass(frozen=True)
class Each:
    """A table of the user's own names, each value checked against `spec`."""

    spec: Spec


@dataclass(frozen=True)
class ListOf:
    """A list of tables, each checked against `spec`."""

    spec: dict[str, Spec]


class Named(dict[str, "Spec"]):
    """A table whose names its reader checks; the values of known names are checked here."""


Spec: TypeAlias = "dict[str, Spec] | Each | ListOf | None"


def _keys(*names: str) -> dict[str, Spec]:
    return dict.fromkeys(names)


SOURCE = _keys("path", "sheet", "sql", "url", "password_env", "preset", "date_format",
                "table")
STAGE = _keys("step", "probability")
CONTACT_KEYS = ("name", "title", "email", "phone", "web")
# [company.profile]: what the customer deck says about the company
PROFILE: dict[str, Spec] = {**_keys("tagline", "about"), "offer": ListOf(_keys("title", "text")),
                            "contact": _keys(*CONTACT_KEYS)}


_COLUMNS = Named({table: _keys(*names) for table, names in DATASET_COLUMNS.items()})

SCHEMA: dict[str, Spec] = {
    "company": {**_keys("name", "currency", "locale", "fiscal_year_start_month", "logo",
                        "timezone"),
                "profile": PROFILE},
    "meeting": _keys("cadence_anchor", "cadence_days", "as_of", "campaign_horizon_weeks",
                     "stale_after_days", "sources_window_days", "top_n"),
    "data": {
        **_keys("path", "date_format", "decimal", "preset", "encoding", "separator",
                "pipelines", "empty_values", "merge_channel_spellings"),
        "currency_rates": Each(None),
        "columns": _COLUMNS,
        "defaults": _COLUMNS,
        **{table: SOURCE for table in (*DATA_TABLES, *LOOKUP_TABLES)},
    },
    "stages": Each(STAGE),
    "output": _keys("formats", "dir", "templates", "page_orientation", "browser"),
    "deck": {**_keys("template", "reference_days"),
             "layouts": Named(dict.fromkeys(SLIDE_KINDS))},
    "history": _keys("enabled", "path"),
    "email": {**_keys(*EMAIL_KEYS), "teams": Each(None), "owners": Each(None)},
    "engine": _keys(*ENGINE_KEYS),
}


def unknown_keys(raw: Mapping[str, Any], text: str, file_name: str) -> list[str]:
    """One problem for each key of `raw` (parsed from `text`) that the schema does not know."""
    lines = key_lines(text)
    problems = []
    for path, known in _unknown(raw, SCHEMA, ()):
        line = _line_of(path, lines)
        where = f"{file_name}, line {line}"
        if path in REFUSED:
            problem = f"Config value '{_dotted(path)}': {REFUSED[path]} ({where})"
        elif len(path) == 1 and isinstance(raw[path[0]], dict):
            problem = f"Config section [{path[0]}] is unknown ({where}){_hint(path, known)}"
        else:
            section = f"in [{_dotted(path[:-1])}]" if len(path) > 1 else "at the top level"
            problem = (f"Config value '{_dotted(path)}': unknown key {section} ({where})"
                       f"{_hint(path, known)}")
        problems.append((line, problem))
    return [problem for _, problem in sorted(problems, key=lambda p: p[0])]


def _unknown(raw: Mapping[str, Any], spec: dict[str, Spec] | Each,
             path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """(path, the known keys beside it) of each unknown key under `raw`."""
    for key, value in raw.items():
        if isinstance(spec, Each):
            child = spec.spec
        elif key in spec:
            child = spec[key]
        elif isinstance(spec, Named):
            continue
        else:
            yield (*path, key), tuple(spec)
            continue
        if isinstance(child, ListOf) and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    yield from _unknown(item, child.spec, (*path, key))
        elif child is not None and not isinstance(child, ListOf) and isinstance(value, dict):
            yield from _unknown(value, child, (*path, key))


def _hint(path: tuple[str, ...], known: tuple[str, ...]) -> str:
    key = path[-1]
    near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if near:
        return f"; did you mean [{near[0]}]?" if len(path) == 1 else \
            f"; did you mean `{near[0]}`?"
    homes = [home for home in _sections_with(key, SCHEMA, ()) if home != path[:-1]]
    if homes:
        return f"; `{key}` is a key of [{_dotted(homes[0])}] (known here: {', '.join(known)})"
    return f" (known: {', '.join(known)})"


def _sections_with(key: str, spec: dict[str, Spec],
                   path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    """The paths of the fixed sections that know `key` (a key written in the wrong table)."""
    if key in spec and not isinstance(spec, Named):
        yield path
    for name, child in spec.items():
        if isinstance(child, dict) and not isinstance(child, Named):
            yield from _sections_with(key, child, (*path, name))


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


# -- where each key is: tomllib gives no positions, so a light scan of the lines ---------------
_KEY_PART = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_KEY = re.compile(rf"^\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*=")
_HEADER = re.compile(rf"^\s*\[\[?\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*\]\]?")


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line (from 1) where each table header or key of `text` is written, by its full path.
    Keys inside an inline table are not listed: their table's line stands for them."""
    found: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string: str | None = None  # the quotes of a multi-line string we are inside
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if line.count(in_string) % 2:
                in_string = None
            continue
        header = _HEADER.match(line)
        key = None if header else _KEY.match(line)
        if header:
            table = _key_path(header.group(1))
            found.setdefault(table, number)
        elif key:
            found.setdefault((*table, *_key_path(key.group(1))), number)
        for quotes in ('"""', "'''"):
            if line.count(quotes) % 2:
                in_string = quotes
    return found


def _key_path(dotted: str) -> tuple[str, ...]:
    """`a."b c".d` -> ("a", "b c", "d"), read by the TOML parser itself."""
    try:
        value: Any = tomllib.loads(f"{dotted} = 0")
    except tomllib.TOMLDecodeError:
        return (dotted,)
    path = []
    while isinstance(value, dict) and len(value) == 1:
        key, value = next(iter(value.items()))
        path.append(key)
    return tuple(path)


def _line_of(path: tuple[str, ...], lines: dict[tuple[str, ...], int]) -> int:
    """The line of `path`, else of its nearest written parent (an inline table's line)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1
