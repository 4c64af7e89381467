"""One local Spark session for the tests (pyspark, `local[2]`), started once: a JVM takes
seconds to start. Skipped, saying why, where pyspark or Java is missing."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest

MASTER = "local[2]"


def missing() -> str | None:
    """Why Spark cannot run here, or None."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[test]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "Java is not installed (Debian: apt-get install default-jre-headless)"
    return None


@pytest.fixture(scope="session")
def spark_session() -> Iterator[Any]:
    """The tests' SparkSession: two worker threads (the tables are read in two partitions, so
    sums add partial sums), one shuffle partition and no adaptive planning (the tables are
    small: half the time of the first queries), no web UI nor progress bars, only errors
    logged; Spark's Python workers are this Python."""
    reason = missing()
    if reason:
        pytest.skip(f"no Spark for the tests: {reason}")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master(MASTER).appName("report-builder-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "1")
               .config("spark.sql.adaptive.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.log.level", "ERROR")
               .config("spark.pyspark.python", sys.executable)
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .getOrCreate())
    yield session
    session.stop()
