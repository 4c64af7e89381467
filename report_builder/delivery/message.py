"""The email: an HTML body that reads well in Outlook and Gmail, a plain-text twin, the files.

The bodies come from templates/email/ (a user's output.templates folder overrides them by name,
as for the HTML pack) with autoescape on for HTML. The HTML is laid out with tables, has no
scripts and no remote resources, and its CSS is moved into style attributes by css-inline, as
most mail clients drop <style> blocks (media queries stay in one, for phones). The subject is a
user's template rendered in a sandbox; its result, like every header, is one line: control
characters become spaces, so nothing from the data or the config can add a header.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import css_inline
import jinja2
from babel.units import format_unit
from markupsafe import Markup

from report_builder.config.addresses import has_control_characters
from report_builder.config.email import EmailConfig, subject_environment
from report_builder.decks.notes import changes_summary
from report_builder.formatting import Formatter
from report_builder.i18n import shown
from report_builder.model.agenda import Agenda
from report_builder.renderers.context import RenderContext

MAX_SUBJECT = 200  # characters; longer subjects are cut with an ellipsis

_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Attachment:
    path: Path
    media_type: str  # e.g. application/pdf

    @property
    def size(self) -> int:
        return self.path.stat().st_size


@dataclass(frozen=True)
class SummaryLine:
    """One agenda point in the email: its title's label key and one sentence of figures."""

    key: str
    text: str
    mark: str = ""  # what the point is numbered with: 1-5, `i` for the data notes


def compose(agenda: Agenda, context: RenderContext, settings: EmailConfig,
            attachments: Sequence[Attachment], *, message_id: str,
            date: dt.datetime) -> EmailMessage:
    """The message for `agenda`, in the words and formats of the build's `context` (and its
    template folder), ready to send; Bcc recipients are in no header."""
    subject = subject_line(agenda, settings.subject, context)
    env = _environment(context)
    values = {
        "agenda": agenda, "subject": subject, "summary": summary(agenda, context),
        "preheader": preheader(agenda, context),
        "attachments": [(a.path.name, file_size(a.size, agenda.locale)) for a in attachments],
        "colors": dict(context.theme.colors), "font": Markup(context.theme.font_family),
    }
    html = _INLINER.inline(env.get_template("email.html").render(values))
    text = env.get_template("email.txt").render(values)

    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    if settings.to:
        message["To"] = settings.to
    if settings.cc:
        message["Cc"] = settings.cc
    message["Date"] = email.utils.format_datetime(date)
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message["X-Auto-Response-Suppress"] = "All"  # the same, for Exchange
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for attachment in attachments:
        maintype, _, subtype = attachment.media_type.partition("/")
        message.add_attachment(attachment.path.read_bytes(), maintype, subtype,
                               filename=attachment.path.name)
    return message


def subject_values(agenda: Agenda, fmt: Formatter) -> dict[str, str]:
    """The fields a subject template may use (SUBJECT_FIELDS in config/email.py), formatted as
    shown in the pack."""
    c = agenda.targets.company
    return {
        "company": agenda.company, "date": fmt.date(agenda.as_of),
        "iso_date": agenda.as_of.isoformat(), "quarter": agenda.quarter,
        "attainment": fmt.percent(c.attainment), "won": fmt.money(c.won),
        "target": fmt.money(c.target), "forecast": fmt.money(c.forecast),
        "gap": fmt.money(c.gap), "coverage": fmt.ratio(c.coverage),
        "next_meeting": fmt.date(agenda.next_meeting),
    }


def subject_line(agenda: Agenda, template: str | None, context: RenderContext) -> str:
    """The configured subject template, else the pack language's own; always one clean line."""
    values = subject_values(agenda, context.fmt)
    if template is None:
        no_target = agenda.targets.company.attainment is None
        text = context.t("email_subject_no_target" if no_target else "email_subject", **values)
    else:
        text = subject_environment().from_string(template).render(values)
    return one_line(text, MAX_SUBJECT)


