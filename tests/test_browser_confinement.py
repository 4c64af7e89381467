"""The chart browser and the HTML pack reach nothing: a real web server on loopback counts the
requests made while figures, the PDF pack and the opened HTML pack point at it."""

from __future__ import annotations

import contextlib
import http.server
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import pytest

from report_builder.charts.confinement import (
    PROFILE_PREFIX,
    remove_stale_profiles,
    sandbox_decision,
)
from report_builder.charts.export import ChartExporter, find_browser
from report_builder.charts.figures import FIGURE_KEYS
from report_builder.cli import main
from report_builder.errors import ChartExportError
from report_builder.renderers.html import chart_div_id
from tests.browser import chromium
from tests.small_company import AS_OF, DEALS, LEADS, write_company
from tests.test_chart_export import browser_processes

CHROMIUM = Path("/usr/bin/chromium")


def _browser() -> Path | None:
    try:
        return find_browser()
    except Exception:
        return None


needs_browser = pytest.mark.skipif(_browser() is None, reason="no Chrome/Chromium found")
pytestmark = pytest.mark.browser


@dataclass
class Server:
    """A web server on loopback that answers every GET with an SVG and keeps each path asked."""

    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[Server]:
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            asked.append(self.path)
            body = b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>'
            self.send_response(200)
            self.send_header("Content-Type", "image/svg+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{httpd.server_address[1]}", asked)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_the_server_counts_requests(server: Server) -> None:
    """The counting itself works, so an empty count below means no request was made."""
    with urllib.request.urlopen(f"{server.url}/probe", timeout=5) as answer:  # noqa: S310
        assert answer.status == 200
    assert server.requests == ["/probe"]


def reaching_figure(url: str, points: int = 2) -> go.Figure:
    """A figure whose image, label markup and styles all point at `url`."""
    figure = go.Figure(go.Bar(
        x=[f'<span style="fill:url({url}/span#p)">a</span>', f"<img src={url}/img>"][:points]
        + list(range(points - 2)),
        y=list(range(points))))
    figure.update_layout(
        title=f'<a href="{url}/link">t</a>',
        images=[{"source": f"{url}/layout-image", "x": 0, "y": 1, "sizex": 1, "sizey": 1,
                 "xref": "paper", "yref": "paper"}])
    return figure


@needs_browser
def test_exported_figures_request_nothing(server: Server) -> None:
    """Both ways out of the browser: an SVG and a dense chart drawn as PNG."""
    with ChartExporter(timeout=60) as exporter:
        charts = exporter.export({"svg": reaching_figure(server.url),
                                  "png": reaching_figure(server.url, points=3000)},
                                 width=400, height=300)
    assert (charts["svg"].format, charts["png"].format) == ("svg", "png")
    assert server.requests == []


@needs_browser
def test_the_browser_runs_confined(monkeypatch: pytest.MonkeyPatch) -> None:
    tag = f"confinement-test-{uuid.uuid4().hex}"
    monkeypatch.setenv("REPORT_BUILDER_TEST_TAG", tag)
    with ChartExporter(timeout=60) as exporter:
        exporter.export({"bar": go.Figure(go.Bar(x=["a"], y=[1]))}, width=300, height=200)
        lines = [Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
                 for pid in browser_processes(tag)]
        full = [line for line in lines if "--remote-debugging-pipe" in line
                and not any("_unix_pipe" in part for part in line)]
    assert len(full) == 1
    flags = full[0]
    assert "--disable-web-security" not in flags
    assert "--allow-file-access-from-files" not in flags
    assert "--proxy-server=http://127.0.0.1:9" in flags
    assert "--proxy-bypass-list=<-loopback>" in flags
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in flags
    assert ("--no-sandbox" in flags) is (not sandbox_decision()[0])


def test_sandbox_is_off_only_with_a_reason() -> None:
    on, why = sandbox_decision()
    if os.geteuid() == 0:
        assert not on and "root" in (why or "")
    else:
        assert on or why


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stale_profiles_of_dead_processes_are_removed(tmp_path: Path) -> None:
    dead = tmp_path / f"{PROFILE_PREFIX}{_dead_pid()}-abc"
    (dead / "user-data").mkdir(parents=True)
    (dead / "user-data" / "Cookies").write_text("x")
    alive = tmp_path / f"{PROFILE_PREFIX}{os.getppid()}-def"
    alive.mkdir()
    other = tmp_path / "report-builder-chrome-notapid"
    other.mkdir()
    assert remove_stale_profiles(tmp_path) == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])


