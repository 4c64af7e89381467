"""Write outputs atomically: a temporary file in the target folder, then a rename.

A crash or an interrupted build never leaves a half-written file for the mailer to attach.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from report_builder.errors import OutputError


def write_atomic(path: Path, content: bytes) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"Cannot write to {path.parent}: {exc.strerror}; choose another folder "
                          f"with --out") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
