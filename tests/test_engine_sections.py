"""The sections computed in the engine give every figure the pandas sections give: the example,
the small company and the two pipelines, each at a meeting date that fills every figure, and the
small company at dates where lists and periods are empty."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from report_builder.config import load_config
from report_builder.model import engine_pipeline, engine_targets, pipeline, targets
from tests.small_company import DEALS, write_company
from tests.test_engine_view import EXAMPLE, both_views
from tests.two_pipelines import write_two_pipelines


def many_owners(folder: Path) -> Path:
    """The small company with more owners (one per deal) in 15 more teams: the owners' and the
    teams' lists end with an "Other" row."""
    more = [[f"D{100 + i}", f"Deal {i}", f"Account {i % 7}", f"Owner {i:02}", f"Team {i % 15}",
             *deal[5:]] for i, deal in enumerate(DEALS * 10)]
    return write_company(folder, deals=[*DEALS, *more])


FIXTURES: dict[str, Callable[[Path], Path]] = {
    "many_owners": many_owners,
    "example": lambda _: EXAMPLE,
    "small": write_company,
    "two_pipelines": write_two_pipelines,
}
DATES = [("example", dt.date(2026, 11, 24)), ("small", dt.date(2026, 11, 24)),
         ("small", dt.date(2026, 8, 1)), ("small", dt.date(2027, 3, 1)),
         ("two_pipelines", dt.date(2026, 11, 24)), ("many_owners", dt.date(2026, 11, 24))]


def differences(pandas_section: Any, engine_section: Any) -> list[str]:
    """The fields (of a section's dataclass) whose values differ, with both values."""
    return [f"{f.name}: pandas {getattr(pandas_section, f.name)!r}, "
            f"engine {getattr(engine_section, f.name)!r}"
            for f in dataclasses.fields(pandas_section)
            if getattr(pandas_section, f.name) != getattr(engine_section, f.name)]


@pytest.mark.parametrize(("fixture", "as_of"), DATES, ids=[f"{f}-{d}" for f, d in DATES])
def test_the_pipeline_section_has_the_same_figures(fixture: str, as_of: dt.date,
                                                   tmp_path: Path) -> None:
    pandas_view, engine_view = both_views(load_config(FIXTURES[fixture](tmp_path)), as_of)
    expected = pipeline.build_pipeline(pandas_view)
    assert differences(expected, engine_pipeline.build_pipeline(engine_view)) == []
    if fixture == "two_pipelines":  # the breakdown is compared on data that has one
        assert len(expected.pipelines) >= 2


@pytest.mark.parametrize(("fixture", "as_of"), DATES, ids=[f"{f}-{d}" for f, d in DATES])
def test_the_targets_section_has_the_same_figures(fixture: str, as_of: dt.date,
                                                  tmp_path: Path) -> None:
    pandas_view, engine_view = both_views(load_config(FIXTURES[fixture](tmp_path)), as_of)
    expected = targets.build_targets(pandas_view)
    assert differences(expected, engine_targets.build_targets(engine_view)) == []
    if fixture == "many_owners":  # the "Other" rows are compared on data that has them
        assert expected.owners[-1].others and expected.teams[-1].others
