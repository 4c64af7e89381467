"""Fixtures several test modules share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "nordlys" / "report.toml"


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


@pytest.fixture(scope="session")
def example_pack(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example company's pack for its meeting (as_of) in JSON, HTML, PDF and the meeting
    deck, by extension, built once per test process as a user would (without the history
    store, which the repository does not hold). Tests read it; none may change it."""
    from report_builder.cli import main

    out = tmp_path_factory.mktemp("example-pack")
    assert main(["build", str(EXAMPLE), "--format", "json,html,pdf,pptx", "--out", str(out),
                 "--no-history", "-q"]) == 0
    return {path.suffix.lstrip("."): path for path in out.iterdir()}
