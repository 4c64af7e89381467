"""Email addresses from the config: `anna@nordlys.dk` or `Anna Holm <anna@nordlys.dk>`.

Strict on purpose: a mistyped address should stop the config check, not bounce after the
build. Local parts are ASCII (no SMTPUTF8 needed); domains may be international and are sent
in their IDNA (xn--) form. Display names may hold any text but control characters, so no name
can add a header line.
"""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_NAMED = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>\s*")


def has_control_characters(text: str) -> bool:
    """True for line breaks, tabs, NUL and the like (Unicode categories Cc, Cf, Zl, Zp)."""
    return any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in text)


def parse_mailbox(text: str) -> Address:
    """One address, with or without a display name; ValueError says what is wrong with it."""
    if has_control_characters(text):
        raise ValueError("holds a line break or another control character")
    match = _NAMED.fullmatch(text)
    if match:
        name = match.group("name")
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1].replace('\\"', '"')
        spec = match.group("address").strip()
    else:
        name, spec = "", text.strip()
    local, at, domain = spec.rpartition("@")
    if not at or not local or not domain:
        raise ValueError("is not an address like anna@example.com")
    if len(local) > 64 or not _LOCAL.fullmatch(local):
        raise ValueError(f"the part before @ ({local!r}) is not a plain ASCII mailbox name")
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise ValueError(f"the domain {domain!r} is not a valid host name") from None
    labels = ascii_domain.split(".")
    if len(ascii_domain) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError(f"the domain {domain!r} is not a valid host name")
    if len(local) + 1 + len(ascii_domain) > 254:
        raise ValueError("is longer than 254 characters")
    return Address(display_name=name, username=local, domain=ascii_domain)
