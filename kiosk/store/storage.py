"""TinyDB storage that never leaves a half-written file, and names the file when one is damaged.

TinyDB's own JSONStorage rewrites its file in place, so a kill mid-write leaves it corrupt.
This one writes a temp file, fsyncs it, renames it over the old one and fsyncs the directory
(kiosk/store/files.py), so the file is always the old contents or the new, whole.

The kiosk process owns the data directory (kiosk/store/lock.py), so the file cannot change
behind our back: the last data read or written is kept in memory and reads cost nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from kiosk.store.files import write_atomic


class DamagedFile(Exception):
    """A data file that cannot be read. Staff mode / `kiosk restore` recover it from a backup."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"The data file {path} is damaged ({reason}).")


class DamagedRecords(DamagedFile):
    """Some records of a data file the store cannot read; the file itself and its other
    records are good. `bad` maps each bad record's key in the file's table to why."""

    def __init__(self, path: Path, bad: dict[str, str]) -> None:
        self.bad = bad
        (key, why), more = next(iter(bad.items())), len(bad) - 1
        super().__init__(path, f"record {key}: {why}" + (f", and {more} more" if more else ""))


NESTED_TOO_DEEP = "nested deeper than the kiosk writes"


def read_json_file(path: Path) -> dict[str, Any] | None:
    """A data file's contents; None when it does not exist yet; DamagedFile when unreadable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise DamagedFile(path, f"cannot be read: {e.strerror or e}") from e
    return decode_json_file(path, raw)


def decode_json_file(path: Path, raw: bytes) -> dict[str, Any]:
    """A data file's contents from its bytes; DamagedFile (naming `path`) when unreadable."""
    if not raw.strip():
        raise DamagedFile(path, "it is empty")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedFile(path, f"not valid JSON: {e}") from e
    except RecursionError:
        # the kiosk's files are a few levels deep: thousands of "[" are damage, not data
        raise DamagedFile(path, NESTED_TOO_DEEP) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DamagedFile(path, "not a table of records")
    return data


def encode(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# told of each write's outcome: None when it is on disk, else what stopped it
Wrote = Callable[[BaseException | None], None]


class AtomicJSONStorage(Storage):
    """One JSON file, replaced whole and fsync'd on every write."""

    def __init__(self, path: Path, wrote: Wrote | None = None) -> None:
        self.path = Path(path)
        self._data: dict[str, Any] | None = None
        self._loaded = False
        self._wrote = wrote

    def read(self) -> dict[str, Any] | None:
        if not self._loaded:
            self._data = read_json_file(self.path)
            self._loaded = True
        return self._data

    def preload(self, data: dict[str, Any]) -> None:
        self._data, self._loaded = data, True

    def write(self, data: dict[str, Any]) -> None:
        try:
            write_atomic(self.path, encode(data))
        except BaseException as e:
            # TinyDB changed the dict we handed it; what is on disk is still the old contents
            self._data, self._loaded = None, False
            if self._wrote is not None:
                self._wrote(e)
            raise
        self._data, self._loaded = data, True
        if self._wrote is not None:
            self._wrote(None)

    def close(self) -> None:
        self._data, self._loaded = None, False


def open_db(path: Path, data: dict[str, Any] | None = None, wrote: Wrote | None = None) -> TinyDB:
    """A TinyDB on `path` with atomic, fsync'd writes. Reads the file now (DamagedFile if bad),
    unless the caller hands in `data`, the file's contents it has just read. `wrote` hears of
    every write's outcome."""
    db = TinyDB(path, storage=AtomicJSONStorage, wrote=wrote)
    storage = db.storage
    assert isinstance(storage, AtomicJSONStorage)
    if data is None:
        storage.read()
    else:
        storage.preload(data)
    return db
