"""The report.toml that `init` writes: every setting present, commented, with its default.

Settings without a default (the logo, the company's profile for the customer deck, a fixed
meeting date, templates, the browser, the deck template, [email]) are written commented out, so
the file loads as it is and shows all there is. The file is made by a TOML writer
(starter/toml_doc.py), so any company or stage name is escaped.
"""

from __future__ import annotations

import datetime as dt

from report_builder.config.schema import CONTACT_KEYS
from report_builder.starter import toml_doc as t
from report_builder.starter.examples import Stage

DEFAULT_FORMATS = ("html", "pdf", "json")

_DATA_COMMENTED = (
    ("preset", "canonical", "or hubspot, salesforce, pipedrive for a CRM's own exports"),
    ("deals", "exports/deals.csv", "a table from its own file (also { path = \"...\", sheet = "
     "\"...\" } or { sql = \"SELECT ...\", url = \"sqlite:///crm.db\" }); likewise leads, "
     "targets and campaigns; a query may bind the meeting's :as_of, :period_start, "
     ":quarter_start, :quarter_end, :since"),
    ("encoding", "utf-8", "of CSV files, when it is not detected right"),
    ("separator", ";", "of CSV files, when it is not detected right"),
    ("empty_values", ["-"], "texts that mean \"no value\" in your files"),
    ("pipelines", ["Sales"], "report only these pipelines of the export"),
    ("merge_channel_spellings", False, "keep \"LinkedIn\" and \"linkedin\" apart (merged by "
     "default)"),
)

_EMAIL_COMMENTED: tuple[tuple[str, object, str | None], ...] = (
    ("host", "smtp.example.com", None), ("port", 587, None),
    ("security", "starttls", "starttls, ssl or none"),
    ("username", "pipeline@example.com", None),
    ("password_env", "SMTP_PASSWORD", "the environment variable that holds the password"),
    ("sender", "Pipeline <pipeline@example.com>", None),
    ("to", ["sales@example.com", "marketing@example.com"], None), ("cc", [], None),
    ("bcc", [], None), ("attach", ["pdf"], None), ("days_before", 1, None),
    ("max_attachments_mb", 20, None), ("timeout", 30, None), ("retries", 3, None),
    ("retry_delay", 10, None),
    ("subject", "Pipeline meeting {{ date }}: {{ attainment }} of target", None),
    ("ca_file", "internal-ca.pem", None), ("send_log", "report.send-log.sqlite", None),
)


def _company(company: str, currency: str, locale: str) -> object:
    sec = t.table()
    sec.add("name", company)
    sec.add("currency", t.value(currency, "ISO 4217 code of the amounts"))
    sec.add("locale", t.value(locale, "number and date formats; da_* gives Danish labels"))
    sec.add("fiscal_year_start_month", t.value(1, "1 = the fiscal year starts in January"))
    sec.add(t.commented("timezone", "Europe/Copenhagen", "the days of the CRM's change times "
                        "(default: \"UTC\")"))
    sec.add(t.commented("logo", "logo.png", "shown on the pack's cover and header"))
    sec.add(t.comment(""))
    sec.add(t.comment("[company.profile]  # what the customer deck says about you; where it is "
                      "empty, the deck says what to write here"))
    sec.add(t.commented("tagline", "", "one line under your name on the title slide"))
    sec.add(t.commented("about", "", "who you are, in a few sentences"))
    sec.add(t.comment("[[company.profile.offer]]  # one table per thing you offer (six at "
                      "most)"))
    sec.add(t.commented("title", ""))
    sec.add(t.commented("text", "", "one line about it"))
    sec.add(t.comment("[company.profile.contact]  # how customers reach you"))
    for key in CONTACT_KEYS:
        sec.add(t.commented(key, ""))
    return sec


