"""The sellers' customer deck: the company's slides, public references and public events, and
never an internal figure.

The leak test reads the example company's CSV files with the csv module (not through the model)
and asserts that no amount, owner, team, reason, goal, sales action, deal name, private campaign
or account that is not a public reference appears anywhere in the file: slides, notes, layouts,
masters and document properties.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
import typing
from pathlib import Path

import pytest
from pptx import Presentation

from report_builder.cli import main
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model import public
from report_builder.model.agenda import PublicReference
from tests.office import (
    convert_to_pdf,
    libreoffice,
    needs_libreoffice,
    package_text,
    page_count,
    page_texts,
    profile_dir,
)
from tests.small_company import write_company

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys"
AS_OF = dt.date(2026, 11, 24)
DECK = "customer-deck-2026-11-24.pptx"


def rows(table: str) -> list[dict[str, str]]:
    with (EXAMPLE / "data" / f"{table}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def public_references() -> list[str]:
    """Accounts with a deal won in the 90 days up to the meeting and marked public_reference."""
    first = (AS_OF - dt.timedelta(days=89)).isoformat()
    return sorted({d["account"] for d in rows("deals") if d["stage"] == "Closed won"
                   and first <= d["close_date"] <= AS_OF.isoformat()
                   and d["public_reference"] == "true"})


def public_events() -> list[str]:
    horizon = (AS_OF + dt.timedelta(weeks=6)).isoformat()
    return sorted(c["name"] for c in rows("campaigns") if c["public"] == "true"
                  and c["end_date"] >= AS_OF.isoformat() and c["start_date"] <= horizon)


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nordlys")
    assert main(["build", str(EXAMPLE / "report.toml"), "--format", "customer-deck", "--out",
                 str(out), "--no-history"]) == 0
    return out / DECK


def test_no_internal_value_anywhere_in_the_file(deck: Path) -> None:
    text = package_text(deck)
    fmt = Formatter("da_DK", "DKK")
    deals, campaigns = rows("deals"), rows("campaigns")
    amounts = [float(d["amount"]) for d in deals] + \
        [float(t["revenue_target"]) for t in rows("targets")] + \
        [float(c["budget"]) for c in campaigns if c["budget"]]
    # no amount in any form: the currency never appears, nor a percentage
    assert "kr." not in text and "DKK" not in text and "%" not in text
    numbers = set(re.findall(r"\d[\d.,\u00a0 ]*\d|\d", text))
    for amount in amounts:
        for shown in (f"{amount:.0f}", fmt.count(amount), fmt.money(amount).split("\u00a0")[0]):
            assert shown not in numbers, shown
    references = set(public_references())
    secrets = {
        "owner": {d["owner"] for d in deals} | {c["owner"] for c in campaigns}
        | {lead["owner"] for lead in rows("leads") if lead["owner"]},
        "team": {d["team"] for d in deals if d["team"]},
        "reason": {d["won_reason"] for d in deals} | {d["lost_reason"] for d in deals}
        | {lead["rejection_reason"] for lead in rows("leads")},
        "goal": {c["goal"] for c in campaigns},
        "sales action": {c["sales_actions"] for c in campaigns},
        "deal name": {d["name"] for d in deals},
        "private campaign": {c["name"] for c in campaigns if c["public"] != "true"},
        "lost or private account": {d["account"] for d in deals} - references,
    }
    for kind, values in secrets.items():
        leaked = sorted(v for v in values if v and v in text)
        assert leaked == [], kind


def test_public_references_and_events_are_all_there(deck: Path) -> None:
    text = package_text(deck)
    references, events = public_references(), public_events()
    assert len(references) == 21 and len(events) == 2
    assert all(name in text for name in references + events)
    assert "november 2026" in text  # the month of a win, in Danish


def test_slides_the_template_cover_then_references_then_events(deck: Path) -> None:
    t = labels("da")
    titles = [s.shapes.title.text for s in Presentation(str(deck)).slides]
    assert titles == ["Nordlys ApS", t["deck_references_title"],
                      f"{t['deck_references_title']} ({t['continued']})", t["deck_events_title"]]
    cover = Presentation(str(deck)).slides[0]
    assert [p.text for p in cover.placeholders] == ["Nordlys ApS", "24. nov. 2026"]
    assert "{{" not in package_text(deck)


def test_the_public_model_holds_no_figures() -> None:
    """PublicContent and what it holds are text and dates only: there is no field a figure
    could travel in."""
    seen: set[type] = set()

    def check(kind: object) -> None:
        if dataclasses.is_dataclass(kind) and isinstance(kind, type) and kind not in seen:
            seen.add(kind)
            for name, hint in typing.get_type_hints(kind).items():
                check_hint(hint, f"{kind.__name__}.{name}")

    def check_hint(hint: object, where: str) -> None:
        args = typing.get_args(hint)
        if args:
            for arg in args:
                if arg is not Ellipsis:
                    check_hint(arg, where)
        elif dataclasses.is_dataclass(hint):
            check(hint)
        else:
            assert hint in (str, dt.date), where

    check(public.PublicContent)
    assert {public.PublicContent, public.PublicEvent, PublicReference} <= seen


def test_small_company(tmp_path: Path) -> None:
    """Acme's win is a public reference; Beta's is not; the public event running is listed."""
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    text = package_text(tmp_path / "o" / DECK)
    assert "Acme" in text and "October 2026" in text and "Event: Messe" in text
    for secret in ("Beta", "Gamma", "Delta", "Anna", "Price", "Fit", "Webinar: Lager",
                   "LinkedIn Q1", "50,000", "Book meetings"):
        assert secret not in text, secret


def test_nothing_public_means_only_the_standard_slides(tmp_path: Path) -> None:
    config = write_company(tmp_path, as_of="2027-06-30")  # no recent wins, no events
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    titles = [s.shapes.title.text for s in
              Presentation(str(tmp_path / "o" / "customer-deck-2027-06-30.pptx")).slides]
    assert titles == ["Small Co"]


@libreoffice
@needs_libreoffice
def test_libreoffice_prints_one_page_per_slide(deck: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("pdf")
    pdf = convert_to_pdf([deck], out, profile_dir(tmp_path_factory))[deck]
    assert page_count(pdf) == len(Presentation(str(deck)).slides)
    pages = page_texts(pdf)
    assert "Nordlys ApS" in pages[0] and public_references()[0] in " ".join(pages)
