"""`report-builder send --per team` against a real SMTP server on loopback (aiosmtpd): a pack per
team, each to its team's recipients ([email.teams]), each logged and so sent once per meeting on
its own; a team without recipients, a name the data lacks, one pack failing while the others
go, and a send log written before packs per team.

The small company (tests/small_company.py): North (Anna, Bo) won 150,000 DKK this quarter,
South (Cy) 1,000 EUR (7,500 DKK at 7.5).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from report_builder.config import load_config
from report_builder.delivery.send import send_pack, send_per
from report_builder.errors import ConfigError
from tests.mail_server import HAVE_OPENSSL, PASSWORD, Certificates, MailServer
from tests.test_email import (
    BCC,
    CC,
    MEETING,
    PASSWORD_ENV,
    company,
    log_rows,
    parse,
    send,
)

pytestmark = pytest.mark.skipif(not HAVE_OPENSSL, reason="no openssl to make a test certificate")

NORTH = ["Anna Holm <anna@north.example>", "bo@north.example"]
SOUTH = "cy@south.example"


@pytest.fixture(autouse=True)
def _fresh(server: MailServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server.reset()


def teams_company(folder: Path, server: MailServer, certificates: Certificates,
                  teams: dict[str, Any], **values: Any) -> Path:
    """The small company mailing a pack per team to `teams`; no company-wide To."""
    config = company(folder, server.port, certificates, **{"to": None, **values})
    table = "\n".join(f"{json.dumps(name)} = {json.dumps(to)}" for name, to in teams.items())
    config.write_text(config.read_text(encoding="utf-8") + f"\n[email.teams]\n{table}\n",
                      encoding="utf-8")
    return config


def received_by_team(server: MailServer) -> dict[str, tuple[Any, Any, dict[str, Any]]]:
    """Each message's (message, its JSON attachment) by the team the pack is of."""
    found = {}
    for received in server.messages:
        message = parse(received.content)
        attachment = next(message.iter_attachments())
        document = json.loads(attachment.get_content())
        found[document["agenda"]["scope"]["name"]] = (received, message, document)
    return found


