"""The company folder the page serves: its report.toml, and the packs built from it.

Files are only ever named here, from a meeting date and a kind the server knows; no path from
the browser reaches the file system.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from report_builder.config import Config, load_config
from report_builder.renderers.base import BUILTIN

CONFIG_NAME = "report.toml"

# what a pack's folder may hold, by kind: (file stem, extension, what the page calls it)
KINDS: dict[str, tuple[str, str, str]] = {
    **{r.name: (r.file_stem, r.extension, label) for r, label in zip(BUILTIN, (
        "HTML pack", "JSON figures", "PDF", "Meeting deck", "Customer deck"), strict=True)},
    "eml": ("pipeline-meeting", ".eml", "Email (preview)"),
}
MEDIA_TYPES = {**{r.name: r.media_type for r in BUILTIN}, "eml": "message/rfc822"}
_DATED = re.compile(r"^(?P<stem>pipeline-meeting|customer-deck)-(?P<date>\d{4}-\d{2}-\d{2})"
                    r"(?P<ext>\.[a-z]+)$")


@dataclass
class Pack:
    """The files of one meeting's pack, by kind."""

    as_of: dt.date
    files: dict[str, Path] = field(default_factory=dict)

    def labelled(self) -> list[tuple[str, str, Path]]:
        """(kind, label, path) in the order the page lists them."""
        return [(kind, KINDS[kind][2], self.files[kind]) for kind in KINDS
                if kind in self.files]


@dataclass(frozen=True)
class Company:
    folder: Path

    @property
    def config_path(self) -> Path:
        return self.folder / CONFIG_NAME

    def has_config(self) -> bool:
        return self.config_path.is_file()

    def config(self) -> Config:
        """Read afresh on every request: the file may have been edited since."""
        return load_config(self.config_path)

    def packs(self, config: Config) -> list[Pack]:
        """The packs in the output folder, the latest meeting first."""
        folder = config.output.out_dir
        found: dict[dt.date, Pack] = {}
        if not folder.is_dir():
            return []
        for path in folder.iterdir():
            match = _DATED.match(path.name)
            if match is None or not path.is_file():
                continue
            kind = _kind(match["stem"], match["ext"])
            try:
                as_of = dt.date.fromisoformat(match["date"])
            except ValueError:
                continue
            if kind is not None:
                found.setdefault(as_of, Pack(as_of)).files[kind] = path
        return sorted(found.values(), key=lambda p: p.as_of, reverse=True)

    def pack_file(self, config: Config, as_of: dt.date, kind: str) -> Path | None:
        """The file of that kind of that meeting's pack, when it was built."""
        if kind not in KINDS:
            return None
        stem, ext, _ = KINDS[kind]
        path = config.output.out_dir / f"{stem}-{as_of.isoformat()}{ext}"
        return path if path.is_file() else None


def _kind(stem: str, ext: str) -> str | None:
    for kind, (kind_stem, kind_ext, _) in KINDS.items():
        if (stem, ext) == (kind_stem, kind_ext):
            return kind
    return None
