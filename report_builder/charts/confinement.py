"""What the chart browser may do: no network, no file access beyond its page, the sandbox where
it can run, and a profile folder that never outlives the build.

The browser draws figures made from CRM text. Plotly reads some markup in labels (an image's
source, a style with `url(...)`), so the browser itself is shut off from the world rather than
trusting every label to be clean:

- Network: every request goes to a proxy on a closed port (`127.0.0.1:9`, also for loopback,
  which Chromium otherwise sends direct), host names resolve to nothing, and WebRTC may not
  use UDP outside the proxy. The page and its scripts are local files, so the charts still draw.
- Files: choreographer's `--disable-web-security` and `--allow-file-access-from-files` are
  dropped, so the page cannot read other files; it only loads its own scripts.
- Sandbox: on, unless Chromium cannot run it (as root it refuses to start with its sandbox;
  without user namespaces and without the setuid helper it cannot build one). The reason is
  logged when it is off.
- Profile: a folder named after the process that owns it, removed on close, and folders of
  processes that no longer run are removed when the next browser starts (after a kill -9).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)

PROFILE_PREFIX = "report-builder-chrome-"
DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, every request fails
# flags choreographer passes that open the browser up: removed
DROPPED_FLAGS = ("--disable-web-security", "--allow-file-access-from-files", "--no-sandbox")
DROPPED_PREFIXES = ("--proxy-server=",)
NETWORK_FLAGS = (
    f"--proxy-server={DEAD_PROXY}",
    "--proxy-bypass-list=<-loopback>",  # loopback goes through the dead proxy too
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--disable-background-networking",
    "--disable-domain-reliability",
    "--dns-prefetch-disable",
    "--no-pings",
)
SANDBOX_HELPERS = (Path("/usr/lib/chromium/chrome-sandbox"),
                   Path("/opt/google/chrome/chrome-sandbox"))


def browser_flags(choreographer_flags: Sequence[str], *, sandbox: bool) -> list[str]:
    """choreographer's command line with the opening flags removed and ours added."""
    flags = [f for f in choreographer_flags
             if f not in DROPPED_FLAGS and not f.startswith(DROPPED_PREFIXES)]
    if not sandbox:
        flags.append("--no-sandbox")
    return [*flags, *NETWORK_FLAGS]


@functools.cache
def sandbox_decision() -> tuple[bool, str | None]:
    """Whether the browser runs in its sandbox, and why not when it does not (asked once)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return False, ("running as root, where Chromium refuses to start with its sandbox; "
                       "run the build as an ordinary user to have it")
    if _user_namespaces_work() or any(_setuid_helper(p) for p in SANDBOX_HELPERS):
        return True, None
    return False, ("this system allows no unprivileged user namespaces and has no setuid "
                   "chrome-sandbox helper, so Chromium cannot build its sandbox")


def _user_namespaces_work() -> bool:
    """An unprivileged process may make a user namespace (Chromium's sandbox needs one)."""
    switch = Path("/proc/sys/kernel/unprivileged_userns_clone")
    with contextlib.suppress(OSError, ValueError):
        if switch.exists() and int(switch.read_text().strip()) == 0:
            return False
    with contextlib.suppress(OSError, ValueError):
        if int(Path("/proc/sys/user/max_user_namespaces").read_text().strip()) == 0:
            return False
    unshare = shutil.which("unshare")
    if unshare is None:
        return True  # nothing says no; Chromium reports it if it cannot
    try:
        return subprocess.run([unshare, "--user", "true"], capture_output=True,
                              timeout=5, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _setuid_helper(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return info.st_uid == 0 and bool(info.st_mode & 0o4000)


def make_profile_dir() -> Path:
    """A new profile folder named after this process (so a later start can tell it is stale)."""
    return Path(tempfile.mkdtemp(prefix=f"{PROFILE_PREFIX}{os.getpid()}-"))


_OWNER = re.compile(re.escape(PROFILE_PREFIX) + r"(\d+)-")


def remove_stale_profiles(folder: Path | None = None) -> list[Path]:
    """Remove the profile folders (ours, by name and owner) of processes no longer running.

    Returns:
        The folders removed.
    """
    removed = []
    base = Path(folder or tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in base.glob(f"{PROFILE_PREFIX}*"):
            found = _OWNER.match(entry.name)
            if found is None or _alive(int(found.group(1))):
                continue
            with contextlib.suppress(OSError):
                if not entry.is_dir() or entry.is_symlink() or entry.stat().st_uid != os.getuid():
                    continue
                shutil.rmtree(entry)
                removed.append(entry)
    if removed:
        log.debug("removed %d browser profile folder(s) left by stopped builds", len(removed))
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
