"""Every figure of the agenda, checked against arithmetic done by hand on tests/small_company.py.

Meeting 2026-11-24; since the last meeting = 2026-11-11..2026-11-24; quarter 2026-Q4 =
2026-10-01..2026-12-31 (92 days, 55 elapsed). EUR counts at 7.5 DKK, so D3 = 1000 EUR = 7500.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.i18n import note_text, translator
from report_builder.model.agenda import Agenda
from report_builder.model.build import build_agenda
from tests.small_company import DEALS, write_company

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def agenda(tmp_path_factory: pytest.TempPathFactory) -> Agenda:
    config = load_config(write_company(tmp_path_factory.mktemp("small")))
    return build_agenda(load_dataset(config), config, AS_OF)


def build_at(tmp_path: Path, as_of: dt.date, **kw: object) -> Agenda:
    config = load_config(write_company(tmp_path, **kw))  # type: ignore[arg-type]
    return build_agenda(load_dataset(config), config, as_of)


def test_periods(agenda: Agenda) -> None:
    assert agenda.period_start == dt.date(2026, 11, 11)
    assert agenda.next_meeting == dt.date(2026, 12, 8)
    t = agenda.targets
    assert (t.quarter, t.quarter_start, t.quarter_end) == ("2026-Q4", dt.date(2026, 10, 1),
                                                           dt.date(2026, 12, 31))
    assert (t.days_elapsed, t.days_total) == (31 + 24, 31 + 30 + 31)


def test_company_target(agenda: Agenda) -> None:
    c = agenda.targets.company
    assert c.target == 400_000
    # won this quarter: D1 100000 (15 Oct) + D2 50000 (20 Nov) + D3 1000 EUR * 7.5 (24 Nov);
    # D9 won 30 Jun belongs to Q3
    assert c.won == 100_000 + 50_000 + 7_500 == 157_500
    assert c.won_deals == 3
    assert c.attainment == pytest.approx(157_500 / 400_000)  # 0.39375
    # open, closing in Q4: D5 200000 at 0.2 (stage default) + D6 100000 at 0.5 (deal's own);
    # D7 closes in 2027, D8 has no close date
    assert c.open_pipeline == 300_000
    assert c.weighted_pipeline == pytest.approx(200_000 * 0.2 + 100_000 * 0.5)  # 90000
    assert c.forecast == pytest.approx(157_500 + 90_000)
    assert c.gap == 400_000 - 157_500 == 242_500
    assert c.coverage == pytest.approx(300_000 / 242_500)  # 1.237
    assert c.expected_to_date == pytest.approx(400_000 * 55 / 92)  # 239130.43
    assert c.pace == pytest.approx(157_500 / (400_000 * 55 / 92))
    # first wins this quarter: Acme (D1), Beta (D2), Gamma (D3); Theta's first win was in Q3
    assert (c.new_customers, c.new_customers_target) == (3, 3)
    # meetings this quarter: L2 (20 Oct), L8 (12 Nov), L4 (19 Nov); L7 (30 Sep) is Q3
    assert (c.meetings, c.meetings_target) == (3, 4)


def test_team_and_owner_targets(agenda: Agenda) -> None:
    teams = {r.name: r for r in agenda.targets.teams}
    assert list(teams) == ["North", "South"]
    north, south = teams["North"], teams["South"]
    assert (north.target, north.won, north.open_pipeline) == (300_000, 150_000, 300_000)
    assert north.weighted_pipeline == pytest.approx(90_000)
    assert north.coverage == pytest.approx(300_000 / 150_000)
    assert (north.new_customers, north.meetings) == (2, 2)  # Acme, Beta; L4 (Anna), L8 (Bo)
    assert (south.target, south.won, south.open_pipeline, south.coverage) == (
        100_000, 7_500, 0, 0.0)
    assert (south.new_customers, south.meetings) == (1, 1)  # Gamma; L2 (Cy)
    owners = {r.name: r for r in agenda.targets.owners}
    assert owners["Anna"].won == 100_000 and owners["Anna"].open_pipeline == 200_000
    assert owners["Anna"].attainment == pytest.approx(100_000 / 150_000)
    assert owners["Bo"].won == 50_000 and owners["Bo"].weighted_pipeline == pytest.approx(50_000)
    assert owners["Cy"].gap == 100_000 - 7_500


def test_funnel_flow_since_last_meeting(agenda: Agenda) -> None:
    flow = {s.step: (s.count, s.conversion) for s in agenda.pipeline.flow}
    assert flow["lead"] == (3, None)  # L4 12 Nov, L5 20 Nov, L6 21 Nov
    assert flow["mql"] == (2, pytest.approx(2 / 3))  # L4 13 Nov, L6 22 Nov
    assert flow["sql"] == (2, 1.0)  # L4 14 Nov, L8 12 Nov
    assert flow["opportunity"] == (1, 0.5)  # D6 created 12 Nov
    assert flow["quote"] == (2, 2.0)  # D6 (moved 18 Nov), D7 (moved 15 Nov) now at Proposal
    assert flow["won"] == (2, 1.0)  # D2 20 Nov, D3 24 Nov


def test_funnel_cohort_of_the_quarter(agenda: Agenda) -> None:
    # leads created 1 Oct - 24 Nov: L2, L3, L4, L5, L6, L8
    cohort = [(s.step, s.count) for s in agenda.pipeline.cohort]
    assert cohort == [("lead", 6), ("mql", 5), ("sql", 3), ("opportunity", 2), ("quote", 2),
                      ("won", 1)]
    assert agenda.pipeline.cohort[1].conversion == pytest.approx(5 / 6)


def test_open_deals_by_stage(agenda: Agenda) -> None:
    stages = {s.stage: s for s in agenda.pipeline.stages}
    assert list(stages) == ["Discovery", "Proposal"]  # config order, open stages only
    assert (stages["Discovery"].count, stages["Discovery"].value) == (2, 230_000)  # D5, D8
    assert stages["Discovery"].weighted_value == pytest.approx(0.2 * 200_000 + 0.2 * 30_000)
    assert (stages["Proposal"].count, stages["Proposal"].value) == (2, 140_000)  # D6, D7
    assert stages["Proposal"].weighted_value == pytest.approx(0.5 * 100_000 + 0.6 * 40_000)
    p = agenda.pipeline
    assert (p.open_count, p.open_value) == (4, 370_000)
    assert p.open_weighted == pytest.approx(46_000 + 74_000)


def test_deals_to_act_on(agenda: Agenda) -> None:
    p = agenda.pipeline
    assert (p.overdue_count, p.overdue_value) == (1, 100_000)
    assert p.overdue[0].deal_id == "D6" and p.overdue[0].days_overdue == 4  # due 20 Nov
    # stale: no stage change for more than 30 days; D5 last moved 5 Oct = 50 days
    assert (p.stale_count, p.stale_value) == (1, 200_000)
    assert p.stale[0].days_since_stage_change == 50
    assert [d.deal_id for d in p.largest] == ["D5", "D6", "D7", "D8"]


def test_channels(agenda: Agenda) -> None:
    s = agenda.sources
    assert (s.window_start, s.window_end) == (dt.date(2025, 11, 25), AS_OF)
    rows = {r.name: r for r in s.channels}
    # revenue first: Partner (D2 50000 + D9 60000), Webinar (D1 100000 + D3 7500)
    assert [r.name for r in s.channels] == ["Partner", "Webinar", "(none)", "Outbound",
                                            "Paid search"]
    w = rows["Webinar"]
    assert (w.leads, w.mqls, w.sqls, w.meetings) == (3, 3, 3, 3)  # L1, L2, L4
    assert (w.opportunities, w.won_deals, w.revenue) == (3, 2, 107_500)  # D1, D3, D5
    assert w.mql_to_sql == 1.0 and w.mql_to_won == pytest.approx(2 / 3)  # L1->D1, L2->D3
    assert (w.budget, w.cost_per_won_deal) == (20_000, 10_000)  # C1 20000 / 2 won
    pt = rows["Partner"]
    assert (pt.leads, pt.mqls, pt.sqls, pt.meetings, pt.rejected_mqls) == (3, 3, 2, 2, 1)
    assert (pt.opportunities, pt.won_deals, pt.revenue) == (3, 2, 110_000)  # D2, D6, D9
    assert pt.mql_to_sql == pytest.approx(2 / 3) and pt.mql_to_won == pytest.approx(1 / 3)
    assert pt.budget is None and pt.cost_per_won_deal is None
    ps = rows["Paid search"]
    assert (ps.leads, ps.mqls, ps.sqls, ps.rejected_mqls, ps.mql_to_sql) == (2, 1, 0, 1, 0.0)
    assert rows["(none)"].opportunities == 1  # D8 has no channel and no lead


def test_campaigns_and_rejections(agenda: Agenda) -> None:
    s = agenda.sources
    campaigns = {r.campaign_id: r for r in s.campaigns}
    assert list(campaigns) == ["C1", "C2"]  # active within the window; C3, C4 start later
    c1 = campaigns["C1"]
    assert (c1.leads, c1.meetings, c1.won_deals, c1.revenue) == (2, 2, 2, 107_500)
    assert c1.cost_per_won_deal == 10_000
    assert campaigns["C2"].cost_per_won_deal is None  # budget 50000, nothing won yet
    assert [(r.reason, r.count, r.share) for r in s.rejection_reasons] == [
        ("No budget", 1, 0.5), ("Too small", 1, 0.5)]


def test_new_customers_and_reasons(agenda: Agenda) -> None:
    c = agenda.customers
    assert [d.deal_id for d in c.won] == ["D2", "D3"]  # largest first
    assert (c.won_count, c.won_value, c.new_customers) == (2, 57_500, 2)
    assert c.won[1].campaign == "Webinar: Lager" and c.won[1].reason == "Price"
    assert [(r.reason, r.count, r.value) for r in c.win_reasons] == [
        ("Price", 2, 107_500), ("Fit", 1, 50_000)]
    assert [(r.reason, r.count) for r in c.loss_reasons] == [("Price", 1)]
    assert (c.won_in_quarter, c.lost_in_quarter, c.win_rate) == (3, 1, 0.75)
    assert c.average_deal_size == 157_500 / 3
    assert c.average_cycle_days == (44 + 50 + 23) / 3  # D1 1 Sep-15 Oct, D2, D3
    assert c.new_customers_value == 57_500  # both deals won since then are first wins


def test_the_new_customers_value_counts_only_their_deals(tmp_path: Path) -> None:
    """Acme (first won 15 Oct) wins its add-on D5 since the last meeting: it is in the value won
    since then, not in the new customers' (Beta's D2 and Gamma's D3)."""
    deals = [row[:5] + ["Won"] + row[6:9] + ["2026-11-22"] + row[10:] if row[0] == "D5" else row
             for row in DEALS]
    c = build_at(tmp_path, AS_OF, deals=deals).customers
    assert (c.won_count, c.won_value, c.new_customers) == (3, 257_500, 2)
    assert c.new_customers_value == 57_500


