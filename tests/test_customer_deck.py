"""The sellers' customer deck: the company's standard slides from its profile, the newest
public references, public events with their own day, time, place and sign-up link, no meeting
date, and never an internal figure.

The leak test reads the example company's CSV files with the csv module (not through the model)
and asserts that no amount, owner, team, reason, goal, sales action, deal name, private campaign
or account that is not a public reference appears anywhere in the file: slides, notes, layouts,
masters and document properties.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
import typing
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR

from report_builder.cli import main
from report_builder.config import CompanyProfile, ContactConfig, OfferItem, load_config
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model import public
from report_builder.model.agenda import PublicReference
from report_builder.renderers.context import render_context
from report_builder.renderers.customer_deck import render_customer_deck
from tests.office import (
    convert_to_pdf,
    libreoffice,
    needs_libreoffice,
    package_text,
    page_count,
    page_texts,
    profile_dir,
)
from tests.sample_agenda import sample_agenda
from tests.small_company import write_company

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys"
AS_OF = dt.date(2026, 11, 24)
DECK = "customer-deck-2026-11-24.pptx"


def rows(table: str) -> list[dict[str, str]]:
    with (EXAMPLE / "data" / f"{table}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def all_public_references() -> list[str]:
    """Accounts with a deal won in the 90 days up to the meeting and marked public_reference,
    the latest win first (then by name)."""
    first = (AS_OF - dt.timedelta(days=89)).isoformat()
    latest: dict[str, str] = {}
    for d in rows("deals"):
        if d["stage"] == "Closed won" and first <= d["close_date"] <= AS_OF.isoformat() \
                and d["public_reference"] == "true":
            latest[d["account"]] = max(latest.get(d["account"], ""), d["close_date"])
    return sorted(latest, key=lambda account: (_descending(latest[account]), account))


def _descending(iso_day: str) -> int:
    return -dt.date.fromisoformat(iso_day).toordinal()


def public_references() -> list[str]:
    """The references the deck names: the twelve newest."""
    return all_public_references()[:12]


def public_events() -> list[dict[str, str]]:
    horizon = (AS_OF + dt.timedelta(weeks=6)).isoformat()
    return sorted((c for c in rows("campaigns") if c["public"] == "true"
                   and c["end_date"] >= AS_OF.isoformat() and c["start_date"] <= horizon),
                  key=lambda c: c["event_date"])


def slide_texts(deck: Path) -> list[str]:
    """The text of each slide (shapes and placeholders), one string per slide."""
    return [" ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
            for slide in Presentation(str(deck)).slides]


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


def test_the_newest_twelve_references_and_the_events_are_there(deck: Path) -> None:
    text = package_text(deck)
    everyone, events = all_public_references(), public_events()
    assert len(everyone) == 21 and len(events) == 2
    assert all(name in text for name in everyone[:12] + [e["name"] for e in events])
    assert not any(name in text for name in everyone[12:])  # older: left out, never cut
    assert "november 2026" in text  # the month of a win, in Danish


def test_the_standard_slides_around_the_references_and_events(deck: Path) -> None:
    t = labels("da")
    titles = [s.shapes.title.text for s in Presentation(str(deck)).slides]
    assert titles == ["Nordlys ApS", t["deck_about_title"], t["deck_offer_title"],
                      t["deck_references_title"], t["deck_events_title"],
                      t["deck_contact_title"]]
    assert "{{" not in package_text(deck)


def test_the_title_slide_has_no_meeting_date(deck: Path) -> None:
    profile = load_config(EXAMPLE / "report.toml").company.profile
    cover = Presentation(str(deck)).slides[0]
    assert [p.text for p in cover.placeholders] == ["Nordlys ApS", profile.tagline]
    fmt = Formatter("da_DK", "DKK")
    for shown in (fmt.date(AS_OF), fmt.full_date(AS_OF), AS_OF.isoformat(), "24.11.2026",
                  "24-11-2026"):
        assert all(shown not in text for text in slide_texts(deck)), shown


def test_the_profile_fills_who_we_are_what_we_offer_and_how_to_reach_us(deck: Path) -> None:
    profile = load_config(EXAMPLE / "report.toml").company.profile
    texts = slide_texts(deck)
    about, offer, contact = texts[1], texts[2], texts[-1]
    first, second = profile.about.split("\n\n")
    assert " ".join(first.split()) in about and " ".join(second.split()) in about
    assert len(profile.offer) == 6
    for item in profile.offer:
        assert item.title in offer and item.text in offer
    for value in (profile.contact.name, profile.contact.title, profile.contact.email,
                  profile.contact.phone, profile.contact.web):
        assert value in contact
    links = {run.hyperlink.address for shape in Presentation(str(deck)).slides[-1].shapes
             if shape.has_text_frame for p in shape.text_frame.paragraphs for run in p.runs
             if run.hyperlink.address}
    assert links == {"mailto:salg@nordlys.dk", "https://nordlys.dk"}
    assert "Hint" not in [shape.name for slide in Presentation(str(deck)).slides
                          for shape in slide.shapes]


def test_an_event_shows_its_own_day_time_place_and_sign_up_link(deck: Path) -> None:
    fmt = Formatter("da_DK", "DKK")
    events_slide = Presentation(str(deck)).slides[4]
    text = " ".join(s.text_frame.text for s in events_slide.shapes if s.has_text_frame)
    links = {run.hyperlink.address for shape in events_slide.shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs for run in p.runs if run.hyperlink.address}
    for event in public_events():
        day = dt.date.fromisoformat(event["event_date"])
        assert fmt.full_date(day) in text  # "tirsdag den 8. december 2026"
        assert f"kl. {event['event_time'].replace(':', '.')}" in text  # "kl. 14.00"
        assert event["event_place"] in text
        assert event["signup_link"].removeprefix("https://") in text
        assert event["signup_link"] in links
        # the campaign's run is not the event's day
        for run_day in (event["start_date"], event["end_date"]):
            assert fmt.date(dt.date.fromisoformat(run_day)) not in text
    assert text.index("tirsdag den 8. december") < text.index("torsdag den 10. december")


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
        else:  # a time of day (an event's start) is not a figure
            assert hint in (str, dt.date, dt.time, type(None)), where

    check(public.PublicContent)
    assert {public.PublicContent, public.PublicEvent, PublicReference, CompanyProfile,
            OfferItem, ContactConfig} <= seen


def test_small_company(tmp_path: Path) -> None:
    """Acme's win is a public reference; Beta's is not; the public event running is listed,
    without a day of its own: "date to be announced", never the campaign's run."""
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    text = package_text(tmp_path / "o" / DECK)
    assert "Acme" in text and "October 2026" in text and "Event: Messe" in text
    assert labels("en")["deck_event_tba"] in text
    for secret in ("Beta", "Gamma", "Delta", "Anna", "Price", "Fit", "Webinar: Lager",
                   "LinkedIn Q1", "50,000", "Book meetings", "10 Nov 2026", "10 Dec 2026"):
        assert secret not in text, secret


