"""The kiosk's data directory: members, packs, visits, screenings, settings.

PLACEHOLDER shell: the check-in helper (issue 4) builds the real store here.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from kiosk.store.lock import DataDirLock


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = DataDirLock(directory)

    @classmethod
    def open(cls, directory: Path) -> Store:
        """Take the data directory's lock (DataDirLocked if another kiosk has it) and open it."""
        store = cls(directory)
        store._lock.acquire()
        return store

    def close(self) -> None:
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
