"""The report.toml that `init` writes: every setting present, commented, with its default.

Settings without a default (the logo, a fixed meeting date, templates, the browser, the deck
template, [email]) are written commented out, so the file loads as it is and shows all there is.
"""

from __future__ import annotations

import datetime as dt
import json

from report_builder.starter.examples import Stage

DEFAULT_FORMATS = ("html", "pdf", "json")


def toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _stage_lines(stages: tuple[Stage, ...]) -> str:
    width = max(len(toml_string(s.name)) for s in stages)
    lines = []
    for s in stages:
        spec = f'step = "{s.step}"'
        if s.probability is not None:
            spec += f", probability = {s.probability}"
        lines.append(f"{toml_string(s.name):<{width}} = {{ {spec} }}")
    return "\n".join(lines)


def _kv(key: str, value: str, comment: str) -> str:
    return f"{f'{key} = {value}':<32} # {comment}"


def config_text(*, company: str, currency: str, locale: str, anchor: dt.date, data_path: str,
                stages: tuple[Stage, ...]) -> str:
    """The text of report.toml for a new company."""
    formats = ", ".join(toml_string(f) for f in DEFAULT_FORMATS)
    return f"""\
# report-builder: the pipeline meeting pack for {company.replace(chr(10), " ")}.
# Check it with `report-builder validate report.toml`; build with `report-builder build
# report.toml`. Paths are relative to this file. Lines starting with # are comments: remove the
# # to use a setting.

[company]
name = {toml_string(company)}
{_kv("currency", toml_string(currency), "ISO 4217 code of the amounts")}
{_kv("locale", toml_string(locale), "number and date formats; da_* gives Danish labels")}
fiscal_year_start_month = 1      # 1 = the fiscal year starts in January
# timezone = "Europe/Copenhagen" # the days of the CRM's change times (default: "UTC")
# logo = "logo.png"              # shown on the pack's cover and header

[meeting]
{_kv("cadence_anchor", anchor.isoformat(), "the first meeting (a Tuesday); the meetings")}
cadence_days = 14                # are every cadence_days days from it
{_kv("# as_of", anchor.isoformat(), "always build for this meeting day (default: the")}
                                 # next meeting of the cadence, or --as-of)
campaign_horizon_weeks = 6       # upcoming campaigns: those starting within this many weeks
stale_after_days = 30            # an open deal whose stage has not changed for this long is stale
sources_window_days = 365        # where sales come from: leads and deals of this many days
top_n = 10                       # rows in the lists of largest, overdue and stale deals

[data]
path = {toml_string(data_path)}
# date_format = "%d-%m-%Y"       # for dates written as text, when they are ambiguous
decimal = "."                    # the decimal separator of amounts written as text: "." or ","
currency_rates = {{}}              # company currency per unit, e.g. {{ EUR = 7.46, USD = 6.9 }}
# preset = "canonical"           # or hubspot, salesforce, pipedrive for a CRM's own exports
# deals = "exports/deals.csv"    # a table from its own file (also {{ path = "...", sheet = "..." }}
#                                # or {{ sql = "SELECT ...", url = "sqlite:///crm.db" }}); likewise
#                                # leads, targets and campaigns; a query may bind the meeting's
#                                # :as_of, :period_start, :quarter_start, :quarter_end, :since
# encoding = "utf-8"             # of CSV files, when it is not detected right
# separator = ";"                # of CSV files, when it is not detected right
# empty_values = ["-"]           # texts that mean "no value" in your files
# pipelines = ["Sales"]          # report only these pipelines of the export
# merge_channel_spellings = false  # keep "LinkedIn" and "linkedin" apart (merged by default)
# [data.columns.deals]           # a canonical column from a header of your own
# owner = "Sales Agent"
# [data.defaults.deals]          # the text an empty or missing cell gets
# team = "Sales"

[stages]
# Each stage of your CRM: its funnel step (opportunity, quote, won or lost) and the default
# chance to win an open deal in it (0-1). The workbook's stage drop-down lists these names.
{_stage_lines(stages)}

[output]
formats = [{formats}]  # also "pptx" (meeting deck) and "deck" (customer deck)
dir = "out"
# templates = "templates"        # a folder of your own templates that replace ours
page_orientation = "landscape"   # of the PDF: landscape or portrait
# browser = "/usr/bin/chromium"  # the Chrome/Chromium that draws the PDF's charts

[deck]
# template = "company.pptx"      # your PowerPoint template (.pptx or .potx); ours by default
reference_days = 90              # the customer deck: customers won in this many days
# [deck.layouts]                 # the template's layout names, when they are not the usual
# title = "Title Slide"
# agenda = "Title and Content"
# content = "Title Only"

# [email]                        # for `report-builder send` (see the README)
# host = "smtp.example.com"
# port = 587
# security = "starttls"          # starttls, ssl or none
# username = "pipeline@example.com"
# password_env = "SMTP_PASSWORD" # the environment variable that holds the password
# sender = "Pipeline <pipeline@example.com>"
# to = ["sales@example.com", "marketing@example.com"]
# cc = []
# bcc = []
# attach = ["pdf"]
# days_before = 1
# max_attachments_mb = 20
# timeout = 30
# retries = 3
# retry_delay = 10
# subject = "Pipeline meeting {{{{ date }}}}: {{{{ attainment }}}} of target"
# ca_file = "internal-ca.pem"
# send_log = "report.send-log.sqlite"
"""
