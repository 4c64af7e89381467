"""Channel spellings that differ in case or spacing are one channel across deals, leads and
campaigns (the most frequent spelling, ties to mixed case, then code-point order, whatever the
rows' order), with a data note; or kept apart
with data.merge_channel_spellings = false."""

from __future__ import annotations

import copy
import datetime as dt
from collections import Counter
from pathlib import Path

from report_builder.config import load_config
from report_builder.data.channels import channel_key, preferred_spelling
from report_builder.data.load import load_dataset
from report_builder.i18n import labels
from report_builder.model.build import build_agenda
from tests.small_company import DEAL_COLUMNS, DEALS, LEAD_COLUMNS, LEADS, write_company

AS_OF = dt.date(2026, 11, 24)
DEAL = DEAL_COLUMNS.index("source_channel")
LEAD = LEAD_COLUMNS.index("source_channel")


def respelled(tmp_path: Path, extra: str = "") -> Path:
    deals, leads = copy.deepcopy(DEALS), copy.deepcopy(LEADS)
    deals[4][DEAL] = " webinar "       # D5; Webinar is spelled so 6 times elsewhere
    leads[3][LEAD] = "WEBINAR"         # L4
    leads[4][LEAD] = "paid  search"    # L5, seen first ...
    leads[5][LEAD] = "Paid search"     # L6 ... and as often: mixed case first, not the first seen
    return write_company(tmp_path, deals=deals, leads=leads, extra_config=extra)


def test_channel_key() -> None:
    assert channel_key(" Linked_In ") == channel_key("linked in") == "linked in"
    assert channel_key("PAID_SOCIAL") == channel_key("Paid social")
    assert channel_key("LinkedIn") != channel_key("LinkedIn ads")


def test_spellings_merged_with_a_note(tmp_path: Path) -> None:
    config = load_config(respelled(tmp_path))
    dataset = load_dataset(config)
    assert list(dataset.deals["source_channel"].fillna("")) == [r[DEAL] for r in DEALS]
    assert list(dataset.leads["source_channel"]) == [
        "Webinar", "Webinar", "Partner", "Webinar", "Paid search", "Paid search", "Partner",
        "Partner"]
    notes = [(n.table, n.count, n.values["channel"], n.examples) for n in dataset.notes
             if n.key == "merged_channel_spellings"]
    assert notes == [("deals", 1, "Webinar", ("'webinar'",)),  # the reader strips the cell
                     ("leads", 1, "Paid search", ("'paid  search'",)),
                     ("leads", 1, "Webinar", ("'WEBINAR'",))]
    # the channel figures equal the original spelling's
    canonical_cfg = load_config(write_company(tmp_path / "canonical"))
    canonical = build_agenda(load_dataset(canonical_cfg), canonical_cfg, AS_OF)
    agenda = build_agenda(dataset, config, AS_OF)
    assert agenda.sources.channels == canonical.sources.channels
    assert agenda.sources.campaigns == canonical.sources.campaigns
    for language in ("en", "da"):
        text = labels(language)["note_merged_channel_spellings"].format(
            column="source_channel", channel="Webinar")
        assert "source_channel" in text and "'Webinar'" in text


def test_spellings_kept_apart(tmp_path: Path) -> None:
    config = load_config(_with_option(respelled(tmp_path)))
    dataset = load_dataset(config)
    assert "WEBINAR" in set(dataset.leads["source_channel"])
    assert not [n for n in dataset.notes if n.key == "merged_channel_spellings"]
    channels = {r.channel for r in build_agenda(dataset, config, AS_OF).sources.channels}
    assert {"Webinar", "WEBINAR", "Paid search", "paid  search"} <= channels


def _with_option(config: Path) -> Path:
    config.write_text(config.read_text().replace(
        'path = "data"', 'path = "data"\nmerge_channel_spellings = false'))
    return config


def test_a_tie_goes_to_mixed_case_then_code_point_order() -> None:
    counts = Counter({"OUTBOUND": 2, "Outbound": 2, "outbound": 2, "LinkedIn": 1,
                      "Linkedin": 1, "PAID_SOCIAL": 3, "Paid social": 1})
    assert preferred_spelling(["OUTBOUND", "outbound", "Outbound"], counts) == "Outbound"
    assert preferred_spelling(["Linkedin", "LinkedIn"], counts) == "LinkedIn"
    assert preferred_spelling(["Paid social", "PAID_SOCIAL"], counts) == "PAID_SOCIAL"  # more
