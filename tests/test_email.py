"""`report-builder send` against a real SMTP server on loopback (aiosmtpd): STARTTLS with a test
certificate, AUTH, and the failures a user meets (421, 535, 554, timeouts, a refused
connection, an untrusted certificate, a pack too large, a second run, two runs at once).
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.delivery.send import SendResult, send_pack
from report_builder.delivery.sendlog import SendLog
from report_builder.errors import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
)
from report_builder.formatting import Formatter
from report_builder.i18n import labels
from tests.browser import HAVE_BROWSER
from tests.mail_server import (
    HAVE_OPENSSL,
    PASSWORD,
    USER,
    Certificates,
    MailServer,
    SilentServer,
    free_port,
)
from tests.small_company import write_company

pytestmark = pytest.mark.skipif(not HAVE_OPENSSL, reason="no openssl to make a test certificate")

ROOT = Path(__file__).resolve().parent.parent
PASSWORD_ENV = "REPORT_BUILDER_TEST_SMTP_PASSWORD"
MEETING = "2026-11-24"
TO, CC, BCC = "anna@smallco.example", "cy@smallco.example", "boss@smallco.example"


@pytest.fixture(autouse=True)
def _fresh(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    if "server" in request.fixturenames:
        request.getfixturevalue("server").reset()


def email_table(port: int, certificates: Certificates | None, **values: Any) -> str:
    """An [email] table for the test server; a value of None leaves the key out."""
    table: dict[str, Any] = {
        "host": "127.0.0.1", "port": port, "sender": "Pipeline <pipeline@smallco.example>",
        "to": [f"Anna Holm <{TO}>"], "cc": [CC], "bcc": [BCC], "username": USER,
        "password_env": PASSWORD_ENV, "ca_file": certificates and str(certificates.ca),
        "attach": ["json"], "timeout": 5, "retries": 3, "retry_delay": 0.01,
    }
    table.update(values)
    lines = [f"{key} = {json.dumps(value)}" for key, value in table.items() if value is not None]
    return "\n[email]\n" + "\n".join(lines) + "\n"


def company(folder: Path, port: int, certificates: Certificates | None, *,
            fixed_meeting: bool = True, **values: Any) -> Path:
    """The small company with an [email] table; without `fixed_meeting` the cadence decides."""
    config = write_company(folder, extra_config=email_table(port, certificates, **values))
    if not fixed_meeting:
        config.write_text(config.read_text().replace(f"as_of = {MEETING}\n", ""))
    return config


def send(config: Path, *args: str) -> int:
    return main(["send", str(config), "--out", str(config.parent / "out"), *args])


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def log_rows(config: Path) -> list[dict[str, Any]]:
    path = config.parent / "report.send-log.sqlite"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM sends ORDER BY id")]


def run_send(config: Path, **options: Any) -> tuple[SendResult | Exception, list[float]]:
    """send_pack with the sleeps between retries recorded instead of slept."""
    sleeps: list[float] = []
    try:
        result: SendResult | Exception = send_pack(
            load_config(config), today=options.pop("today", dt.date(2026, 11, 23)),
            out_dir=config.parent / "out", sleep=sleeps.append, **options)
    except Exception as exc:  # the caller checks which
        result = exc
    return result, sleeps


# -- the message as received ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory, server: MailServer,
         certificates: Certificates) -> tuple[Path, EmailMessage, Any]:
    """The pack (PDF and JSON) sent once as a user would, over STARTTLS with AUTH."""
    if not HAVE_BROWSER:
        pytest.skip("no Chrome/Chromium for the PDF (make test installs it)")
    server.reset()
    config = company(tmp_path_factory.mktemp("sent"), server.port, certificates,
                     attach=["pdf", "json"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_ENV, PASSWORD)
        assert send(config) == 0
    assert len(server.messages) == 1
    received = server.messages[0]
    return config, parse(received.content), received


def test_the_server_gets_one_message_over_tls_with_auth(sent: tuple[Path, EmailMessage, Any]
                                                        ) -> None:
    config, message, received = sent
    assert received.authenticated_as == USER
    assert received.mail_from == "pipeline@smallco.example"
    assert received.rcpt_tos == [TO, CC, BCC]
    assert message["To"] == f"Anna Holm <{TO}>" and message["Cc"] == CC
    assert "Bcc" not in message and BCC.encode() not in received.content
    assert message["Subject"] == "Pipeline meeting 24 Nov 2026: 39% of target"
    [row] = log_rows(config)
    assert row["meeting"] == MEETING and row["message_id"] == message["Message-ID"]
    assert json.loads(row["recipients"]) == [TO, CC, BCC] and row["sent_at"]
    assert json.loads(row["attachments"]) == [f"pipeline-meeting-{MEETING}.pdf",
                                              f"pipeline-meeting-{MEETING}.json"]


def test_attachments_are_the_built_files(sent: tuple[Path, EmailMessage, Any]) -> None:
    config, message, _ = sent
    out = config.parent / "out"
    parts = list(message.iter_attachments())
    assert [(p.get_filename(), p.get_content_type()) for p in parts] == [
        (f"pipeline-meeting-{MEETING}.pdf", "application/pdf"),
        (f"pipeline-meeting-{MEETING}.json", "application/json")]
    for part in parts:
        name = part.get_filename()
        assert name is not None
        assert part.get_content() == (out / name).read_bytes()


def test_the_body_holds_the_figures_of_the_json(sent: tuple[Path, EmailMessage, Any]) -> None:
    config, message, _ = sent
    agenda = json.loads((config.parent / "out" / f"pipeline-meeting-{MEETING}.json")
                        .read_text())["agenda"]
    fmt = Formatter(agenda["locale"], agenda["currency"])
    t = labels(agenda["language"])
    html_part, text_part = message.get_body(("html",)), message.get_body(("plain",))
    assert html_part is not None and text_part is not None
    soup = BeautifulSoup(html_part.get_content(), "lxml")
    text = re.sub(r"[ \t\r\n]+", " ", text_part.get_content())  # no-break spaces stay
    for figure in agenda["headline"]:
        shown = fmt.value(figure["value"], figure["kind"])
        tile = soup.select_one(f'td[data-key="{figure["key"]}"] .tile-value')
        assert tile is not None and tile.get_text() == shown, figure["key"]
        assert f"{t[figure['key']]}: {shown}" in text
    pipeline, customers = agenda["pipeline"], agenda["customers"]
    point = soup.select_one('td[data-key="section_pipeline"]')
    assert point is not None
    # the quarter's open pipeline: D5 200000 + D6 100000, weighted 40000 + 50000; D6 overdue
    assert (pipeline["quarter_open_count"], pipeline["quarter_open_value"]) == (2, 300_000)
    assert ("The quarter's open pipeline is DKK\u00a0300k in 2 deals (DKK\u00a090k weighted). "
            "1 open deal worth DKK\u00a0100k is past its close date.") in point.get_text()
    point = soup.select_one('td[data-key="section_customers"]')
    assert point is not None
    # since the last meeting: D2 50000 (Beta) and D3 7500 (Gamma), both first wins
    assert (customers["won_count"], customers["won_value"], customers["new_customers"]) == \
        (2, 57_500, 2)
    assert ("2 new customers since the last meeting; 2 deals won in all, worth "
            f"{fmt.money_short(57_500)}.") in point.get_text()
    assert "DKK\u00a0157,500" in soup.get_text()  # the hand-computed won this quarter
    assert soup.find("script") is None


# -- once per meeting ----------------------------------------------------------------------------

def test_a_second_run_sends_nothing_and_says_so(tmp_path: Path, server: MailServer,
                                                certificates: Certificates,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, certificates)
    assert send(config) == 0
    first = parse(server.messages[0].content)["Message-ID"]
    capsys.readouterr()
    assert send(config) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"Already sent for the meeting on {MEETING}" in out
    assert first in out and "Nothing sent; use --force to send again." in out
    assert len(server.messages) == 1
    assert send(config, "--force") == 0
    assert len(server.messages) == 2
    assert parse(server.messages[1].content)["Message-ID"] != first
    rows = log_rows(config)
    assert [(r["forced"], bool(r["sent_at"])) for r in rows] == [(0, True), (1, True)]


@pytest.mark.parametrize(("today", "due"), [
    ("2026-11-20", False),  # four days before the meeting of 2026-11-24
    ("2026-11-23", True),  # email.days_before = 1
    ("2026-11-24", True),  # the meeting day, if the day before was missed
    ("2026-11-25", False),  # the next meeting is 2026-12-08
])
def test_if_due(tmp_path: Path, server: MailServer, certificates: Certificates,
                capsys: pytest.CaptureFixture[str], today: str, due: bool) -> None:
    config = company(tmp_path, server.port, certificates, fixed_meeting=False)
    assert send(config, "--if-due", "--today", today) == 0
    assert capsys.readouterr() == ("", "")  # cron mails nothing, due or not
    assert len(server.messages) == int(due)
    assert (tmp_path / "out").exists() is due  # nothing is built when nothing is due
    if due:
        [row] = log_rows(config)
        assert row["meeting"] == MEETING
        assert send(config, "--if-due", "--today", today) == 0  # the next cron run
        assert capsys.readouterr() == ("", "") and len(server.messages) == 1
    else:
        assert log_rows(config) == []


def test_not_due_says_so_when_asked(tmp_path: Path, server: MailServer,
                                    certificates: Certificates,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, certificates, fixed_meeting=False)
    assert send(config, "--if-due", "--today", "2026-11-25", "--verbose") == 0
    assert capsys.readouterr().out == ("Not due: the next meeting is on 2026-12-08 and its pack "
                                       "goes out from 2026-12-07. Nothing sent.\n")


def test_dry_run_writes_the_eml_and_sends_nothing(tmp_path: Path, server: MailServer,
                                                  certificates: Certificates,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv(PASSWORD_ENV)  # a dry run needs no password
    config = company(tmp_path, server.port, certificates)
    assert send(config, "--dry-run") == 0
    eml = tmp_path / "out" / f"pipeline-meeting-{MEETING}.eml"
    assert str(eml) in " ".join(capsys.readouterr().out.split())
    message = parse(eml.read_bytes())
    assert message["Subject"] == "Pipeline meeting 24 Nov 2026: 39% of target"
    assert message["To"] == f"Anna Holm <{TO}>" and "Bcc" not in message
    [part] = message.iter_attachments()
    assert part.get_content() == (tmp_path / "out" / f"pipeline-meeting-{MEETING}.json"
                                  ).read_bytes()
    assert server.messages == [] and server.handler.data_commands == 0
    assert not (tmp_path / "report.send-log.sqlite").exists()


# -- failures --------------------------------------------------------------------------------------

def test_temporary_failures_are_retried_with_back_off(tmp_path: Path, server: MailServer,
                                                      certificates: Certificates) -> None:
    server.handler.data_replies[:] = ["421 4.3.2 Too busy, try again later"] * 2
    config = company(tmp_path, server.port, certificates)
    result, sleeps = run_send(config)
    assert isinstance(result, SendResult) and result.status == "sent"
    assert result.attempts == 3 and sleeps == [0.01, 0.02]
    assert len(server.messages) == 1


def test_a_421_that_lasts_fails_and_nothing_is_marked_sent(
        tmp_path: Path, server: MailServer, certificates: Certificates,
        capsys: pytest.CaptureFixture[str]) -> None:
    server.handler.data_replies[:] = ["421 4.3.2 Too busy, try again later"] * 4
    config = company(tmp_path, server.port, certificates)
    assert send(config) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "did not take the message after 4 attempt(s)" in err
    assert "421 4.3.2 Too busy, try again later" in err and "not marked as sent" in err
    pack = tmp_path / "out" / f"pipeline-meeting-{MEETING}.json"
    assert pack.is_file() and str(pack) in err  # the built pack stays, and the error says where
    assert server.messages == [] and server.handler.data_commands == 4
    log = SendLog(tmp_path / "report.send-log.sqlite")
    assert log.last_sent(dt.date(2026, 11, 24)) is None
    [failed] = log_rows(config)
    assert failed["sent_at"] is None and "421" in failed["error"]
    # the next run sends, with the failed attempt's Message-ID (in case it did arrive)
    assert send(config) == 0
    assert parse(server.messages[0].content)["Message-ID"] == failed["message_id"]


def test_a_535_fails_at_once_naming_the_cause(tmp_path: Path, server: MailServer,
                                              certificates: Certificates,
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "wrong")
    config = company(tmp_path, server.port, certificates)
    assert send(config) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "authentication failed (535 5.7.8 Authentication credentials invalid)" in err
    assert f"check email.username and the password in ${PASSWORD_ENV}" in err
    result, sleeps = run_send(config)
    assert isinstance(result, PermanentDeliveryError) and sleeps == []  # no retries
    assert server.messages == [] and server.handler.data_commands == 0
    assert all(row["sent_at"] is None for row in log_rows(config))


def test_a_5xx_reply_to_the_message_is_permanent(tmp_path: Path, server: MailServer,
                                                 certificates: Certificates) -> None:
    server.handler.data_replies[:] = ["554 5.6.0 Message rejected as spam"]
    result, sleeps = run_send(company(tmp_path, server.port, certificates))
    assert isinstance(result, PermanentDeliveryError) and sleeps == []
    assert "554 5.6.0 Message rejected as spam" in str(result)


def test_a_refused_recipient_is_reported_and_the_rest_get_it(
        tmp_path: Path, server: MailServer, certificates: Certificates,
        capsys: pytest.CaptureFixture[str]) -> None:
    server.handler.refuse.add(CC)
    config = company(tmp_path, server.port, certificates)
    assert send(config) == 0
    assert server.messages[0].rcpt_tos == [TO, BCC]
    assert f"warning: the server refused {CC}: 550 5.1.1 No such user here" in \
        capsys.readouterr().err
    assert json.loads(log_rows(config)[0]["recipients"]) == [TO, BCC]


def test_attachments_over_the_limit_stop_before_sending(
        tmp_path: Path, server: MailServer, certificates: Certificates,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, certificates, max_attachments_mb=0.001)
    assert send(config) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "over the 0.001 MB limit (email.max_attachments_mb); nothing was sent" in err
    assert f"pipeline-meeting-{MEETING}.json" in err
    assert server.handler.data_commands == 0 and log_rows(config) == []


def test_an_untrusted_certificate_is_refused(tmp_path: Path, server: MailServer,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, None)  # no email.ca_file
    assert send(config) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "the server's certificate is not trusted (unable to get local issuer certificate)" \
        in err and "email.ca_file" in err
    result, sleeps = run_send(config)
    assert isinstance(result, PermanentDeliveryError) and sleeps == []
    assert server.handler.auth_attempts == 0 and server.messages == []


def test_implicit_tls(tmp_path: Path, certificates: Certificates) -> None:
    with MailServer(certificates, security="ssl") as tls:
        config = company(tmp_path, tls.port, certificates, security="ssl")
        result, _ = run_send(config)
        assert isinstance(result, SendResult) and result.status == "sent"
        assert len(tls.messages) == 1 and tls.messages[0].authenticated_as == USER


def test_a_server_that_does_not_answer_times_out(tmp_path: Path) -> None:
    with SilentServer() as silent:
        config = company(tmp_path, silent.port, None, username=None, password_env=None,
                         security="none", timeout=0.3, retries=1)
        sending: list[float] = []  # when the build was done and the sending began

        def progress(step: str) -> None:
            if step.startswith("Sending"):
                sending.append(time.monotonic())

        result, sleeps = run_send(config, progress=progress)
    assert time.monotonic() - sending[0] < 5  # two attempts of 0.3 s each, no hang
    assert isinstance(result, TemporaryDeliveryError)
    assert f"127.0.0.1:{silent.port} did not answer within 0.3 s" in str(result)
    assert "after 2 attempt(s)" in str(result) and sleeps == [0.01]


def test_a_refused_connection_is_retried(tmp_path: Path, certificates: Certificates) -> None:
    result, sleeps = run_send(company(tmp_path, free_port(), certificates, retries=2))
    assert isinstance(result, TemporaryDeliveryError)
    assert "refused the connection" in str(result) and sleeps == [0.01, 0.02]


# -- the lock ------------------------------------------------------------------------------------

def test_a_held_lock_stops_a_second_run(tmp_path: Path, server: MailServer,
                                        certificates: Certificates,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, certificates)
    with SendLog(tmp_path / "report.send-log.sqlite").lock():
        assert send(config) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert f"Another send for this config is running (pid {os.getpid()} since" in err
    assert server.handler.data_commands == 0 and not (tmp_path / "out").exists()
    assert send(config) == 0 and len(server.messages) == 1  # released


def test_two_runs_at_once_send_one_message(tmp_path: Path, server: MailServer,
                                           certificates: Certificates) -> None:
    server.handler.data_delay = 1.0  # the first run holds the lock while the server thinks
    config = company(tmp_path, server.port, certificates)
    script = ("import sys; from report_builder.cli import main; "
              f"sys.exit(main(['send', {str(config)!r}, '--out', {str(tmp_path / 'out')!r}]))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, "-c", script], env=env, cwd=tmp_path,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    results = [(run.wait(timeout=60), run.stderr.read() if run.stderr else "") for run in runs]
    assert len(server.messages) == 1, results
    assert sorted(code for code, _ in results) in ([0, 0], [0, 1]), results
    for code, err in results:
        assert code == 0 or "Another send for this config is running" in err, err
    assert [bool(row["sent_at"]) for row in log_rows(config)] == [True]
