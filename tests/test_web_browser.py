"""The web page driven as a user drives it, in Chromium (Playwright): from an empty folder to
a built pack, by an uploaded export or by the starter workbook; the pack opened, its PDF
downloaded, presented one point at a time, actions added and closed, the email previewed."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from report_builder.web.app import create_app
from tests.browser import BROWSER_TESTS, chromium, wait_until
from tests.mail_server import Certificates, MailServer
from tests.test_email import PASSWORD, PASSWORD_ENV, email_table
from tests.test_web import hubspot_export
from tests.web_server import serving

pytestmark = BROWSER_TESTS
MEETING = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def new_page(browser: Any, errors: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def build(page: Any, formats: set[str]) -> None:
    """The build form sent with `formats`, then the pack opened once it is built."""
    for box in page.locator("input[name=formats]").all():
        box.set_checked(box.get_attribute("value") in formats)
    page.get_by_role("button", name="Build", exact=True).click()
    page.get_by_role("link", name="Open the pack").click(timeout=180_000)
    page.frame_locator("iframe.pack").locator("#targets").wait_for()


def add_and_close_an_action(page: Any) -> None:
    panel = page.locator(".actions-panel")
    panel.get_by_label("What was agreed").fill("Call every webinar attendee")
    panel.get_by_label("Owner").fill("Mette")
    panel.get_by_label("Team").select_option("marketing")
    panel.get_by_label("Due").fill("2026-12-08")
    panel.get_by_role("button", name="Add the action").click()
    added = page.locator(".open-actions li", has_text="Call every webinar attendee")
    added.wait_for()
    assert "Mette · marketing · due 2026-12-08" in added.inner_text()
    added.get_by_role("button", name="Done").click()
    # the click posts the form and the page comes back without the action: wait for that,
    # not for the load state, which the page already has when the click returns
    added.wait_for(state="detached")
    assert page.locator(".open-actions li", has_text="Call every webinar attendee").count() == 0


def test_from_an_export_to_the_pack_its_pdf_an_action_and_the_email(
        tmp_path: Path, browser: Any, certificates: Certificates, server: MailServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server.reset()
    folder = tmp_path / "acme"
    folder.mkdir()
    export = tmp_path / "hubspot-crm-exports-all-deals-2026-11-23.csv"
    export.write_bytes(hubspot_export())
    errors: list[str] = []
    with serving(create_app(folder, today=lambda: MEETING)) as base:
        page = new_page(browser, errors)
        page.goto(base)
        page.locator("input[name=exports]").set_input_files(str(export))
        page.get_by_role("button", name="Upload and inspect").click()
        page.get_by_text("looks like a HubSpot deals export").wait_for()
        page.get_by_label("Company name").fill("Acme ApS")
        page.get_by_label("Step of Proposal").select_option("quote")
        page.get_by_label("Probability of Proposal").fill("0.4")
        page.get_by_role("button", name="Check and save report.toml").click()
        page.get_by_role("heading", name="Build the pack").wait_for()
        assert 'Proposal = {step = "quote", probability = 0.4}' in (
            folder / "report.toml").read_text()

        build(page, {"html", "json", "pdf"})
        with page.expect_download() as pdf_download:
            page.get_by_role("link", name="PDF", exact=True).click()
        pdf = Path(pdf_download.value.path()).read_bytes()
        with page.expect_download() as json_download:
            page.get_by_role("link", name="JSON figures").click()
        figures = json.loads(Path(json_download.value.path()).read_bytes())
        company = figures["agenda"]["targets"]["company"]
        assert (company["won"], company["won_deals"]) == (1500, 2)  # deals 1 and 2, by hand
        assert pdf.startswith(b"%PDF")
        text = " ".join(" ".join((p.extract_text() or "").split())
                        for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Acme ApS" in text and "1,500" in text

        add_and_close_an_action(page)
        assert "Call every webinar attendee" in (folder / "actions.csv").read_text()

        config = folder / "report.toml"  # the company adds its mail settings
        config.write_text(config.read_text() + email_table(server.port, certificates))
        page.get_by_role("link", name="Email").click()
        page.get_by_role("button", name="Preview the email").click()
        page.get_by_role("heading", name="The email, as it will be sent").wait_for(
            timeout=180_000)
        assert "Anna Holm" in page.locator("dl.headers").inner_text()
        assert "Acme ApS" in page.frame_locator("iframe.email").locator("body").inner_text()
        assert server.messages == []
    assert errors == []


def test_from_the_starter_workbook_to_presenting_the_pack(tmp_path: Path, browser: Any
                                                          ) -> None:
    folder = tmp_path / "starter"
    folder.mkdir()
    errors: list[str] = []
    with serving(create_app(folder, today=lambda: MEETING)) as base:
        page = new_page(browser, errors)
        page.goto(base)
        page.get_by_label("Company name").fill("Acme Ltd")
        page.get_by_label("Currency").fill("GBP")
        page.get_by_role("button", name="Write the starter files").click()
        page.get_by_role("heading", name="Build the pack").wait_for()
        assert (folder / "pipeline.xlsx").is_file()
        build(page, {"html", "json"})

        page.get_by_role("link", name="Present").click()
        where = page.locator("#present-where")
        where.wait_for()
        wait_until(page, "document.getElementById('present-where').textContent !== ''")
        first = where.inner_text()
        assert first.startswith("1 / ")
        count = int(first.split("/ ")[1])
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        wait_until(page, "document.getElementById('present-where').textContent"
                   ".startsWith('3 /')")
        shown = page.frame_locator("iframe.presented").locator("main > section.presented")
        assert shown.count() == 1 and shown.get_attribute("id") == "targets"
        page.keyboard.press("End")
        wait_until(page, "document.getElementById('present-where').textContent"
                   f" === '{count} / {count}'")
        page.get_by_role("button", name="Actions").click()
        add_and_close_an_action(page)
    assert errors == []
