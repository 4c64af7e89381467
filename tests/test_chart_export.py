"""Static chart export through one headless browser: formats, threads, offline, no leftovers.

Browser processes are found the way an operator would: /proc, by a tag each test puts in the
environment the browser inherits, and by the session the browser runs in (its renderers rewrite
their environment, so the session catches those).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
import stat
import struct
import subprocess
import sys
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
import pytest

from report_builder.charts import export
from report_builder.charts.export import (
    ChartExporter,
    StaticChart,
    count_points,
    export_charts,
    find_browser,
)
from report_builder.charts.figures import FIGURE_KEYS, build_figures
from report_builder.errors import BrowserNotFoundError, ChartExportError
from report_builder.formatting import Formatter
from tests.sample_agenda import sample_agenda

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_NS = "{http://www.w3.org/2000/svg}"
TAG_ENV = "REPORT_BUILDER_TEST_TAG"
FLAGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--headless")


def _installed_browser() -> Path | None:
    try:
        return find_browser()
    except BrowserNotFoundError:
        return None


BROWSER = _installed_browser()
needs_browser = pytest.mark.skipif(
    BROWSER is None, reason="no Chrome/Chromium found (apt-get install chromium, or set "
                            "$REPORT_BUILDER_BROWSER)")


def pack_figures(language: str) -> dict[str, go.Figure]:
    agenda = sample_agenda(language)
    return build_figures(agenda, Formatter(agenda.locale, agenda.currency))


def bar(title: str) -> go.Figure:
    return go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2]), layout={"title": {"text": title}})


def dense_scatter(points: int = 20_000) -> go.Figure:
    rng = np.random.default_rng(7)
    return go.Figure(go.Scattergl(x=np.arange(points), y=rng.normal(size=points),
                                  mode="markers"))


# -- processes ---------------------------------------------------------------------------------
def _read(pid: str, name: str) -> bytes:
    try:
        return (Path("/proc") / pid / name).read_bytes()
    except OSError:
        return b""


def _stat(pid: str) -> tuple[str, int] | None:
    """(state, session id) of a process, or None when it is gone."""
    raw = _read(pid, "stat").decode(errors="replace")
    if not raw:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return fields[0], int(fields[3])


def browser_processes(tag: str, sessions: frozenset[int] = frozenset()) -> dict[int, str]:
    """Running processes (not zombies) with `tag` in their environment or command line, or in
    one of `sessions`: pid -> command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        info = _stat(entry)
        if info is None or info[0] == "Z":
            continue
        cmdline = _read(entry, "cmdline")
        if (info[1] in sessions or tag.encode() in cmdline
                or tag.encode() in _read(entry, "environ")):
            found[int(entry)] = cmdline.replace(b"\0", b" ").decode(errors="replace")[:160]
    return found


def browser_sessions(tag: str) -> frozenset[int]:
    """The sessions the tagged processes run in (choreographer starts the browser in its own)."""
    return frozenset(s[1] for pid in browser_processes(tag) if (s := _stat(str(pid))))