def _meeting(anchor: dt.date) -> object:
    sec = t.table()
    sec.add("cadence_anchor", t.value(anchor, "the first meeting (a Tuesday); the meetings are "
                                      "every cadence_days days from it"))
    sec.add("cadence_days", 14)
    sec.add(t.commented("as_of", anchor, "always build for this meeting day (default: the "
                        "next meeting of the cadence, or --as-of)"))
    sec.add("campaign_horizon_weeks", t.value(6, "upcoming campaigns: those starting within "
                                              "this many weeks"))
    sec.add("stale_after_days", t.value(30, "an open deal whose stage has not changed for this "
                                        "long is stale"))
    sec.add("sources_window_days", t.value(365, "where sales come from: leads and deals of "
                                           "this many days"))
    sec.add("top_n", t.value(10, "rows in the lists of largest, overdue and stale deals"))
    return sec


def _data(data_path: str) -> object:
    sec = t.table()
    sec.add("path", data_path)
    sec.add(t.commented("date_format", "%d-%m-%Y", "for dates written as text, when they are "
                        "ambiguous"))
    sec.add("decimal", t.value(".", "the decimal separator of amounts written as text: "
                               "\".\" or \",\""))
    sec.add("currency_rates", t.inline({}, "company currency per unit, e.g. { EUR = 7.46, "
                                       "USD = 6.9 } (1 EUR = 7.46 of the company currency)"))
    for key, example, note in _DATA_COMMENTED:
        sec.add(t.commented(key, example, note))
    sec.add(t.comment("[data.columns.deals]  # a canonical column from a header of your own"))
    sec.add(t.commented("owner", "Sales Agent"))
    sec.add(t.comment("[data.defaults.deals]  # the text an empty or missing cell gets"))
    sec.add(t.commented("team", "Sales"))
    return sec


def _stages(stages: tuple[Stage, ...]) -> object:
    sec = t.table()
    sec.add(t.comment("Each stage of your CRM: its funnel step (opportunity, quote, won or lost) "
                      "and the default"))
    sec.add(t.comment("chance to win an open deal in it (0-1). The workbook's stage drop-down "
                      "lists these names."))
    for s in stages:
        spec: dict[str, object] = {"step": s.step}
        if s.probability is not None:
            spec["probability"] = s.probability
        sec.add(s.name, t.inline(spec))
    return sec


def _output() -> object:
    sec = t.table()
    sec.add("formats", t.value(list(DEFAULT_FORMATS), "also \"pptx\" (meeting deck) and "
                               "\"customer-deck\""))
    sec.add("dir", "out")
    sec.add(t.commented("templates", "templates", "a folder of your own templates that replace "
                        "ours"))
    sec.add("page_orientation", t.value("landscape", "of the PDF: landscape or portrait"))
    sec.add(t.commented("browser", "/usr/bin/chromium", "the Chrome/Chromium that draws the "
                        "PDF's charts"))
    return sec


def _deck() -> object:
    sec = t.table()
    sec.add(t.commented("template", "company.pptx", "your PowerPoint template (.pptx or .potx); "
                        "ours by default"))
    sec.add("reference_days", t.value(90, "the customer deck: customers won in this many days"))
    sec.add(t.comment("[deck.layouts]  # the template's layout names, when they are not the "
                      "usual"))
    for kind, name in (("title", "Title Slide"), ("agenda", "Title and Content"),
                       ("content", "Title Only")):
        sec.add(t.commented(kind, name))
    sec.add(t.comment(""))
    sec.add(t.comment("[email]  # for `report-builder send` (see the README)"))
    for key, example, note in _EMAIL_COMMENTED:
        sec.add(t.commented(key, example, note))
    return sec


def config_text(*, company: str, currency: str, locale: str, anchor: dt.date, data_path: str,
                stages: tuple[Stage, ...]) -> str:
    """The text of report.toml for a new company."""
    doc = t.document()
    doc.add(t.comment(f"report-builder: the pipeline meeting pack for {company}."))
    doc.add(t.comment("Check it with `report-builder validate report.toml`; build with "
                      "`report-builder build report.toml`."))
    doc.add(t.comment("Paths are relative to this file. Lines starting with # are comments: "
                      "remove the # to use a setting."))
    doc.add("company", _company(company, currency, locale))
    doc.add("meeting", _meeting(anchor))
    doc.add("data", _data(data_path))
    doc.add("stages", _stages(stages))
    doc.add("output", _output())
    doc.add("deck", _deck())
    return t.dumps(doc)
