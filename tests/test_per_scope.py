"""A pack per team and per seller (`build --per team`, `--per owner`, model/scope.py) on the
small company (tests/small_company.py), every figure by hand:

North (Anna, Bo): D1 won 100,000 on 2026-10-15 and D2 won 50,000 on 2026-11-20 this quarter (D9,
won in Q2, is not); Acme and Beta won for the first time this quarter, Beta since the last
meeting (2026-11-11 .. 2026-11-24); meetings this quarter: L4 (Anna, 11-19) and L8 (Bo, 11-12).
South (Cy): D3 won 1,000 EUR on 2026-11-24, Gamma's first win; meeting L2 (Cy, 10-20).
The leads without an owner (L3, L5, L6) are in no team's pack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from ibis.backends.duckdb import Backend as DuckDBBackend

from report_builder.build import build, build_per, pack_folders
from report_builder.cli import main
from report_builder.config import load_config
from report_builder.engine import connect, read_engine_dataset
from report_builder.model.agenda import Scope, TargetRow
from report_builder.model.build import agendas_per_scope
from report_builder.model.comparison import Comparison
from report_builder.model.movement import EarlierSnapshots
from report_builder.model.scope import scoped_comparison
from report_builder.renderers.summaries import point_summaries
from tests.small_company import write_company

AS_OF = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, object]:
    folder = tmp_path_factory.mktemp("company")
    config = load_config(write_company(folder))
    per_team = build_per(config, "team", as_of=AS_OF, formats=["json"],
                         out_dir=folder / "out", history=False)
    company = build(config, as_of=AS_OF, formats=["json"], out_dir=folder / "company",
                    history=False)
    return folder, per_team, company


def figures(row: TargetRow) -> dict:
    """A target row's figures, without whose row it is."""
    return {k: v for k, v in dataclasses.asdict(row).items() if k not in ("scope", "name")}


def test_each_team_has_a_pack_with_its_own_figures(packs: tuple) -> None:
    folder, per_team, _ = packs
    assert list(per_team) == ["North", "South"]
    north, south = per_team["North"].agenda, per_team["South"].agenda
    assert north.scope == Scope("team", "North") and north.title_name.endswith("· North")
    top = north.targets.company
    assert top.name == "North"  # the top line is named for the team, not the company
    assert (top.target, top.won, top.won_deals) == (300000, 150000, 2)
    assert (top.new_customers, top.meetings) == (2, 2)
    assert south.targets.company.target == 100000 and south.targets.company.meetings == 1
    assert south.targets.company.new_customers == 1
    # the company's own top line, for context: 157,500 won (D3's 1,000 EUR at 7.5) of 400,000
    whole = packs[2].agenda.targets.company
    assert north.company_targets == south.company_targets == whole and whole.won == 157_500
    # the team is the top line; its sellers are ranked below it, no other team's
    assert north.targets.teams == () and {o.name for o in north.targets.owners} == {"Anna", "Bo"}
    assert [o.name for o in south.targets.owners] == ["Cy"]
    # since the last meeting: Beta (North) and Gamma (South) won for the first time
    assert (north.customers.won_count, north.customers.new_customers) == (1, 1)
    assert (south.customers.won_count, south.customers.new_customers) == (1, 1)
    overview = point_summaries(north, per_team["North"].context).overview
    # 157,500 of 400,000 won; 55 of the quarter's 92 days gone: 60% expected
    assert overview.endswith("Small Co as a whole: 39% of the quarter's target won, behind the "
                             "pace (60% expected by now); the forecast reaches 62%.")
    assert round(whole.forecast / whole.target, 2) == 0.62
    for name, result in per_team.items():
        path = result.files["json"]
        assert path.parent == folder / "out" / name.lower()
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["agenda"]["scope"] == {"by": "team", "name": name}


def test_a_teams_pack_reads_as_its_row_in_the_companys_pack(packs: tuple) -> None:
    _, per_team, company = packs
    assert company.agenda.scope is None
    rows = {row.name: row for row in company.agenda.targets.teams}
    for name, result in per_team.items():
        assert figures(result.agenda.targets.company) == figures(rows[name])
    sellers = {row.name: row for row in company.agenda.targets.owners}
    for seller in per_team["North"].agenda.targets.owners:
        assert figures(seller) == figures(sellers[seller.name])


