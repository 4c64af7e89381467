"""The page's long work (a build, an email preview, a send): one at a time per company folder,
in a thread, with its progress kept for every page that asks.

A second request while one runs gets the running job back instead of starting another: two
builds would write the same files and store the same snapshot. The chart browser is started on
the first job that needs it and kept for the next ones (see SharedCharts).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from report_builder.errors import ReportBuilderError

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
Work = Callable[[Progress], Any]


@dataclass
class Job:
    """One run: what it is, the steps so far (seconds since its start, step), and how it
    ended: `result` when done, `error` (a message for the page) when it failed."""

    kind: str  # "build", "preview" or "send"
    label: str
    job_id: str = field(default_factory=lambda: secrets.token_hex(6))
    started: float = field(default_factory=time.monotonic)
    steps: list[tuple[float, str]] = field(default_factory=list)
    finished: float | None = None
    result: Any = None
    error: str | None = None

    @property
    def done(self) -> bool:
        return self.finished is not None

    def step(self, name: str) -> None:
        self.steps.append((time.monotonic() - self.started, name))

    def status(self) -> dict[str, Any]:
        """What the progress display shows, as JSON."""
        now = self.finished if self.finished is not None else time.monotonic()
        return {"id": self.job_id, "kind": self.kind, "label": self.label,
                "done": self.done, "error": self.error,
                "seconds": round(now - self.started, 1),
                "steps": [{"at": round(at, 1), "step": name} for at, name in self.steps]}


class JobRunner:
    """At most one job at a time; the latest one is kept so its outcome can be shown."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.latest: Job | None = None
        self._thread: threading.Thread | None = None

    def start(self, kind: str, label: str, work: Work) -> tuple[Job, bool]:
        """The job started for `work`, and True; or the one running, and False."""
        with self._lock:
            if self.latest is not None and not self.latest.done:
                return self.latest, False
            job = Job(kind, label)
            self.latest = job
            self._thread = threading.Thread(target=self._run, args=(job, work), daemon=True,
                                            name=f"report-builder-{kind}")
            self._thread.start()
            return job, True

    @staticmethod
    def _run(job: Job, work: Work) -> None:
        try:
            job.result = work(job.step)
        except ReportBuilderError as exc:
            job.error = str(exc)
        except Exception as exc:  # noqa: BLE001 - shown in the page; the server carries on
            log.exception("the %s failed", job.kind)
            job.error = f"The {job.kind} failed unexpectedly: {exc!r}. Nothing was written."
        finally:
            job.finished = time.monotonic()

    def wait(self, timeout: float | None = None) -> None:
        """Until the running job (if any) is done: for a server stopping, and for tests."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def get(self, job_id: str) -> Job | None:
        job = self.latest
        return job if job is not None and job.job_id == job_id else None


class SharedCharts:
    """The chart browser, started once on first need and reused by every later build; closed
    when the server stops. A browser that failed is dropped, and the next build starts a new
    one."""

    def __init__(self, browser: Any = None) -> None:
        self._browser = browser
        self._exporter: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        from report_builder.charts.export import ChartExporter

        with self._lock:
            if self._exporter is None:
                self._exporter = ChartExporter(self._browser)
                self._exporter.start()
            return self._exporter

    def discard(self) -> None:
        """After a failed build: the browser may be the cause; the next build starts afresh."""
        with self._lock:
            exporter, self._exporter = self._exporter, None
        if exporter is not None:
            exporter.close(force=True)

    def close(self) -> None:
        with self._lock:
            exporter, self._exporter = self._exporter, None
        if exporter is not None:
            exporter.close()
