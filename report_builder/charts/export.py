"""Static charts (SVG, or PNG for dense charts) exported through one headless browser.

Kaleido 1.x draws Plotly figures in a Chrome/Chromium it drives over the DevTools protocol
(through choreographer). Starting the browser takes seconds and each chart then takes a tenth of
one, so a ChartExporter keeps one browser for every chart of a build.

The exporter runs its own `kaleido.Kaleido` on a private event loop thread instead of
`kaleido.start_sync_server`: that server is one per process (shared with every `write_image`),
its calls have no timeout, and stopping it waits for a stuck render. Here every `export()` call
runs under one deadline, and the browser's whole process group is killed when it passes.

The page the browser draws in loads plotly.js from the installed plotly package and no MathJax,
so nothing is fetched from a CDN and export works offline. The browser is confined (no network,
no file access beyond its page, its sandbox where it can run it): see confinement.py.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import concurrent.futures
import contextlib
import functools
import hashlib
import logging
import math
import os
import re
import shutil
import signal
import threading
import time
import weakref
from collections.abc import Coroutine, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import plotly
import plotly.graph_objects as go

from report_builder.charts.confinement import (
    browser_flags,
    make_profile_dir,
    remove_stale_profiles,
    sandbox_decision,
)
from report_builder.errors import BrowserNotFoundError, ChartExportError

log = logging.getLogger(__name__)

BROWSER_ENV = "REPORT_BUILDER_BROWSER"
MARKER_ENV = "REPORT_BUILDER_CHART_BROWSER"  # set in the browser's environment: its profile path
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
USUAL_PATHS = (Path("/usr/bin/chromium"),)
PNG_SCALE = 2.0  # dense charts are drawn at twice their size, so they stay crisp when printed
CLOSE_TIMEOUT = 15.0  # seconds for a polite browser shutdown before its processes are killed
# A start takes 1-5 s (6 on a loaded machine); one still going after this is hung, so the
# browser is killed and started once more (within the export's own timeout). kaleido can hang
# so: it sends its tab to the page, then asks for the page's events and waits for the load
# event; when our event loop thread is a second late in between (a busy build on a loaded
# machine), the page has loaded before the events were asked for, and that event never comes.
START_TIMEOUT = 30.0
POINT_KEYS = ("x", "y", "z", "values", "labels", "lat", "lon", "r", "theta", "a", "b", "c",
              "open", "high", "low", "close")

T = TypeVar("T")


@dataclass(frozen=True)
class StaticChart:
    """One exported chart. `width` and `height` are the px it was laid out at (before scale)."""

    key: str
    format: str  # "svg" or "png"
    data: bytes
    width: int
    height: int


def find_browser(configured: str | Path | None = None) -> Path:
    """The Chrome/Chromium to export charts with.

    Looked for in order: `configured` (`[output] browser` in report.toml), $REPORT_BUILDER_BROWSER,
    $BROWSER_PATH (kaleido's own variable), then chromium, chromium-browser, google-chrome and
    google-chrome-stable on PATH, then /usr/bin/chromium. A path that is set but wrong is an
    error, not skipped, so a typo does not silently pick another browser.

    Raises:
        BrowserNotFoundError: none is found; the message says how to install or set one.
    """
    candidates: list[tuple[str, str]] = []
    if configured is not None and str(configured):
        candidates.append((f"The browser set in the config ({configured})", str(configured)))
    for variable in (BROWSER_ENV, "BROWSER_PATH"):
        if value := os.environ.get(variable):
            candidates.append((f"${variable} ({value})", value))
    for origin, value in candidates:
        path = _executable(value)
        if path is None:
            raise BrowserNotFoundError(f"{origin} is not an executable Chrome/Chromium. "
                                       + _INSTALL_HINT)
        return path
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return Path(found)
    for path in USUAL_PATHS:
        if _is_executable(path):
            return path
    raise BrowserNotFoundError(
        "No Chrome or Chromium found to export the charts (looked for "
        f"{', '.join(BROWSER_NAMES)} on PATH and {', '.join(map(str, USUAL_PATHS))}). "
        + _INSTALL_HINT)


_INSTALL_HINT = (
    "Install one (on Debian: `sudo apt-get install chromium`, which `make demo` does when run "
    'as root), or set [output] browser = "/path/to/chrome" in report.toml or '
    f"${BROWSER_ENV}=/path/to/chrome.")


def _executable(value: str) -> Path | None:
    """`value` as an executable path; a bare name is looked up on PATH."""
    path = Path(value).expanduser()
    if _is_executable(path):
        return path
    if os.sep not in value and (found := shutil.which(value)):
        return Path(found)
    return None


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def plotly_js_path() -> Path:
    """The plotly.js in the installed plotly package (else kaleido would fall back to a CDN)."""
    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def count_points(figure: go.Figure | Mapping[str, Any]) -> int:
    """The data points a figure draws: per trace its longest data array, summed over traces."""
    data = figure.data if isinstance(figure, go.Figure) else figure.get("data", ())
    total = 0
    for trace in data:
        values = trace if isinstance(trace, Mapping) else trace.to_plotly_json()
        total += max((_length(values.get(key)) for key in POINT_KEYS), default=0)
    return total


def _length(value: Any) -> int:
    """How many values an array holds (2-D arrays count cells; plotly's base64 form too)."""
    if value is None or isinstance(value, str | bytes | int | float):
        return 0
    if isinstance(value, Mapping):
        if "bdata" not in value:
            return 0
        if shape := value.get("shape"):
            return math.prod(int(n) for n in str(shape).split(",") if n.strip())
        import numpy as np

        return len(base64.b64decode(value["bdata"])) // np.dtype(value["dtype"]).itemsize
    size = getattr(value, "size", None)
    if isinstance(size, int):  # numpy arrays
        return size
    try:
        items = list(value)
    except TypeError:
        return 0
    if items and all(isinstance(v, Sequence) and not isinstance(v, str) for v in items):
        return sum(len(v) for v in items)
    return len(items)


@functools.cache
def _chromium_class() -> type:
    """choreographer's Chromium, confined (imported late: kaleido is slow to load)."""
    from choreographer.browsers.chromium import Chromium

    class ReportChromium(Chromium):
        def get_cli(self) -> Sequence[str]:
            return browser_flags(super().get_cli(), sandbox=self.sandbox_enabled)

        def get_env(self) -> MutableMapping[str, str]:
            # Marks the processes (the crash handler too, which leaves the process group) so
            # a last-resort cleanup can find them; tmp_dir is made just before this is called.
            env = super().get_env()
            env[MARKER_ENV] = str(self.tmp_dir.path)
            # its own temporary files (shared memory with --disable-dev-shm-usage) go into the
            # profile folder too, so they go with it
            env["TMPDIR"] = str(self.tmp_dir.path)
            return env

    return ReportChromium


@dataclass
class _Session:
    """One browser with the event loop thread that drives it."""

    loop: asyncio.AbstractEventLoop
    thread: threading.Thread
    profile_dir: Path  # choreographer makes the browser's --user-data-dir inside it
    started: float = field(default_factory=time.monotonic)
    kaleido: Any = None  # kaleido.Kaleido once created (the process may still be starting)
    opening: concurrent.futures.Future[Any] | None = None
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(self._tracked(coro), self.loop)

    async def _tracked(self, coro: Coroutine[Any, Any, T]) -> T:
        task = asyncio.current_task()
        assert task is not None
        self.tasks.add(task)
        try:
            return await coro
        finally:
            self.tasks.discard(task)

    def pid(self) -> int | None:
        process = getattr(self.kaleido, "subprocess", None)
        return getattr(process, "pid", None)

    async def shutdown(self, *, force: bool) -> None:
        """Cancel our renders, then close the browser: killed first when `force`, or when it
        is still starting or drawing (choreographer cannot close a browser politely in the
        middle of its start; it waits out CLOSE_TIMEOUT)."""
        current = asyncio.current_task()
        pending = [t for t in self.tasks if t is not current and not t.done()]
        if force or pending:
            self.kill()
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=5)
        if self.kaleido is not None:
            try:
                await asyncio.wait_for(self.kaleido.close(), CLOSE_TIMEOUT)
            except Exception as exc:  # the processes are killed below whatever went wrong
                log.debug("closing the browser failed: %r", exc)
        # choreographer's own tasks (its process watchdog) end with the loop: cancel them now
        rest = [t for t in asyncio.all_tasks() if t is not current]
        for task in rest:
            task.cancel()
        if rest:
            await asyncio.wait(rest, timeout=5)
        for task in pending + rest:
            if task.done() and not task.cancelled():
                task.exception()  # retrieved: a cancelled start or render is expected to fail

    def kill(self) -> None:
        """SIGKILL the browser's process group and anything else using our profile folder."""
        pids = set(_processes_mentioning(str(self.profile_dir)))
        leader = self.pid()
        if leader is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(leader, signal.SIGKILL)  # choreographer starts it in its own session
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        process = getattr(self.kaleido, "subprocess", None)
        if process is not None:
            with contextlib.suppress(Exception):
                process.wait(timeout=5)  # reap it: no zombie left behind

    def stop(self) -> None:
        """After shutdown: stop the loop thread, kill leftovers, delete the profile folder."""
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        deadline = time.monotonic() + 2  # the crash handler exits a moment after the browser
        while self._leftovers() and time.monotonic() < deadline:
            time.sleep(0.05)
        if self._leftovers():
            log.debug("browser processes outlived their shutdown; killing them")
            self.kill()
        if not self.thread.is_alive():
            self.loop.close()
        shutil.rmtree(self.profile_dir, ignore_errors=True)

    def _leftovers(self) -> bool:
        process = getattr(self.kaleido, "subprocess", None)
        return ((process is not None and process.poll() is None)
                or bool(_processes_mentioning(str(self.profile_dir))))


def _processes_mentioning(text: str) -> list[int]:
    """Ids of the processes whose command line or environment contains `text` (Linux /proc;
    an empty list elsewhere). Zombies have neither, so they are not listed."""
    found = []
    needle = text.encode()
    for entry in Path("/proc").glob("[0-9]*"):
        for name in ("cmdline", "environ"):
            try:
                if needle in (entry / name).read_bytes():
                    found.append(int(entry.name))
                    break
            except OSError:
                continue
    return found


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    loop.run_forever()


_OPEN_EXPORTERS: weakref.WeakSet[ChartExporter] = weakref.WeakSet()


@atexit.register
def _close_open_exporters() -> None:
    """Last resort: an exporter nobody closed still takes its browser down at exit."""
    for exporter in list(_OPEN_EXPORTERS):
        exporter.close()


class ChartExporter:
    """One headless browser for every chart of a build (and of every build in the process while
    it is open). Use it as a context manager so the browser is closed whatever happens:

        with ChartExporter(config.output.browser) as exporter:   # starts the browser
            ...                                                  # load the data meanwhile
            charts = exporter.export(figures, width=1016, height=heights)
    """

    def __init__(self, browser: Path | None = None, *, timeout: float = 120.0,
                 dense_points: int = 2000) -> None:
        """Find the browser now (a missing one fails before any work is done).

        Args:
            browser: the Chrome/Chromium to use; found by `find_browser` when None.
            timeout: seconds one `export()` call may take, waiting for the browser to start
                included; counted once the call has the browser (not while another thread's
                call holds it).
            dense_points: charts with more data points than this are exported as PNG.
        """
        self.browser = find_browser(browser)
        self.timeout = timeout
        self.start_timeout = START_TIMEOUT
        self.dense_points = dense_points
        self._plotly_js = plotly_js_path()
        if not self._plotly_js.is_file():
            raise ChartExportError(f"plotly.js is missing from the plotly package "
                                   f"({self._plotly_js}); reinstall plotly.")
        self._calls = threading.Lock()  # Kaleido's calls are serialised: one export at a time
        self._state = threading.RLock()  # guards _session and _closed
        self._session: _Session | None = None
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the browser in the background and return at once (idempotent)."""
        with self._state:
            if self._closed:
                raise RuntimeError("this ChartExporter is closed")
            if self._session is not None:
                return
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=_run_loop, args=(loop,), daemon=True,
                                      name="chart-export-browser")
            remove_stale_profiles()
            profile_dir = make_profile_dir()
            session = _Session(loop, thread, profile_dir)
            thread.start()
            session.opening = session.submit(self._open(session))
            self._session = session
            _OPEN_EXPORTERS.add(self)

    async def _open(self, session: _Session) -> Any:
        import kaleido

        # the page lives in the profile folder, so one folder holds all the browser leaves
        page = session.profile_dir / "page" / "index.html"
        page.parent.mkdir()
        page.write_text(kaleido.PageGenerator(plotly=self._plotly_js.as_uri(), mathjax=False)
                        .generate_index(), encoding="utf-8")
        sandbox, why_not = sandbox_decision()
        if not sandbox:
            log.info("the chart browser runs without its sandbox: %s", why_not)
        session.kaleido = kaleido.Kaleido(
            path=str(self.browser),
            n=1,
            timeout=None,  # export() keeps the deadline
            page_generator=str(page),
            browser_cls=_chromium_class(),
            headless=True,
            enable_sandbox=sandbox,
            enable_gpu=False,
            enable_extensions=False,
            tmp_dir=str(session.profile_dir),
        )
        await session.kaleido.open()
        return session.kaleido

    def close(self, *, force: bool = False) -> None:
        """Stop the browser (killed at once with `force`); no process it started is left
        running. Safe to call twice."""
        with self._state:
            self._closed = True
            _OPEN_EXPORTERS.discard(self)
        self._teardown(force=force)

    def __enter__(self) -> ChartExporter:
        self.start()
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        # a failed or stopped build does not wait for a polite browser shutdown
        self.close(force=exc_type is not None)

    def _teardown(self, *, force: bool) -> None:
        with self._state:
            session, self._session = self._session, None
        if session is None:
            return
        try:
            if session.loop.is_running():
                done = session.submit(session.shutdown(force=force))
                done.result(timeout=CLOSE_TIMEOUT + 10)
        except BaseException as exc:  # noqa: BLE001 - stop() below kills what is left
            log.debug("browser shutdown did not finish: %r", exc)
            session.kill()
            if not isinstance(exc, Exception):
                session.stop()
                raise
        session.stop()

    # -- export ------------------------------------------------------------------------------
    def export(self, figures: Mapping[str, go.Figure], *, width: int,
               height: int | Mapping[str, int], scale: float = 1.0) -> dict[str, StaticChart]:
        """Every figure as SVG, or as PNG at twice `scale` when it has more than `dense_points`.

        Args:
            figures: the figures by key (e.g. build_figures' output).
            width: px every chart is laid out at.
            height: px for every chart, or per key (a key missing from it keeps the figure's
                own layout height).
            scale: multiplies the image size (kept for SVG, doubled for PNG).

        Raises:
            ChartExportError: the browser failed on a chart, or the call took longer than
                `timeout` (the browser is then killed; the next call starts a new one).
        """
        with self._calls:
            deadline = time.monotonic() + self.timeout
            jobs = [self._job(key, figure, width, height, scale)
                    for key, figure in figures.items()]
            self.start()
            try:
                opened = self._started(deadline)
                charts = {}
                for key, spec, opts in jobs:
                    data = bytes(self._wait(self._require_session().submit(
                        opened.calc_fig(spec, opts=opts)), deadline, key))
                    _check_image(key, opts["format"], data, self.browser)
                    if opts["format"] == "svg":
                        data = stable_svg_ids(data, key)
                    charts[key] = StaticChart(key, opts["format"], data, width,
                                              int(opts["height"]))
                return charts
            except ChartExportError:
                raise
            except BaseException:  # KeyboardInterrupt, SystemExit, a bug: no browser left
                self._teardown(force=True)
                raise

    def _job(self, key: str, figure: go.Figure, width: int,
             height: int | Mapping[str, int], scale: float) -> tuple[str, dict[str, Any], Any]:
        spec = figure.to_dict() if hasattr(figure, "to_dict") else dict(figure)
        spec["data"] = [{"uid": _short_hash(f"{key}:{i}"), **trace}  # no random trace uids
                        for i, trace in enumerate(spec.get("data", ()))]
        if isinstance(height, Mapping):
            chart_height = height.get(key) or spec.get("layout", {}).get("height")
            if not chart_height:
                raise ValueError(f"no height given for chart {key!r} and it sets none itself")
        else:
            chart_height = height
        dense = count_points(spec) > self.dense_points
        opts = {"format": "png" if dense else "svg", "width": int(width),
                "height": int(chart_height), "scale": scale * PNG_SCALE if dense else scale}
        return key, spec, opts

    def _started(self, deadline: float) -> Any:
        """The started browser; a start still going after `start_timeout` is hung, so that
        browser is killed and another started (once: the export's deadline still holds)."""
        session = self._require_session()
        retry_at = session.started + self.start_timeout
        if retry_at < deadline:
            assert session.opening is not None
            done, _ = concurrent.futures.wait([session.opening],
                                              timeout=max(0.0, retry_at - time.monotonic()))
            if not done:
                log.warning("the chart browser %s did not start in %g s; starting it again",
                            self.browser, self.start_timeout)
                self._teardown(force=True)
                self.start()
        return self._wait(self._require_session().opening, deadline, "start")

    def _require_session(self) -> _Session:
        session = self._session
        if session is None or session.opening is None:
            raise ChartExportError(f"The chart exporter for {self.browser} was closed during "
                                   "an export.")
        return session

    def _wait(self, future: concurrent.futures.Future[T] | None, deadline: float,
              step: str) -> T:
        """The future's result by the deadline; a late, failed or cancelled one raises."""
        assert future is not None
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            future.cancel()
            self._teardown(force=True)
            what = "starting the browser" if step == "start" else f"exporting chart {step!r}"
            raise ChartExportError(
                f"Chart export timed out after {self.timeout:g} s ({what}) in the browser "
                f"{self.browser}; the browser was stopped. A very large chart or an overloaded "
                "machine can cause this; try again.") from None
        except concurrent.futures.CancelledError:
            raise ChartExportError(f"The chart exporter for {self.browser} was closed during "
                                   "an export.") from None
        except Exception as exc:
            if step == "start":
                self._teardown(force=True)
                raise ChartExportError(
                    f"The browser {self.browser} could not be started to export the charts: "
                    f"{exc}. Check that it runs (`{self.browser} --headless --version`), or "
                    f"set another in [output] browser or ${BROWSER_ENV}.") from exc
            raise ChartExportError(
                f"The browser {self.browser} failed to export chart {step!r}: {exc}") from exc


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _check_image(key: str, kind: str, data: bytes, browser: Path) -> None:
    """Kaleido can hand back a few bytes instead of an image (a PNG too big for a canvas)."""
    whole = (data.startswith(PNG_SIGNATURE) if kind == "png"
             else data.lstrip().startswith(b"<svg") and data.rstrip().endswith(b"</svg>"))
    if not whole:
        raise ChartExportError(
            f"The browser {browser} returned no usable {kind.upper()} for chart {key!r} "
            f"({len(data)} bytes); a chart this size may be more than it can draw.")


_SVG_UID = re.compile(rb'id="defs-([0-9a-f]+)"')


def stable_svg_ids(svg: bytes, key: str) -> bytes:
    """Replace the random id plotly.js gives each drawing (in its clip path, legend and defs ids)
    with one made from the chart's key: the same chart then gives the same bytes every time."""
    found = _SVG_UID.search(svg)
    if found is None:
        return svg
    stable = _short_hash(key, len(found.group(1))).encode()
    ref = re.compile(rb'((?:id="|url\(#|href="#)[^"()]*?)' + re.escape(found.group(1)))
    return ref.sub(lambda m: m.group(1) + stable, svg)


def _short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:length]


def export_charts(figures: Mapping[str, go.Figure], *, width: int,
                  height: int | Mapping[str, int],
                  browser: Path | None = None) -> dict[str, StaticChart]:
    """Export `figures` through a browser opened and closed for this one call."""
    with ChartExporter(browser) as exporter:
        return exporter.export(figures, width=width, height=height)
