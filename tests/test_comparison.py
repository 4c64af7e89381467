"""The movement's inputs are made once per build: the meeting's snapshot feeds the movement, the
stage history's slip counts and the history store alike; `compare` picks the earlier side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import report_builder.model.comparison as comparison_module
import report_builder.model.stage_history as stage_history_module
from report_builder.build import build
from report_builder.config import load_config
from report_builder.data.load import load_dataset
from report_builder.history.store import SNAPSHOT_COLUMNS, StoredSnapshot, read_snapshots
from report_builder.model.comparison import EarlierExport, compare
from report_builder.model.stage_history import meeting_snapshot
from tests.small_company import write_csv
from tests.test_stage_history import (
    HISTORY_COLUMNS,
    MEETINGS,
    NOW,
    canonical_history,
    company,
    export_at,
)


@pytest.fixture
def with_history(tmp_path: Path) -> Path:
    config = company(tmp_path, export_at(NOW), NOW)
    write_csv(tmp_path / "data" / "stage_history.csv", HISTORY_COLUMNS, canonical_history())
    return config


def test_a_build_makes_the_meeting_snapshot_once(with_history: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[pd.DataFrame] = []

    def counted(*args: object, **kwargs: object) -> pd.DataFrame:
        made.append(meeting_snapshot(*args, **kwargs))  # type: ignore[arg-type]
        return made[-1]

    monkeypatch.setattr(comparison_module, "meeting_snapshot", counted)
    monkeypatch.setattr(stage_history_module, "meeting_snapshot", counted)
    config = load_config(with_history)
    result = build(config, as_of=NOW, formats=["json"], out_dir=with_history.parent / "out")
    assert len(made) == 1
    movement = result.agenda.movement
    assert movement is not None and movement.compared_to == "stage_history"
    # the slips come from the history (E moved later twice), counted against that one snapshot
    assert {r.deal_id: r.slips for r in movement.change("close_later").rows} == {"E": 2, "H": 1}
    stored = read_snapshots(config.history_path, NOW + dt.timedelta(days=1))[NOW]
    assert list(stored.columns[:len(SNAPSHOT_COLUMNS)]) == list(SNAPSHOT_COLUMNS)
    assert sorted(stored["deal_id"]) == sorted(made[0]["deal_id"])


def test_compare_prefers_the_export_then_the_store_then_the_history(with_history: Path) -> None:
    config = load_config(with_history)
    dataset = load_dataset(config)
    assert compare(dataset, config, NOW).earlier.compared_to == "stage_history"  # type: ignore[union-attr]

    previous = meeting_snapshot(dataset, config, MEETINGS[0]).assign(slips=0)
    stored = StoredSnapshot(MEETINGS[0], previous)
    from_store = compare(dataset, config, NOW, stored=stored).earlier
    assert from_store is not None
    assert (from_store.compared_to, from_store.previous_date) == ("2026-10-27", MEETINGS[0])
    assert from_store.previous is previous

    export = EarlierExport(dataset, "deals-2026-11-10.csv")
    from_export = compare(dataset, config, NOW, stored=stored, export=export).earlier
    assert from_export is not None
    assert (from_export.compared_to, from_export.previous_date) == ("deals-2026-11-10.csv", None)
    # the slips the history records are used whatever the comparison
    assert from_export.slips == from_store.slips == {"E": 2, "H": 1}


def test_without_history_or_snapshot_there_is_nothing_to_compare(tmp_path: Path) -> None:
    config = load_config(company(tmp_path, export_at(NOW), NOW))
    result = compare(load_dataset(config), config, NOW)
    assert result.earlier is None
    assert sorted(result.current["deal_id"]) == sorted(r[0] for r in export_at(NOW))
