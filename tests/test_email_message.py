"""The email itself: structure, MIME types, headers that cannot be injected, both languages."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from report_builder.config.email import SUBJECT_FIELDS, EmailConfig
from report_builder.delivery.message import (
    Attachment,
    compose,
    file_size,
    subject_line,
    subject_values,
    summary,
)
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from report_builder.model.agenda import (
    CHANGE_KEYS,
    ActionsSection,
    Agenda,
    ChangeList,
    MovementBar,
    MovementRow,
    MovementSection,
)
from report_builder.renderers.context import render_context
from report_builder.renderers.summaries import point_summaries
from tests.sample_agenda import DANISH_ACCOUNT, SCRIPT_NAME, sample_agenda

SENT_AT = dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def settings(**changes: object) -> EmailConfig:
    from report_builder.config.addresses import parse_mailbox

    base = EmailConfig(host="smtp.example.com", sender=parse_mailbox("Pipeline <p@example.com>"),
                       to=(parse_mailbox("Anna Holm <anna@example.com>"),),
                       cc=(parse_mailbox("cy@example.com"),),
                       bcc=(parse_mailbox("Boss <boss@example.com>"),),
                       send_log=Path("unused.sqlite"))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def files(folder: Path) -> list[Attachment]:
    pdf = folder / "pipeline-meeting-2026-11-24.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    deck = folder / "pipeline-meeting-2026-11-24.pptx"
    deck.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return [Attachment(pdf, "application/pdf"), Attachment(deck, PPTX)]


def roundtrip(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def html_of(message: EmailMessage) -> BeautifulSoup:
    part = message.get_body(("html",))
    assert part is not None
    return BeautifulSoup(part.get_content(), "lxml")


def text_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_structure_headers_and_attachments(tmp_path: Path) -> None:
    attachments = files(tmp_path)
    agenda = sample_agenda("en")
    message = roundtrip(compose(agenda, render_context(agenda), settings(), attachments,
                                message_id="<m1@example.com>", date=SENT_AT))
    assert message.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in message.iter_parts()] == [
        "multipart/alternative", "application/pdf", PPTX]
    assert message["From"] == "Pipeline <p@example.com>"
    assert message["To"] == "Anna Holm <anna@example.com>" and message["Cc"] == "cy@example.com"
    assert "Bcc" not in message and b"boss@example.com" not in message.as_bytes()
    assert message["Message-ID"] == "<m1@example.com>"
    assert message["Date"] == "Mon, 23 Nov 2026 07:00:00 +0000"
    assert message["Auto-Submitted"] == "auto-generated"
    got = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    assert got == {a.path.name: a.path.read_bytes() for a in attachments}


def test_html_is_mail_client_safe(tmp_path: Path) -> None:
    agenda = sample_agenda("en")
    soup = html_of(roundtrip(compose(agenda, render_context(agenda), settings(),
                                     files(tmp_path), message_id="<m@example.com>",
                                     date=SENT_AT)))
    assert soup.find("script") is None and soup.find("link") is None
    assert not soup.select("[src]")  # no remote images or anything to fetch
    styles = soup.find_all("style")
    assert len(styles) == 1 and styles[0].get_text().strip().startswith("@media")
    for element in soup.select("[class]"):  # the CSS sits in style attributes
        if "preheader" not in element["class"]:
            assert element.get("style"), element.name
    assert soup.select("table[role=presentation]")  # tables for layout


@pytest.mark.parametrize("language", ["en", "da"])
def test_headline_and_agenda_in_the_body(tmp_path: Path, language: str) -> None:
    agenda = sample_agenda(language)
    context = render_context(agenda)
    message = roundtrip(compose(agenda, context, settings(), files(tmp_path),
                                message_id="<m@example.com>", date=SENT_AT))
    soup, text = html_of(message), text_of(message)
    fmt = Formatter(agenda.locale, agenda.currency)
    t = labels(language)
    for figure in agenda.headline:
        tile = soup.select_one(f'td[data-key="{figure.key}"]')
        assert tile is not None
        value = tile.select_one(".tile-value")
        assert value is not None
        assert value.get_text() == fmt.value(figure.value, figure.kind)
        assert tile.get_text(" ", strip=True).startswith(t[figure.key])
        assert f"{t[figure.key]}: {fmt.value(figure.value, figure.kind)}" in text
    for line in summary(agenda, context):
        point = soup.select_one(f'td[data-key="{line.key}"]')
        assert point is not None
        assert point.get_text(" ", strip=True) == f"{t[line.key]} {line.text}"
        assert " ".join(line.text.split()) in " ".join(text.split())
    for name in ("pipeline-meeting-2026-11-24.pdf", "pipeline-meeting-2026-11-24.pptx"):
        assert name in soup.get_text() and name in text


def test_summary_is_what_each_point_opens_with() -> None:
    agenda = sample_agenda("en")
    said = point_summaries(agenda, render_context(agenda))
    lines = {line.key: line.text for line in summary(agenda, render_context(agenda))}
    assert lines == {
        "section_targets": said.targets, "section_pipeline": said.pipeline,
        "section_sources": said.sources, "section_customers": said.customers,
        "section_campaigns": said.campaigns, "section_data_notes": lines["section_data_notes"]}
    # 2,310,000 won of 4,800,000 on day 55 of 92: expected 4,800,000 x 55 / 92 = 2,869,565
    assert lines["section_targets"] == ("Won €2.3m of €4.8m on day 55 of 92: €559.6k behind "
                                        "the pace; the forecast reaches 92%.")


def test_the_overview_opens_the_body(tmp_path: Path) -> None:
    agenda = sample_agenda("en")
    context = render_context(agenda)
    overview = point_summaries(agenda, context).overview
    message = roundtrip(compose(agenda, context, settings(), files(tmp_path),
                                message_id="<m@example.com>", date=SENT_AT))
    cell = html_of(message).select_one("td.overview")
    assert cell is not None and cell.get_text(" ", strip=True) == overview
    assert " ".join(overview.split()) in " ".join(text_of(message).split())


def test_subject_default_in_each_language() -> None:
    en, da = sample_agenda("en"), sample_agenda("da")
    assert subject_line(en, None, render_context(en)) == \
        "Pipeline meeting 24 Nov 2026: 48% of target"
    assert subject_line(da, None, render_context(da)) == \
        "Pipelinemøde 24. nov. 2026: 48\u00a0% af målet"


def test_subject_without_a_target() -> None:
    agenda = sample_agenda("en")
    company = dataclasses.replace(agenda.targets.company, target=None, attainment=None)
    agenda = dataclasses.replace(
        agenda, targets=dataclasses.replace(agenda.targets, company=company))
    assert subject_line(agenda, None, render_context(agenda)) == \
        "Pipeline meeting 24 Nov 2026"


def test_subject_template_fields() -> None:
    agenda = sample_agenda("en")
    fmt = Formatter(agenda.locale, agenda.currency)
    assert sorted(subject_values(agenda, fmt)) == sorted(SUBJECT_FIELDS)
    template = ("{{ company }} {{ quarter }}: {{ won }} won, {{ coverage }} coverage "
                "({{ iso_date }})")
    assert subject_line(agenda, template, render_context(agenda)) == \
        "Nordlys Analytics Q4 2026: €2,310,000 won, 2.5× coverage (2026-11-24)"


def evil(agenda: Agenda) -> Agenda:
    return dataclasses.replace(agenda, company="Evil\r\nBcc: victim@example.org\r\n\r\n<b>x</b>")


@pytest.mark.parametrize("template", [None, "{{ company }}: pack for {{ date }}"])
def test_no_header_injection_from_the_data(tmp_path: Path, template: str | None) -> None:
    agenda = evil(sample_agenda("en"))
    message = compose(agenda, render_context(agenda), settings(subject=template),
                      files(tmp_path), message_id="<m@example.com>", date=SENT_AT)
    raw = message.as_bytes()
    head = raw.split(b"\n\n", 1)[0]
    assert b"victim@example.org" not in head.replace(b"\n ", b" ").split(b"Subject:")[0]
    parsed = roundtrip(message)
    assert "Bcc" not in parsed and parsed["To"] == "Anna Holm <anna@example.com>"
    subject = parsed["Subject"]
    assert "\r" not in subject and "\n" not in subject
    if template is not None:
        assert subject == ("Evil Bcc: victim@example.org <b>x</b>: pack for 24 Nov 2026")
    soup = html_of(parsed)
    assert soup.find("b") is None  # escaped in the HTML, not markup


def test_names_from_the_data_are_escaped(tmp_path: Path) -> None:
    agenda = sample_agenda("en")
    agenda = dataclasses.replace(agenda, company=f"{SCRIPT_NAME} {DANISH_ACCOUNT}")
    message = roundtrip(compose(agenda, render_context(agenda), settings(), [],
                                message_id="<m@example.com>", date=SENT_AT))
    soup = html_of(message)
    assert soup.find("script") is None
    assert f"{SCRIPT_NAME} {DANISH_ACCOUNT}" in soup.get_text()
    assert f"{SCRIPT_NAME} {DANISH_ACCOUNT}".upper() in text_of(message)  # not &lt;...
    assert message.get_content_type() == "multipart/alternative"  # nothing attached


def test_file_sizes() -> None:
    assert file_size(1_234_567, "en_GB") == "1.2 MB"
    assert file_size(1_234_567, "da_DK") == "1,2 MB"
    assert file_size(18_400, "en_GB") == "18 kB"
    assert file_size(12, "en_GB") == "1 kB"


def test_an_amount_ending_in_a_dot_ends_the_sentence() -> None:
    agenda = sample_agenda("da")  # Danish kroner: `1.234 kr.`
    fmt = Formatter(agenda.locale, agenda.currency)
    [customers] = [line.text for line in summary(agenda, render_context(agenda))
                   if line.key == "section_customers"]
    won = fmt.money_short(agenda.customers.won_value)
    assert won.endswith("kr.")
    assert f"værd {won} I kvartalet" in customers and "kr.." not in customers


def test_actions_open_the_points_and_the_movement_joins_the_pipeline(tmp_path: Path) -> None:
    base = sample_agenda("en")
    bars = tuple(MovementBar(key, amount, deals) for key, amount, deals in (
        ("new", 45000.0, 1), ("increased", 26000.0, 2), ("decreased", -10000.0, 1),
        ("won", -86000.0, 2), ("lost", -25000.0, 1), ("pushed", -80000.0, 1),
        ("pulled", 35000.0, 1), ("deleted", -15000.0, 1)))
    lost = MovementRow("E", "E deal", "E A/S", "Anna", "Lost", "Discovery", 25000.0, 25000.0,
                       dt.date(2026, 12, 20), dt.date(2026, 12, 20), 0, ("lost",), ("lost",))
    changes = tuple(ChangeList(key, 1, 25000.0, (lost,)) if key == "lost"
                    else ChangeList(key, 0, 0.0, ()) for key in CHANGE_KEYS)
    movement = MovementSection("2026-11-10", dt.date(2026, 11, 10), "UTC", 480000.0, 9, bars,
                               370000.0, 6, changes, changed_deals=1, changed_outside_quarter=0,
                               overdue_count=0, overdue_value=0.0,
                               overdue_before_quarter_count=0, overdue_before_quarter_value=0.0)
    actions = ActionsSection((), (), (), due_since_count=6, due_since_done=2, open_count=7,
                             overdue_count=4, closed_since_count=4, done_since_count=3)
    agenda = dataclasses.replace(base, movement=movement, actions=actions)
    fmt = Formatter(agenda.locale, agenda.currency)
    lines = summary(agenda, render_context(agenda))
    assert [(line.key, line.mark) for line in lines][:3] == [
        ("section_actions", "✓"), ("section_targets", "1"), ("section_pipeline", "2")]
    assert lines[-1].mark == "i"
    assert lines[0].text == ("2 of the 6 actions due since the last meeting are done; 7 actions "
                             "are open, 4 of them overdue.")
    assert f"down from {fmt.money_short(480000)} on 10 Nov 2026: 2 won, 1 lost, 1 pushed out " \
           "of the quarter, 1 pulled in, 1 new, 1 deleted." in lines[2].text
    message = roundtrip(compose(agenda, render_context(agenda), settings(), files(tmp_path),
                                message_id="<m2@example.com>", date=SENT_AT))
    points = [td.get_text() for td in html_of(message).select("span.point-number")]
    assert points == ["✓", "1", "2", "3", "4", "5", "i"]
    # the pipeline opens with its summary; the change lists follow it
    assert lines[2].detail == f"Changed since 10 Nov 2026: Lost 1 ({fmt.money(25000)})."
    cell = html_of(message).select_one('td[data-key="section_pipeline"]')
    assert cell is not None
    opening = cell.select_one(".point-summary")
    assert opening is not None and opening.get_text() == lines[2].text
    assert cell.get_text().endswith(f"{lines[2].text} {lines[2].detail}")
    assert "✓. Actions from the last meeting" in text_of(message)