def test_upcoming_and_ended_campaigns(agenda: Agenda) -> None:
    c = agenda.campaigns
    assert c.horizon_end == dt.date(2027, 1, 5)  # 6 weeks after the meeting
    assert [(r.campaign_id, r.status) for r in c.upcoming] == [("C2", "running"),
                                                               ("C3", "starting")]
    assert [r.campaign_id for r in c.ended] == ["C1"]  # ended 15 Nov
    assert c.ended[0].results is not None and c.ended[0].results.won_deals == 2


def test_headline(agenda: Agenda) -> None:
    h = {f.key: f for f in agenda.headline}
    assert list(h) == ["won_to_date", "attainment", "forecast", "weighted_pipeline_quarter",
                       "coverage", "new_customers", "meetings_booked"]
    # D5 200,000 at 20 % and D6 100,000 at its own 50 % close in Q4; D7 (2027) and D8 do not
    weighted = h["weighted_pipeline_quarter"]
    assert (weighted.value, weighted.context_value) == (90_000, 300_000)
    assert all(f.change is None for f in h.values())  # nothing to compare with
    assert (h["won_to_date"].value, h["won_to_date"].context_value) == (157_500, 400_000)
    assert h["attainment"].context_value == pytest.approx(55 / 92)
    assert h["forecast"].context_value == pytest.approx(247_500 / 400_000)
    assert h["coverage"].context_value == 242_500
    assert (h["new_customers"].value, h["new_customers"].context_value) == (2, 57_500)
    assert h["meetings_booked"].value == 2  # L8 12 Nov, L4 19 Nov