def one_line(text: str, limit: int) -> str:
    """`text` as one header-safe line: control characters and runs of white space become one
    space."""
    cleaned = "".join(" " if has_control_characters(c) else c for c in text)
    cleaned = re.sub(r"\s+", _one_space, cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "\u2026"


def _one_space(run: re.Match[str]) -> str:
    """Runs of spaces become one; a lone no-break space (as in `48 %`) stays as it is."""
    return run.group() if run.group() == "\u00a0" else " "


def summary(agenda: Agenda, context: RenderContext) -> list[SummaryLine]:
    """The five points and the data notes, a sentence of figures each, in the pack's language."""
    fmt, t, language = context.fmt, context.t, context.language
    c = agenda.targets.company
    p = agenda.pipeline
    targets = (t("email_targets", won=fmt.money(c.won), target=fmt.money(c.target),
                 attainment=fmt.percent(c.attainment), forecast=fmt.money(c.forecast),
                 gap=fmt.money(c.gap))
               if c.target is not None else
               t("email_targets_no_target", won=fmt.money(c.won), forecast=fmt.money(c.forecast)))
    channels = [row for row in agenda.sources.channels if row.meetings or row.revenue]
    if channels:
        by_meetings = max(channels, key=lambda r: r.meetings)
        by_revenue = max(channels, key=lambda r: r.revenue)
        sources = t("email_sources",
                    meetings_name=shown(by_meetings.name, language),
                    meetings=fmt.count(by_meetings.meetings),
                    revenue_name=shown(by_revenue.name, language),
                    revenue=fmt.money(by_revenue.revenue))
    else:
        sources = t("email_sources_none")
    statuses = [row.status for row in agenda.campaigns.upcoming]
    notes = agenda.data_notes
    data = (t("email_data", date=fmt.date(notes.latest_activity),
              days=fmt.days(notes.days_since_latest_activity), count=len(notes.notes))
            if notes.latest_activity is not None else
            t("email_data_no_activity", count=len(notes.notes)))
    pipeline = t("email_pipeline", count=fmt.count(p.open_count), value=fmt.money(p.open_value),
                 weighted=fmt.money(p.open_weighted), overdue=fmt.count(p.overdue_count),
                 stale=fmt.count(p.stale_count))
    mv = agenda.movement
    if mv is not None:
        bars = {b.key: b.deals for b in mv.bars}
        since = fmt.date(mv.previous_date) if mv.previous_date else mv.compared_to
        pipeline += " " + t("email_movement", date=since, start=fmt.money(mv.start_value),
                            end=fmt.money(mv.end_value), new=fmt.count(bars["new"]),
                            won=fmt.count(bars["won"]), lost=fmt.count(bars["lost"]),
                            pushed=fmt.count(bars["pushed"]))
        changed = changes_summary(mv, since, fmt, t)
        pipeline += f" {changed}" if changed else ""
    a = agenda.actions
    opening = [] if a is None else [SummaryLine("section_actions", t(
        "email_actions", due=fmt.count(a.due_since_count), done=fmt.count(a.due_since_done),
        open=fmt.count(a.open_count), overdue=fmt.count(a.overdue_count),
        closed=fmt.count(a.closed_since_count)), "✓")]
    lines = [
        *opening,
        SummaryLine("section_targets", targets, "1"),
        SummaryLine("section_pipeline", pipeline, "2"),
        SummaryLine("section_sources", sources, "3"),
        SummaryLine("section_customers", t(
            "email_customers", count=fmt.count(agenda.customers.won_count),
            value=fmt.money(agenda.customers.won_value),
            new=fmt.count(agenda.customers.new_customers)), "4"),
        SummaryLine("section_campaigns", t(
            "email_campaigns", running=fmt.count(statuses.count("running")),
            starting=fmt.count(statuses.count("starting")),
            horizon=fmt.date(agenda.campaigns.horizon_end),
            ended=fmt.count(len(agenda.campaigns.ended))), "5"),
        SummaryLine("section_data_notes", data, "i"),
    ]
    return [SummaryLine(line.key, _one_stop(line.text), line.mark) for line in lines]


def _one_stop(text: str) -> str:
    """An amount that ends in a dot (`8.130.836 kr.`) closes its sentence itself: no `kr..`."""
    text = text.replace(".. ", ". ")
    return text[:-1] if text.endswith("..") else text


def preheader(agenda: Agenda, context: RenderContext) -> str:
    """The line an inbox shows after the subject: the first three headline figures."""
    t, fmt = context.t, context.fmt
    return " · ".join(f"{t(h.key)}: {fmt.value(h.value, h.kind)}" for h in agenda.headline[:3])


def file_size(size: int, locale: str) -> str:
    """`1.2 MB`, `340 kB` in the locale's digits."""
    if size >= 1000 * 1000:
        return str(format_unit(round(size / 1e6, 1), "digital-megabyte", length="short",
                               locale=locale))
    return str(format_unit(max(1, round(size / 1e3)), "digital-kilobyte", length="short",
                           locale=locale))


def _environment(context: RenderContext) -> jinja2.Environment:
    """The pack's template environment for templates/email/, escaping HTML only (not .txt)."""
    from report_builder.renderers.html import template_environment

    env = template_environment("email", context)
    autoescape: Callable[[str | None], bool] = jinja2.select_autoescape(
        enabled_extensions=("html",), disabled_extensions=("txt",))
    env.autoescape = autoescape
    return env
