"""The web page served for real, by uvicorn on a free loopback port in a thread, for the tests
that talk to it over HTTP (httpx) or drive it in Chromium (Playwright)."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys"
_CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app's address while the block runs; stopped (its lifespan's end run) after."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True, name="test-web-server")
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)


def csrf_of(html: str) -> str:
    """The CSRF token of a page's forms."""
    match = _CSRF.search(html)
    assert match is not None, "the page has no form with a CSRF token"
    return match.group(1)


def example_folder(folder: Path, *, email: str | None = None) -> Path:
    """The example company copied into `folder` (its data too: the page edits the actions
    table), its packs written to folder/out, the history off; with `email`, an [email]
    section sending to a server on that port."""
    shutil.copytree(EXAMPLE / "data", folder / "data")
    text = (EXAMPLE / "report.toml").read_text(encoding="utf-8")
    text = text.replace('dir = "../../out"', 'dir = "out"', 1)
    text += "\n[history]\nenabled = false\n"
    if email is not None:
        text += email
    (folder / "report.toml").write_text(text, encoding="utf-8")
    return folder