def test_data_notes(agenda: Agenda) -> None:
    n = agenda.data_notes
    english = translator("en")
    notes = {note_text(english, note).split(":")[0]: note for note in n.notes}
    assert notes["deals without a close date"].examples == ("D8",)
    assert notes["won deals without a won reason"].examples == ("D9",)
    assert n.row_counts == {"deals": 9, "leads": 8, "targets": 7, "campaigns": 4}
    assert (n.latest_activity, n.days_since_latest_activity) == (AS_OF, 0)


def test_earlier_meeting_ignores_later_events(tmp_path: Path) -> None:
    """At 2026-11-10 the deals won on 20 and 24 Nov are not yet won (and are noted)."""
    agenda = build_at(tmp_path, dt.date(2026, 11, 10))
    assert agenda.targets.company.won == 100_000  # D1 only
    english = translator("en")
    notes = " ".join(note_text(english, n) for n in agenda.data_notes.notes)
    assert "created after the meeting date" in notes  # D3, D6, D8 (created 12 Nov / 1 Nov..)
    assert "won or lost after the meeting date" in notes  # D2, D3
    assert agenda.data_notes.latest_activity == dt.date(2026, 11, 2)  # D8 created


def test_quarter_edges(tmp_path: Path) -> None:
    """On the quarter's first day nothing is won yet; on its last day all 92 days elapsed."""
    first = build_at(tmp_path / "a", dt.date(2026, 10, 1))
    assert (first.quarter, first.targets.days_elapsed, first.targets.company.won) == (
        "2026-Q4", 1, 0)
    assert first.targets.company.expected_to_date == pytest.approx(400_000 / 92)
    last = build_at(tmp_path / "b", dt.date(2026, 12, 31))
    assert last.targets.days_elapsed == 92
    assert last.targets.company.expected_to_date == pytest.approx(400_000)
    assert build_at(tmp_path / "c", dt.date(2027, 1, 1)).quarter == "2027-Q1"


def test_meeting_day_belongs_to_the_period(tmp_path: Path) -> None:
    """A deal won on the meeting day counts since the last meeting; one won 14 days before not."""
    agenda = build_at(tmp_path, dt.date(2026, 12, 4))  # period 21 Nov - 4 Dec
    assert [d.deal_id for d in agenda.customers.won] == ["D3"]  # D2 (20 Nov) is outside


def test_fiscal_year_starting_in_july(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path, extra_config=""))
    text = config.path.read_text().replace('locale = "en_GB"',
                                           'locale = "en_GB"\nfiscal_year_start_month = 7')
    config.path.write_text(text)
    config = load_config(config.path)
    agenda = build_agenda(load_dataset(config), config, AS_OF)
    # Oct-Dec is the second quarter of the fiscal year July 2026 - June 2027 (FY2027)
    assert agenda.quarter == "2027-Q2"
    assert agenda.targets.company.target is None  # the targets name 2026-Q4 only
    assert agenda.targets.company.attainment is None and agenda.targets.company.won == 157_500
