"""The `send` verb: decide, build, check, send, log; top to bottom.

1. the meeting: --as-of, else the config's as_of, else the next of the cadence; with --if-due,
   stop quietly unless today is in its window (schedule.py);
2. under the send log's lock: stop if the meeting was already sent (unless forced);
3. build the formats to attach (written to the output folder, atomically), check their size;
4. compose the message; a dry run writes it as .eml and stops;
5. record the attempt, hand the message to the server, confirm the attempt on the server's OK.

The guarantee is at-least-once with duplicate suppression: a meeting is marked sent only after
the server's OK, so a reply lost on the way may make the next run send again (with the same
Message-ID); a meeting marked sent is never sent again without --force.

`send --per team` (send_per) builds a pack per team in one run (build_per) and mails each to its
team's recipients ([email.teams]; [email.owners] per seller); each pack is logged, and so sent
once per meeting, on its own. A pack that fails to go out does not stop the others: the run
reports it and exits non-zero, and the next run sends only what is not sent yet.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from report_builder.build import BuildResult, build, build_per, meeting_date, output_name
from report_builder.config import Config, EmailConfig
from report_builder.delivery.message import Attachment, compose, file_size
from report_builder.delivery.schedule import Due, due_window
from report_builder.delivery.sendlog import SendLog, SentRecord
from report_builder.delivery.smtp import deliver
from report_builder.errors import (
    AttachmentTooLargeError,
    ConfigError,
    DeliveryError,
    PasswordNotSetError,
    SendLogError,
    UnknownFormatError,
)
from report_builder.renderers.base import get_renderer
from report_builder.writer import write_atomic

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SendResult:
    """What a run did with a pack. `status` is sent, dry_run, not_due or already_sent; with
    send_per also no_recipients (built, not mailed), failed (`error` says why) or not_in_data
    (a name [email.teams] or [email.owners] gives that no deal of the data has)."""

    status: str
    due: Due
    previous: SentRecord | None = None  # the earlier send of this meeting, if any
    message_id: str | None = None
    recipients: tuple[str, ...] = ()  # accepted by the server (sent) or to be sent (dry run)
    refused: dict[str, str] = field(default_factory=dict)  # recipient -> the server's reply
    attempts: int = 0
    files: dict[str, Path] = field(default_factory=dict)  # the built pack
    eml: Path | None = None  # the dry run's message
    pack: str = ""  # the team or seller (send_per); "" the company
    error: str | None = None


def send_pack(config: Config, *, today: dt.date, as_of: dt.date | None = None,
              if_due: bool = False, dry_run: bool = False, force: bool = False,
              out_dir: Path | None = None, progress: Progress = lambda _: None,
              environ: Mapping[str, str] = os.environ,
              sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Build the pack for the due meeting and mail it, at most once per meeting unless forced."""
    settings = _email_settings(config)
    if not settings.recipients:
        raise ConfigError(config.path, [
            "Config value 'email.to': missing: who gets the company's pack, like "
            '["anna@example.com", "Bo Berg <bo@example.com>"] ([email.teams] and '
            "[email.owners] are for send --per team and --per owner)"])
    due = due_window(meeting_date(config, as_of, today), settings.days_before)
    if if_due and not due.on(today):
        return SendResult("not_due", due)
    password = None if dry_run else _password(settings, environ)
    log = SendLog(settings.send_log)
    if dry_run:  # reads the log, takes no lock and writes nothing to it
        return _dry_run(config, settings, due, log.last_sent(due.meeting), out_dir, progress)
    with log.lock():
        previous = log.last_sent(due.meeting)
        if previous is not None and not force:
            return SendResult("already_sent", due, previous)
        result = _build(config, settings, due, out_dir, progress)
        return _mail(log, settings, due, result, previous=previous, force=force,
                     password=password, sleep=sleep, progress=progress)