def test_an_empty_profile_shows_what_to_write_where(tmp_path: Path) -> None:
    """Without [company.profile], each standard slide says which key of report.toml to fill
    in, set apart as a hint: italic, in accent 3, the blocks in a dashed frame."""
    config = write_company(tmp_path)
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    prs = Presentation(str(tmp_path / "o" / DECK))
    t = labels("en")
    cover = prs.slides[0].placeholders[1].text_frame.paragraphs[0].runs[0]
    assert cover.text == t["deck_hint_tagline"] and cover.font.italic
    assert cover.font.color.theme_color == MSO_THEME_COLOR.ACCENT_3
    hints = {shape.text_frame.text for slide in prs.slides for shape in slide.shapes
             if shape.name == "Hint"}
    keys = ", ".join(f'{key} = "..."' for key in ("name", "title", "email", "phone", "web"))
    assert hints == {t["deck_hint_about"], t["deck_hint_offer"],
                     t["deck_hint_contact"].format(keys=keys)}
    assert all("report.toml" in hint and "[company.profile" in hint for hint in hints)


def test_a_partly_filled_contact_names_only_what_is_missing(tmp_path: Path) -> None:
    config = write_company(tmp_path, extra_config=(
        '[company.profile]\ntagline = "Stock that adds up"\n'
        '[company.profile.contact]\nname = "Karen"\nemail = "sales@small.example"\n'))
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    contact = Presentation(str(tmp_path / "o" / DECK)).slides[-1]
    texts = {shape.name: shape.text_frame.text for shape in contact.shapes
             if shape.has_text_frame}
    assert "Karen" in texts.values() and "sales@small.example" in texts.values()
    assert texts["Hint"] == labels("en")["deck_hint_contact"].format(
        keys='title = "...", phone = "...", web = "..."')


