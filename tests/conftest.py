"""Fixtures several test modules share."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from report_builder.build import BuildResult
    from tests.mail_server import Certificates, MailServer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "nordlys" / "report.toml"


@pytest.fixture(scope="module")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL server (tests/postgres.py) for the module's tests; they are
    skipped, saying why, where psycopg or PostgreSQL is missing."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    from tests.postgres import postgres_server

    try:
        with postgres_server() as server:
            yield server
    except RuntimeError as exc:
        pytest.skip(f"no PostgreSQL server for the tests: {exc}")


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL of every query the engine runs on DuckDB through Ibis while the test runs
    (not those engine/fetch.py runs at once on cursors)."""
    from ibis.backends.duckdb import Backend as DuckDBBackend

    asked: list[str] = []
    run = DuckDBBackend._to_duckdb_relation

    def counted(self: DuckDBBackend, expr: object, **kwargs: object) -> object:
        asked.append(str(self.compile(expr)))  # type: ignore[arg-type]
        return run(self, expr, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(DuckDBBackend, "_to_duckdb_relation", counted)
    yield asked


@pytest.fixture(scope="session")
def example_pack(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The example company's pack for its meeting (its as_of) in HTML, JSON, PDF, the
    meeting deck and the customer deck (`files` by format), built once per test process,
    without the history store (the repository holds none). Tests read it; none may change
    it."""
    from report_builder.build import build
    from report_builder.config import load_config

    config = load_config(EXAMPLE)
    assert config.meeting.as_of is not None
    return build(config, as_of=config.meeting.as_of, out_dir=tmp_path_factory.mktemp("example"),
                 formats=("json", "html", "pdf", "pptx", "customer-deck"), history=False)


@pytest.fixture(scope="session")
def english_example_pack(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The example company's pack in English (en_GB: longer words, taller table rows), every
    format, built once per test process as `example_pack` is. Tests read it; none may
    change it."""
    from report_builder.build import build
    from report_builder.config import load_config
    from tests.nordlys_languages import LOCALES, example_config

    folder = tmp_path_factory.mktemp("example-en")
    config = load_config(example_config(folder, LOCALES["en"]))
    assert config.meeting.as_of is not None
    return build(config, as_of=config.meeting.as_of, out_dir=folder / "out",
                 formats=("json", "html", "pdf", "pptx", "customer-deck"), history=False)


@pytest.fixture(scope="session")
def large_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report.toml of a company of 100,000 deals and 200,000 leads in Parquet files,
    made by benchmarks/generate_data.py once per test process: its figures are wide (sums of
    nine digits, counts of five), which the pack's tables and charts must hold."""
    folder = tmp_path_factory.mktemp("large") / "data"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate_data.py"),
                    "--deals", "100000", "--out", str(folder)], check=True, capture_output=True)
    return folder / "report.toml"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """A test CA and a server certificate for localhost (tests/mail_server.py)."""
    from tests.mail_server import make_certificates

    return make_certificates(tmp_path_factory.mktemp("certificates"))


@pytest.fixture(scope="module")
def server(certificates: Certificates) -> Iterator[MailServer]:
    """An SMTP server on loopback (aiosmtpd, STARTTLS and AUTH) for the module's tests."""
    from tests.mail_server import MailServer

    with MailServer(certificates) as running:
        yield running
