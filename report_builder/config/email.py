"""The [email] table of report.toml: where and how the pack is mailed.

`read_email` checks every value and records each problem, in the form
`Config value 'email.key': problem`, with the reader's others: load_config reports them at once.
The password is never in the file: `password_env` names the environment variable that holds it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from report_builder.config.addresses import parse_mailbox
from report_builder.config.reader import Reader

SECURITY_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# the values a subject template may use, each formatted as the pack shows it
SUBJECT_FIELDS = ("company", "pack", "date", "iso_date", "quarter", "attainment", "won",
                  "target", "forecast", "gap", "coverage", "next_meeting")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class EmailConfig:
    """How and to whom the pack is mailed, and when a meeting is due."""

    host: str
    sender: Address
    to: tuple[Address, ...]
    send_log: Path  # the SQLite file of what was sent; beside the config unless named
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()  # in the envelope only, never in a header
    port: int = 587
    security: str = "starttls"  # starttls, ssl (implicit TLS) or none
    username: str | None = None
    password_env: str | None = None  # the environment variable holding the password
    ca_file: Path | None = None  # trust this CA (PEM) instead of the system's
    subject: str | None = None  # a Jinja template over SUBJECT_FIELDS; the pack language's own
    attach: tuple[str, ...] = ("pdf",)  # formats to build and attach
    days_before: int = 1  # a meeting is due from this many days before it
    max_attachments_mb: float = 20.0  # the attachments together
    timeout: float = 30.0  # seconds, for connecting and for each reply
    retries: int = 3  # further attempts after a temporary failure
    retry_delay: float = 10.0  # seconds before the first retry; doubles after each
    # [email.teams] and [email.owners]: who gets the pack of a team or seller (send --per),
    # by its name in the data
    teams: Mapping[str, tuple[Address, ...]] = field(default_factory=dict)
    owners: Mapping[str, tuple[Address, ...]] = field(default_factory=dict)

    @property
    def recipients(self) -> tuple[str, ...]:
        """Every envelope recipient (to, cc and bcc), each once, in that order."""
        seen: dict[str, str] = {}
        for address in (*self.to, *self.cc, *self.bcc):
            seen.setdefault(address.addr_spec.lower(), address.addr_spec)
        return tuple(seen.values())

    def recipients_by(self, by: str) -> Mapping[str, tuple[Address, ...]]:
        """The addresses of each team's (`by` "team") or seller's ("owner") pack."""
        return self.teams if by == "team" else self.owners

    def for_pack(self, by: str, name: str) -> EmailConfig | None:
        """The settings that mail the pack of team or seller `name`: its addresses as To, cc
        and bcc as configured (they get every pack); None where it has no addresses."""
        to = self.recipients_by(by).get(name)
        return dataclasses.replace(self, to=to) if to else None

    @property
    def max_attachment_bytes(self) -> int:
        return int(self.max_attachments_mb * 1024 * 1024)


def subject_environment() -> SandboxedEnvironment:
    """The subject is a user's template: sandboxed, plain text, unknown names fail."""
    return SandboxedEnvironment(autoescape=False, undefined=jinja2.StrictUndefined)


