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
        from kiosk.store.files import write_atomic  # not needed before the paint

        changed = {name: text for name, text in sorted(copies.items()) if self.read(name) != text}
        for folder in sorted({self.path(name).parent for name in changed}):
            _make_folders(folder)
        for name, text in changed.items():
            write_atomic(self.path(name), text)
        return list(changed)


def _make_folders(folder: Path) -> None:
    """``mkdir -p``, each new folder synced into its parent: it survives a power cut too."""
    from kiosk.store.files import fsync_dir

    if folder.is_dir():
        return
    _make_folders(folder.parent)
    folder.mkdir(exist_ok=True)
    fsync_dir(folder.parent)
