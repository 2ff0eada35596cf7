"""Disks that refuse writes, for tests: a full one and a read-only one, on a real temp directory.

Only the system calls where the kernel says no are replaced, so the store's own write path runs
as on the Pi. A full disk refuses when data goes down to it (fsync, and the lock file's pid);
a read-only one refuses to create, open for writing, rename or remove anything under the data
directory, and statvfs says it is mounted read-only.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest


def _refuse(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def full_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write of data from now on fails with ENOSPC, as on a disk with no room left."""

    def no_room(*args: Any) -> None:
        raise _refuse(errno.ENOSPC)

    monkeypatch.setattr(os, "fsync", no_room)
    monkeypatch.setattr(os, "pwrite", no_room)


def read_only_disk(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Nothing under `directory` can be changed from now on (EROFS), and statvfs says why."""
    top = directory.resolve()
    real_open, real_statvfs = os.open, os.statvfs

    def inside(path: Any) -> bool:
        return Path(os.fsdecode(path)).resolve().is_relative_to(top)

    def open_(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC) and inside(path):
            raise _refuse(errno.EROFS)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    def refuse_inside(real: Any) -> Any:
        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            if inside(path):
                raise _refuse(errno.EROFS)
            return real(path, *args, **kwargs)

        return call

    def statvfs(path: Any) -> os.statvfs_result:
        st = real_statvfs(path)
        if not inside(path):
            return st
        values = list(st)
        values[8] |= os.ST_RDONLY  # f_flag
        return os.statvfs_result(values)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "statvfs", statvfs)
    for name in ("unlink", "mkdir", "rename", "replace", "rmdir"):
        monkeypatch.setattr(os, name, refuse_inside(getattr(os, name)))


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` with its bytes (the lock file and the log left out)."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in (".kiosk.lock", "kiosk.log")
    }