def test_nothing_public_means_only_the_standard_slides(tmp_path: Path) -> None:
    config = write_company(tmp_path, as_of="2027-06-30")  # no recent wins, no events
    assert main(["build", str(config), "--format", "customer-deck",
                 "--out", str(tmp_path / "o")]) == 0
    titles = [s.shapes.title.text for s in
              Presentation(str(tmp_path / "o" / "customer-deck-2027-06-30.pptx")).slides]
    assert titles == ["Small Co", "Who we are", "What we offer", "How to reach us"]


def test_two_thousand_references_fill_one_slide_of_the_twelve_newest() -> None:
    """However large the company, the deck names twelve customers: its size does not grow
    with the number of deals."""
    agenda = sample_agenda("en")
    first = dt.date(2026, 1, 1)
    many = tuple(PublicReference(f"Customer {n:04d} A/S", first + dt.timedelta(days=n // 8))
                 for n in range(2000))
    newest_first = tuple(sorted(many, key=lambda r: (-r.won_date.toordinal(), r.account)))

    def deck_with(references: tuple[PublicReference, ...]) -> Presentation:
        customers = dataclasses.replace(agenda.customers, references=references)
        with_refs = dataclasses.replace(agenda, customers=customers)
        data = render_customer_deck(with_refs, render_context(with_refs))
        return Presentation(io.BytesIO(data))

    big, small = deck_with(newest_first), deck_with(newest_first[:12])
    assert len(big.slides) == len(small.slides)
    title = labels("en")["deck_references_title"]
    slides = [s for s in big.slides if s.shapes.title.text.startswith(title)]
    assert len(slides) == 1
    names = [shape.text_frame.text for shape in slides[0].shapes
             if shape.has_text_frame and shape.text_frame.text.startswith("Customer ")]
    assert names == [r.account for r in newest_first[:12]]
    # the newest day's eight (1992-1999), by name, then four of the day before
    assert names[:9] == [f"Customer {n} A/S" for n in range(1992, 2000)] + ["Customer 1984 A/S"]


@libreoffice
@needs_libreoffice
def test_libreoffice_prints_one_page_per_slide(deck: Path,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("pdf")
    pdf = convert_to_pdf([deck], out, profile_dir(tmp_path_factory))[deck]
    assert page_count(pdf) == len(Presentation(str(deck)).slides)
    pages = page_texts(pdf)
    assert "Nordlys ApS" in pages[0] and public_references()[0] in " ".join(pages)


def test_validate_names_what_the_profile_lacks(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path, extra_config=(
        '[company.profile]\ntagline = "Stock that adds up"\nabout = "We make stock software."'
        '\n[output]\nformats = ["customer-deck"]\n'))
    assert main(["validate", str(config)]) == 0
    assert ("Customer deck: [company.profile] has no offer, contact.name, contact.title, "
            "contact.email, contact.phone, contact.web yet") in " ".join(
                capsys.readouterr().out.split())
