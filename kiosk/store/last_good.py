"""The last good copy of each content file, under data/content-last-good/.

A content file that loaded with no problem is kept here, as it was read, so that a later mistake
in it (one missing quote) shows the last good hours, address and QR codes instead of nothing
(kiosk/core/fallbacks.py). Copies are read only when a file fails, and written from a worker
after the first paint; a broken file never reaches here (only clean ones are offered).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

LAST_GOOD_DIR = "content-last-good"


class LastGoodCopies:
    def __init__(self, data_dir: Path) -> None:
        self.folder = data_dir / LAST_GOOD_DIR

    def path(self, name: str) -> Path:
        """``name`` is a content file's own relative path, e.g. ``programmes/quick.toml``."""
        path = self.folder / name
        if path.resolve().parent != (self.folder / Path(name).parent).resolve() or ".." in name:
            raise ValueError(f"not a content file name: {name!r}")
        return path

    def read(self, name: str) -> bytes | None:
        try:
            return self.path(name).read_bytes()
        except (OSError, ValueError):
            return None  # no copy yet, or unreadable: the shipped copy is next

    def keep(self, copies: Mapping[str, bytes]) -> list[str]:
        """Write each copy that differs from the one kept, atomically; the names written."""
        from kiosk.store.files import fsync_dir, write_atomic  # not needed before the paint

        written: list[str] = []
        for name, text in sorted(copies.items()):
            if self.read(name) == text:
                continue
            path = self.path(name)
            if not path.parent.is_dir():
                path.parent.mkdir(parents=True)
                fsync_dir(path.parent.parent)  # the new folder survives a power cut too
            write_atomic(path, text)
            written.append(name)
        return written
