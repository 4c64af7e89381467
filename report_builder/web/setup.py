"""Setting a company up from its CRM exports, for the page: the uploads saved inside the
folder, `inspect`'s report.toml as a form, and the form's answers written back into that
same document (its comments kept) once the config and the data check out.

    batch = save_uploads(folder, [("deals.csv", stream)], limit=200_000_000)
    draft = inspect_batch(folder, batch)             # what `inspect` prints, parsed
    draft.apply(form_values); problems = check(draft, folder)
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pandas as pd
import tomlkit

from report_builder.errors import ConfigError, DataError, Problem, ReportBuilderError, UsageError
from report_builder.starter import toml_doc as t
from report_builder.starter.inspect_config import (
    COMPANY_PLACEHOLDER,
    STEP_ORDER,
    StageCount,
    add_stage_rows,
    stage_rows_comment,
)
from report_builder.starter.inspect_folder import SUFFIXES

EXPORTS = "exports"
ACTIONS_FILE = "actions.csv"  # the folder the uploads go to, one sub-folder per upload
MAX_FILES = 200  # files in one upload, a zip's members counted
STEPS = tuple(STEP_ORDER)
LOCALES = {"en_GB": "English (UK)", "en_US": "English (US)", "da_DK": "Dansk"}
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")
# the line `inspect` writes for a currency rate to fill in (see inspect_config._rates)
_RATE_TO_FILL = re.compile(r"^# (?P<currency>[A-Z]{3}) = 0\.0  # fill in: (?P<note>.*)$")
# inspect's lines under [data.columns.<table>]: an optional column, and a header of the export
_OPTIONAL_COLUMN = re.compile(r'^# (?P<column>[a-z_]+) = ""$')
_HEADER_LINE = re.compile(r"^#   (?P<header>'.*'|\".*\"): (?P<first>'.*'|\".*\")$")
_PROBLEM_KEY = re.compile(r"^Config value '(?P<key>[^']+)'")


def safe_name(name: str, taken: set[str]) -> str:
    """A file name the server chooses from the client's: its last part only (no folder of
    the client's reaches the disk), letters, digits, dots, dashes, spaces and underscores,
    not hidden, at most 100 characters, unique among `taken`."""
    base = re.split(r"[\\/]", name)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "export"
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    stem = stem[:90] or "export"
    suffix = suffix[:10].lower()
    candidate, n = f"{stem}.{suffix}" if suffix else stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}.{suffix}" if suffix else f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate


def save_uploads(folder: Path, uploads: Iterable[tuple[str, IO[bytes]]], *, limit: int,
                 now: dt.datetime | None = None) -> Path:
    """The uploaded files (a zip unpacked) in a new folder exports/<date-time>/ of `folder`,
    named by safe_name; the CSV and XLSX files only. Nothing is kept when anything is wrong:
    the batch is written to a hidden folder first and renamed once complete."""
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    exports = folder / EXPORTS
    exports.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".upload-", dir=exports))
    try:
        taken: set[str] = set()
        total = 0
        for name, stream in uploads:
            if name.lower().endswith(".zip"):
                total = _unzip(stream, staging, taken, total, limit)
            elif Path(name).suffix.lower() in SUFFIXES:
                total = _copy(stream, staging / safe_name(name, taken), total, limit)
            if len(taken) > MAX_FILES:
                raise UsageError(f"More than {MAX_FILES} files in one upload.")
        if not taken:
            raise UsageError("None of the uploaded files is a CSV or XLSX export (or a zip "
                             "holding them): export the deals from the CRM as CSV or XLSX.")
        batch = exports / stamp
        n = 1
        while batch.exists():
            n += 1
            batch = exports / f"{stamp}-{n}"
        staging.rename(batch)
        return batch
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copy(stream: IO[bytes], target: Path, total: int, limit: int) -> int:
    with open(target, "xb") as out:
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > limit:
                raise UsageError(f"The upload is larger than {limit // 1_000_000} MB (serve "
                                 "--max-upload sets the limit).")
            out.write(chunk)
    return total


def _unzip(stream: IO[bytes], staging: Path, taken: set[str], total: int, limit: int) -> int:
    """The zip's CSV and XLSX members, by their own names made safe (a member named
    ../../etc/passwd becomes etc... inside the folder); their unpacked size counts against
    the limit as it is read, whatever the zip claims."""
    try:
        archive = zipfile.ZipFile(stream)
    except zipfile.BadZipFile:
        raise UsageError("An uploaded .zip file is not a zip archive.") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir() or Path(info.filename).suffix.lower() not in SUFFIXES:
                continue
            if Path(info.filename).name.startswith(("._", "~$")):  # macOS and Excel leftovers
                continue
            try:
                with archive.open(info) as member:
                    total = _copy(member, staging / safe_name(info.filename, taken), total,
                                  limit)
            except RuntimeError as exc:  # encrypted
                raise UsageError(f"{info.filename} in the zip cannot be read: {exc}") from None
            if len(taken) > MAX_FILES:
                raise UsageError(f"More than {MAX_FILES} files in one upload.")
    return total


@dataclass
class Field:
    """One answer of the form: its name (the config key it sets), and the problems found."""

    key: str
    label: str
    value: str
    note: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class StageField:
    name: str
    step: str
    probability: str
    note: str  # "4 deal(s), 3 time(s) in the stage history"
    problems: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"stages.{self.name}"


@dataclass
class Draft:
    """The report.toml `inspect` wrote for an upload, and the form over it."""

    document: tomlkit.TOMLDocument
    batch: Path
    header: list[str]  # inspect's opening comments: what it recognised
    required_columns: tuple[str, ...] = ()  # of [data.columns.<table>], as inspect wrote it

    @classmethod
    def from_text(cls, text: str, batch: Path) -> Draft:
        document = tomlkit.parse(text)
        header = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            line = line.lstrip("# ")
            if "report-builder" in line:  # what a CLI user runs next: the form says its own
                if "): " not in line:
                    break
                line = line[:line.index("): ") + 1] + "."
            header.append(line)
        columns = document.get("data", {}).get("columns", {})
        required = tuple(key for spec in columns.values() for key in spec)
        return cls(document, batch, header, required)

    def text(self) -> str:
        return t.dumps(self.document)

    # -- the form ----------------------------------------------------------------------------
    def company_fields(self) -> list[Field]:
        company, meeting = self.document["company"], self.document["meeting"]
        return [
            Field("company.name", "Company name",
                  "" if company["name"] == COMPANY_PLACEHOLDER else str(company["name"]),
                  _note(company["name"])),
            Field("company.currency", "Currency of the pack (ISO 4217)",
                  str(company["currency"]), _note(company["currency"])),
            Field("company.locale", "Language and number formats", str(company["locale"])),
            Field("meeting.cadence_anchor", "A meeting day", str(meeting["cadence_anchor"])),
            Field("meeting.cadence_days", "Days between meetings",
                  str(meeting["cadence_days"])),
        ]

    def stage_fields(self) -> list[StageField]:
        stages = self.document.get("stages")
        if stages is None:
            return []
        rows = []
        for name, spec in stages.items():
            probability = spec.get("probability")
            rows.append(StageField(name, str(spec.get("step", "opportunity")),
                                   "" if probability is None else f"{float(probability):g}",
                                   _note(spec)))
        return rows

    def _columns(self) -> tuple[str, Any] | None:
        """The table whose columns `inspect` left to name ([data.columns.deals]), if any."""
        columns = self.document.get("data", {}).get("columns")
        if columns is None:
            return None
        for table, spec in columns.items():
            return table, spec
        return None

    def column_fields(self) -> list[Field]:
        """A field per canonical column of an export no preset knows: the required ones,
        then the optional ones; each names one of the export's headers."""
        found = self._columns()
        if found is None:
            return []
        table, spec = found
        values = {key: str(value) for key, value in spec.items()}
        for key, item in spec.value.body:
            if key is None and (m := _OPTIONAL_COLUMN.match(item.as_string().strip())):
                values.setdefault(m["column"], "")
        required = [c for c in self.required_columns if c in values]
        return [Field(f"data.columns.{table}.{c}", c, values[c],
                      "required" if c in self.required_columns else "optional")
                for c in required + [c for c in values if c not in required]]

    def headers(self) -> list[tuple[str, str]]:
        """The export's headers no preset knows, with their first value (inspect lists
        them under [data.columns.<table>])."""
        found = self._columns()
        if found is None:
            return []
        headers = []
        for key, item in found[1].value.body:
            if key is None and (m := _HEADER_LINE.match(item.as_string().strip())):
                with contextlib.suppress(ValueError, SyntaxError):
                    headers.append((str(ast.literal_eval(m["header"])),
                                    str(ast.literal_eval(m["first"]))))
        return headers

    def rate_fields(self) -> list[Field]:
        """A field per currency `inspect` left a rate to fill in for (or that has one now)."""
        data = self.document.get("data", {})
        rates = data.get("currency_rates")
        if rates is None:
            return []
        fields = []
        for key, item in rates.value.body:
            if key is None and (m := _RATE_TO_FILL.match(item.as_string().strip())):
                fields.append(Field(f"data.currency_rates.{m['currency']}", m["currency"], "",
                                    m["note"]))
            elif key is not None:
                fields.append(Field(f"data.currency_rates.{key.key}", key.key, f"{item:g}"
                                    if isinstance(item, float) else str(item), _note(item)))
        return fields

    # -- the answers -------------------------------------------------------------------------
    def apply(self, form: Mapping[str, str]) -> None:
        """The form's answers into the document, each where `inspect` put it, its comment
        kept. A value that is not what its key takes stays as typed, for load_config to
        report next to its field."""
        company, meeting = self.document["company"], self.document["meeting"]
        for key, table in (("name", company), ("currency", company), ("locale", company)):
            if f"company.{key}" in form:
                _set(table, key, form[f"company.{key}"].strip())
        if "meeting.cadence_anchor" in form:
            text = form["meeting.cadence_anchor"].strip()
            with contextlib.suppress(ValueError):
                _set(meeting, "cadence_anchor", dt.date.fromisoformat(text))
                text = ""
            if text:
                _set(meeting, "cadence_anchor", text)
        if "meeting.cadence_days" in form:
            _set(meeting, "cadence_days", _number(form["meeting.cadence_days"], int))
        for stage in self.stage_fields():
            step = form.get(f"stages.{stage.name}.step", stage.step)
            probability = form.get(f"stages.{stage.name}.probability", stage.probability)
            spec: dict[str, object] = {"step": step}
            if probability.strip() and step not in ("won", "lost"):
                spec["probability"] = _number(probability, float)
            self.document["stages"][stage.name] = t.inline(spec, _note(
                self.document["stages"][stage.name]))
        self._apply_rates(form)
        self._apply_columns(form)

    def _apply_columns(self, form: Mapping[str, str]) -> None:
        found = self._columns()
        if found is None:
            return
        table, old = found
        fields = self.column_fields()
        new = t.table()
        lines = [item.as_string().strip() for key, item in old.value.body if key is None]
        for line in lines:
            if not _OPTIONAL_COLUMN.match(line) and not _HEADER_LINE.match(line) and line:
                new.add(t.comment(line.lstrip("# ")))
                break  # the opening comment
        for f in fields:
            answer = form.get(f.key, f.value).strip()
            if answer or f.note == "required":
                new.add(f.label, answer)
        for f in fields:
            if f.note == "optional" and not form.get(f.key, f.value).strip():
                new.add(t.commented(f.label, ""))
        tail = [line for line in lines if _HEADER_LINE.match(line) or "first value" in line]
        for line in tail:
            new.add(t.comment(line[2:] if line.startswith("# ") else line.lstrip("#")))
        self.document["data"]["columns"][table] = new

    def stages_to_find(self, folder: Path) -> str | None:
        """When the stage column was just named and [stages] maps no stage yet: every stage
        of that column, with its deal count and the step its name suggests, added to the
        form; returns the column's header (the form is shown again to check them)."""
        found = self._columns()
        stages = self.document.get("stages")
        if found is None or stages is None or len(stages):
            return None
        header = str(found[1].get("stage", "")).strip()
        source = self.document["data"].get(found[0])
        if not header or source is None:
            return None
        from report_builder.data.guess import read_any

        path, sheet = (source, None) if isinstance(source, str) else (source["path"],
                                                                        source.get("sheet"))
        frame, _ = read_any(folder / str(path), None if sheet is None else str(sheet))
        if header not in frame.columns:
            return None  # load_config or the data check says so, by the field
        counts = frame[header].astype("string").str.strip().replace("", pd.NA).value_counts()
        new = t.table()
        new.add(stage_rows_comment("deal(s)"))
        add_stage_rows(new, [StageCount(str(name), int(n), 0) for name, n in counts.items()], {})
        self.document["stages"] = new
        return header

    def _apply_rates(self, form: Mapping[str, str]) -> None:
        fields = self.rate_fields()
        if not fields:
            return
        data = self.document["data"]
        old = data["currency_rates"]
        new = t.table()
        for key, item in old.value.body:
            if key is None and not _RATE_TO_FILL.match(item.as_string().strip()) and \
                    item.as_string().strip():
                new.add(t.comment(item.as_string().strip().lstrip("# ")))
        company = str(self.document["company"]["currency"])
        for f in fields:
            currency = f.label
            answer = form.get(f.key, f.value).strip()
            if answer:
                rate = _number(answer, float)
                shown = f"{rate:g}" if isinstance(rate, float) else answer
                new.add(currency, t.value(rate, f"1 {currency} = {shown} {company}"))
            else:
                new.add(t.comment(f"{currency} = 0.0  # fill in: {f.note}"))
        data["currency_rates"] = new

    def column_problems(self) -> list[str]:
        """The required columns still without a header, and a header chosen for two columns
        (each header is read as one column), as problems of their fields."""
        fields = self.column_fields()
        problems = [f"Config value '{f.key}': choose the export's header of this column "
                    "(required)" for f in fields if f.note == "required" and not f.value.strip()]
        chosen: dict[str, list[str]] = {}
        for f in fields:
            if f.value.strip():
                chosen.setdefault(f.value.strip(), []).append(f.label)
        for header, columns in chosen.items():
            if len(columns) > 1:
                problems += [f"Config value '{f.key}': {header!r} is chosen for "
                             f"{' and '.join(columns)}; each header can be one column only"
                             for f in fields if f.label in columns]
        return problems

    def add_actions_table(self, folder: Path) -> Path | None:
        """Where the page records the meeting's actions: inspect's config names each table
        of the export and no data folder, so it has no place for them. Gives it
        actions.csv (header only) beside report.toml; returns the file when it was made
        here (to remove again if the config is not saved)."""
        data = self.document["data"]
        if "path" in data:
            return None
        if "actions" not in data:
            data["actions"] = t.value(ACTIONS_FILE, "the meeting's actions, recorded from the "
                                      "web page or with `report-builder actions`")
        path = folder / ACTIONS_FILE
        if data["actions"] != ACTIONS_FILE or path.exists():
            return None
        from report_builder.actions.csv_table import empty_table
        from report_builder.writer import write_atomic

        return write_atomic(path, empty_table())

    # -- problems, by field ------------------------------------------------------------------
    def place(self, problems: list[str]) -> tuple[dict[str, list[str]], list[str]]:
        """Each problem with the field it concerns (by the config key it names), and those
        of no field."""
        keys = [f.key for f in self.company_fields() + self.rate_fields()
                + self.column_fields()] + [s.key for s in self.stage_fields()]
        by_field: dict[str, list[str]] = {}
        rest = []
        for problem in problems:
            m = _PROBLEM_KEY.match(problem)
            owner = None
            if m is not None:
                named = m["key"]
                owner = next((k for k in sorted(keys, key=len, reverse=True)
                              if named == k or named.startswith(k + ".")), None)
            if owner is None:
                rest.append(problem)
            else:
                by_field.setdefault(owner, []).append(problem.split(": ", 1)[-1])
        return by_field, rest


