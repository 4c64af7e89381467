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
from report_builder.data.load import load_dataset
from report_builder.engine import connect, scan_parquet_folder
from report_builder.errors import DataError
from report_builder.model import engine_pipeline, engine_targets, pipeline, targets
from report_builder.model.engine_view import make_engine_view
from tests.small_company import DEALS, write_company
from tests.test_engine_view import AS_OF, EXAMPLE, both_views
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


def test_the_sections_from_parquet_scanned_in_the_engine(tmp_path: Path) -> None:
    """The small company's checked tables written as Parquet and scanned by the engine (the
    deals' step, value and win probability derived there) give the same sections."""
    config = load_config(write_company(tmp_path, extra_config=(
        '\n[engine]\nmemory_limit = "100MB"\nspill = "spill"\n')))
    pandas_view, _ = both_views(config)
    dataset = load_dataset(config)
    folder = tmp_path / "parquet"
    folder.mkdir()
    for name in ("deals", "leads", "targets", "campaigns"):
        frame = getattr(dataset, name).drop(columns=["step", "value", "win_probability"],
                                            errors="ignore")
        frame.to_parquet(folder / f"{name}.parquet")
    tables = scan_parquet_folder(connect(config.engine), folder, config)
    engine_view = make_engine_view(tables, config, AS_OF)
    assert differences(pipeline.build_pipeline(pandas_view),
                       engine_pipeline.build_pipeline(engine_view)) == []
    assert differences(targets.build_targets(pandas_view),
                       engine_targets.build_targets(engine_view)) == []


def test_a_parquet_folder_without_a_table_is_a_data_error(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    with pytest.raises(DataError, match="no leads.parquet"):
        scan_parquet_folder(connect(), tmp_path, config)
