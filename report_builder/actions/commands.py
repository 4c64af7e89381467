"""`actions add`, `actions close` and `actions list`: the logic behind the CLI verbs.

Each edit locks the table, reads it, checks the input against it, changes one row and writes
the file back atomically; nothing is written when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from report_builder.actions.csv_table import CsvActions
from report_builder.actions.files import exclusive_edit
from report_builder.actions.location import TableLocation, locate_actions
from report_builder.actions.table import ActionsTable, Record
from report_builder.actions.xlsx_table import XlsxActions
from report_builder.config import Config
from report_builder.data.schema import ACTION_STATUSES, ACTION_TEAMS
from report_builder.errors import ActionsEditError

_NUMBERED = re.compile(r"^(.*?)(\d+)$")
CLOSED = tuple(s for s in ACTION_STATUSES if s != "open")


@dataclass(frozen=True)
class Action:
    """An action as listed: its fields as dates and text, read from the table."""

    action_id: str
    text: str
    owner: str
    team: str
    agreed_on: dt.date | None
    due: dt.date | None
    status: str
    closed_on: dt.date | None


def open_table(config: Config, location: TableLocation) -> ActionsTable:
    overrides = config.data.columns.get("actions")
    if location.sheet is not None:
        return XlsxActions(location.path, location.sheet, overrides=overrides)
    deals_csv = location.path.with_name("deals.csv")
    return CsvActions(location.path, encoding=config.data.encoding,
                      separator=config.data.separator, date_format=config.data.date_format,
                      overrides=overrides, template=deals_csv)


def next_id(ids: list[str]) -> str:
    """The id after the highest of the most used prefix: A-013 -> A-014 (A-001 for none)."""
    numbered = [m for m in map(_NUMBERED.match, ids) if m]
    if not numbered:
        return "A-001"
    prefix = Counter(m.group(1) for m in numbered).most_common(1)[0][0]
    same = [m for m in numbered if m.group(1) == prefix]
    width = max(len(m.group(2)) for m in same)
    taken = set(ids)
    number = max(int(m.group(2)) for m in same) + 1
    while f"{prefix}{number:0{width}d}" in taken:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _check_team(team: str) -> str:
    value = team.strip().lower()
    if value not in ACTION_TEAMS:
        raise ActionsEditError(f"team {team!r} is not known; expected one of: "
                               f"{', '.join(ACTION_TEAMS)}")
    return value


def _check_text(name: str, value: str) -> str:
    cleaned = " ".join(value.split())  # one line: no line breaks in a cell
    if not cleaned:
        raise ActionsEditError(f"--{name} is empty; say what was agreed and who does it")
    return cleaned


def add_action(config: Config, *, text: str, owner: str, team: str, due: dt.date,
               agreed_on: dt.date, wait: float = 5.0) -> tuple[str, str]:
    """Append an open action; return its new id and where it was written."""
    values: dict[str, str | dt.date | None] = {
        "text": _check_text("text", text), "owner": _check_text("owner", owner),
        "team": _check_team(team), "agreed_on": agreed_on, "due": due, "status": "open"}
    if due < agreed_on:
        raise ActionsEditError(f"--due {due.isoformat()} is before --agreed-on "
                               f"{agreed_on.isoformat()}; an action is due on or after the day "
                               "it was agreed")
    location = locate_actions(config)
    location.path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_edit(location.path, wait=wait):
        table = open_table(config, location)
        action_id = next_id([r.text("action_id") for r in table.records()])
        table.append({"action_id": action_id, **values})
        table.save()
    return action_id, table.label


def close_action(config: Config, action_id: str, *, on: dt.date, status: str = "done",
                 wait: float = 5.0) -> str:
    """Mark the open action `action_id` done or cancelled on `on`; return where."""
    if status not in CLOSED:
        raise ActionsEditError(f"status {status!r} is not known; expected one of: "
                               f"{', '.join(CLOSED)}")
    location = locate_actions(config)
    if not location.exists:
        raise ActionsEditError(f"there is no actions table yet ({location.label}); add an "
                               "action first with report-builder actions add")
    with exclusive_edit(location.path, wait=wait):
        table = open_table(config, location)
        records = table.records()
        record = _find(records, action_id, table.label)
        current = record.text("status").lower()
        if current != "open":
            when = record.values.get("closed_on")
            raise ActionsEditError(
                f"{table.label}, row {record.row}: action {action_id} is already {current}"
                + (f" (closed_on {_iso(when)})" if when else "") + "; only open actions close")
        agreed = _as_date(record.values.get("agreed_on"), table)
        if agreed is not None and on < agreed:
            raise ActionsEditError(f"--on {on.isoformat()} is before the day action {action_id}"
                                   f" was agreed ({agreed.isoformat()})")
        table.update(record, {"status": status, "closed_on": on})
        table.save()
    return table.label


def _find(records: list[Record], action_id: str, label: str) -> Record:
    wanted = action_id.strip().lower()
    for record in records:
        if record.text("action_id").lower() == wanted:
            return record
    known = [r.text("action_id") for r in records if r.text("status").lower() == "open"]
    raise ActionsEditError(f"{label}: no action with id {action_id!r}; the open ones are: "
                           f"{', '.join(known) or 'none'}")


def list_actions(config: Config) -> tuple[str, list[Action]]:
    """Every action in the table, as written there (no table yet: none)."""
    location = locate_actions(config)
    if not location.exists:
        return location.label, []
    table = open_table(config, location)
    actions = [Action(r.text("action_id"), r.text("text"), r.text("owner"),
                      r.text("team").lower(), _as_date(r.values.get("agreed_on"), table),
                      _as_date(r.values.get("due"), table), r.text("status").lower(),
                      _as_date(r.values.get("closed_on"), table)) for r in table.records()]
    return table.label, actions


def _as_date(value: object, table: ActionsTable | None = None) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if not value or not str(value).strip():
        return None
    fmt = getattr(table, "date_format", None) or "%Y-%m-%d"
    try:
        return dt.datetime.strptime(str(value).strip(), fmt).date()
    except ValueError:
        return None


def _iso(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)