def send_per(config: Config, by: str, *, today: dt.date, as_of: dt.date | None = None,
             if_due: bool = False, dry_run: bool = False, force: bool = False,
             out_dir: Path | None = None, progress: Progress = lambda _: None,
             environ: Mapping[str, str] = os.environ,
             sleep: Callable[[float], None] = time.sleep) -> list[SendResult]:
    """A pack per team (`by` "team") or seller ("owner"), each mailed to the recipients its
    name has in [email.teams] ([email.owners]), at most once per meeting unless forced: one
    result per pack, in name order. A pack with no recipients is built but not mailed; one
    that fails to go out is reported (status failed) while the others still go."""
    settings = _email_settings(config)
    table = "teams" if by == "team" else "owners"
    if not settings.recipients_by(by):
        raise ConfigError(config.path, [
            f"Config section [email.{table}] is missing or empty: add it to send a pack per "
            f"{'seller' if by == 'owner' else by}, each name of the data with its recipients, "
            'like North = ["anna@example.com", "Bo Berg <bo@example.com>"]'])
    due = due_window(meeting_date(config, as_of, today), settings.days_before)
    if if_due and not due.on(today):
        return [SendResult("not_due", due)]
    password = None if dry_run else _password(settings, environ)
    log = SendLog(settings.send_log)
    folder = out_dir or config.output.out_dir
    if dry_run:
        return _with_unknown_names(settings, by, due, [
            _dry_run_pack(settings.for_pack(by, name), due, result,
                          log.last_sent(due.meeting, _pack_key(by, name)), (by, name))
            for name, result in _build_per(config, by, settings, due, folder,
                                           progress).items()])
    with log.lock():
        sent_before = {name: log.last_sent(due.meeting, _pack_key(by, name))
                       for name in settings.recipients_by(by)}
        if not force and all(sent_before.values()):
            return [SendResult("already_sent", due, previous, pack=name)
                    for name, previous in sorted(sent_before.items())]
        results = []
        for name, result in _build_per(config, by, settings, due, folder, progress).items():
            pack_settings = settings.for_pack(by, name)
            previous = sent_before.get(name)
            if pack_settings is None:
                results.append(SendResult("no_recipients", due, files=result.files, pack=name))
            elif previous is not None and not force:
                results.append(SendResult("already_sent", due, previous, pack=name))
            else:
                try:
                    results.append(_mail(log, pack_settings, due, result, previous=previous,
                                         force=force, password=password, sleep=sleep,
                                         progress=progress, pack=(by, name)))
                except (DeliveryError, AttachmentTooLargeError) as exc:
                    results.append(SendResult("failed", due, previous, files=result.files,
                                              pack=name, error=str(exc)))
    return _with_unknown_names(settings, by, due, results)


def _with_unknown_names(settings: EmailConfig, by: str, due: Due,
                        results: list[SendResult]) -> list[SendResult]:
    """`results`, then one (not_in_data) for each name given recipients that had no pack."""
    built = {r.pack for r in results}
    return results + [SendResult("not_in_data", due, pack=name)
                      for name in sorted(set(settings.recipients_by(by)) - built)]


def _mail(log: SendLog, settings: EmailConfig, due: Due, result: BuildResult, *,
          previous: SentRecord | None, force: bool, password: str | None,
          sleep: Callable[[float], None], progress: Progress,
          pack: tuple[str, str] | None = None) -> SendResult:
    """Mail the built pack (the company's, or `pack` (by, name)) and log it; under the lock."""
    key = _pack_key(*pack) if pack else ""
    attachments = _attachments(settings, result)
    message_id = (None if force else log.unconfirmed_message_id(due.meeting, key)) \
        or _message_id(settings, due, key)
    message = compose(result.agenda, result.context, settings, attachments,
                      message_id=message_id, date=_now())
    attempt = log.begin(due.meeting, message_id=message_id, recipients=settings.recipients,
                        attachments=[a.path.name for a in attachments], forced=force, pack=key)
    whose = f" the pack of {pack[1]}" if pack else ""
    progress(f"Sending{whose} to {settings.host}:{settings.port}")
    try:
        delivery = deliver(message, settings, recipients=settings.recipients,
                           password=password, sleep=sleep, on_retry=progress)
    except DeliveryError as exc:
        log.fail(attempt, str(exc))
        where = ", ".join(str(p) for p in result.files.values()) or "nothing was built"
        raise type(exc)(f"{exc} The pack is built: {where}") from None
    try:
        log.confirm(attempt, delivery.accepted)
    except SendLogError as exc:
        raise SendLogError(f"The pack was sent (message id {message_id}), but the send log "
                           f"could not record it: {exc}. Until it can, a next run sends "
                           "it again.") from None
    return SendResult("sent", due, previous, message_id, delivery.accepted, delivery.refused,
                      delivery.attempts, result.files, pack=pack[1] if pack else "")


