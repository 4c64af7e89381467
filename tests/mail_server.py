"""A real SMTP server on loopback for the email tests: aiosmtpd with STARTTLS, AUTH, and
replies of our choosing (421, 535, ...).

The certificates are made when the tests run (openssl, into a temporary folder): a CA and a
server certificate it signs for localhost and 127.0.0.1. No key is kept in the repository.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

USER = "pipeline"
PASSWORD = "s3cret horse"
HAVE_OPENSSL = shutil.which("openssl") is not None


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the CA's certificate: what a client names in email.ca_file
    cert: Path  # the server's certificate (signed by the CA) and key
    key: Path


def make_certificates(folder: Path) -> Certificates:
    """A CA and a server certificate for localhost / 127.0.0.1, valid for a day."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / n for n in
                                  ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = folder / "server.ext"
    ext.write_text("basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                   "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(ca_key), "-out", str(ca), "-days", "1",
        "-subj", "/CN=report-builder test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", str(key), "-out", str(csr), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-out", str(cert), "-days", "1", "-extfile", str(ext))
    return Certificates(ca, cert, key)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    authenticated_as: str | None


@dataclass
class Handler:
    """Keeps what it receives; answers DATA with the queued replies first (e.g. a 421)."""

    messages: list[Received] = field(default_factory=list)
    data_replies: list[str] = field(default_factory=list)  # consumed one per DATA
    data_delay: float = 0.0  # seconds to wait before answering DATA
    refuse: set[str] = field(default_factory=set)  # recipients answered with a 550
    data_commands: int = 0
    auth_attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_delay:
            time.sleep(self.data_delay)  # blocks the server's loop: one client at a time
        with self.lock:
            self.data_commands += 1
            if self.data_replies:
                return self.data_replies.pop(0)
            auth = session.auth_data
            login = auth.login.decode() if isinstance(auth, LoginPassword) else None
            self.messages.append(Received(envelope.mail_from or "", list(envelope.rcpt_tos),
                                          envelope.original_content or b"", login))
        return "250 2.0.0 OK: queued"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope,
                     mechanism: str, auth_data: Any) -> AuthResult:
        self.auth_attempts += 1
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class MailServer:
    """aiosmtpd on 127.0.0.1: `security` starttls (required, with AUTH after it), ssl
    (implicit TLS, with AUTH) or none (no TLS, no AUTH)."""

    def __init__(self, certificates: Certificates | None, *, security: str = "starttls") -> None:
        self.handler = Handler()
        self.port = free_port()
        self.security = security
        kwargs: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port,
                                  "server_hostname": "localhost", "ready_timeout": 10}
        if security != "none":
            assert certificates is not None
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(certificates.cert, certificates.key)
            kwargs["authenticator"] = self.handler.authenticate
            if security == "starttls":
                kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
            else:
                # the whole connection is TLS, which aiosmtpd's auth_require_tls does not see
                kwargs.update(ssl_context=context, auth_require_tls=False)
        self.controller = Controller(self.handler, **kwargs)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages

    def reset(self) -> None:
        with self.handler.lock:
            self.handler.messages.clear()
            self.handler.data_replies.clear()
            self.handler.data_delay = 0.0
            self.handler.refuse.clear()
            self.handler.data_commands = 0
            self.handler.auth_attempts = 0


class SilentServer:
    """Accepts TCP connections and never says a word: for the timeout test."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(8)
        self.port = int(self.socket.getsockname()[1])

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.socket.close()
