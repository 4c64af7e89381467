"""The example company as a user builds it: the same figures in JSON and HTML, and right.

The won value is recomputed here straight from the CSV with the csv module, independently of
pandas and the model, so a wrong filter in the model cannot agree with it by accident.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from report_builder.cli import main
from report_builder.formatting import Formatter

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "examples" / "nordlys" / "report.toml"
DATA = ROOT / "examples" / "nordlys" / "data"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, BeautifulSoup]:
    out = tmp_path_factory.mktemp("nordlys")
    assert main(["build", str(CONFIG), "--format", "html,json", "--out", str(out)]) == 0
    document = json.loads((out / "pipeline-meeting-2026-11-24.json").read_text())
    html = (out / "pipeline-meeting-2026-11-24.html").read_text()
    return document["agenda"], BeautifulSoup(html, "lxml")


def test_won_this_quarter_matches_the_csv(built: tuple[dict, BeautifulSoup]) -> None:
    agenda, _ = built
    won = 0.0
    with (DATA / "deals.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["stage"] == "Closed won" and "2026-10-01" <= row["close_date"] <= "2026-11-24":
                won += float(row["amount"]) * (7.46 if row["currency"] == "EUR" else 1.0)
    assert agenda["targets"]["company"]["won"] == pytest.approx(won, abs=0.01)
    assert agenda["headline"][0]["value"] == agenda["targets"]["company"]["won"]


def test_html_shows_the_json_figures(built: tuple[dict, BeautifulSoup]) -> None:
    agenda, soup = built
    fmt = Formatter(agenda["locale"], agenda["currency"])
    assert agenda["locale"] == "da_DK" and soup.html is not None and soup.html["lang"] == "da"
    tiles = soup.select("#headline .tile")
    assert [t["data-key"] for t in tiles] == [h["key"] for h in agenda["headline"]]
    for tile, figure in zip(tiles, agenda["headline"], strict=True):
        value = tile.select_one(".tile-value")
        assert value is not None and value.get_text() == fmt.value(figure["value"], figure["kind"])
    won = fmt.money(agenda["targets"]["company"]["won"])
    assert won.endswith("\u00a0kr.") and "." in won  # Danish: 6.969.164 kr.
    assert won in soup.select_one("#targets").get_text()  # type: ignore[union-attr]


def test_example_data_is_sound(built: tuple[dict, BeautifulSoup]) -> None:
    agenda, _ = built
    assert agenda["data_notes"]["row_counts"]["deals"] >= 1500
    assert agenda["data_notes"]["row_counts"]["leads"] >= 10_000
    assert len(agenda["sources"]["channels"]) >= 7
    assert agenda["data_notes"]["row_counts"]["campaigns"] >= 30
    assert agenda["campaigns"]["upcoming"] and agenda["customers"]["won"]
    assert agenda["data_notes"]["days_since_latest_activity"] == 0
