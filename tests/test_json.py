"""The JSON: the agenda with stable keys; each data note with its explanation in English."""

from __future__ import annotations

import json
from pathlib import Path

from report_builder.cli import main
from tests.small_company import write_company


def test_data_notes_are_explained_in_english_whatever_the_language(tmp_path: Path) -> None:
    config = write_company(tmp_path, locale="da_DK")
    assert main(["build", str(config), "--format", "json", "--out", str(tmp_path / "out"),
                 "-q"]) == 0
    document = json.loads((tmp_path / "out" / "pipeline-meeting-2026-11-24.json").read_text())
    notes = document["agenda"]["data_notes"]["notes"]
    assert [list(n) for n in notes] == [["table", "key", "count", "values", "message",
                                         "examples"]] * len(notes)
    messages = {n["key"]: n["message"] for n in notes}
    assert {k: messages[k] for k in ("no_close_date", "no_won_reason", "dominant_open_value")} == {
        "dominant_open_value": "one deal, 'Acme - Add-on', holds 54% of the open pipeline",
        "no_close_date": "deals without a close date: left out of the quarter's pipeline, the "
                         "forecast and the overdue deals (1 of them open)",
        "no_won_reason": "won deals without a won reason: shown as '(no reason given)'",
    }