def assert_all_gone(tag: str, sessions: frozenset[int], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while (left := browser_processes(tag, sessions)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == {}, f"browser processes left running: {left}"


@pytest.fixture
def tag(monkeypatch: pytest.MonkeyPatch) -> str:
    """A unique value in the environment that the browsers started by this test inherit."""
    value = f"chart-export-test-{uuid.uuid4().hex}"
    monkeypatch.setenv(TAG_ENV, value)
    return value


@pytest.fixture(scope="module")
def exporter() -> Iterator[ChartExporter]:
    if BROWSER is None:
        pytest.skip("no Chrome/Chromium found")
    with ChartExporter(timeout=120) as shared:
        yield shared


# -- SVG checks --------------------------------------------------------------------------------
def assert_self_contained_svg(data: bytes, width: int, height: int) -> ET.Element:
    root = ET.fromstring(data)
    assert root.tag == f"{SVG_NS}svg"
    assert root.get("width") == str(width) and root.get("height") == str(height)
    assert root.get("viewBox") == f"0 0 {width} {height}"
    for element in root.iter():
        for name, value in element.attrib.items():
            if name.endswith("href"):
                assert value.startswith(("#", "data:")), (name, value)
            for url in re.findall(r"url\(([^)]*)\)", value):
                assert url.strip("'\"").startswith("#"), (name, value)
    assert element_text_free_of(root, ("http:", "https:", "file:", "@import"))
    assert b"mathjax" not in data.lower()
    return root


def element_text_free_of(root: ET.Element, needles: tuple[str, ...]) -> bool:
    """No text or attribute holds an external reference (the xmlns declarations are parsed
    away, so any URL left is a real one)."""
    for element in root.iter():
        for text in [element.text or "", *element.attrib.values()]:
            if any(n in text for n in needles):
                return False
    return True


def svg_text(data: bytes) -> str:
    return " ".join(t.text or "" for t in ET.fromstring(data).iter(f"{SVG_NS}text"))


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", data[16:24])
    return width, height


# -- finding the browser -----------------------------------------------------------------------
def fake_browser(folder: Path, name: str = "chromium") -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_browser_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REPORT_BUILDER_BROWSER", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(export, "USUAL_PATHS", (tmp_path / "no-chromium",))


def assert_names_the_fix(error: BrowserNotFoundError) -> None:
    message = str(error)
    assert "sudo apt-get install chromium" in message
    assert "make demo" in message
    assert '[output] browser = "/path/to/chrome"' in message
    assert "$REPORT_BUILDER_BROWSER" in message
    assert error.exit_code == 2


def test_configured_browser_that_does_not_exist_is_an_error_with_the_fix(
        tmp_path: Path, no_browser_anywhere: None) -> None:
    missing = tmp_path / "opt" / "chrome"
    with pytest.raises(BrowserNotFoundError) as caught:
        find_browser(missing)
    assert str(missing) in str(caught.value)
    assert_names_the_fix(caught.value)


def test_configured_browser_that_does_not_exist_is_not_skipped_for_one_on_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    fake_browser(tmp_path)
    with pytest.raises(BrowserNotFoundError):
        find_browser(tmp_path / "typo-chrome")


def test_no_browser_on_an_empty_path_without_settings(no_browser_anywhere: None) -> None:
    with pytest.raises(BrowserNotFoundError) as caught:
        find_browser()
    assert_names_the_fix(caught.value)


def test_exporter_fails_at_construction_without_a_browser(no_browser_anywhere: None) -> None:
    with pytest.raises(BrowserNotFoundError):
        ChartExporter()


def test_browser_search_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    on_path = fake_browser(tmp_path, "google-chrome")
    from_env = fake_browser(tmp_path, "env-chrome")
    from_kaleido_env = fake_browser(tmp_path, "kaleido-chrome")
    configured = fake_browser(tmp_path, "configured-chrome")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("REPORT_BUILDER_BROWSER", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    assert find_browser() == on_path
    monkeypatch.setenv("BROWSER_PATH", str(from_kaleido_env))
    assert find_browser() == from_kaleido_env
    monkeypatch.setenv("REPORT_BUILDER_BROWSER", str(from_env))
    assert find_browser() == from_env
    assert find_browser(configured) == configured
    assert find_browser(str(configured)) == configured


def test_a_wrong_browser_in_the_environment_is_an_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORT_BUILDER_BROWSER", str(tmp_path / "nope"))
    with pytest.raises(BrowserNotFoundError, match="REPORT_BUILDER_BROWSER"):
        find_browser()


# -- counting points ---------------------------------------------------------------------------
def test_count_points() -> None:
    assert count_points(dense_scatter(20_000)) == 20_000
    assert count_points(bar("x")) == 3
    pie = go.Figure(go.Pie(labels=["a", "b"], values=[1, 2]))
    assert count_points(pie) == 2
    heatmap = go.Figure(go.Heatmap(z=np.zeros((30, 40))))
    assert count_points(heatmap) == 1200
    assert count_points(dense_scatter(20_000).to_dict()) == 20_000  # plotly's base64 arrays
    assert count_points({"data": [{"type": "bar", "y": [1, 2]}, {"x": list(range(5))}]}) == 7


# -- exporting ---------------------------------------------------------------------------------
@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("language", ["en", "da"])
def test_every_pack_chart_is_a_whole_self_contained_svg(exporter: ChartExporter,
                                                        language: str) -> None:
    figures = pack_figures(language)
    heights = {key: int(fig.layout.height) for key, fig in figures.items()}
    charts = exporter.export(figures, width=1016, height=heights)
    assert list(charts) == list(FIGURE_KEYS)
    for key, chart in charts.items():
        assert isinstance(chart, StaticChart)
        assert (chart.key, chart.format, chart.width, chart.height) == (
            key, "svg", 1016, heights[key])
        assert_self_contained_svg(chart.data, 1016, heights[key])
    # the Danish pack's text reaches the SVG as text (fonts by family name, no outlines)
    if language == "da":
        assert "Vundet" in svg_text(charts["targets_company"].data)


@pytest.mark.browser
@needs_browser
def test_the_same_chart_gives_the_same_bytes(exporter: ChartExporter) -> None:
    figures = pack_figures("en")
    first = exporter.export(figures, width=800, height=400)
    second = exporter.export(figures, width=800, height=400)
    assert {k: c.data for k, c in first.items()} == {k: c.data for k, c in second.items()}


@pytest.mark.browser
@needs_browser
def test_dense_charts_are_png_and_small_ones_svg(exporter: ChartExporter) -> None:
    charts = exporter.export({"dense": dense_scatter(20_000), "small": bar("small")},
                             width=600, height={"dense": 300, "small": 250})
    dense, small = charts["dense"], charts["small"]
    assert dense.format == "png" and dense.data.startswith(PNG_SIGNATURE)
    assert (dense.width, dense.height) == (600, 300)
    assert png_size(dense.data) == (1200, 600)  # drawn at scale 2
    assert small.format == "svg"
    assert_self_contained_svg(small.data, 600, 250)


@pytest.mark.browser
@needs_browser
def test_dense_points_threshold_is_configurable() -> None:
    with ChartExporter(dense_points=2) as strict:
        chart = strict.export({"bar": bar("three points")}, width=300, height=200)["bar"]
    assert chart.format == "png"


@pytest.mark.browser
@needs_browser
def test_two_threads_each_get_their_own_charts(exporter: ChartExporter) -> None:
    packs = {}
    for language in ("en", "da"):
        figures = dict(list(pack_figures(language).items())[:4])  # enough to interleave
        for key, figure in figures.items():
            figure.update_layout(title={"text": f"{language}-{key}-title"})
        packs[language] = figures
    alone = {lang: exporter.export(figs, width=700, height=380) for lang, figs in packs.items()}

    rounds = 2
    barrier = threading.Barrier(len(packs))
    results: dict[str, list[dict[str, StaticChart]]] = {lang: [] for lang in packs}
    errors: list[BaseException] = []

    def run(language: str) -> None:
        try:
            for _ in range(rounds):
                barrier.wait(timeout=60)
                results[language].append(
                    exporter.export(packs[language], width=700, height=380))
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(lang,)) for lang in packs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    for language, runs in results.items():
        other = "da" if language == "en" else "en"
        assert len(runs) == rounds
        for charts in runs:
            for key, chart in charts.items():
                text = svg_text(chart.data)
                assert f"{language}-{key}-title" in text
                assert f"{other}-" not in text
                assert chart.data == alone[language][key].data


@pytest.mark.browser
@needs_browser
def test_browser_runs_with_the_expected_flags(tag: str) -> None:
    with ChartExporter() as exporter:
        exporter.export({"bar": bar("flags")}, width=300, height=200)
        browsers = main_browser_commands(tag)
    assert len(browsers) == 1, browsers
    arguments = browsers[0].split()
    assert [flag for flag in FLAGS if flag not in arguments] == []
    assert "--remote-debugging-pipe" in arguments


def main_browser_commands(tag: str) -> list[str]:
    """The whole command lines of the browsers themselves (not choreographer's wrapper)."""
    commands = [_read(str(pid), "cmdline").replace(b"\0", b" ").decode(errors="replace")
                for pid in browser_processes(tag)]
    return [c for c in commands
            if "--remote-debugging-pipe" in c and "_unix_pipe_chromium_wrapper" not in c]


@pytest.mark.browser
@needs_browser
def test_export_works_offline_and_fetches_nothing(tag: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy that accepts and never answers is offered through choreographer's variable; the
    exporter replaces it with its own closed one (test_browser_confinement.py), so a script
    from a CDN could neither stall the export into its timeout nor arrive here."""
    requests: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                connection, _ = server.accept()
            except OSError:
                return
            held.append(connection)  # never answered
            connection.settimeout(2)
            try:
                requests.append(connection.recv(200))
            except OSError:
                requests.append(b"?")

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setenv("CHOREO_PROXY_SERVER", f"http://127.0.0.1:{server.getsockname()[1]}")
    try:
        started = time.monotonic()
        with ChartExporter(timeout=60) as exporter:
            charts = exporter.export(pack_figures("en"), width=800, height=400)
        took = time.monotonic() - started
    finally:
        server.close()
        for connection in held:
            connection.close()
    assert set(charts) == set(FIGURE_KEYS)
    assert took < 30  # a script from a CDN would have held the page until the timeout
    # Chromium's own background services may knock (a search preconnect, its updater); they
    # are not waited for. Nothing the page draws with may come from the network.
    lines = [r.split(b"\r\n")[0].lower() for r in requests]
    assert [r for r in lines if re.search(rb"plot|cdn|mathjax|jsdelivr|unpkg|cloudflare", r)] == []


# -- no browser outlives the exporter ----------------------------------------------------------
@pytest.mark.browser
@needs_browser
def test_no_browser_left_after_close(tag: str) -> None:
    exporter = ChartExporter()
    started = time.monotonic()
    exporter.start()
    assert time.monotonic() - started < 1.0  # returns at once; the browser starts meanwhile
    exporter.start()  # idempotent
    try:
        exporter.export({"bar": bar("close")}, width=300, height=200)
        sessions = browser_sessions(tag)
        assert len(sessions) >= 1
        assert len(main_browser_commands(tag)) == 1  # one browser, started once
    finally:
        exporter.close()
    assert_all_gone(tag, sessions, within=0.5)
    exporter.close()  # twice is fine
    with pytest.raises(RuntimeError):
        exporter.export({"bar": bar("closed")}, width=300, height=200)


@pytest.mark.browser
@needs_browser
def test_no_browser_left_by_the_one_call_helper(tag: str) -> None:
    charts = export_charts({"bar": bar("helper")}, width=300, height=200)
    assert charts["bar"].format == "svg"
    assert_all_gone(tag, frozenset(), within=0.5)


@pytest.mark.browser
@needs_browser
def test_no_browser_left_after_charts_that_fail(tag: str) -> None:
    unserialisable = {"data": [{"type": "bar", "y": [1], "name": object()}], "layout": {}}
    too_big_png = dense_scatter(3_000)
    with ChartExporter() as exporter:
        with pytest.raises(ChartExportError, match="'broken'") as caught:
            exporter.export({"broken": unserialisable}, width=300, height=200)
        assert caught.value.exit_code == 1
        with pytest.raises(ChartExportError, match="no usable PNG for chart 'huge'"):
            exporter.export({"huge": too_big_png}, width=60_000, height=60_000)
        # the browser survives a failed chart and keeps exporting
        assert exporter.export({"bar": bar("after")}, width=300, height=200)["bar"].data
        sessions = browser_sessions(tag)
    assert_all_gone(tag, sessions, within=0.5)


@pytest.mark.browser
@needs_browser
def test_watchdog_timeout_kills_the_browser(tag: str) -> None:
    with ChartExporter(timeout=0.001) as exporter:
        with pytest.raises(ChartExportError) as caught:
            exporter.export(pack_figures("en"), width=600, height=300)
        # killed at once, before close()
        assert_all_gone(tag, browser_sessions(tag), within=0.5)
        message = str(caught.value)
        assert "timed out after 0.001 s" in message and str(exporter.browser) in message
        assert caught.value.exit_code == 1

        # the next call starts a new browser
        exporter.timeout = 120
        chart = exporter.export({"bar": bar("again")}, width=300, height=200)["bar"]
        assert chart.format == "svg"
        sessions = browser_sessions(tag)
    assert_all_gone(tag, sessions, within=0.5)


@pytest.mark.browser
@needs_browser
def test_watchdog_timeout_during_rendering(tag: str) -> None:
    with ChartExporter(timeout=60) as exporter:
        exporter.export({"bar": bar("warm")}, width=300, height=200)  # started
        sessions = browser_sessions(tag)
        exporter.timeout = 0.3
        many = {f"{key}-{i}": fig for i in range(10) for key, fig in pack_figures("en").items()}
        with pytest.raises(ChartExportError, match="timed out after 0.3 s .exporting chart"):
            exporter.export(many, width=600, height=300)
        assert_all_gone(tag, sessions, within=0.5)


def hold_back_the_first_start(monkeypatch: pytest.MonkeyPatch,
                              seconds: float) -> list[frozenset[int]]:
    """Make the event loop thread `seconds` late in the first browser's start, once its tab was
    sent to its page and before kaleido asks for the page's events: the page loads meanwhile,
    as when a busy build on a loaded machine holds the thread back, and kaleido waits for a
    load event that never comes. Returns, filled in as it happens, the sessions of each
    browser whose tab went to its page."""
    from kaleido._kaleido_tab._tab import _KaleidoTab

    navigate = _KaleidoTab.navigate
    started: list[frozenset[int]] = []

    async def late_navigate(self: Any, url: Any = "") -> None:
        started.append(browser_sessions(os.environ[TAG_ENV]))
        if len(started) > 1:
            return await navigate(self, url)
        send = self.tab.send_command

        async def late_after_navigating(command: str, *args: Any, **kwargs: Any) -> Any:
            answer = await send(command, *args, **kwargs)
            if command == "Page.navigate":
                await asyncio.sleep(seconds)
            return answer

        self.tab.send_command = late_after_navigating
        try:
            await navigate(self, url)
        finally:
            self.tab.send_command = send

    monkeypatch.setattr(_KaleidoTab, "navigate", late_navigate)
    return started


@pytest.mark.browser
@needs_browser
def test_a_hung_start_is_killed_and_tried_again(
        tag: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    started = hold_back_the_first_start(monkeypatch, 5.0)
    with caplog.at_level(logging.WARNING, logger=export.__name__), \
            ChartExporter(timeout=60) as exporter:
        exporter.start_timeout = 3.0
        chart = exporter.export({"bar": bar("again")}, width=300, height=200)["bar"]
        assert chart.format == "svg"
        assert len(started) == 2 and started[0] and started[0].isdisjoint(started[1])
        running = {info[1] for pid in browser_processes(tag) if (info := _stat(str(pid)))}
        assert running and running.isdisjoint(started[0])  # the hung browser was killed
        assert len(main_browser_commands(tag)) == 1
        sessions = browser_sessions(tag)
    assert "did not start in 3 s; starting it again" in caplog.text
    assert_all_gone(tag, sessions, within=0.5)


@pytest.mark.browser
@needs_browser
def test_keyboard_interrupt_during_export_leaves_no_browser(
        tag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the charts are exported (here raised as the fifth chart comes back, in
    the thread that exports: a signal sent from a timer lands only where the test runs in
    the process's main thread, and not when the export was quicker than the timer) stops
    the export and leaves no browser."""
    checked = export._check_image
    returned: list[str] = []

    def interrupted_at_the_fifth(key: str, kind: str, data: bytes, browser: Path) -> None:
        returned.append(key)
        if len(returned) == 5:
            raise KeyboardInterrupt
        checked(key, kind, data, browser)

    sessions: frozenset[int] = frozenset()
    with pytest.raises(KeyboardInterrupt), ChartExporter(timeout=300) as exporter:
        exporter.export({"bar": bar("warm")}, width=300, height=200)
        sessions = browser_sessions(tag)
        monkeypatch.setattr(export, "_check_image", interrupted_at_the_fifth)
        exporter.export(pack_figures("en"), width=600, height=300)
    assert len(returned) == 5 < len(pack_figures("en"))
    assert sessions
    assert_all_gone(tag, sessions, within=0.5)


@pytest.mark.browser
@needs_browser
def test_a_forgotten_exporter_is_closed_at_exit(tag: str) -> None:
    script = (
        "import plotly.graph_objects as go\n"
        "from report_builder.charts.export import ChartExporter\n"
        "exporter = ChartExporter()\n"
        "exporter.export({'bar': go.Figure(go.Bar(y=[1]))}, width=300, height=200)\n"
        "import os\n"
        "print(os.getsid(exporter._session.pid()), flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    session = int(done.stdout.split()[-1])
    assert_all_gone(tag, frozenset({session}), within=1.0)
