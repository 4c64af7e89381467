"""A workbook that unpacks past the limit is refused before it is read: exit 2, file and limit
named, nothing written."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from report_builder.cli import main
from report_builder.data.workbook_size import MAX_UNPACKED_BYTES, check_unpacked_size
from report_builder.errors import DataError
from tests.small_company import write_company


def zip_bomb(path: Path, unpacked: int) -> Path:
    """An .xlsx-named zip whose one member is `unpacked` zero bytes (it packs to ~1/1000)."""
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
        for _ in range(unpacked // len(chunk)):
            member.write(chunk)
    return path


def test_a_workbook_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = zip_bomb(tmp_path / "deals.xlsx", 8 << 20)
    with pytest.raises(DataError) as caught:
        check_unpacked_size(bomb, limit=5_000_000)
    assert "deals.xlsx" in str(caught.value)
    assert "unpacks to 8.4 MB" in str(caught.value)
    assert "more than the 5.0 MB a workbook may hold" in str(caught.value)
    check_unpacked_size(bomb, limit=9_000_000)  # under the limit: no error


def test_a_file_that_is_not_a_zip_is_left_to_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "deals.xlsx"
    path.write_text("not a workbook")
    check_unpacked_size(path, limit=1)


def test_validate_and_build_stop_with_exit_2(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook past the real limit, packed small (1.1 GB of zeros is ~1 MB)."""
    config = write_company(tmp_path)
    (tmp_path / "data" / "deals.csv").unlink()
    zip_bomb(tmp_path / "data" / "deals.xlsx", MAX_UNPACKED_BYTES + (100 << 20))
    assert (tmp_path / "data" / "deals.xlsx").stat().st_size < 5_000_000
    for command in (["validate", str(config)],
                    ["build", str(config), "--format", "json", "--out", str(tmp_path / "out")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "deals.xlsx" in err and "more than the 1.0 GB a workbook may hold" in err
        assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
