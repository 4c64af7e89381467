"""Every label names exactly one figure: the example's JSON and HTML, in Danish and English,
never show one label with two different values.

The labels and values are collected from the JSON's headline (each figure's label key and its
context's, written in the pack's words and formats) and from the rendered HTML: the tiles and
their sub-lines, the stat blocks, the total row of each table under its column headers, and each
table's rows under their row and column headers. A table's total is compared with the tiles and
stats only: two tables of the same columns (one per CRM pipeline) each have their own total
under the same header, named by the table's title. A table's rows are named by what the reader
sees over them: the heading before the table and its first column's header.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import pytest
from bs4 import BeautifulSoup, Tag

from report_builder.cli import main
from report_builder.formatting import Formatter
from report_builder.i18n import translator
from tests.nordlys_languages import LOCALES, STEM, example_config


@dataclass(frozen=True)
class Shown:
    """One label with the value it names, and where it was found."""

    label: str
    value: str
    where: str
    in_table: bool = False


@pytest.fixture(scope="module", params=sorted(LOCALES))
def built(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, BeautifulSoup]:
    folder = tmp_path_factory.mktemp(f"labels-{request.param}")
    config = example_config(folder, LOCALES[request.param])
    assert main(["build", str(config), "--format", "json,html", "--out", str(folder),
                 "--no-history", "-q"]) == 0
    document = json.loads((folder / f"{STEM}.json").read_text(encoding="utf-8"))
    soup = BeautifulSoup((folder / f"{STEM}.html").read_text(encoding="utf-8"), "html.parser")
    return document["agenda"], soup


def _plain(text: str) -> str:
    """Runs of white space (no-break spaces too) as one space: the HTML's text and the
    formatter's are compared as read."""
    return " ".join(text.split())


def _text(tag: Tag | None) -> str:
    return _plain(tag.get_text(" ")) if tag is not None else ""


def from_json(agenda: dict) -> list[Shown]:
    """The headline's figures and their contexts, each under its label in the pack's words."""
    t, fmt = translator(agenda["language"]), Formatter(agenda["locale"], agenda["currency"])
    found = []
    for h in agenda["headline"]:
        found.append(Shown(t(h["key"]), _plain(fmt.value(h["value"], h["kind"])),
                           f"json {h['key']}"))
        if h["context"]:
            value = fmt.value(h["context_value"], h["context_kind"] or h["kind"])
            found.append(Shown(t(h["context"]), _plain(value), f"json {h['key']}.{h['context']}"))
    return found


def from_html(soup: BeautifulSoup) -> list[Shown]:
    """Tiles and their sub-lines, stat blocks, each table's total row by column header, and
    each table's rows by their row header and column header."""
    found = []
    for tile in soup.select(".tile"):
        where = f"tile {tile.get('data-key')}"
        found.append(Shown(_text(tile.select_one(".tile-label")),
                           _text(tile.select_one(".tile-value")), where))
        if (context := tile.select_one(".tile-context-label")) is not None:
            found.append(Shown(_text(context), _text(tile.select_one(".tile-context-value")),
                               f"{where} sub-line"))
    for stat in soup.select(".stat"):
        found.append(Shown(_text(stat.select_one(".stat-label")),
                           _text(stat.select_one(".stat-value")), "stat"))
    for table in soup.select("table"):
        headers = [_text(th) for th in table.select("thead th")]
        for row in table.select("tbody tr.total"):
            cells = [_text(cell) for cell in row.find_all(["th", "td"], recursive=False)]
            for header, cell in zip(headers, cells, strict=False):
                if header and cell:
                    found.append(Shown(header, cell, "table total", in_table=True))
        found += _rows(table, headers)
    return found


def _rows(table: Tag, headers: list[str]) -> list[Shown]:
    """Each row's cells as `scope › row › column`: the scope is the table's heading (the one
    before it) and its first column's header, which says what the rows are; two tables under
    one heading that leave their first header empty share a scope. A row header that repeats
    in its table (the data notes, several to a table) names a group, not a figure."""
    heading = table.find_previous(["h2", "h3", "h4", "summary"])
    scope = f"{_text(heading)} | {headers[0] if headers else ''}"
    names = [row.find("th", scope="row", recursive=False) for row in table.select("tbody tr")]
    repeated = Counter(_text(name) for name in names if name is not None)
    found = []
    for row, name in zip(table.select("tbody tr"), names, strict=True):
        if name is None or repeated[_text(name)] > 1:
            continue
        cells = [_text(cell) for cell in row.find_all("td", recursive=False)]
        for header, cell in zip(headers[1:], cells, strict=False):
            if header and cell:
                found.append(Shown(f"{scope} › {_text(name)} › {header}", cell, "table row"))
    return found


