"""`report-builder inspect FILE`: guess a CRM export's preset from its header and write a
starter `[data]` and `[stages]` config, with every stage found listed for the user to map."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from report_builder.data.encoding import read_csv_raw, read_excel_raw
from report_builder.data.presets import PRESETS, MappingReport, TableMapping, apply_mapping
from report_builder.data.schema import DATASET_TABLES
from report_builder.data.sources import EMPTY_MARKERS, EXCEL_SUFFIXES, normalise_header
from report_builder.errors import DataError, Problem

ENCODINGS = ("utf-8-sig", "cp1252")
_WON = re.compile(r"\b(won|vundet|gewonnen|gagn)", re.I)
_LOST = re.compile(r"\b(lost|tabt|abandon|verloren|perdu|disqualif|cancel)", re.I)
_QUOTE = re.compile(r"(proposal|quote|contract|negotiat|tilbud|kontrakt|price|forhandl)", re.I)


@dataclass(frozen=True)
class Guess:
    preset: str
    table: str
    found: int
    of: int
    report: MappingReport
    frame: pd.DataFrame  # canonical names for the mapped columns


def read_any(path: Path, sheet: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """The export as read, and the text encoding that read it (None for a workbook)."""
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return read_excel_raw(path, sheet), None
    if suffix == ".csv" or suffix == ".txt":
        return read_csv_raw(path, encodings=ENCODINGS, separator=None,
                            empty_markers=EMPTY_MARKERS)
    raise DataError([Problem(path.name, None, None, None, "inspect reads .csv and .xlsx files")])


def guess(frame: pd.DataFrame) -> Guess:
    """The preset and table whose column names the header matches best: first a table whose
    required columns are all there (so an OpportunityHistory export is not taken for deals
    that lack a name), then the most columns found."""
    headers = {normalise_header(c) for c in frame.columns}
    best: Guess | None = None
    best_score = (False, -1)
    for preset in PRESETS.values():
        for name, table in DATASET_TABLES.items():
            mapping = preset.tables.get(name)
            if mapping is None and preset.name != "canonical" or \
                    mapping is not None and mapping.derived_from:
                continue
            mapping = mapping or TableMapping(columns={})

            def present(column: str, m: TableMapping = mapping) -> bool:
                if column in m.columns:
                    return any(normalise_header(h) in headers for h in m.columns[column])
                return column in headers

            wanted = [c.name for c in table.columns]
            found = sum(1 for c in wanted if present(c))
            complete = all(present(c.name) or c.name in mapping.fill_missing
                           for c in table.columns if c.required)
            if (complete, found) > best_score:
                best_score = (complete, found)
                report = MappingReport(name, "", preset.name)
                mapped = apply_mapping(frame.copy(), mapping, report,
                                       known=frozenset(wanted))
                best = Guess(preset.name, name, found, len(wanted), report, mapped)
    assert best is not None
    return best


def _step(stage: str, probability: float | None) -> tuple[str, float | None]:
    if _WON.search(stage) and not _LOST.search(stage):
        return "won", None
    if _LOST.search(stage):
        return "lost", None
    if _QUOTE.search(stage):
        return "quote", probability if probability is not None else 0.6
    return "opportunity", probability if probability is not None else 0.2


def _stage_probabilities(frame: pd.DataFrame) -> dict[str, float]:
    if "probability" not in frame.columns or "stage" not in frame.columns:
        return {}
    numbers = pd.to_numeric(frame["probability"], errors="coerce")
    if numbers.max(skipna=True) > 1:
        numbers = numbers / 100
    medians = numbers.groupby(frame["stage"]).median().dropna()
    return {str(k): round(float(v), 2) for k, v in medians.items()}


_DECIMAL_COMMA = re.compile(r"^\s*-?\d{1,3}(\.\d{3})*,\d+\s*$|^\s*-?\d+,\d{1,2}\s*$")


def _decimal_comma(frame: pd.DataFrame) -> bool:
    """Whether any text column holds numbers written with a decimal comma (1.234,50 or 12,5)."""
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position].dropna()
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue
        if values.astype("string").str.match(_DECIMAL_COMMA).fillna(False).any():
            return True
    return False


def _columns_table(g: Guess, frame: pd.DataFrame) -> list[str]:
    """A [data.columns.<table>] to fill in when required columns were not found: every
    canonical column not mapped (the optional ones commented), then the headers no preset
    knows, each with its first value, to pick from (e.g. a Danish export's `Aftale - Titel`)."""
    table = DATASET_TABLES[g.table]
    required = [c.name for c in table.columns if c.required and c.name not in g.report.mapped
                and c.name not in g.report.added_empty]
    if not required:
        return []
    lines = ["", f"[data.columns.{g.table}]  # the export's header for each column: the required "
             "ones, then any optional ones (uncomment)"]
    lines += [f'{c} = ""' for c in required]
    lines += [f'# {c.name} = ""' for c in table.columns
              if c.name not in g.report.mapped and c.name not in required]
    first: dict[str, object] = {}
    for position, header in enumerate(map(str, frame.columns)):
        values = frame.iloc[:, position].dropna()
        values = values[values.astype("string").str.strip() != ""]
        first.setdefault(header, values.iloc[0] if len(values) else "")
    lines.append("# headers in the export no preset knows (first value):")
    lines += [f"#   {header!r}: {str(first.get(header, ''))!r}" for header in g.report.ignored]
    return lines


def starter_config(path: Path, shown_path: str, *, sheet: str | None = None) -> str:
    """The starter [data] and [stages] tables for the export at `path`."""
    frame, encoding = read_any(path, sheet)
    g = guess(frame)
    title = PRESETS[g.preset].title
    required = sum(1 for c in DATASET_TABLES[g.table].columns if c.required)
    lines = [f"# {shown_path}: looks like a {title} {g.table.replace('_', ' ')} export "
             f"({g.found} of {g.of} canonical columns found, {len(frame)} rows)."
             if g.found >= required else
             f"# {shown_path}: no preset knows most of its headers ({g.found} of {g.of} "
             f"canonical columns found, {len(frame)} rows): fill in [data.columns.{g.table}] "
             "below.",
             "[data]", f'preset = "{g.preset}"', f'{g.table} = "{shown_path}"']
    if sheet:
        lines[-1] = f'{g.table} = {{ path = "{shown_path}", sheet = "{sheet}" }}'
    lines.append('# deals = "...": the deals this stage history is of' if g.table == "stage_history"
                 else '# leads = "...", targets = "targets.xlsx", campaigns = "campaigns.csv"')
    for canonical, header in g.report.mapped.items():
        lines.append(f"# {canonical} <- {header!r}")
    missing = [c.name for c in DATASET_TABLES[g.table].columns if c.name not in g.report.mapped]
    if missing:
        lines.append(f"# not found: {', '.join(missing)}")
    if encoding and encoding not in PRESETS[g.preset].encodings:
        lines.append(f'encoding = "{encoding}"  # the file is not UTF-8')
    if _decimal_comma(frame):
        lines.append('decimal = ","  # amounts like 1.234,50 found in the export')
    if "pipeline" in g.frame.columns:
        pipelines = sorted(g.frame["pipeline"].dropna().astype(str).unique())
        if len(pipelines) > 1:
            lines.append(f"# pipelines found: {', '.join(pipelines)}; keep some with")
            lines.append(f"# pipelines = {pipelines!r}".replace("'", '"'))
    lines += _columns_table(g, frame)
    if g.table in ("deals", "stage_history"):
        what = "deal(s)" if g.table == "deals" else "change(s)"
        lines += ["", f"[stages]  # every stage found, with its {what.rstrip('(s)')} count: "
                  "check each step (opportunity, quote, won, lost)"]
        if "stage" in g.frame.columns:
            counts = g.frame["stage"].dropna().astype(str).str.strip().value_counts(sort=False)
            probabilities = _stage_probabilities(g.frame)
            order = {"opportunity": 0, "quote": 1, "won": 2, "lost": 3}
            rows = []
            for stage, count in counts.items():
                step, p = _step(str(stage), probabilities.get(str(stage)))
                rows.append((order[step], p or 0.0, str(stage), step, p, int(count)))
            for _, _, stage, step, p, count in sorted(rows):
                spec = f'step = "{step}"' + (f", probability = {p}" if p is not None else "")
                lines.append(f'"{stage}" = {{ {spec} }}  # {count} {what}')
        else:
            examples = PRESETS[g.preset].example_stages
            lines.append("# no stage column found: once data.columns names it, `report-builder "
                         "validate` lists every stage to map here" +
                         ("; for example:" if examples else "."))
            lines += [f'# "{s}" = {{ step = "{_step(s, None)[0]}" }}'
                      for s in examples]
    return "\n".join(lines) + "\n"
