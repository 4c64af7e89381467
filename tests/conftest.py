"""Fixtures several test modules share."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


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