@needs_browser
def test_a_new_exporter_removes_stale_profiles(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    stale = tmp_path / f"{PROFILE_PREFIX}{_dead_pid()}-xyz"
    stale.mkdir()
    exporter = ChartExporter()
    exporter.start()
    try:
        assert not stale.exists()
        mine = list(tmp_path.glob(f"{PROFILE_PREFIX}{os.getpid()}-*"))
        assert len(mine) == 1
    finally:
        exporter.close()
    assert list(tmp_path.iterdir()) == []


@needs_browser
def test_sigterm_during_a_build_leaves_no_profile_and_no_browser(tmp_path: Path) -> None:
    config = write_company(tmp_path / "company")
    temp = tmp_path / "tmp"
    temp.mkdir()
    tag = f"sigterm-test-{uuid.uuid4().hex}"
    env = {**os.environ, "TMPDIR": str(temp), "REPORT_BUILDER_TEST_TAG": tag,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    build = subprocess.Popen(
        [sys.executable, "-m", "report_builder", "build", str(config), "--format", "pdf",
         "--out", str(tmp_path / "out")], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and build.poll() is None:
            pages = list(temp.glob(f"{PROFILE_PREFIX}*/page/index.html"))
            browsers = [c for c in browser_processes(tag).values() if "chromium" in c]
            if pages and browsers:
                break
            time.sleep(0.05)
        assert build.poll() is None, "the build ended before the browser was seen"
        build.send_signal(signal.SIGTERM)
        _, err = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 128 + signal.SIGTERM, err.decode()[-2000:]
    assert list(temp.iterdir()) == []
    deadline = time.monotonic() + 5
    while browser_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert browser_processes(tag) == {}
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def hostile_company(folder: Path, url: str) -> Path:
    """The small company with lead sources and reasons that reach for `url` when read as
    markup (raw, as if nothing escaped them)."""
    image = f"<img src={url}/lead-source>"
    styled = f'Partner<span style="fill:url({url}/reason#p)">x</span>'
    deals = [row.copy() for row in DEALS]
    for row in deals:
        if row[10] == "Partner":
            row[10] = image
        if row[13]:
            row[13] = styled
        if row[12]:
            row[12] = f'<a href="{url}/won">{row[12]}</a>'
    leads = [row.copy() for row in LEADS]
    for row in leads:
        if row[2] == "Partner":
            row[2] = image
        if row[11]:
            row[11] = styled
    return write_company(folder, deals=deals, leads=leads)


@needs_browser
def test_pdf_build_of_a_hostile_pack_requests_nothing(tmp_path: Path, server: Server) -> None:
    config = hostile_company(tmp_path, server.url)
    out = tmp_path / "out"
    assert main(["build", str(config), "--as-of", AS_OF, "--format", "pdf",
                 "--out", str(out)]) == 0
    assert [p.suffix for p in out.iterdir()] == [".pdf"]
    assert server.requests == []


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian chromium at /usr/bin/chromium")
def test_the_opened_html_pack_requests_nothing(tmp_path: Path, server: Server) -> None:
    config = hostile_company(tmp_path, server.url)
    out = tmp_path / "out"
    assert main(["build", str(config), "--as-of", AS_OF, "--format", "html",
                 "--out", str(out)]) == 0
    (page_file,) = out.iterdir()
    asked: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # an attempt the page's Content-Security-Policy blocks is still reported as a
        # request (then failed); only the ones that finished reached out
        page.on("requestfinished", lambda r: asked.append(r.url))
        page.goto(page_file.as_uri(), wait_until="load")
        for key in FIGURE_KEYS:
            page.wait_for_selector(f"#{chart_div_id(key)} .plot-container .main-svg",
                                   state="attached", timeout=10_000)
        page.mouse.move(700, 500)
        page.emulate_media(media="print")
        page.wait_for_timeout(500)
    assert server.requests == []
    assert [u for u in asked if not u.startswith(("file:", "data:"))] == []


@pytest.mark.parametrize("then_fails", [False, True])
def test_a_sigterm_that_c_code_swallows_still_stops_the_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, then_fails: bool) -> None:
    """DuckDB swallows the SystemExit the handler raises when the signal lands while it imports
    pyarrow; the build's next step stops it all the same, and an error that follows (the
    browser dying with the build) is reported as the stop: exit 143, nothing written."""
    config = write_company(tmp_path / "company")
    out = tmp_path / "out"

    def swallow_a_sigterm(step: str) -> None:
        if step == "Loading the dataset":
            with contextlib.suppress(SystemExit):
                signal.raise_signal(signal.SIGTERM)
            if then_fails:
                raise ChartExportError("The browser seemed to close immediately")

    import report_builder.cli as cli
    real_report_steps = cli._report_steps

    @contextlib.contextmanager
    def report_steps(*args: object, **kwargs: object) -> Iterator[Callable[[str], None]]:
        with real_report_steps(*args, **kwargs) as report:  # type: ignore[arg-type]
            yield lambda step: (swallow_a_sigterm(step), report(step))[1]

    monkeypatch.setattr(cli, "_report_steps", report_steps)
    argv = ["build", str(config), "--format", "html", "--out", str(out), "--no-history"]
    if then_fails:
        assert main(argv) == 128 + signal.SIGTERM
    else:
        with pytest.raises(SystemExit) as stopped:
            main(argv)
        assert stopped.value.code == 128 + signal.SIGTERM
    assert not out.exists()