def _note(item: Any) -> str:
    trivia = getattr(item, "trivia", None)
    return trivia.comment.lstrip("# ").strip() if trivia is not None else ""


def _set(table: Any, key: str, value: object) -> None:
    """The value replaced, its trailing comment kept."""
    note = _note(table[key]) if key in table else ""
    table[key] = t.value(value, note or None)


def _number(text: str, kind: type) -> object:
    try:
        return kind(text.strip().replace(",", ".") if kind is float else text.strip())
    except ValueError:
        return text.strip()  # load_config says what is wrong with it, next to the field


def inspect_batch(folder: Path, batch: Path, *, today: dt.date | None = None) -> Draft:
    """`inspect` over an upload: the one file, or the folder of several."""
    from report_builder.starter.inspect_config import starter_config
    from report_builder.starter.inspect_folder import find_files

    shown = batch.relative_to(folder).as_posix()
    files = sorted(p for p in batch.iterdir() if p.suffix.lower() in SUFFIXES)
    if len(files) == 1:
        text = starter_config(files[0], f"{shown}/{files[0].name}", today=today)
    else:
        try:
            export = find_files(batch, shown)
        except DataError as exc:
            raise DataError([*exc.problems, Problem(
                shown, None, None, None, f"the {len(files)} files uploaded together are not "
                "one CRM's export folder; upload the deals export on its own")]) from None
        text = starter_config(export.deals, export.shown["deals"], folder=export, today=today)
    return Draft.from_text(text, batch)


def check(draft: Draft, folder: Path, *, today: dt.date) -> list[str]:
    """Every problem of the draft as report.toml: the config's, then the data's as the build
    would read it. Written to a temporary file beside report.toml (so its relative paths
    resolve as they will), removed again."""
    from report_builder.build import meeting_date
    from report_builder.config import load_config
    from report_builder.engine import connect, read_engine_dataset

    fd, name = tempfile.mkstemp(prefix=".report-", suffix=".toml", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(draft.text())
        try:
            config = load_config(name)
        except ConfigError as exc:
            return list(exc.problems)
        con = connect(config.engine)
        try:
            read_engine_dataset(con, config, as_of=meeting_date(config, None, today))
        except DataError as exc:
            return [str(p) for p in exc.problems]
        except ReportBuilderError as exc:
            return [str(exc)]
        finally:
            con.disconnect()
        return []
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