def read_email(r: Reader, config_path: Path) -> EmailConfig | None:
    """The [email] table, or None when the config has none; problems go to the reader's."""
    if "email" not in r.raw:
        return None
    raw = r.section("email")  # a value that is no table is a problem the reader records
    if not isinstance(r.raw["email"], dict):
        return None
    problems = r.problems

    def get(key: str, kind: type, default: Any = None, *, required: bool = False) -> Any:
        return r.get(raw, "email", key, kind, default, required=required)

    host = get("host", str, "", required=True).strip()
    if host and (any(c.isspace() for c in host) or "/" in host):
        problems.append(f"Config value 'email.host': {host!r} should be a host name like "
                        "smtp.example.com")
    security = get("security", str, "starttls")
    if security not in SECURITY_MODES:
        problems.append(f"Config value 'email.security': {security!r} should be one of "
                        f"{', '.join(SECURITY_MODES)}")
        security = "starttls"
    port = get("port", int, DEFAULT_PORTS[security])
    if not 1 <= port <= 65535:
        problems.append(f"Config value 'email.port': {port} is not a port (1-65535)")

    username = get("username", str) or None
    password_env = get("password_env", str) or None
    if password_env is not None and not _ENV_NAME.fullmatch(password_env):
        problems.append(f"Config value 'email.password_env': {password_env!r} should be the "
                        "name of an environment variable, like SMTP_PASSWORD")
    if username and password_env is None:
        problems.append("Config value 'email.password_env': missing (required with username): "
                        "the name of the environment variable that holds the password")
    if username and security == "none" and host not in LOOPBACK_HOSTS:
        problems.append("Config value 'email.security': 'none' would send the password "
                        f"unencrypted to {host}; use starttls or ssl")
    ca_file = r.path(get("ca_file", str))
    if ca_file is not None and not ca_file.is_file():
        problems.append(f"Config value 'email.ca_file': file {ca_file} does not exist")

    sender = _mailboxes(raw, "sender", problems, single=True)
    known_problems = len(problems)
    to = _mailboxes(raw, "to", problems)
    cc = _mailboxes(raw, "cc", problems)
    bcc = _mailboxes(raw, "bcc", problems)
    per_pack = {table: _recipients_by_name(raw, table, problems) for table in ("teams", "owners")}
    if not (to or cc or bcc or any(per_pack.values())) and len(problems) == known_problems:
        problems.append("Config value 'email.to': missing (required): who gets the pack, "
                        'like ["anna@example.com", "Bo Berg <bo@example.com>"]')

    subject = get("subject", str)
    if subject is not None:
        _check_subject(subject, problems)
    attach = get("attach", list, ["pdf"])
    if not all(isinstance(f, str) and f.strip() for f in attach):
        problems.append(f"Config value 'email.attach': {attach!r} should be a list of formats "
                        'like ["pdf"] or ["pdf", "pptx"]')
        attach = ["pdf"]
    elif len(set(attach)) != len(attach):
        problems.append(f"Config value 'email.attach': {attach!r} names a format twice")

    days_before = get("days_before", int, 1)
    if days_before < 0:
        problems.append(f"Config value 'email.days_before': {days_before} should be 0 (the "
                        "meeting day) or more")
        days_before = 1
    numbers = {"max_attachments_mb": get("max_attachments_mb", float, 20.0),
               "timeout": get("timeout", float, 30.0),
               "retry_delay": get("retry_delay", float, 10.0)}
    for key, value in numbers.items():
        if key == "retry_delay" and value < 0:
            problems.append(f"Config value 'email.{key}': {value:g} should be 0 or more")
        elif key != "retry_delay" and value <= 0:
            problems.append(f"Config value 'email.{key}': {value:g} should be more than 0")
    retries = get("retries", int, 3)
    if not 0 <= retries <= 10:
        problems.append(f"Config value 'email.retries': {retries} should be 0-10")
        retries = 3
    send_log = (r.path(get("send_log", str))
                or config_path.resolve().with_name(f"{config_path.stem}.send-log.sqlite"))

    if not sender or not host:
        return None  # the problems say why
    return EmailConfig(
        host=host, port=port, security=security, username=username, password_env=password_env,
        ca_file=ca_file, sender=sender[0], to=to, cc=cc, bcc=bcc, subject=subject,
        attach=tuple(attach), days_before=days_before, send_log=send_log, retries=retries,
        teams=per_pack["teams"], owners=per_pack["owners"],
        **{k: max(v, 0.0) for k, v in numbers.items()},
    )


def _recipients_by_name(raw: dict[str, Any], table: str,
                        problems: list[str]) -> dict[str, tuple[Address, ...]]:
    """[email.teams] or [email.owners]: a name of the data, then its address or addresses."""
    value = raw.get(table, {})
    if not isinstance(value, dict):
        problems.append(f"Config value 'email.{table}': {value!r} should be a table like "
                        f'[email.{table}] then North = ["anna@example.com"]')
        return {}
    return {name: addresses for name in value
            if (addresses := _mailboxes(value, name, problems, label=f"{table}.{name}"))}


def _mailboxes(raw: dict[str, Any], key: str, problems: list[str], *,
               single: bool = False, label: str | None = None) -> tuple[Address, ...]:
    """A string or (unless `single`, which is required) a list of strings, each an address;
    problems name it email.`label` (default: the key)."""
    label = label or key
    if key not in raw:
        if single:
            problems.append(f"Config value 'email.{label}': missing (required): the From "
                            'address, like "Pipeline <pipeline@example.com>"')
        return ()
    value = raw[key]
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or (single and not isinstance(value, str)):
        shape = '"Name <name@example.com>"' if single else '["anna@example.com", ...]'
        problems.append(f"Config value 'email.{label}': {value!r} should be like {shape}")
        return ()
    addresses = []
    for item in items:
        try:
            if not isinstance(item, str):
                raise ValueError("should be a string")
            addresses.append(parse_mailbox(item))
        except ValueError as exc:
            problems.append(f"Config value 'email.{label}': {item!r} {exc}")
    return tuple(addresses)


def _check_subject(subject: str, problems: list[str]) -> None:
    env = subject_environment()
    try:
        names = meta.find_undeclared_variables(env.parse(subject))
    except jinja2.TemplateSyntaxError as exc:
        problems.append(f"Config value 'email.subject': {subject!r} is not a valid template "
                        f"({exc.message}); write fields like {{{{ date }}}}")
        return
    unknown = sorted(names - set(SUBJECT_FIELDS))
    if unknown:
        problems.append(f"Config value 'email.subject': unknown field(s) {', '.join(unknown)} "
                        f"(known: {', '.join(SUBJECT_FIELDS)})")