def _pack_key(by: str, name: str) -> str:
    """The send log's name of a team's or seller's pack."""
    return f"{by}:{name}"


def _message_id(settings: EmailConfig, due: Due, key: str) -> str:
    """A new Message-ID; a team's or seller's names it by a hash (the name may be any text)."""
    pack = f"-{hashlib.sha256(key.encode()).hexdigest()[:10]}" if key else ""
    return email.utils.make_msgid(f"pipeline-meeting-{due.meeting.isoformat()}{pack}",
                                  domain=settings.sender.domain)


def _dry_run(config: Config, settings: EmailConfig, due: Due, previous: SentRecord | None,
             out_dir: Path | None, progress: Progress) -> SendResult:
    result = _build(config, settings, due, out_dir, progress)
    return _dry_run_pack(settings, due, result, previous)


def _dry_run_pack(settings: EmailConfig | None, due: Due, result: BuildResult,
                  previous: SentRecord | None, pack: tuple[str, str] | None = None
                  ) -> SendResult:
    """The message written as .eml beside the pack's files (none where `settings` is None:
    the pack has no recipients)."""
    name = pack[1] if pack else ""
    if settings is None:
        return SendResult("no_recipients", due, previous, files=result.files, pack=name)
    attachments = _attachments(settings, result)
    message = compose(result.agenda, result.context, settings, attachments,
                      message_id=_message_id(settings, due, _pack_key(*pack) if pack else ""),
                      date=_now())
    folder = next(iter(result.files.values())).parent
    eml = write_atomic(folder / output_name(result.agenda, ".eml"), message.as_bytes())
    return SendResult("dry_run", due, previous, message.get("Message-ID"), settings.recipients,
                      files=result.files, eml=eml, pack=name)


def _email_settings(config: Config) -> EmailConfig:
    settings = config.email
    if settings is None:
        raise ConfigError(config.path, ["Config section [email] is missing: add it to send "
                                        "the pack (README: 'Sending the pack')"])
    if settings.days_before >= config.meeting.cadence_days:
        raise ConfigError(config.path, [
            f"Config value 'email.days_before': {settings.days_before} should be less than "
            f"meeting.cadence_days ({config.meeting.cadence_days}), or every day is due"])
    problems = []
    for name in settings.attach:
        try:
            get_renderer(name)
        except UnknownFormatError as exc:
            problems.append(f"Config value 'email.attach': {exc}")
    if problems:
        raise ConfigError(config.path, problems)
    return settings


def _password(settings: EmailConfig, environ: Mapping[str, str]) -> str | None:
    if not settings.username or settings.password_env is None:
        return None
    password = environ.get(settings.password_env)
    if not password:
        raise PasswordNotSetError(
            f"The mail password is read from the environment variable "
            f"{settings.password_env} (email.password_env), which is not set. Set it where "
            "the command runs: `export` it in a shell, an Environment= or EnvironmentFile= "
            "line in a systemd service, or a variable line in the crontab.")
    return password


def _build(config: Config, settings: EmailConfig, due: Due, out_dir: Path | None,
           progress: Progress) -> BuildResult:
    return build(config, as_of=due.meeting, formats=settings.attach,
                 out_dir=out_dir or config.output.out_dir, progress=progress)


def _build_per(config: Config, by: str, settings: EmailConfig, due: Due, out_dir: Path,
               progress: Progress) -> dict[str, BuildResult]:
    return build_per(config, by, as_of=due.meeting, formats=settings.attach, out_dir=out_dir,
                     progress=progress)


def _attachments(settings: EmailConfig, result: BuildResult) -> list[Attachment]:
    """The built files in the order configured, refused when together they are too large."""
    renderers = [get_renderer(name) for name in settings.attach]  # `deck` is customer-deck
    attachments = [Attachment(result.files[r.name], r.media_type)
                   for r in dict.fromkeys(renderers)]
    total = sum(a.size for a in attachments)
    if total > settings.max_attachment_bytes:
        sizes = ", ".join(f"{a.path.name} {file_size(a.size, 'en')}" for a in attachments)
        raise AttachmentTooLargeError(
            f"The attachments come to {file_size(total, 'en')} ({sizes}), over the "
            f"{settings.max_attachments_mb:g} MB limit (email.max_attachments_mb); nothing "
            "was sent. Attach fewer formats (email.attach), or raise the limit if the mail "
            "servers on the way accept larger messages.")
    return attachments


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).astimezone()
