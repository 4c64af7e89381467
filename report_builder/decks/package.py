"""Save a deck as bytes that depend on the data and the meeting date only.

python-pptx stamps the zip entries, and XlsxWriter the workbooks behind the charts, with the
current time; here every stamp becomes the meeting date, so the same data and `--as-of` give the
same file (as the other formats do).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from pptx.presentation import Presentation as PresentationType

_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save_deck(prs: PresentationType, *, as_of: dt.date, title: str, author: str) -> bytes:
    properties = prs.core_properties
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day)
    properties.title = title
    properties.author = author
    properties.last_modified_by = author
    properties.created = stamp
    properties.modified = stamp
    properties.revision = 1
    buffer = io.BytesIO()
    prs.save(buffer)
    return stamped(buffer.getvalue(), stamp)


def stamped(data: bytes, stamp: dt.datetime) -> bytes:
    """The zip package `data` with every entry (and every embedded workbook) dated `stamp`."""
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename.endswith(".xlsx"):
                content = stamped(content, stamp)
            elif info.filename == "docProps/core.xml":
                content = _W3CDTF.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()
