"""Write outputs atomically: a temporary file in the target folder, then a rename.

A crash or an interrupted build never leaves a half-written file for the mailer to attach. The
file gets the permissions any program would give a new file (0666 less the user's umask; the
temporary file itself is created private).
"""

from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

from report_builder.errors import OutputError

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process's umask (Linux shows it in /proc; elsewhere it is read by setting it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The mode a new file gets: 0666 less the umask."""
    return 0o666 & ~current_umask()


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
        os.chmod(tmp, new_file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
