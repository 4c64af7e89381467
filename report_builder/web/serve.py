"""`report-builder serve`: the page on uvicorn, on this machine only unless a token guards it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from report_builder.errors import UsageError
from report_builder.web.security import is_loopback


def serve(folder: Path, *, host: str, port: int, token: str | None, max_upload: int,
          say: Callable[[str], None]) -> int:
    """Serve until stopped (Ctrl+C, SIGTERM); returns the exit code."""
    if not is_loopback(host) and token is None:
        raise UsageError(f"--host {host} makes the page reachable from other machines: give "
                         "--token-env NAME, the environment variable holding the token users "
                         "sign in with (or leave --host out to serve this machine only)")
    import uvicorn

    from report_builder.web.app import create_app

    app = create_app(folder, token=token, host=host, max_upload=max_upload)
    shown = f"[{host}]" if ":" in host else host
    say(f"The pipeline meeting page for {folder.resolve()} is on http://{shown}:{port}/"
        + (" (sign in with the token)" if token else "") + "; Ctrl+C stops it.")
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning",
                                           server_header=False, lifespan="on"))
    server.run()
    return 0 if server.started else 1
