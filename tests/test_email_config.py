"""The [email] table: typed values, defaults, and every problem listed at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.config import load_config
from report_builder.config.addresses import parse_mailbox
from report_builder.delivery.schedule import due_window
from report_builder.errors import ConfigError
from tests.small_company import write_company

EMAIL = """
[email]
host = "smtp.example.com"
sender = "Pipeline <pipeline@smallco.example>"
to = ["Anna Holm <anna@smallco.example>", "bo@smallco.example"]
cc = "Cy <cy@smallco.example>"
bcc = ["boss@smallco.example", "BO@smallco.example"]
username = "pipeline"
password_env = "SMTP_PASSWORD"
"""


def problems(tmp_path: Path, email: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(write_company(tmp_path, extra_config=email))
    return caught.value.problems


def test_values_and_defaults(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path, extra_config=EMAIL))
    email = config.email
    assert email is not None
    assert (email.host, email.port, email.security) == ("smtp.example.com", 587, "starttls")
    assert str(email.sender) == "Pipeline <pipeline@smallco.example>"
    assert [str(a) for a in email.to] == ["Anna Holm <anna@smallco.example>",
                                          "bo@smallco.example"]
    assert [str(a) for a in email.cc] == ["Cy <cy@smallco.example>"]
    # every envelope recipient once, whatever the case of the address
    assert email.recipients == ("anna@smallco.example", "bo@smallco.example",
                                "cy@smallco.example", "boss@smallco.example")
    assert email.attach == ("pdf",) and email.days_before == 1
    assert email.max_attachment_bytes == 20 * 1024 * 1024
    assert (email.timeout, email.retries, email.retry_delay) == (30.0, 3, 10.0)
    assert email.send_log == (tmp_path / "report.send-log.sqlite").resolve()
    assert email.subject is None and email.ca_file is None


def test_no_email_table_is_fine_for_build(tmp_path: Path) -> None:
    assert load_config(write_company(tmp_path)).email is None


@pytest.mark.parametrize(("security", "port"), [("ssl", 465), ("none", 25)])
def test_default_port_follows_security(tmp_path: Path, security: str, port: int) -> None:
    email = EMAIL.replace('username = "pipeline"\n', "") + f'security = "{security}"\n'
    config = load_config(write_company(tmp_path, extra_config=email))
    assert config.email is not None and config.email.port == port


def test_every_problem_is_listed(tmp_path: Path) -> None:
    found = problems(tmp_path, """