def test_a_pack_per_seller_from_the_command_line(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    assert main(["build", str(config), "--per", "owner", "--format", "json,html",
                 "--no-history", "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out"),
                 "-q"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["anna", "bo", "cy"]
    anna = json.loads(next((tmp_path / "out" / "anna").glob("*.json")).read_text("utf-8"))
    top = anna["agenda"]["targets"]["company"]
    # Anna: D1 won 100,000 this quarter (Acme's first win), her target 150,000; L4's meeting
    assert (top["target"], top["won"], top["new_customers"], top["meetings"]) == \
        (150000, 100000, 1, 1)
    assert anna["agenda"]["targets"]["owners"] == [] and anna["agenda"]["targets"]["teams"] == []
    # the top line's heading and bar name the seller, not the company
    page = next((tmp_path / "out" / "anna").glob("*.html")).read_text("utf-8")
    targets = BeautifulSoup(page, "html.parser").select_one("#targets")
    assert targets is not None and targets.select_one("h3").get_text() == "Owner"
    assert top["name"] == "Anna"
    bullet = page.split('"chart-targets-company",')[1].split("</script>")[0]
    assert '"hovertext":["Anna"]' in bullet and "Small Co" not in bullet


def test_a_pack_folder_is_made_of_the_name_and_stays_inside_the_output_folder() -> None:
    assert pack_folders(["../../etc", "North", "north", "", "Team Øst / Syd", "x" * 80]) == {
        "../../etc": "etc", "North": "north", "north": "north-2", "": "unnamed",
        "Team Øst / Syd": "team-øst-syd", "x" * 80: "x" * 60}


def test_the_movement_of_a_teams_pack_is_its_deals_and_its_sellers_gone_deals(
        packs: tuple) -> None:
    """Of the earlier snapshot: the team's deals, and a deal gone from the data since then
    whose owner is the team's (D0, Bo's); not another team's deal nor another's gone deal."""
    _, per_team, _ = packs
    columns = ["deal_id", "owner", "value"]
    current = pd.DataFrame([["D1", "Anna", 1.0], ["D3", "Cy", 1.0]], columns=columns)
    previous = pd.DataFrame([["D1", "Anna", 1.0], ["D3", "Cy", 1.0], ["D0", "Bo", 1.0],
                             ["DX", "Cy", 1.0]], columns=columns)
    comparison = Comparison(current, EarlierSnapshots(previous, "2026-11-10"))
    folder, _, _ = packs
    config = load_config(folder / "report.toml")
    from report_builder.engine import connect, read_engine_dataset
    from report_builder.model.scope import scoped_view
    from report_builder.model.view import make_view

    source = read_engine_dataset(connect(), config, as_of=AS_OF)
    view = scoped_view(make_view(source.tables, config, AS_OF), Scope("team", "North"))
    scoped = scoped_comparison(comparison, view)
    assert list(scoped.current["deal_id"]) == ["D1"]
    assert scoped.earlier is not None
    assert list(scoped.earlier.previous["deal_id"]) == ["D1", "D0"]
    assert per_team["North"].agenda.movement is None  # the history off: nothing to compare


def test_an_accounts_first_win_is_the_companys_not_each_teams(tmp_path: Path) -> None:
    """Beta was first won by North (D2, 2026-11-20); South winning it too (D10, 11-23) makes
    no new customer of South's, in its pack as in its row of the company's pack."""
    from tests.small_company import DEALS

    d10 = ["D10", "Beta - Lite", "Beta", "Cy", "South", "Won", "5000", "", "2026-11-01",
           "2026-11-23", "Partner", "", "Fit", "", "2026-11-23", "", ""]
    config = load_config(write_company(tmp_path, deals=[*DEALS, d10]))
    south = build_per(config, "team", as_of=AS_OF, formats=["json"], out_dir=tmp_path / "out",
                      history=False)["South"].agenda
    assert (south.customers.won_count, south.customers.new_customers) == (2, 1)  # Gamma only
    assert south.targets.company.new_customers == 1
    company = build(config, as_of=AS_OF, formats=["json"], out_dir=tmp_path / "company",
                    history=False).agenda
    rows = {row.name: row for row in company.targets.teams}
    assert figures(south.targets.company) == figures(rows["South"])
    assert company.customers.new_customers == 2  # Beta and Gamma


def test_every_teams_pack_asks_the_same_queries_each_compiled_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The packs read their team from a table of the engine (model/scope.py ScopeName), so
    South's pack asks North's queries, and no query is compiled to SQL twice
    (engine/backends.py compiled_once); the figures of each are its own (the tests above)."""
    config = load_config(write_company(tmp_path))
    con = connect(config.engine)
    source = read_engine_dataset(con, config, as_of=AS_OF)
    compiled: list[str] = []
    compile_sql = DuckDBBackend.compile

    def counted(self: DuckDBBackend, expr: object, /, **kwargs: object) -> str:
        compiled.append(compile_sql(self, expr, **kwargs))
        return compiled[-1]

    monkeypatch.setattr(DuckDBBackend, "compile", counted)
    agendas = agendas_per_scope(source.tables, source.facts, config, AS_OF, "team")
    assert [a.targets.company.won for a in agendas.values()] == [150000, 7500]
    repeated = {sql for sql in compiled if compiled.count(sql) > 1}
    assert compiled and not repeated
    assert "compile" not in vars(con)  # the engine compiles as before, outside
