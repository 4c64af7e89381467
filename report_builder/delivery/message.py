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
from report_builder.model.agenda import Agenda
from report_builder.renderers.context import RenderContext
from report_builder.renderers.summaries import point_summaries

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
    """One agenda point in the email: its title's label key, the sentences it opens with and
    what the email adds after them."""

    key: str
    text: str
    mark: str = ""  # what the point is numbered with: 1-5, `i` for the data notes
    detail: str = ""  # after the opening sentences: the pipeline's change lists


def compose(agenda: Agenda, context: RenderContext, settings: EmailConfig,
            attachments: Sequence[Attachment], *, message_id: str,
            date: dt.datetime) -> EmailMessage:
    """The message for `agenda`, in the words and formats of the build's `context` (and its
    template folder), ready to send; Bcc recipients are in no header."""
    subject = subject_line(agenda, settings.subject, context)
    env = _environment(context)
    values = {
        "agenda": agenda, "subject": subject, "summary": summary(agenda, context),
        "overview": point_summaries(agenda, context).overview,
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
        "company": agenda.company, "pack": agenda.scope.name if agenda.scope else "",
        "date": fmt.date(agenda.as_of),
        "iso_date": agenda.as_of.isoformat(), "quarter": fmt.quarter(agenda.quarter),
        "attainment": fmt.percent(c.attainment), "won": fmt.money(c.won),
        "target": fmt.money(c.target), "forecast": fmt.money(c.forecast),
        "gap": fmt.money(c.gap), "coverage": fmt.ratio(c.coverage),
        "next_meeting": fmt.date(agenda.next_meeting),
    }


def subject_line(agenda: Agenda, template: str | None, context: RenderContext) -> str:
    """The configured subject template, else the pack language's own (naming the team or
    seller of a pack per team or seller); always one clean line."""
    values = subject_values(agenda, context.fmt)
    if template is None:
        no_target = agenda.targets.company.attainment is None
        key = ("email_subject" + ("_of_pack" if agenda.scope else "")
               + ("_no_target" if no_target else ""))
        text = context.t(key, **values)
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
    """The actions, the five points and the data notes, a line each in the pack's language:
    each point's opening sentences, as the pack opens it with (renderers/summaries.py), and
    after the pipeline's, each change list's count and total."""
    fmt, t = context.fmt, context.t
    said = point_summaries(agenda, context)
    notes = agenda.data_notes
    data = (t("email_data", date=fmt.date(notes.latest_activity),
              days=fmt.days(notes.days_since_latest_activity), count=len(notes.notes))
            if notes.latest_activity is not None else
            t("email_data_no_activity", count=len(notes.notes)))
    mv = agenda.movement
    changed = None if mv is None else changes_summary(
        mv, fmt.date(mv.previous_date) if mv.previous_date else mv.compared_to, fmt, t)
    opening = [] if said.actions is None else [SummaryLine("section_actions", said.actions, "✓")]
    lines = [
        *opening,
        SummaryLine("section_targets", said.targets, "1"),
        SummaryLine("section_pipeline", said.pipeline, "2", changed or ""),
        SummaryLine("section_sources", said.sources, "3"),
        SummaryLine("section_customers", said.customers, "4"),
        SummaryLine("section_campaigns", said.campaigns, "5"),
        SummaryLine("section_data_notes", data, "i"),
    ]
    return [SummaryLine(line.key, _one_stop(line.text), line.mark, _one_stop(line.detail))
            for line in lines]


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
