"""Hand a message to the mail server: TLS that verifies, timeouts, retries for what is temporary.

smtplib verifies no certificate unless it is given a context, so every TLS connection here uses
`ssl.create_default_context()` (the system's CAs, or only email.ca_file when set) and checks the
host name. Every connection has a timeout. Temporary failures (4xx replies, a refused or dropped
connection, a timeout) are retried with doubling delays; permanent ones (5xx replies, failed
authentication, an untrusted certificate) fail at once, naming the cause.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from report_builder.config import EmailConfig
from report_builder.errors import PermanentDeliveryError, TemporaryDeliveryError


@dataclass(frozen=True)
class Delivery:
    """What the server took."""

    accepted: tuple[str, ...]
    refused: dict[str, str]  # recipient -> the server's reply
    attempts: int


@dataclass(frozen=True)
class Failure:
    """Why one attempt failed, and whether trying again may help."""

    reason: str
    temporary: bool


def deliver(message: EmailMessage, email: EmailConfig, *, recipients: Sequence[str],
            password: str | None, sleep: Callable[[float], None] = time.sleep,
            on_retry: Callable[[str], None] = lambda _: None) -> Delivery:
    """Send `message` to `recipients` (the envelope), retrying temporary failures.

    Raises PermanentDeliveryError at once, or TemporaryDeliveryError after the last retry.
    """
    attempts = email.retries + 1
    server = f"{email.host}:{email.port}"
    for attempt in range(1, attempts + 1):
        try:
            refused = _send_once(message, email, recipients=recipients, password=password)
        except (smtplib.SMTPException, OSError) as exc:
            failure = classify(exc, email)
            if not failure.temporary:
                raise PermanentDeliveryError(
                    f"The mail server {server} refused the message: {failure.reason}. "
                    "The meeting is not marked as sent.") from None
            if attempt == attempts:
                raise TemporaryDeliveryError(
                    f"The mail server {server} did not take the message after {attempts} "
                    f"attempt(s): {failure.reason}. The meeting is not marked as sent; run "
                    "again later."
                ) from None
            delay = email.retry_delay * 2 ** (attempt - 1)
            on_retry(f"{failure.reason}; trying again in {delay:g} s "
                     f"(attempt {attempt + 1} of {attempts})")
            sleep(delay)
            continue
        accepted = tuple(r for r in recipients if r not in refused)
        return Delivery(accepted, refused, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def _send_once(message: EmailMessage, email: EmailConfig, *, recipients: Sequence[str],
               password: str | None) -> dict[str, str]:
    context = ssl.create_default_context(
        cafile=str(email.ca_file) if email.ca_file is not None else None)
    client: smtplib.SMTP
    if email.security == "ssl":
        client = smtplib.SMTP_SSL(email.host, email.port, timeout=email.timeout,
                                  context=context)
    else:
        client = smtplib.SMTP(email.host, email.port, timeout=email.timeout)
    try:
        client.ehlo()
        if email.security == "starttls":
            if not client.has_extn("starttls"):
                raise smtplib.SMTPNotSupportedError("STARTTLS")
            client.starttls(context=context)
            client.ehlo()
        if email.username:
            client.login(email.username, password or "")
        refused = client.send_message(message, from_addr=email.sender.addr_spec,
                                      to_addrs=list(recipients))
    finally:
        _close(client)  # the message is taken once send_message returns: QUIT may fail
    return {r: f"{code} {_text(reply)}" for r, (code, reply) in refused.items()}


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def classify(exc: BaseException, email: EmailConfig) -> Failure:
    """A failed attempt's cause in words, and whether it is temporary."""
    server = f"{email.host}:{email.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Failure(f"authentication failed ({exc.smtp_code} {_text(exc.smtp_error)}); check "
                       f"email.username and the password in ${email.password_env}", False)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        what = str(exc.args[0]) if exc.args else ""
        if what == "STARTTLS":
            return Failure(f"{server} does not offer STARTTLS; use security = \"ssl\" (usually "
                           "port 465) or ask for a server that encrypts", False)
        return Failure(f"{server} does not support what was asked ({what or exc}); "
                       "authentication usually needs starttls or ssl", False)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = {r: code for r, (code, _) in exc.recipients.items()}
        detail = ", ".join(f"{r} ({code} {_text(reply)})"
                           for r, (code, reply) in exc.recipients.items())
        temporary = all(400 <= code < 500 for code in replies.values())
        return Failure(f"every recipient was refused: {detail}", temporary)
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        if 500 <= exc.smtp_code < 600:
            return Failure(f"the server answered {reply}", False)
        return Failure(f"the server answered {reply} (a temporary failure)", True)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        if isinstance(exc.__context__, TimeoutError):  # smtplib's name for a read timeout
            return Failure(f"{server} did not answer within {email.timeout:g} s", True)
        return Failure(f"{server} closed the connection ({exc})", True)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Failure(f"the server's certificate is not trusted ({exc.verify_message}); if "
                       "the server uses a private CA, name its certificate in email.ca_file",
                       False)
    if isinstance(exc, ssl.SSLError):
        return Failure(f"the TLS handshake failed ({exc.reason or exc}); check email.security "
                       "and email.port (ssl is usually port 465, starttls 587)", False)
    if isinstance(exc, socket.gaierror):
        return Failure(f"the host name {email.host} cannot be resolved ({exc.strerror})",
                       exc.errno == socket.EAI_AGAIN)
    if isinstance(exc, ConnectionRefusedError):
        return Failure(f"{server} refused the connection", True)
    if isinstance(exc, TimeoutError):
        return Failure(f"{server} did not answer within {email.timeout:g} s", True)
    if isinstance(exc, OSError):
        return Failure(f"the connection to {server} failed ({exc.strerror or exc})", True)
    return Failure(f"{type(exc).__name__}: {exc}", False)  # other SMTPExceptions


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())