def test_each_team_gets_its_own_pack_once(tmp_path: Path, server: MailServer,
                                          certificates: Certificates,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = teams_company(tmp_path, server, certificates, {"North": NORTH, "South": SOUTH})
    assert send(config, "--per", "team", "--verbose") == 0
    packs = received_by_team(server)
    assert sorted(packs) == ["North", "South"]
    north_received, north, north_json = packs["North"]
    south_received, south, south_json = packs["South"]
    # To: the team's addresses; cc and bcc get every pack, bcc in the envelope only
    assert north["To"] == "Anna Holm <anna@north.example>, bo@north.example"
    assert south["To"] == SOUTH and north["Cc"] == south["Cc"] == CC
    assert north_received.rcpt_tos == ["anna@north.example", "bo@north.example", CC, BCC]
    assert south_received.rcpt_tos == [SOUTH, CC, BCC] and "Bcc" not in south
    # each pack carries only its team's figures, the company's beside them
    assert north_json["agenda"]["targets"]["company"]["won"] == 150_000
    assert south_json["agenda"]["targets"]["company"]["won"] == 7_500
    assert north_json["agenda"]["company_targets"]["won"] == 157_500
    assert north["Message-ID"] != south["Message-ID"]
    # North: 150,000 of its 300,000 target
    assert north["Subject"] == "Pipeline meeting 24 Nov 2026, North: 50% of target"
    out = capsys.readouterr().out
    assert f"Sent the pack of North for the meeting on {MEETING} to anna@north.example, " \
        "bo@north.example, " in out
    rows = log_rows(config)
    assert [(r["pack"], r["meeting"], r["sent_at"] is not None) for r in rows] == [
        ("team:North", MEETING, True), ("team:South", MEETING, True)]
    # a second run sends nothing and says so for each pack
    server.reset()
    assert send(config, "--per", "team") == 0
    assert server.messages == []
    out = capsys.readouterr().out
    assert f"Already sent the pack of North for the meeting on {MEETING}" in out
    assert f"Already sent the pack of South for the meeting on {MEETING}" in out
    assert len(log_rows(config)) == 2
    # the company's own pack is another pack, not sent yet: here to cc and bcc alone
    server.reset()
    assert send(config) == 0
    (received,) = server.messages
    assert received.rcpt_tos == [CC, BCC]
    assert [r["pack"] for r in log_rows(config)] == ["team:North", "team:South", ""]


def test_the_company_pack_needs_recipients_of_its_own(tmp_path: Path, server: MailServer,
                                                      certificates: Certificates) -> None:
    config = teams_company(tmp_path, server, certificates, {"North": NORTH}, cc=None, bcc=None)
    with pytest.raises(ConfigError, match="'email.to': missing: who gets the company's pack"):
        send_pack(load_config(config), today=dt.date(2026, 11, 23), out_dir=tmp_path / "out")
    assert server.messages == []


def test_a_team_without_recipients_and_a_name_the_data_lacks_are_reported(
        tmp_path: Path, server: MailServer, certificates: Certificates,
        capsys: pytest.CaptureFixture[str]) -> None:
    config = teams_company(tmp_path, server, certificates, {"South": SOUTH, "West": "w@x.example"})
    assert send(config, "--per", "team") == 0
    assert sorted(received_by_team(server)) == ["South"]
    err = capsys.readouterr().err
    assert "warning: the pack of North has no recipients in [email.teams]; it is built but " \
        f"not mailed: {tmp_path / 'out' / 'north'}" in err
    assert "warning: [email.teams] names 'West', which no deal of the data has at this " \
        "meeting; no pack was made for it" in err
    assert (tmp_path / "out" / "north").is_dir()
    assert [r["pack"] for r in log_rows(config)] == ["team:South"]


def test_one_pack_failing_does_not_stop_the_others(tmp_path: Path, server: MailServer,
                                                   certificates: Certificates,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    config = teams_company(tmp_path, server, certificates, {"North": NORTH, "South": SOUTH})
    server.handler.data_replies[:] = ["554 5.6.0 Message rejected as spam"]  # North goes first
    assert send(config, "--per", "team") == 1
    assert sorted(received_by_team(server)) == ["South"]
    err = capsys.readouterr().err
    assert "error: the pack of North was not sent: " in err and "554 5.6.0" in err
    rows = {r["pack"]: r for r in log_rows(config)}
    assert rows["team:North"]["sent_at"] is None and "554" in rows["team:North"]["error"]
    assert rows["team:South"]["sent_at"] is not None
    # the next run sends what is missing, and only that, with the failed attempt's Message-ID
    server.reset()
    assert send(config, "--per", "team") == 0
    packs = received_by_team(server)
    assert sorted(packs) == ["North"]
    assert packs["North"][1]["Message-ID"] == rows["team:North"]["message_id"]


def test_force_sends_every_pack_again(tmp_path: Path, server: MailServer,
                                      certificates: Certificates) -> None:
    config = teams_company(tmp_path, server, certificates, {"North": NORTH, "South": SOUTH})
    assert send(config, "--per", "team") == 0
    server.reset()
    assert send(config, "--per", "team", "--force") == 0
    assert sorted(received_by_team(server)) == ["North", "South"]
    assert [bool(r["forced"]) for r in log_rows(config)] == [False, False, True, True]


def test_a_dry_run_writes_each_message_beside_its_pack(tmp_path: Path, server: MailServer,
                                                       certificates: Certificates) -> None:
    config = teams_company(tmp_path, server, certificates,
                           {"North": NORTH, "South": SOUTH, "West": "w@x.example"})
    results = send_per(load_config(config), "team", today=dt.date(2026, 11, 23), dry_run=True,
                       out_dir=tmp_path / "out")
    assert [(r.pack, r.status) for r in results] == [
        ("North", "dry_run"), ("South", "dry_run"), ("West", "not_in_data")]
    for result, folder in zip(results, ("north", "south"), strict=False):
        assert result.eml is not None and result.eml.parent == tmp_path / "out" / folder
        assert parse(result.eml.read_bytes())["To"] == \
            ", ".join(NORTH if result.pack == "North" else [SOUTH])
    assert server.messages == [] and log_rows(config) == []


def test_per_seller_uses_email_owners(tmp_path: Path, server: MailServer,
                                      certificates: Certificates) -> None:
    config = company(tmp_path, server.port, certificates, cc=None, bcc=None)
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[email.owners]\nCy = "cy@south.example"\n', encoding="utf-8")
    assert send(config, "--per", "owner") == 0
    (received,) = server.messages
    assert received.rcpt_tos == [SOUTH]
    document = json.loads(next(parse(received.content).iter_attachments()).get_content())
    assert document["agenda"]["scope"] == {"by": "owner", "name": "Cy"}
    assert [r["pack"] for r in log_rows(config)] == ["owner:Cy"]
    # Anna and Bo have no address: their packs are built and not mailed
    assert (tmp_path / "out" / "anna").is_dir() and (tmp_path / "out" / "bo").is_dir()


def test_send_per_team_needs_email_teams(tmp_path: Path, server: MailServer,
                                         certificates: Certificates,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    config = company(tmp_path, server.port, certificates)
    assert send(config, "--per", "team") == 2
    assert "Config section [email.teams] is missing or empty" in capsys.readouterr().err
    assert server.messages == []


def test_a_send_log_from_before_packs_per_team_still_counts(tmp_path: Path, server: MailServer,
                                                            certificates: Certificates,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    """A log written by an earlier version has no pack column: its rows are the company's."""
    config = teams_company(tmp_path, server, certificates, {"North": NORTH},
                           to=["Anna Holm <anna@smallco.example>"])
    with sqlite3.connect(tmp_path / "report.send-log.sqlite") as db:
        db.executescript("""
            CREATE TABLE sends (id INTEGER PRIMARY KEY, meeting TEXT NOT NULL,
                message_id TEXT NOT NULL, recipients TEXT NOT NULL, attachments TEXT NOT NULL,
                forced INTEGER NOT NULL, started_at TEXT NOT NULL, sent_at TEXT, error TEXT);
            CREATE INDEX sends_by_meeting ON sends (meeting, sent_at);
            INSERT INTO sends VALUES (1, '2026-11-24', '<old@smallco.example>',
                '["anna@smallco.example"]', '["x.json"]', 0, '2026-11-23T08:00:00+00:00',
                '2026-11-23T08:00:01+00:00', NULL);""")
    assert send(config) == 0  # the company's pack: sent already
    assert server.messages == []
    assert "Already sent for the meeting on 2026-11-24" in capsys.readouterr().out
    assert send(config, "--per", "team") == 0  # North's pack: not yet
    assert sorted(received_by_team(server)) == ["North"]
    assert [(r["id"], r["pack"]) for r in log_rows(config)] == [(1, ""), (2, "team:North")]


def test_email_teams_addresses_are_checked(tmp_path: Path, server: MailServer,
                                           certificates: Certificates) -> None:
    config = teams_company(tmp_path, server, certificates,
                           {"North": ["anna@north.example", "not an address"], "South": 7})
    with pytest.raises(ConfigError) as error:
        load_config(config)
    problems = "\n".join(error.value.problems)
    assert "Config value 'email.teams.North': 'not an address'" in problems
    assert "Config value 'email.teams.South': 7 should be like" in problems
