"""The pipeline's data quality in words, for the pages and the meeting deck's notes: how many
open deals have no amount, what share of the open value the largest deals hold, and which
single deal holds most of a figure."""

from __future__ import annotations

from collections.abc import Callable

from report_builder.formatting import Formatter
from report_builder.model.agenda import PipelineSection


def quality_lines(p: PipelineSection, fmt: Formatter, t: Callable[..., str]) -> list[str]:
    """One sentence per finding; none when the open value is spread and every deal has one."""
    lines = []
    if p.open_without_amount:
        lines.append(t("quality_without_amount", count=fmt.count(p.open_without_amount),
                       open=fmt.count(p.open_count)))
    if p.largest_share is not None and \
            p.largest_share_deals < p.open_count - p.open_without_amount:
        lines.append(t("quality_largest_share", count=fmt.count(p.largest_share_deals),
                       share=fmt.percent(p.largest_share), open=fmt.count(p.open_count)))
    named = {d.deal_id for d in p.dominant if d.figure == "open_value"}
    for d in p.dominant:
        if d.figure == "quarter_open_value" and d.deal_id in named:
            continue  # the same deal, named for the whole open pipeline already
        lines.append(t(f"quality_dominant_{d.figure}", deal=d.name, share=fmt.percent(d.share),
                       value=fmt.money(d.value)))
    return lines
