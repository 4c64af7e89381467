"""The command line as a user runs it: build, validate, meeting dates, determinism."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from report_builder.build import meeting_date
from report_builder.cli import file_size, main
from report_builder.config import load_config
from tests.small_company import write_company


def test_build_writes_html_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(config), "--as-of", "2026-11-24", "--format", "html,json",
                 "--out", str(out), "--verbose"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["pipeline-meeting-2026-11-24.html",
                                                     "pipeline-meeting-2026-11-24.json"]
    document = json.loads((out / "pipeline-meeting-2026-11-24.json").read_text())
    assert document["schema_version"] == 5
    agenda = document["agenda"]
    assert agenda["as_of"] == "2026-11-24" and agenda["quarter"] == "2026-Q4"
    assert agenda["targets"]["company"]["won"] == 157_500
    assert agenda["targets"]["company"]["coverage"] == round(300_000 / 242_500, 4)
    assert list(agenda) == ["company", "currency", "locale", "language", "as_of", "period_start",
                            "next_meeting", "quarter", "headline", "targets", "pipeline",
                            "sources", "customers", "campaigns", "data_notes", "movement",
                            "actions", "scope", "company_targets"]
    # the company's pack (build --per: a team's or seller's, with the company's top line)
    assert agenda["scope"] is None and agenda["company_targets"] is None
    assert agenda["movement"] is None  # no earlier snapshot yet
    assert agenda["actions"] is None  # the small company has no actions table
    assert (tmp_path / "report.history.sqlite").is_file()  # beside the config, not in out
    printed = capsys.readouterr()
    assert re.search(r"^Meeting pack for 2026-11-24 \(2026-Q4\): 2 file\(s\) in \d+\.\d s, "
                     r"5 data note\(s\)", printed.out)  # + no actions; + 2 deals holding most
    # of a figure (D5: the open pipeline; D1: the value won)
    assert "Loading the dataset" in printed.err and "Rendering HTML" in printed.err


def test_summary_when_not_on_a_terminal(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    """From cron: no progress, only the short summary (each file with its size); -q: nothing
    unless something is wrong."""
    out = tmp_path / "out"
    assert main(["build", str(write_company(tmp_path)), "--format", "html,json",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.err == ""
    lines = printed.out.splitlines()
    assert len(lines) == 3
    assert re.fullmatch(r"Meeting pack for 2026-11-24 \(2026-Q4\): 2 file\(s\) in \d+\.\d s, "
                        r"5 data note\(s\) \(listed at the end of the pack\)", lines[0])
    html, data = out / "pipeline-meeting-2026-11-24.html", out / "pipeline-meeting-2026-11-24.json"
    assert [line.split() for line in lines[1:]] == [
        [str(html), f"{html.stat().st_size / 1e6:.1f}", "MB"],
        [str(data), f"{data.stat().st_size / 1e3:.1f}", "kB"]]
    assert main(["build", str(write_company(tmp_path)), "--out", str(out), "-q"]) == 0
    assert capsys.readouterr() == ("", "")


def test_file_sizes() -> None:
    assert [file_size(n) for n in (0, 999, 1000, 19_949, 4_861_611, 2_500_000_000)] == [
        "0 B", "999 B", "1.0 kB", "19.9 kB", "4.9 MB", "2.5 GB"]


def test_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["build", str(config), "--format", "html,json", "--out", str(out)]) == 0
    for name in ("pipeline-meeting-2026-11-24.html", "pipeline-meeting-2026-11-24.json"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_no_leftover_temporary_files(tmp_path: Path) -> None:
    config = write_company(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(config), "--format", "json", "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["pipeline-meeting-2026-11-24.json"]


def test_meeting_date_choice(tmp_path: Path) -> None:
    config = load_config(write_company(tmp_path))
    today = dt.date(2026, 11, 25)
    assert meeting_date(config, dt.date(2026, 11, 10), today) == dt.date(2026, 11, 10)
    assert meeting_date(config, None, today) == dt.date(2026, 11, 24)  # config's as_of
    object.__setattr__(config.meeting, "as_of", None)
    assert meeting_date(config, None, today) == dt.date(2026, 12, 8)  # next of the cadence


def test_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(write_company(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert "valid (9 deals, 8 leads, 7 targets, 4 campaigns); 3 data note(s)" in out
    assert "deals: 1 deals without a close date" in out and "(e.g. D8)" in out


def test_missing_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.toml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_unwritable_output_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_company(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["build", str(config), "--format", "json", "--out", str(blocker / "out")]) == 1
    assert "Cannot write to" in capsys.readouterr().err