[email]
host = "smtp example.com"
port = 99999
security = "tls"
username = "pipeline"
password = "hunter2"
sender = "not an address"
to = ["anna@smallco.example", "bo@@smallco.example", "Cy\\n<cy@smallco.example>"]
subject = "{{ date }} {{ atainment }}"
attach = ["pdf", "pdf"]
days_before = -1
max_attachments_mb = 0
retries = 99
ca_file = "nowhere.pem"
colour = "blue"
""")
    expected = [
        "'email.password': passwords are never read from the file",
        "'email.colour': unknown key",
        "'email.host': 'smtp example.com' should be a host name",
        "'email.security': 'tls' should be one of starttls, ssl, none",
        "'email.port': 99999 is not a port",
        "'email.password_env': missing (required with username)",
        "'email.ca_file': file",
        "'email.sender': 'not an address' is not an address like anna@example.com",
        "'email.to': 'bo@@smallco.example' the part before @",
        "'email.to': 'Cy\\n<cy@smallco.example>' holds a line break",
        "'email.subject': unknown field(s) atainment (known: company, pack, date,",
        "'email.attach': ['pdf', 'pdf'] names a format twice",
        "'email.days_before': -1 should be 0",
        "'email.max_attachments_mb': 0 should be more than 0",
        "'email.retries': 99 should be 0-10",
    ]
    for text in expected:
        assert any(f"Config value {text}" in p for p in found), (text, found)
    assert len(found) == len(expected)


def test_missing_required_values(tmp_path: Path) -> None:
    assert problems(tmp_path, "[email]\n") == [
        "Config value 'email.host': missing (required)",
        "Config value 'email.sender': missing (required): the From address, like "
        '"Pipeline <pipeline@example.com>"',
        "Config value 'email.to': missing (required): who gets the pack, like "
        '["anna@example.com", "Bo Berg <bo@example.com>"]',
    ]


def test_a_bad_subject_template(tmp_path: Path) -> None:
    found = problems(tmp_path, EMAIL + 'subject = "Meeting {{ date"\n')
    assert len(found) == 1 and "'email.subject'" in found[0]
    assert "is not a valid template" in found[0]


def test_password_travels_in_clear_only_to_this_machine(tmp_path: Path) -> None:
    found = problems(tmp_path, EMAIL + 'security = "none"\n')
    assert found == ["Config value 'email.security': 'none' would send the password "
                     "unencrypted to smtp.example.com; use starttls or ssl"]
    local = EMAIL.replace("smtp.example.com", "localhost") + 'security = "none"\n'
    assert load_config(write_company(tmp_path, extra_config=local)).email is not None


@pytest.mark.parametrize(("text", "expected"), [
    ("anna@example.com", "anna@example.com"),
    ("Anna Holm <anna@example.com>", "Anna Holm <anna@example.com>"),
    ('"Holm, Anna" <anna@example.com>', '"Holm, Anna" <anna@example.com>'),
    ("Søren <soren@blåbær.dk>", "Søren <soren@xn--blbr-roah.dk>"),
    ("first.last+tag@mail.example.co.uk", "first.last+tag@mail.example.co.uk"),
])
def test_addresses(text: str, expected: str) -> None:
    assert str(parse_mailbox(text)) == expected


@pytest.mark.parametrize("text", [
    "anna", "anna@", "@example.com", "an na@example.com", "anna@exa mple.com",
    "anna@-example.com", ".anna@example.com", "anna..b@example.com", "ånna@example.com",
    "Anna <anna@example.com>\r\nBcc: x@evil.example", "Anna\r\n <anna@example.com>",
    "anna@example.com\nBcc: x@evil.example", "a" * 65 + "@example.com",
])
def test_bad_addresses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_mailbox(text)


@pytest.mark.parametrize(("today", "due"), [
    ("2026-11-22", False), ("2026-11-23", True), ("2026-11-24", True), ("2026-11-25", False),
])
def test_due_window(today: str, due: bool) -> None:
    window = due_window(dt.date(2026, 11, 24), days_before=1)
    assert window.first_day == dt.date(2026, 11, 23)
    assert window.on(dt.date.fromisoformat(today)) is due


def test_send_needs_an_email_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", str(write_company(tmp_path)), "--dry-run"]) == 2
    assert "Config section [email] is missing" in capsys.readouterr().err


@pytest.mark.parametrize(("extra", "message"), [
    ("days_before = 14\n", "'email.days_before': 14 should be less than meeting.cadence_days"),
    ('attach = ["pfd"]\n', "'email.attach': Unknown format \"pfd\", did you mean one of: html"),
])
def test_send_checks_what_needs_the_whole_config(tmp_path: Path, extra: str, message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path, extra_config=EMAIL + extra)
    assert main(["send", str(config), "--dry-run", "--out", str(tmp_path / "out")]) == 2
    assert message in " ".join(capsys.readouterr().err.split())
    assert not (tmp_path / "out").exists()


def test_the_password_comes_from_the_environment(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("SMTP_PASSWORD", raising=False)
    config = write_company(tmp_path, extra_config=EMAIL)
    assert main(["send", str(config), "--out", str(tmp_path / "out")]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "environment variable SMTP_PASSWORD (email.password_env), which is not set" in err
    assert not (tmp_path / "out").exists()  # nothing was built
