"""`report-builder serve`: the page on uvicorn, on this machine only unless a token guards it."""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path

from report_builder.errors import OutputError, UsageError
from report_builder.web.security import is_loopback


def serve(folder: Path, *, host: str, port: int, token: str | None, max_upload: int,
          say: Callable[[str], None], open_browser: bool = False) -> int:
    """Serve until stopped (Ctrl+C, SIGTERM); returns the exit code. With `open_browser`, the
    page opens in the user's browser once the server listens, where there is a desktop to
    show it on."""
    if not is_loopback(host) and token is None:
        raise UsageError(f"--host {host} makes the page reachable from other machines: give "
                         "--token-env NAME, the environment variable holding the token users "
                         "sign in with (or leave --host out to serve this machine only)")
    _check_free(host, port)
    import uvicorn

    from report_builder.web.app import create_app

    app = create_app(folder, token=token, host=host, max_upload=max_upload)
    shown = f"[{host}]" if ":" in host else host
    say(f"The pipeline meeting page for {folder.resolve()} is on http://{shown}:{port}/"
        + (" (sign in with the token)" if token else "") + "; Ctrl+C stops it.")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           server_header=False, lifespan="on"))
    if open_browser and has_desktop():
        url = f"http://{shown}:{port}/"
        threading.Thread(target=_open_when_listening, args=(server, url), daemon=True).start()
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit) as exc:
        # uvicorn shuts down on Ctrl+C or SIGTERM (a service stop), then raises the signal
        # again: the stop it asked for, done cleanly
        if isinstance(exc, SystemExit) and exc.code != 128 + signal.SIGTERM:
            raise
        say("Stopped.")
    return 0 if server.started else 1


def _check_free(host: str, port: int) -> None:
    """Say plainly when the address is taken (another serve, say), before anything starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise OutputError(f"Cannot listen on {host}:{port}: {exc.strerror}; is another "
                             "serve running there? Choose another with --port.") from None


def has_desktop() -> bool:
    """A graphical session to open a browser in (on a server, Python's webbrowser would start
    a text browser in the terminal the server runs in)."""
    if sys.platform in ("darwin", "win32"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _open_when_listening(server: object, url: str) -> None:
    for _ in range(200):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.05)
