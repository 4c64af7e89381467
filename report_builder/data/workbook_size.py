"""A workbook is checked against its unpacked size before it is read.

An .xlsx is a zip of XML files. A few megabytes can unpack to gigabytes (a sheet of repeated
cells compresses a thousandfold), and the reader holds all of it in memory, several times
over. The sizes the zip declares for its members are summed first, and a workbook that would
unpack past the limit is refused with a clear error instead of exhausting the machine.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from report_builder.errors import DataError, Problem

# a 100,000-row deals sheet unpacks to about 90 MB, so this admits workbooks of up to about a
# million rows (Excel's own limit) while refusing the ones that would need many gigabytes of
# memory: the reader holds several times the unpacked size
MAX_UNPACKED_BYTES = 10**9


def check_unpacked_size(path: Path, limit: int | None = None) -> None:
    """Raise when the workbook at `path` unpacks to more than `limit` bytes.

    A file that is not a zip is left to the reader, which says what is wrong with it.

    Raises:
        DataError: the workbook is too large once unpacked; names the file and the limit.
    """
    limit = MAX_UNPACKED_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return
    if unpacked > limit:
        raise DataError([Problem(
            path.name, None, None, None,
            f"unpacks to {_size(unpacked)} ({path.stat().st_size:,} bytes packed), more than "
            f"the {_size(limit)} a workbook may hold; export the table as CSV, or split it")])


def _size(count: int) -> str:
    return f"{count / 1e9:.1f} GB" if count >= 10**9 else f"{count / 1e6:.1f} MB"
