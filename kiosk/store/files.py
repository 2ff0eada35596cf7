"""Durable file writes: a file is either its old contents or its new ones, never half of each."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from enum import Enum
from pathlib import Path


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write a temp file beside `path`, fsync it, rename it over `path`, fsync the directory."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


class CannotRead(Exception):
    """A file the user named cannot be read as text: one plain message."""


class StorageProblem(Enum):
    """Why the data directory cannot be written: the front desk says so, the kiosk carries on."""

    FULL = "full"
    READ_ONLY = "read-only"


def problem_of(error: BaseException) -> StorageProblem | None:
    """The storage problem a failed write shows; None for any other failure."""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            return StorageProblem.FULL
        if error.errno == errno.EROFS:
            return StorageProblem.READ_ONLY
    return None


def disk_problem(directory: Path, need: int) -> StorageProblem | None:
    """Read-only, or less room than `need` bytes (a file the kiosk rewrites, whole, beside the
    old one): asked without writing anything, so a full disk can still be opened."""
    try:
        st = os.statvfs(directory)
    except OSError:
        return None
    if st.f_flag & os.ST_RDONLY:
        return StorageProblem.READ_ONLY
    if st.f_bavail * st.f_frsize < need:
        return StorageProblem.FULL
    return None
