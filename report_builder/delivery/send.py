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
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from report_builder.build import BuildResult, build, meeting_date, output_name
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
    """What a run did. `status` is sent, dry_run, not_due or already_sent."""

    status: str
    due: Due
    previous: SentRecord | None = None  # the earlier send of this meeting, if any
    message_id: str | None = None
    recipients: tuple[str, ...] = ()  # accepted by the server (sent) or to be sent (dry run)
    refused: dict[str, str] = field(default_factory=dict)  # recipient -> the server's reply
    attempts: int = 0
    files: dict[str, Path] = field(default_factory=dict)  # the built pack
    eml: Path | None = None  # the dry run's message


def send_pack(config: Config, *, today: dt.date, as_of: dt.date | None = None,
              if_due: bool = False, dry_run: bool = False, force: bool = False,
              out_dir: Path | None = None, progress: Progress = lambda _: None,
              environ: Mapping[str, str] = os.environ,
              sleep: Callable[[float], None] = time.sleep) -> SendResult:
    """Build the pack for the due meeting and mail it, at most once per meeting unless forced."""
    settings = _email_settings(config)
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
        attachments = _attachments(settings, result)
        message_id = (None if force else log.unconfirmed_message_id(due.meeting)) \
            or email.utils.make_msgid(f"pipeline-meeting-{due.meeting.isoformat()}",
                                      domain=settings.sender.domain)
        message = compose(result.agenda, result.context, settings, attachments,
                          message_id=message_id, date=_now())
        attempt = log.begin(due.meeting, message_id=message_id,
                            recipients=settings.recipients,
                            attachments=[a.path.name for a in attachments], forced=force)
        progress(f"Sending to {settings.host}:{settings.port}")
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
                      delivery.attempts, result.files)


def _dry_run(config: Config, settings: EmailConfig, due: Due, previous: SentRecord | None,
             out_dir: Path | None, progress: Progress) -> SendResult:
    result = _build(config, settings, due, out_dir, progress)
    attachments = _attachments(settings, result)
    message_id = email.utils.make_msgid(f"pipeline-meeting-{due.meeting.isoformat()}",
                                        domain=settings.sender.domain)
    message = compose(result.agenda, result.context, settings, attachments,
                      message_id=message_id, date=_now())
    folder = out_dir or config.output.out_dir
    eml = write_atomic(folder / output_name(result.agenda, ".eml"), message.as_bytes())
    return SendResult("dry_run", due, previous, message_id, settings.recipients,
                      files=result.files, eml=eml)


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
