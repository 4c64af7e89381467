"""Who may use the page, and that a form was sent by the page itself.

The server binds the loopback address unless told otherwise; on any other address it needs a
token (read from an environment variable, never from the command line, where `ps` shows it).
A user signs in once with the token and gets a cookie that proves it: an HMAC of the token
under a key made when the server starts, so a restart signs everybody out and the token itself
is never stored in the browser.

Every form carries a CSRF token: the HMAC of the browser's session cookie (random, made on its
first visit) under the same key. A page on another site can make the browser send the cookies,
but cannot read them to write the matching token into its form.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

SESSION_COOKIE = "rb_session"
AUTH_COOKIE = "rb_auth"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1 and localhost are this machine only; anything else (0.0.0.0 too) is
    reachable from others."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """The server's secrets: the sign-in token (None: no sign-in) and the key of its HMACs."""

    def __init__(self, token: str | None) -> None:
        self._token = token
        self._key = secrets.token_bytes(32)

    @property
    def needs_sign_in(self) -> bool:
        return self._token is not None

    def _mac(self, purpose: str, value: str) -> str:
        return hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    # -- sign-in ---------------------------------------------------------------------------
    def token_matches(self, given: str) -> bool:
        """Compared in constant time (hashed first, so the lengths do not show either)."""
        if self._token is None:
            return True
        return hmac.compare_digest(hashlib.sha256(given.encode()).digest(),
                                   hashlib.sha256(self._token.encode()).digest())

    def auth_cookie(self) -> str:
        assert self._token is not None
        return self._mac("auth", self._token)

    def signed_in(self, cookie: str | None) -> bool:
        if self._token is None:
            return True
        return cookie is not None and hmac.compare_digest(cookie, self.auth_cookie())

    # -- CSRF ------------------------------------------------------------------------------
    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def csrf_token(self, session: str) -> str:
        return self._mac("csrf", session)

    def csrf_ok(self, session: str | None, given: str | None) -> bool:
        if not session or not given:
            return False
        return hmac.compare_digest(given, self.csrf_token(session))
