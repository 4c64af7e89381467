"""`data.pipelines`: keep only the deals of the configured pipelines, before they are parsed.

The deals' rows of other pipelines are dropped as read (their bad values stop nothing), and the
rows kept keep their numbers in the file for messages. A name that matches no deal is an error
listing the pipelines the deals do have: a typo would otherwise empty the pack.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from report_builder.data.sources import RawTable
from report_builder.errors import Problem

COLUMN = "pipeline"


def pipeline_names(frame: pd.DataFrame) -> list[str]:
    """The pipelines named in a raw deals frame, sorted; none without a pipeline column."""
    if COLUMN not in frame.columns:
        return []
    text = frame[COLUMN].astype("string").str.strip()
    return sorted(str(v) for v in text[text.notna() & (text != "")].unique())


def keep_pipelines(raw: RawTable, pipelines: tuple[str, ...],
                   problems: list[Problem]) -> RawTable:
    """The deals of `pipelines` (all deals when it is empty); unknown names go to `problems`."""
    if not pipelines:
        return raw
    found = pipeline_names(raw.frame)
    unknown = [name for name in pipelines if name.strip() not in found]
    if unknown:
        listed = ", ".join(repr(n) for n in found) if found else \
            "none: the deals have no pipeline column"
        for name in unknown:
            problems.append(Problem(raw.source, None, COLUMN, name,
                                    "data.pipelines in report.toml names a pipeline no deal is "
                                    f"in; pipelines found: {listed}"))
        return raw
    text = raw.frame[COLUMN].astype("string").str.strip()
    keep = text.isin([name.strip() for name in pipelines]).fillna(False).astype(bool).to_numpy()
    rows = tuple(raw.row_number(int(pos)) for pos in keep.nonzero()[0])
    return dataclasses.replace(raw, frame=raw.frame[keep].reset_index(drop=True), rows=rows)
