"""The only way WeasyPrint may read a resource: data: URIs and files in our allowed folders.

No network and no other file path, so a template or a data value that smuggles in
`<img src="file:///etc/passwd">` or `http://...` gets nothing. Refused URLs are kept for the
build to report.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse


class RestrictedFetcher(URLFetcher):  # type: ignore[misc]
    """With `charts`, `chart:<key>` is the chart of that key, as (bytes, media type), drawn by
    the browser (waited for when not drawn yet)."""

    def __init__(self, allowed_folders: Iterable[Path],
                 charts: Callable[[str], tuple[bytes, str]] | None = None) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)
        self.allowed = [p.resolve() for p in allowed_folders]
        self.charts = charts
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        if self.charts is not None and url.startswith("chart:"):
            data, media_type = self.charts(url.removeprefix("chart:"))
            return URLFetcherResponse(url, data, {"Content-Type": media_type})
        if url.startswith("data:") or self._allowed_file(url):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"report-builder does not load {url[:200]!r}: only files from the "
                         "templates and assets folders may be used in the PDF")

    def _allowed_file(self, url: str) -> bool:
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return False
        path = Path(urllib.parse.unquote(parsed.path)).resolve()
        return any(path.is_relative_to(folder) for folder in self.allowed)
