"""The web page over HTTP, served for real (uvicorn on loopback): who may use it, the forms'
CSRF tokens, uploads kept inside the folder, one build at a time, and the page doing what the
commands do (build, actions, email preview and send, setup from an export)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import threading
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from report_builder.cli import main
from report_builder.web.app import create_app
from report_builder.web.jobs import JobRunner
from tests.mail_server import Certificates, MailServer
from tests.test_email import email_table
from tests.test_inspect import DEALS, HEADER, export
from tests.test_presets import csv_bytes
from tests.web_server import csrf_of, example_folder, serving

MEETING = dt.date(2026, 11, 24)
TOKEN = "correct horse battery staple"


def client(base: str) -> httpx.Client:
    return httpx.Client(base_url=base, follow_redirects=False, timeout=120)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return example_folder(tmp_path / "nordlys")


@pytest.fixture
def page(example: Path) -> Iterator[tuple[str, Path]]:
    with serving(create_app(example, today=lambda: MEETING)) as base:
        yield base, example


def wait_for(http: httpx.Client, location: str) -> dict:
    """The job at `location` once it is done (its status, polled as the page's script does)."""
    deadline = dt.datetime.now() + dt.timedelta(seconds=180)
    while True:
        status = http.get(f"{location}/status").json()
        if status["done"]:
            return status
        assert dt.datetime.now() < deadline, status
        threading.Event().wait(0.2)


def post(http: httpx.Client, url: str, data: dict, **kwargs: object) -> httpx.Response:
    """A form sent as the page sends it: with the CSRF token of a page the browser loaded."""
    token = csrf_of(http.get("/").text)
    return http.post(url, data={"csrf": token, **data}, **kwargs)  # type: ignore[arg-type]


# -- who may use it ------------------------------------------------------------------------------
def test_another_host_than_loopback_without_a_token_exits_2(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    assert main(["serve", str(tmp_path), "--host", "0.0.0.0"]) == 2
    assert "--token-env" in capsys.readouterr().err
    os.environ.pop("RB_TEST_NO_SUCH_TOKEN", None)
    assert main(["serve", str(tmp_path), "--host", "0.0.0.0", "--token-env",
                 "RB_TEST_NO_SUCH_TOKEN"]) == 2
    assert "RB_TEST_NO_SUCH_TOKEN is not set" in capsys.readouterr().err
    with pytest.raises(ValueError, match="token"):
        create_app(tmp_path, host="0.0.0.0")


def test_a_token_is_asked_once_and_a_wrong_one_refused(example: Path) -> None:
    with serving(create_app(example, token=TOKEN, host="0.0.0.0")) as base, client(base) as http:
        first = http.get("/")
        assert first.status_code == 303 and first.headers["location"] == "/login?next=/"
        login = http.get("/login?next=/send")
        # nothing of the company before the sign-in
        assert "Nordlys" not in login.text and str(example) not in login.text
        token = csrf_of(login.text)
        wrong = http.post("/login", data={"csrf": token, "token": TOKEN + "x", "next": "/"})
        assert wrong.status_code == 401 and "rb_auth" not in wrong.headers.get("set-cookie", "")
        assert http.get("/packs/2026-11-24/json").status_code == 303  # files too
        assert http.post("/build", data={"csrf": token}).status_code == 401
        right = http.post("/login", data={"csrf": token, "token": TOKEN,
                                          "next": "//evil.example/"})
        assert right.status_code == 303 and right.headers["location"] == "/"  # never off-site
        assert "HttpOnly" in right.headers["set-cookie"]
        home = http.get("/")
        assert home.status_code == 200 and "Nordlys ApS" in home.text


def test_on_loopback_only_loopback_names_are_answered(page: tuple[str, Path]) -> None:
    """A site whose name is made to point at 127.0.0.1 (DNS rebinding) gets nothing."""
    base, _ = page
    with client(base) as http:
        assert http.get("/").status_code == 200
        assert http.get("/", headers={"host": "evil.example"}).status_code == 400


def test_every_form_refuses_a_request_without_its_csrf_token(page: tuple[str, Path]) -> None:
    base, folder = page
    app_routes = create_app(folder).routes
    posts = [getattr(r, "path", "") for r in app_routes
             if "POST" in (getattr(r, "methods", None) or ())]
    assert {"/build", "/actions/add", "/actions/close", "/send", "/setup", "/setup/upload",
            "/setup/workbook", "/login"} <= set(posts)
    before = (folder / "data" / "actions.csv").read_bytes()
    with client(base) as http:
        http.get("/")  # the session cookie
        for path in posts:
            for token in (None, "0" * 64):
                data = {"text": "x", "owner": "y", "team": "sales", "due": "2026-12-01"}
                if token is not None:
                    data["csrf"] = token
                files = {"exports": ("deals.csv", b"a,b\n1,2\n")} if path == "/setup/upload" \
                    else None
                response = http.post(path, data=data, files=files)
                assert response.status_code in (403, 409), (path, response.status_code)
                if response.status_code == 409:  # the folder has a config: refused first
                    assert path.startswith("/setup")
    assert (folder / "data" / "actions.csv").read_bytes() == before
    assert not (folder / "out").exists()


# -- uploads stay inside the folder -----------------------------------------------------------
def hubspot_export() -> bytes:
    return csv_bytes(HEADER, export(DEALS), bom=True, crlf=True)


def test_an_upload_named_outside_the_folder_lands_inside_it(tmp_path: Path) -> None:
    folder = tmp_path / "co"
    folder.mkdir()
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("../../escaped.csv", "a,b\n1,2\n")
        archive.writestr("/abs/also.csv", "a,b\n1,2\n")
    with serving(create_app(folder, today=lambda: MEETING)) as base, client(base) as http:
        token = csrf_of(http.get("/").text)
        response = http.post("/setup/upload", data={"csrf": token}, files=[
            ("exports", ("../../etc/passwd", b"root:x:0:0\n")),
            ("exports", ("../../etc/passwd.csv", b"a,b\n1,2\n")),
            ("exports", ("../../hubspot-crm-exports-all-deals.csv", hubspot_export())),
            ("exports", ("more.zip", zipped.getvalue()))])
        assert response.status_code == 303, response.text
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    (batch,) = {Path(p).parent for p in written}
    assert batch.parent == Path("exports")
    assert sorted(Path(p).name for p in written) == [
        "also.csv", "escaped.csv", "hubspot-crm-exports-all-deals.csv", "passwd.csv"]
    # (the passwd without a suffix is no export: not written at all)
    assert not (tmp_path / "escaped.csv").exists() and not (tmp_path.parent / "escaped.csv"
                                                             ).exists()


def test_an_upload_over_the_limit_is_refused_and_nothing_kept(tmp_path: Path) -> None:
    folder = tmp_path / "co"
    folder.mkdir()
    with serving(create_app(folder, max_upload=1000)) as base, client(base) as http:
        token = csrf_of(http.get("/").text)
        response = http.post("/setup/upload", data={"csrf": token},
                             files={"exports": ("deals.csv", b"x" * 3_000_000)})
        assert response.status_code == 413
        assert "larger than" in response.text
        # within the request's length, over the limit once unzipped
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("deals.csv", "0" * 200_000)
        response = http.post("/setup/upload", data={"csrf": token},
                             files={"exports": ("export.zip", zipped.getvalue())})
        assert response.status_code == 400 and "larger than 0 MB" in response.text
    assert [p for p in folder.rglob("*") if p.is_file()] == []


# -- one build at a time ------------------------------------------------------------------------
def test_a_second_job_while_one_runs_gets_the_running_one() -> None:
    runner = JobRunner()
    release = threading.Event()
    calls = []

    def work(progress: object) -> str:
        calls.append(1)
        release.wait(10)
        return "built"

    first, started = runner.start("build", "one", work)
    second, started_again = runner.start("build", "two", work)
    assert started and not started_again and second is first
    release.set()
    runner.wait(10)
    assert first.result == "built" and calls == [1]
    third, started = runner.start("build", "three", lambda _: None)
    assert started and third is not first


def test_two_build_requests_make_one_build(page: tuple[str, Path]) -> None:
    base, folder = page
    with client(base) as http:
        token = csrf_of(http.get("/").text)
        form = {"csrf": token, "as_of": "2026-11-24", "formats": ["html", "json"]}
        one = http.post("/build", data=form)
        two = http.post("/build", data=form)
        assert one.status_code == two.status_code == 303
        assert one.headers["location"] == two.headers["location"]
        status = wait_for(http, one.headers["location"])
    assert status["error"] is None
    assert status["outcome"] == {"pack": "/packs/2026-11-24"}
    assert [s["step"] for s in status["steps"]][0] == "Loading the dataset"


# -- the page does what the commands do ----------------------------------------------------------
def test_build_then_the_pack_its_files_and_the_actions(page: tuple[str, Path]) -> None:
    base, folder = page
    with client(base) as http:
        started = post(http, "/build", {"as_of": "2026-11-24", "formats": ["html", "json"]})
        assert wait_for(http, started.headers["location"])["error"] is None
        pack = http.get("/packs/2026-11-24")
        assert pack.status_code == 200 and "A-002" in pack.text
        figures = http.get("/packs/2026-11-24/json")
        assert figures.headers["content-disposition"].startswith("attachment")
        agenda = json.loads(figures.content)["agenda"]
        html = http.get("/packs/2026-11-24/html")
        assert "sandbox" in html.headers["content-security-policy"]
        assert html.content == (folder / "out" / "pipeline-meeting-2026-11-24.html").read_bytes()
        present = http.get("/packs/2026-11-24/present")
        assert b"presenting" in present.content and b"</body>" in present.content
        assert http.get("/packs/2026-11-24/pdf").status_code == 404  # not built
        assert http.get("/packs/2026-11-25").status_code == 404
        assert http.get("/packs/..%2F..%2Fetc/html").status_code == 404
        # an action added and closed, in the table the CLI edits
        added = post(http, "/actions/add", {"text": "Ring the webinar's attendees",
                                             "owner": "Mette Jensen", "team": "sales",
                                             "due": "2026-12-08", "next": "/present/2026-11-24"})
        assert added.status_code == 303
        new_id = added.headers["location"].split("#")[1]
        assert added.headers["location"] == f"/present/2026-11-24#{new_id}"
        rows = list(csv.DictReader(io.StringIO((folder / "data" / "actions.csv").read_text())))
        (row,) = [r for r in rows if r["action_id"] == new_id]
        assert (row["owner"], row["due"], row["status"]) == ("Mette Jensen", "2026-12-08",
                                                                    "open")
        closed = post(http, "/actions/close", {"action_id": new_id, "status": "done",
                                               "next": "/packs/2026-11-24"})
        assert closed.status_code == 303
        rows = list(csv.DictReader(io.StringIO((folder / "data" / "actions.csv").read_text())))
        assert [r["status"] for r in rows if r["action_id"] == new_id] == ["done"]
        refused = post(http, "/actions/close", {"action_id": "A-999"})
        assert refused.status_code == 400 and "A-999" in refused.text
    assert agenda["targets"]["company"]["won"] > 0


def test_a_failed_build_shows_its_error_and_writes_nothing(page: tuple[str, Path]) -> None:
    base, folder = page
    deals = folder / "data" / "deals.csv"
    deals.write_text(deals.read_text() + "D-BAD,x,y,z,Nowhere stage,abc\n")
    with client(base) as http:
        started = post(http, "/build", {"as_of": "2026-11-24", "formats": ["html", "json"]})
        status = wait_for(http, started.headers["location"])
        assert status["error"] and "deals.csv" in status["error"]
        shown = http.get(started.headers["location"]).text
        assert "Nothing was written" in shown
    assert not (folder / "out").exists()


def test_the_email_preview_is_the_dry_run_and_send_keeps_the_once_per_meeting_rule(
        tmp_path: Path, certificates: Certificates, server: MailServer,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_email import PASSWORD, PASSWORD_ENV

    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server.reset()
    folder = example_folder(tmp_path / "nordlys", email=email_table(server.port, certificates))
    config = folder / "report.toml"
    config.write_text(config.read_text().replace(
        'formats = ["html", "pdf", "json", "pptx", "customer-deck"]', 'formats = ["html", "json"]'))
    with serving(create_app(folder, today=lambda: MEETING)) as base, client(base) as http:
        preview = post(http, "/send", {"as_of": "2026-11-24", "mode": "preview"})
        status = wait_for(http, preview.headers["location"])
        assert status["error"] is None and status["outcome"]["status"] == "dry_run"
        assert status["outcome"]["attachments"] == ["pipeline-meeting-2026-11-24.json"]
        body = http.get(status["outcome"]["email"])
        assert "sandbox" in body.headers["content-security-policy"]
        assert "Nordlys" in body.text
        assert server.messages == []  # a preview sends nothing
        sent = post(http, "/send", {"as_of": "2026-11-24", "mode": "send"})
        status = wait_for(http, sent.headers["location"])
        assert status["outcome"]["status"] == "sent", status
        again = post(http, "/send", {"as_of": "2026-11-24", "mode": "send"})
        status = wait_for(http, again.headers["location"])
        assert status["outcome"]["status"] == "already_sent"
    assert len(server.messages) == 1
    # and cron after the page: the same send log
    assert main(["send", str(config), "--as-of", "2026-11-24", "-q"]) == 0
    assert len(server.messages) == 1


def test_setup_from_an_export_places_each_problem_by_its_field_then_saves(tmp_path: Path
                                                                          ) -> None:
    folder = tmp_path / "co"
    folder.mkdir()
    with serving(create_app(folder, today=lambda: MEETING)) as base, client(base) as http:
        token = csrf_of(http.get("/").text)
        http.post("/setup/upload", data={"csrf": token}, files={
            "exports": ("hubspot-crm-exports-all-deals.csv", hubspot_export())})
        form = http.get("/setup").text
        assert "looks like a HubSpot deals export" in form
        assert "Closed won" in form and "Proposal" in form
        answers = {"csrf": token, "company.name": "Acme ApS", "company.currency": "EURO",
                   "company.locale": "da_DK", "meeting.cadence_anchor": "2026-11-24",
                   "meeting.cadence_days": "14", "stages.Proposal.step": "quote",
                   "stages.Proposal.probability": "1.5"}
        refused = http.post("/setup", data=answers)
        assert refused.status_code == 422
        assert not (folder / "report.toml").exists() and not (folder / "actions.csv").exists()
        text = refused.text
        assert text.count('class="field-error"') == 2
        currency_at = text.index('name="company.currency"')
        assert "EURO" in text[currency_at:text.index("</label>", currency_at)]
        stage_at = text.index('name="stages.Proposal.probability"')
        assert "1.5" in text[stage_at:text.index("</tr>", stage_at)]
        saved = http.post("/setup", data={**answers, "company.currency": "EUR",
                                          "stages.Proposal.probability": "0.4"})
        assert saved.status_code == 303 and saved.headers["location"] == "/"
        assert "Build the pack" in http.get("/").text
    text = (folder / "report.toml").read_text()
    config = tomllib.loads(text)
    assert config["company"]["name"] == "Acme ApS" and config["company"]["locale"] == "da_DK"
    assert config["stages"]["Proposal"] == {"step": "quote", "probability": 0.4}
    assert "# 1 deal(s)" in text  # inspect's comments kept
    assert config["data"]["actions"] == "actions.csv"  # where the page records actions
    assert (folder / "actions.csv").read_text().startswith("action_id,")
    assert main(["build", str(folder / "report.toml"), "--as-of", "2026-11-24", "--format",
                 "json", "--out", str(folder / "out"), "-q"]) == 0


def test_an_export_no_preset_knows_gets_its_columns_then_its_stages_chosen(tmp_path: Path
                                                                           ) -> None:
    """Headers no preset knows: the form asks which header is which column; once the stage
    column is named, its stages (with their counts) come up to check before anything is
    saved."""
    folder = tmp_path / "co"
    folder.mkdir()
    rows = [["K-1", "Kilo", "Anna", "Signed", "900", "2026-10-01", "2026-11-20", "ERP"],
            ["K-2", "Lima", "Bo", "Talking", "400", "2026-10-02", "2026-12-10", "CRM"],
            ["K-3", "Mike", "Anna", "Talking", "100", "2026-10-03", "2026-12-11", "BI"]]
    export = csv_bytes(["Ref", "Customer", "Seller", "Phase", "Worth", "Opened", "Expected",
                        "Subject"], rows)
    with serving(create_app(folder, today=lambda: MEETING)) as base, client(base) as http:
        token = csrf_of(http.get("/").text)
        http.post("/setup/upload", data={"csrf": token},
                  files={"exports": ("pipeline.csv", export)})
        form = http.get("/setup").text
        assert "Columns" in form and "Phase (Signed)" in form
        answers = {"csrf": token, "company.name": "Kilo", "company.currency": "EUR",
                   "data.columns.deals.deal_id": "Ref", "data.columns.deals.name": "Customer",
                   "data.columns.deals.owner": "Seller", "data.columns.deals.stage": "Phase",
                   "data.columns.deals.amount": "Worth",
                   "data.columns.deals.created_date": "Opened",
                   "data.columns.deals.account": "Customer",
                   "data.columns.deals.close_date": "Expected"}
        found = http.post("/setup", data=answers)
        assert found.status_code == 200 and "The stages of “Phase” are listed" in found.text
        assert not (folder / "report.toml").exists()
        assert "2 deal(s)" in found.text  # Talking
        saved = http.post("/setup", data={**answers, "data.columns.deals.name": "",
                                          "stages.Signed.step": "won",
                                          "stages.Talking.step": "quote",
                                          "stages.Talking.probability": "0.5"})
        assert saved.status_code == 422  # the name is required: said next to its field
        name_at = saved.text.index('name="data.columns.deals.name"')
        assert "(required)" in saved.text[name_at:saved.text.index("</label>", name_at)]
        twice = http.post("/setup", data=answers)  # Customer for the name and the account
        assert twice.status_code == 422
        assert twice.text.count("&#39;Customer&#39; is chosen for name and account") == 2
        saved = http.post("/setup", data={**answers, "data.columns.deals.name": "Subject",
                                          "stages.Signed.step": "won",
                                          "stages.Talking.step": "quote",
                                          "stages.Talking.probability": "0.5"})
        assert saved.status_code == 303, saved.text
    config = tomllib.loads((folder / "report.toml").read_text())
    assert config["data"]["columns"]["deals"]["stage"] == "Phase"
    assert config["stages"] == {"Signed": {"step": "won"},
                                "Talking": {"step": "quote", "probability": 0.5}}
    assert main(["build", str(folder / "report.toml"), "--as-of", "2026-11-24", "--format",
                 "json", "--out", str(folder / "out"), "-q"]) == 0
    agenda = json.loads((folder / "out" / "pipeline-meeting-2026-11-24.json").read_text())
    assert agenda["agenda"]["targets"]["company"]["open_pipeline"] == 500  # 400 + 100


def test_serve_runs_until_sigterm_and_stops_cleanly_and_a_taken_port_is_said(
        tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from tests.mail_server import free_port

    port = free_port()
    command = [sys.executable, "-m", "report_builder", "serve", str(tmp_path), "--port",
               str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = dt.datetime.now() + dt.timedelta(seconds=60)
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None and dt.datetime.now() < deadline
            threading.Event().wait(0.2)
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 1 and "is another serve running there" in second.stderr
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0
    assert f"http://127.0.0.1:{port}/" in out and "Stopped." in out


def test_an_export_with_many_stages_is_saved_whole(tmp_path: Path) -> None:
    """Two fields per stage: a CRM with 60 stages sends 120 of them, and more."""
    folder = tmp_path / "co"
    folder.mkdir()
    deals = [[str(n), f"D{n}", "Acme", "Anna", f"Stage {n:02d}", "100", "2026-10-01 10:00",
              "2026-12-15 10:00"] for n in range(60)]
    with serving(create_app(folder, today=lambda: MEETING)) as base, client(base) as http:
        token = csrf_of(http.get("/").text)
        http.post("/setup/upload", data={"csrf": token}, files={
            "exports": ("hubspot-crm-exports-all-deals.csv",
                        csv_bytes(HEADER, export(deals)))})
        form = http.get("/setup").text
        fields = dict.fromkeys(re.findall(r'name="([^"]+)"', form))
        assert sum(name.startswith("stages.") for name in fields) == 120
        answers = {"csrf": token, "company.name": "Acme", "company.currency": "EUR",
                   **{f"stages.Stage {n:02d}.step": "opportunity" for n in range(60)},
                   **{f"stages.Stage {n:02d}.probability": "0.3" for n in range(60)}}
        refused = http.post("/setup", data=answers)
        assert refused.status_code == 422
        assert "no stage maps to step &#39;won&#39;" in refused.text
        saved = http.post("/setup", data={**answers, "stages.Stage 58.step": "won",
                                          "stages.Stage 59.step": "lost"})
        assert saved.status_code == 303, saved.text[:2000]
    config = tomllib.loads((folder / "report.toml").read_text())
    assert len(config["stages"]) == 60
    assert config["stages"]["Stage 57"] == {"step": "opportunity", "probability": 0.3}
    assert config["stages"]["Stage 58"] == {"step": "won"}
