"""Each point's opening sentences (renderers/summaries.py), checked against arithmetic done by hand
on tests/small_company.py, and found the same in the HTML, the PDF, the meeting deck and the email
of one build.

The small company at 2026-11-24: day 55 of the 92 of 2026-Q4; target 400,000, so 400,000 x 55 /
92 = 239,130.43 expected by now. Won this quarter 157,500 (D1 100,000, D2 50,000, D3 1,000 EUR x
7.5); weighted pipeline closing in the quarter 90,000 (D5 200,000 x 0.2, D6 100,000 x 0.5).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import io
from email.message import EmailMessage
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pptx import Presentation
from pypdf import PdfReader

from report_builder.build import build
from report_builder.config import load_config
from report_builder.config.addresses import parse_mailbox
from report_builder.config.email import EmailConfig
from report_builder.data.load import load_dataset
from report_builder.delivery.message import Attachment, compose
from report_builder.model.agenda import ActionsSection, Agenda, MovementBar, MovementSection
from report_builder.model.build import build_agenda
from report_builder.renderers.context import render_context
from report_builder.renderers.summaries import PointSummaries, point_summaries
from tests.browser import HAVE_BROWSER
from tests.sample_agenda import sample_agenda
from tests.small_company import DEALS, TARGET_COLUMNS, TARGETS, write_company, write_csv

AS_OF = dt.date(2026, 11, 24)
NBSP = "\u00a0"
LOCALES = {"en": "en_GB", "da": "da_DK"}
# a deal won on 15 Nov for 200,000: won 357,500, ahead of the pace
WON_ON_15_NOV = ["D10", "Iota - Pro", "Iota", "Anna", "North", "Won", "200000", "", "2026-10-01",
                 "2026-11-15", "Partner", "", "Fit", "", "2026-11-15", "", ""]
CASES = {
    "behind": {},
    "ahead": {"deals": [*DEALS, WON_ON_15_NOV]},
    "no_target": {"targets": [row for row in TARGETS if row[0] != "2026-Q4"]},
    "nothing_won": {"deals": [d for d in DEALS if d[0] not in ("D1", "D2", "D3")]},
}


def small_agenda(folder: Path, language: str, *, deals: list[list[str]] | None = None,
                 targets: list[list[str]] | None = None) -> Agenda:
    config_path = write_company(folder, locale=LOCALES[language], deals=deals)
    if targets is not None:
        write_csv(folder / "data" / "targets.csv", TARGET_COLUMNS, targets)
    config = load_config(config_path)
    return build_agenda(load_dataset(config), config, AS_OF)


def said(agenda: Agenda) -> PointSummaries:
    return point_summaries(agenda, render_context(agenda))


def plain(text: str) -> str:
    """No-break spaces as spaces and runs of white space as one: how each format is compared."""
    return " ".join(text.replace(NBSP, " ").split())


TARGETS_SAID = {
    # behind: 239,130.43 - 157,500 = 81,630.43 behind; forecast 247,500 / 400,000 = 61.9%
    ("behind", "en"): "Won DKK 157.5k of DKK 400k on day 55 of 92: DKK 81.6k behind the pace; "
                      "the forecast reaches 62%.",
    ("behind", "da"): "Vundet 157,5 tkr. af 400 tkr. på dag 55 af 92: 81,6 tkr. efter tempoet; "
                      "prognosen når 62 %.",
    # ahead: 357,500 - 239,130.43 = 118,369.57 ahead; forecast 447,500 / 400,000 = 111.9%
    ("ahead", "en"): "Won DKK 357.5k of DKK 400k on day 55 of 92: DKK 118.4k ahead of the pace; "
                     "the forecast reaches 112%.",
    ("ahead", "da"): "Vundet 357,5 tkr. af 400 tkr. på dag 55 af 92: 118,4 tkr. foran tempoet; "
                     "prognosen når 112 %.",
    # no target for the quarter: the forecast as an amount, 157,500 + 90,000
    ("no_target", "en"): "Won DKK 157.5k on day 55 of 92, with no target set; the forecast is "
                         "DKK 247.5k.",
    ("no_target", "da"): "Vundet 157,5 tkr. på dag 55 af 92, uden et mål; prognosen er "
                         "247,5 tkr.",
    # nothing won: all 239,130.43 behind; forecast 90,000 / 400,000 = 22.5%, which Babel rounds
    # half to even
    ("nothing_won", "en"): "Nothing won yet of DKK 400k on day 55 of 92: DKK 239.1k behind the "
                           "pace; the forecast reaches 22%.",
    ("nothing_won", "da"): "Intet vundet endnu af 400 tkr. på dag 55 af 92: 239,1 tkr. efter "
                           "tempoet; prognosen når 22 %.",
}


@pytest.mark.parametrize("language", ["en", "da"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_targets_sentence(tmp_path: Path, case: str, language: str) -> None:
    agenda = small_agenda(tmp_path, language, **CASES[case])  # type: ignore[arg-type]
    assert plain(said(agenda).targets) == TARGETS_SAID[case, language]


def test_the_model_carries_the_pace_and_the_forecast_of_the_target(tmp_path: Path) -> None:
    c = small_agenda(tmp_path, "en").targets.company
    assert c.ahead_of_pace == pytest.approx(157_500 - 400_000 * 55 / 92)  # -81,630.43
    assert c.forecast_attainment == pytest.approx(247_500 / 400_000)


POINTS_SAID = {
    "en": {
        # 39% = 157,500 / 400,000; 60% = 55 / 92. Since 11 Nov: D2 50,000 + D3 7,500 won, both
        # first wins (Beta, Gamma); meetings L4 (19 Nov) and L8 (12 Nov)
        "overview": "39% of the quarter's target won, behind the pace (60% expected by now); "
                    "the forecast reaches 62%. Since the last meeting: DKK 57.5k won in 2 deals, "
                    "2 new customers and 2 meetings booked.",
        # D5 and D6 close in the quarter; D6 (20 Nov) is past its close date
        "pipeline": "The quarter's open pipeline is DKK 300k in 2 deals (DKK 90k weighted). "
                    "1 open deal worth DKK 100k is past its close date.",
        # Webinar: L1, L2, L4 meetings; Partner: D2 50,000 + D9 60,000
        "sources": "In the last 365 days, Webinar brought the most meetings (3) and Partner the "
                   "most revenue (DKK 110k).",
        # this quarter: D1 and D3 won on Price, D2 on Fit (2 of 3); D4 lost on Price
        "customers": "2 new customers since the last meeting; 2 deals won in all, worth "
                     "DKK 57.5k. This quarter we win most often on “Price” (67% of wins) and "
                     "lose most often on “Price” (100% of losses).",
        # C2 runs (with its sales actions); C3 starts on 4 Jan, within the 6 weeks, without
        "campaigns": "1 campaign is running and 1 campaign starts by 5 Jan 2027. 1 of them does "
                     "not say yet what sales must do.",
    },
    "da": {
        "overview": "39 % af kvartalets mål er vundet, efter tempoet (60 % ventet nu); prognosen "
                    "når 62 %. Siden sidste møde: 57,5 tkr. vundet i 2 aftaler, 2 nye kunder og "
                    "2 bookede møder.",
        "pipeline": "Kvartalets åbne pipeline er 300 tkr. i 2 aftaler (90 tkr. vægtet). 1 åben "
                    "aftale til 100 tkr. har passeret sin lukkedato.",
        "sources": "De seneste 365 dage gav Webinar flest møder (3) og Partner mest omsætning "
                   "(110 tkr.).",
        "customers": "2 nye kunder siden sidste møde; 2 aftaler vundet i alt, værd 57,5 tkr. "
                     "I kvartalet vinder vi oftest på “Price” (67 % af de vundne) og taber oftest "
                     "på “Price” (100 % af de tabte).",
        "campaigns": "1 kampagne kører og 1 kampagne starter inden 5. jan. 2027. 1 af dem siger "
                     "endnu ikke, hvad salg skal gøre.",
    },
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_every_point_of_the_small_company(tmp_path: Path, language: str) -> None:
    summaries = said(small_agenda(tmp_path, language))
    assert summaries.actions is None  # no actions table
    assert {key: plain(getattr(summaries, key)) for key in POINTS_SAID[language]} == \
        POINTS_SAID[language]


def with_actions(agenda: Agenda, due: int, done: int, open_: int, overdue: int) -> Agenda:
    return dataclasses.replace(agenda, actions=ActionsSection(
        (), (), (), due_since_count=due, due_since_done=done, open_count=open_,
        overdue_count=overdue, closed_since_count=done, done_since_count=done))


@pytest.mark.parametrize(("figures", "sentence"), [
    ((6, 2, 7, 4), "2 of the 6 actions due since the last meeting are done; 7 actions are open, "
                   "4 of them overdue."),
    ((0, 0, 0, 0), "No action fell due since the last meeting; no action is open."),
    ((1, 1, 1, 0), "The one action due since the last meeting is done; 1 action is open, not "
                   "overdue."),
    ((3, 0, 3, 3), "None of the 3 actions due since the last meeting is done; all 3 open "
                   "actions are overdue."),
    ((4, 4, 1, 1), "All 4 actions due since the last meeting are done; 1 action is open, and it "
                   "is overdue."),
])
def test_the_actions_sentence_by_its_counts(figures: tuple[int, int, int, int],
                                            sentence: str) -> None:
    assert said(with_actions(sample_agenda("en"), *figures)).actions == sentence


def test_nothing_to_say_reads_as_nothing_not_as_zero() -> None:
    """A quiet fortnight: no figure of 0 in a sentence, each point says there is none."""
    base = sample_agenda("en")
    pipeline = dataclasses.replace(base.pipeline, quarter_open_count=0, quarter_open_value=0.0,
                                   quarter_open_weighted=0.0, overdue_count=0,
                                   overdue_value=0.0)
    customers = dataclasses.replace(base.customers, won=(), won_count=0, won_value=0.0,
                                    new_customers=0, win_reasons=(), loss_reasons=())
    agenda = dataclasses.replace(
        base, pipeline=pipeline, customers=customers, movement=None,
        sources=dataclasses.replace(base.sources, channels=()),
        campaigns=dataclasses.replace(base.campaigns, upcoming=()))
    summaries = said(agenda)
    assert summaries.pipeline == ("No open deal closes this quarter. No open deal is past its "
                                  "close date.")
    assert summaries.customers == "No deal won since the last meeting."
    assert summaries.sources == "No channel brought a meeting or revenue in the last 365 days."
    assert summaries.campaigns == "No campaign runs or starts by 5 Jan 2027."


def test_the_movement_against_a_deals_file_names_the_file() -> None:
    base = sample_agenda("en")
    agenda = dataclasses.replace(base, movement=MovementSection(
        "deals-2026-11-10.csv", None, "UTC", 480_000.0, 9,
        (MovementBar("won", -86_000.0, 2), MovementBar("new", 0.0, 0)), 480_000.0, 9,
        (), changed_deals=2, changed_outside_quarter=0, overdue_count=0, overdue_value=0.0,
        overdue_before_quarter_count=0, overdue_before_quarter_value=0.0))
    assert ", unchanged since deals-2026-11-10.csv: 2 won." in said(agenda).pipeline


# -- one build, every format ---------------------------------------------------------------------


def sent(agenda: Agenda, files: dict[str, Path]) -> EmailMessage:
    settings = EmailConfig(host="smtp.example.com",
                           sender=parse_mailbox("Pipeline <p@example.com>"),
                           to=(parse_mailbox("anna@example.com"),),
                           send_log=Path("unused.sqlite"))
    message = compose(agenda, render_context(agenda), settings,
                      [Attachment(files["pdf"], "application/pdf")],
                      message_id="<m@example.com>",
                      date=dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC))
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.browser
@pytest.mark.skipif(not HAVE_BROWSER, reason="no Chrome/Chromium (make test installs it)")
@pytest.mark.parametrize("language", ["en", "da"])
def test_the_same_sentences_in_the_html_pdf_deck_and_email(tmp_path: Path,
                                                           language: str) -> None:
    config = load_config(write_company(tmp_path, locale=LOCALES[language]))
    result = build(config, as_of=AS_OF, formats=["html", "pdf", "pptx"],
                   out_dir=tmp_path / "out", history=False)
    summaries = said(result.agenda)
    points = [summaries.overview, summaries.targets, summaries.pipeline, summaries.sources,
              summaries.customers, summaries.campaigns]
    assert plain(summaries.targets) == TARGETS_SAID["behind", language]

    soup = BeautifulSoup(result.files["html"].read_text(encoding="utf-8"), "lxml")
    assert [p.get_text() for p in soup.select("p.point-summary")] == points
    for section in ("targets", "pipeline", "sources", "customers", "campaigns"):
        heading = soup.select_one(f"section#{section} > h2")
        assert heading is not None
        opening = heading.find_next_sibling()
        assert opening is not None and opening.get("class") == ["point-summary"]

    pages = " ".join(plain(page.extract_text() or "")
                     for page in PdfReader(io.BytesIO(result.files["pdf"].read_bytes())).pages)
    for sentence in points:
        assert plain(sentence) in pages

    deck = Presentation(str(result.files["pptx"]))
    opened = [(shape.text_frame.text, slide.notes_slide.notes_text_frame.text.split("\n")[0])
              for slide in deck.slides for shape in slide.shapes if shape.name == "point_summary"]
    assert opened == [(sentence, sentence) for sentence in points]

    message = sent(result.agenda, result.files)
    html_part, text_part = message.get_body(("html",)), message.get_body(("plain",))
    assert html_part is not None and text_part is not None
    mail = BeautifulSoup(html_part.get_content(), "lxml")
    assert [span.get_text() for span in mail.select(".point-summary")] == points
    text = plain(text_part.get_content())
    for sentence in points:
        assert plain(sentence) in text
