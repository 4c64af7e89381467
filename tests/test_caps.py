"""Long lists keep their first rows plus one "Other (M more)" row whose figures are the rest's
totals, checked by hand on tests/small_company.py (see test_model.py for the uncapped rows)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.errors import DataError, Problem
from report_builder.i18n import shown
from report_builder.model import caps
from report_builder.model.agenda import Agenda
from report_builder.model.build import build_agenda
from report_builder.model.rows import reason_rows_of
from report_builder.placeholders import NO_REASON, other_count
from report_builder.text_limits import clip
from tests.small_company import CAMPAIGNS, DEALS, LEADS, write_company

AS_OF = dt.date(2026, 11, 24)


def build(folder: Path, **kw: object) -> Agenda:
    config = load_config(write_company(folder, **kw))  # type: ignore[arg-type]
    return build_agenda(load_dataset(config), config, AS_OF)


@pytest.fixture
def uncapped(tmp_path: Path) -> Agenda:
    return build(tmp_path / "whole")


def test_channels_past_the_cap_are_one_row_of_their_totals(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uncapped: Agenda) -> None:
    monkeypatch.setattr(caps, "CHANNELS", 2)
    channels = build(tmp_path / "capped").sources.channels
    # Partner and Webinar shown; (none) (D8), Outbound (D4, D7) and Paid search (L5, L6) folded
    assert [r.name for r in channels] == ["Partner", "Webinar", "(other: 3 more)"]
    other = channels[-1]
    assert other.others == 3 and [r.others for r in channels[:2]] == [0, 0]
    assert (other.leads, other.mqls, other.sqls, other.meetings) == (2, 1, 0, 0)
    assert (other.opportunities, other.won_deals, other.revenue) == (3, 0, 0.0)
    assert (other.rejected_mqls, other.mql_to_sql, other.mql_to_won) == (1, 0.0, 0.0)
    assert other.budget is None and other.cost_per_won_deal is None  # no campaign in them
    assert channels[:2] == uncapped.sources.channels[:2]
    for figure in ("leads", "mqls", "sqls", "meetings", "opportunities", "won_deals",
                   "revenue", "rejected_mqls"):  # totals still add up
        assert sum(getattr(r, figure) for r in channels) == \
            sum(getattr(r, figure) for r in uncapped.sources.channels), figure


def test_one_row_past_the_cap_is_shown_not_folded(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caps, "CHANNELS", 4)  # five channels: "Other (1 more)" would hide one
    channels = build(tmp_path).sources.channels
    assert len(channels) == 5 and all(r.others == 0 for r in channels)


def test_campaigns_fold_with_budgets_summed(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """C1 (2 leads, 2 won, 107,500, budget 20,000) is shown; C2, C5, C6 are folded."""
    monkeypatch.setattr(caps, "CAMPAIGNS", 1)
    extra = [["C5", "Autumn mail", "Email", "2026-11-01", "2026-11-30", "Ida", "1000", "",
              "", ""],
             ["C6", "Autumn ads", "LinkedIn ads", "2026-10-01", "2026-12-31", "Ida", "", "", "",
              ""]]
    monkeypatch.setattr("tests.small_company.CAMPAIGNS", CAMPAIGNS + extra)
    campaigns = build(tmp_path).sources.campaigns
    assert [r.campaign_id for r in campaigns] == ["C1", None]
    other = campaigns[1]
    assert (other.name, other.others) == ("(other: 3 more)", 3)
    # C2: L4 (MQL, SQL, meeting in the window); C5, C6: nothing yet
    assert (other.leads, other.mqls, other.sqls, other.meetings, other.won_deals) == \
        (1, 1, 1, 1, 0)
    assert other.mql_to_sql == 1.0 and other.mql_to_won == 0.0
    assert (other.budget, other.cost_per_won_deal) == (50_000 + 1_000, None)


def test_reasons_past_the_cap() -> None:
    """Each reason's count and summed value (as the engine groups them; in no order): the most
    frequent first, past the cap one "Other" row."""
    grouped = pd.DataFrame({
        "reason": ["D", "B", NO_REASON, "A", "C"],
        "count": [1, 2, 1, 3, 1],
        "sum": [1.0, 10.0, 2.0, 30.0, 7.0],
    })
    rows = reason_rows_of(grouped, limit=2)
    assert [(r.reason, r.count, r.value, r.share, r.others) for r in rows] == [
        ("A", 3, 30.0, 3 / 8, 0), ("B", 2, 10.0, 2 / 8, 0),
        ("(other: 3 more)", 3, 10.0, 3 / 8, 3)]  # C 7, (no reason given) 2, D 1


def test_owners_past_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             uncapped: Agenda) -> None:
    monkeypatch.setattr(caps, "OWNERS", 1)
    targets = build(tmp_path / "capped").targets
    assert [r.name for r in targets.owners] == ["Anna", "(other: 2 more)"]
    other = targets.owners[1]  # Bo and Cy
    assert (other.scope, other.others, other.target) == ("owner", 2, 250_000)
    assert (other.won, other.won_deals) == (57_500, 2)  # D2 50,000 (Bo), D3 1,000 EUR (Cy)
    assert (other.open_pipeline, other.weighted_pipeline) == (100_000, 50_000)  # D6 at 0.5
    assert other.forecast == 107_500 and other.gap == 192_500
    assert other.attainment == pytest.approx(57_500 / 250_000)
    assert other.coverage == pytest.approx(100_000 / 192_500)
    assert other.expected_to_date == pytest.approx(250_000 * 55 / 92)
    assert other.pace == pytest.approx(57_500 / (250_000 * 55 / 92))
    assert (other.meetings, other.new_customers) == (2, 2)  # L8 Bo, L2 Cy; Beta, Gamma
    assert targets.owners[0] == uncapped.targets.owners[0]
    whole = uncapped.targets.owners
    assert other.won == sum(r.won for r in whole[1:])
    assert other.open_pipeline == sum(r.open_pipeline for r in whole[1:])


def test_many_distinct_lead_sources_are_capped(tmp_path: Path) -> None:
    leads = [row.copy() for row in LEADS]
    for i in range(60):
        leads.append([f"X{i}", "2026-11-20", f"Source {i:02d}", "", "", "", "", "", "", "",
                      "open", ""])
    channels = build(tmp_path, leads=leads).sources.channels
    assert len(channels) == caps.CHANNELS + 1
    assert channels[-1].others == 5 + 60 - caps.CHANNELS
    assert sum(r.leads for r in channels) == 8 + 60


@pytest.mark.parametrize(("language", "text"), [("en", "Other (12 more)"),
                                                ("da", "Øvrige (12 flere)")])
def test_the_other_row_is_shown_in_the_pack_language(language: str, text: str) -> None:
    assert shown("(other: 12 more)", language) == text


def test_clip() -> None:
    assert clip("abcdef", 6) == "abcdef"
    assert clip("abcdefg", 6) == "abcde\u2026"
    assert clip("abc   defg", 6) == "abc\u2026"  # no space before the ellipsis
    assert len(shown("x" * 1_000_000, "en") or "") == 80


def test_each_unknown_stage_is_named_once_and_the_message_stays_bounded(tmp_path: Path) -> None:
    """Every unknown stage is a problem of its own (a user maps them all in one run), each
    naming its value once; past DataError.max_shown problems the message gives the count."""
    deals = [row.copy() for row in DEALS]
    for i in range(250):
        for _ in range(2 if i == 0 else 1):
            deals.append([f"U{i}-{len(deals)}", f"New {i}", "Acme", "Anna", "North",
                          f"Stage {i:03d}", "10", "", "2026-11-01", "2026-12-01", "", "", "",
                          "", "2026-11-01", "", ""])
    config = load_config(write_company(tmp_path, deals=deals))
    with pytest.raises(DataError) as caught:
        load_dataset(config)
    stages = [p for p in caught.value.problems if p.column == "stage"]
    assert len(stages) == 250
    first = next(p for p in stages if "'Stage 000'" in str(p))
    assert first.count == 2 and str(first).count("Stage 000") == 1
    message = str(caught.value)
    assert message.count("\n  - ") == DataError.max_shown
    assert message.endswith(f"... and {len(caught.value.problems) - DataError.max_shown} more "
                            "problem(s)")


def test_the_ignored_columns_note_names_a_handful(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    leads = tmp_path / "data" / "leads.csv"
    rows = leads.read_text(encoding="utf-8").splitlines()
    extra = [f"extra_{i:04d}" for i in range(1_000)]
    rows = [rows[0] + "," + ",".join(extra)] + [r + "," * len(extra) for r in rows[1:]]
    leads.write_text("\n".join(rows) + "\n", encoding="utf-8")
    notes = [n for n in load_dataset(load_config(config)).notes if n.key == "ignored_columns"]
    assert [(n.table, n.count, n.examples) for n in notes] == [
        ("leads", 1_000, tuple(f"extra_{i:04d}" for i in range(8)))]


def test_a_bad_million_character_value_is_cut_in_the_message() -> None:
    problem = Problem("deals.csv", 2, "stage", "x" * 1_000_000, "unknown stage")
    assert len(str(problem)) < 200


def test_open_stages_past_the_cap_fold_into_one_row(tmp_path: Path) -> None:
    """25 open stages S01..S25 before Discovery and Proposal in [stages], one deal of 1,000 x n
    in stage Sn at 10 %: the first 20 stay; the other 7 stages become one row: S21..S25 (5
    deals, 1,000 x (21+...+25) = 115,000), Discovery (D5 200,000 and D8 30,000 at 20 %) and
    Proposal (D6 100,000 at its own 50 %, D7 40,000 at 60 %)."""
    extra = [[f"X{n}", f"X{n}", "Acme", "Anna", "North", f"S{n:02d}", str(1000 * n), "",
              "2026-11-01", "2026-12-15", "", "", "", "", "2026-11-01", "", ""]
             for n in range(1, 26)]
    config_path = write_company(tmp_path, deals=[*DEALS, *extra])
    stages = "".join(f'"S{n:02d}" = {{ step = "opportunity", probability = 0.1 }}\n'
                     for n in range(1, 26))
    text = config_path.read_text(encoding="utf-8").replace("[stages]\n", "[stages]\n" + stages)
    config_path.write_text(text, encoding="utf-8")
    config = load_config(config_path)
    agenda = build_agenda(load_dataset(config), config, AS_OF)
    rows = agenda.pipeline.stages
    assert len(rows) == caps.STAGES + 1
    assert [r.stage for r in rows[:3]] == ["S01", "S02", "S03"]
    other = rows[-1]
    assert other_count(other.stage) == 7
    assert shown(other.stage, "en") == "Other (7 more)"
    assert (other.count, other.value) == (9, 485_000)
    # 11,500 + 40,000 + 6,000 + 50,000 + 24,000
    assert other.weighted_value == pytest.approx(131_500)
    assert other.probability == pytest.approx(131_500 / 485_000)
    assert sum(r.count for r in rows) == agenda.pipeline.open_count
    assert sum(r.value for r in rows) == agenda.pipeline.open_value
    assert sum(r.weighted_value for r in rows) == pytest.approx(agenda.pipeline.open_weighted)
