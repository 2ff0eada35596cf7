"""One kiosk process owns a data directory: an exclusive, non-blocking lock on a lock file.

The lock is an fcntl lock, so the kernel drops it when the process dies (even by SIGKILL):
a crashed kiosk never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

LOCK_NAME = ".kiosk.lock"


class DataDirLocked(Exception):
    def __init__(self, directory: Path, holder: str) -> None:
        self.directory = directory
        self.holder = holder
        who = f" (process {holder})" if holder else ""
        super().__init__(
            f"The data directory {directory} is in use by another kiosk{who}. "
            "Only one kiosk may run on a data directory at a time."
        )


class DataDirLock:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fd: int | None = None

    def acquire(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / LOCK_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as e:
            if e.errno != errno.EROFS:
                raise
            # a read-only disk (an SD card failing): the lock needs no write, only the file
            fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise DataDirLocked(self.directory, holder) from None
        try:  # who holds it, for the message a second kiosk gives; a full disk may refuse
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        except OSError:
            pass
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    @staticmethod
    def is_locked(directory: Path) -> bool:
        """True when some process holds the lock (used by restore, which refuses then)."""
        path = directory / LOCK_NAME
        if not path.exists():
            return False
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False
