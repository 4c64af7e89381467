"""Editing a user's file safely: one edit at a time, never while an office program has it
open, and never half-written."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from report_builder.errors import ActionsBusyError
from report_builder.writer import write_atomic


def office_lock_files(path: Path) -> list[Path]:
    """The lock files Excel (`~$name.xlsx`) and LibreOffice (`.~lock.name.xlsx#`) keep beside
    a file they have open."""
    candidates = (path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#"))
    return [p for p in candidates if p.exists()]


@contextlib.contextmanager
def exclusive_edit(path: Path, *, wait: float = 5.0) -> Iterator[None]:
    """Hold an exclusive lock on `.<name>.lock` beside `path` while the body runs; refuse when
    another edit holds it for longer than `wait` seconds, or an office program has the file
    open. The operating system releases the lock when the process ends, even on a crash.
    A symbolic link is locked where it points, so edits through two links wait for each other."""
    target = Path(os.path.realpath(path))
    lock_path = target.with_name(f".{target.name}.lock")
    lock = FileLock(lock_path, timeout=wait, poll_interval=0.1)
    try:
        lock.acquire()
    except Timeout:
        raise ActionsBusyError(
            f"{path.name} is being edited by another report-builder actions command "
            f"(it holds {lock_path.name}); try again when it has finished") from None
    try:
        open_in = office_lock_files(path) + (office_lock_files(target) if target != path
                                             else [])
        if open_in:
            raise ActionsBusyError(
                f"{path.name} is open in Excel or LibreOffice ({open_in[0].name} is beside it); "
                "close it there first, so that neither program overwrites the other's change")
        yield
    finally:
        lock.release()


def replace_file(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path` and rename it over `path`, keeping the
    file's permissions. A symbolic link stays a link: the file it points to is replaced."""
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode & 0o777 if path.exists() else None
    write_atomic(path, content)
    if mode is not None:
        path.chmod(mode)