def clashes(found: Iterable[Shown]) -> dict[str, list[Shown]]:
    """Each label shown with more than one value (a table's total counts against the tiles and
    stats of the same label only), with every place it was found."""
    by_label: dict[str, list[Shown]] = defaultdict(list)
    for shown in found:
        by_label[shown.label].append(shown)
    clashing = {}
    for label, places in by_label.items():
        named = {s.value for s in places if not s.in_table}
        totals = {s.value for s in places if s.in_table} if named else set()
        if len(named | totals) > 1:
            clashing[label] = places
    return clashing


def test_no_label_names_two_figures(built: tuple[dict, BeautifulSoup]) -> None:
    agenda, soup = built
    found = from_json(agenda) + from_html(soup)
    assert len([s for s in found if not s.in_table]) > 30  # tiles, sub-lines, stats, JSON
    assert not [s for s in found if not s.label or not s.value]
    assert clashes(found) == {}


def test_the_json_and_the_html_tiles_name_the_same_figures(
        built: tuple[dict, BeautifulSoup]) -> None:
    agenda, soup = built
    json_side = {(s.label, s.value) for s in from_json(agenda)}
    tiles = {(s.label, s.value) for s in from_html(soup) if s.where.startswith("tile")}
    assert json_side == tiles


def test_the_new_customers_sub_line_is_theirs(built: tuple[dict, BeautifulSoup]) -> None:
    """The new customers' tile gives the value won from them, not from every deal won."""
    agenda, _ = built
    tile = next(h for h in agenda["headline"] if h["key"] == "new_customers")
    customers = agenda["customers"]
    assert tile["context"] == "won_from_new_customers"
    assert tile["context_value"] == customers["new_customers_value"]
    assert 0 < customers["new_customers_value"] < customers["won_value"]


def test_two_figures_under_one_label_are_found() -> None:
    """The check fails where a label carries two values: in two tiles, or in a tile and a
    table's total; two tables' totals under one header are each table's own."""
    tiles = [Shown("Weighted pipeline", "8.3m", "tile"),
             Shown("Weighted pipeline", "27.5m", "stat")]
    assert list(clashes(tiles)) == ["Weighted pipeline"]
    table = [Shown("Open pipeline", "15.1m", "tile"),
             Shown("Open pipeline", "80.6m", "table total", in_table=True)]
    assert list(clashes(table)) == ["Open pipeline"]
    two_tables = [Shown("Weighted", "1.0m", "table total", in_table=True),
                  Shown("Weighted", "2.0m", "table total", in_table=True)]
    assert clashes(two_tables) == {}
    same = [Shown("Won", "7.0m", "tile"), Shown("Won", "7.0m", "json won_to_date")]
    assert clashes(same) == {}


def test_two_same_named_figures_in_the_html_fail_the_check() -> None:
    """The HTML collector finds a tile and a stat that share a label with different values."""
    html = """<div class="tile" data-key="a"><div class="tile-label">Weighted pipeline</div>
    <div class="tile-value">8.3m</div></div>
    <div class="stat"><div class="stat-label">Weighted pipeline</div>
    <div class="stat-value">27.5m</div></div>"""
    found = from_html(BeautifulSoup(html, "html.parser"))
    assert [(s.label, s.value) for s in found] == [("Weighted pipeline", "8.3m"),
                                                   ("Weighted pipeline", "27.5m")]
    assert list(clashes(found)) == ["Weighted pipeline"]


def test_two_tables_of_the_same_rows_must_say_what_their_rows_are() -> None:
    """The waterfall's steps (the quarter's pipeline) and the change lists (every deal, any close
    date) under one heading: with empty first headers, "New deals" names two figures."""
    def tables(first: str, second: str) -> str:
        return f"""<h3>What changed</h3>
        <table><thead><tr><th>{first}</th><th>Deals</th></tr></thead>
        <tbody><tr><th scope="row">New deals</th><td>11</td></tr></tbody></table>
        <table><thead><tr><th>{second}</th><th>Deals</th></tr></thead>
        <tbody><tr><th scope="row">New deals</th><td>47</td></tr></tbody></table>"""

    unscoped = from_html(BeautifulSoup(tables("", ""), "html.parser"))
    assert list(clashes(unscoped)) == ["What changed |  › New deals › Deals"]
    scoped = from_html(BeautifulSoup(tables("The quarter's open pipeline", "Every changed deal"),
                                     "html.parser"))
    assert clashes(scoped) == {}
