"""Whether the last `kiosk backup` failed, so a nightly backup cannot stop without anyone seeing.

`kiosk backup` (the nightly timer's command) writes data/.backup-failed.json when it fails and
removes it when it succeeds; the running kiosk reads it for the front desk's staff corner and
staff mode. A failure is over once a backup newer than it exists (staff mode's "Back up now"
counts too). The file is left out of backups (its name starts with a dot).

API:
    record_failure(data_dir, now, problem)      # best effort: a full disk may refuse it too
    record_success(data_dir)
    last_failure(data_dir) -> BackupFailure | None
    newest_backup(data_dir) -> datetime | None  # when the newest complete backup was made
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.store.files import write_text_atomic

FAILED_FILE = ".backup-failed.json"


@dataclass(frozen=True)
class BackupFailure:
    when: datetime | None  # None: the record itself could not be read
    problem: str

    def words(self) -> str:
        from kiosk.store.backup import when_text

        when = f" of {when_text(self.when)}" if self.when is not None else ""
        return f"The backup{when} failed: {self.problem}"


def record_failure(data_dir: Path, now: datetime, problem: str) -> bool:
    """Keep the failure for staff; False when even that cannot be written."""
    record = {"when": now.isoformat(), "problem": problem}
    try:
        write_text_atomic(Path(data_dir) / FAILED_FILE, json.dumps(record) + "\n")
    except OSError:
        return False
    return True


def record_success(data_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (Path(data_dir) / FAILED_FILE).unlink(missing_ok=True)


def last_failure(data_dir: Path) -> BackupFailure | None:
    path = Path(data_dir) / FAILED_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        return BackupFailure(None, f"{path} cannot be read")
    try:
        record = json.loads(raw)
        failure = BackupFailure(datetime.fromisoformat(record["when"]), str(record["problem"]))
    except (ValueError, KeyError, TypeError):
        return BackupFailure(None, f"{path} cannot be read")
    return None if _made_since(Path(data_dir), failure.when) else failure


def newest_backup(data_dir: Path) -> datetime | None:
    from kiosk.store.backup import list_backups, read_manifest

    found = list_backups(data_dir)
    return read_manifest(found[0]).made if found else None


def _made_since(data_dir: Path, when: datetime | None) -> bool:
    made = newest_backup(data_dir)
    if made is None or when is None:
        return False
    try:
        return made > when
    except TypeError:  # a naive time in an old manifest: cannot tell
        return False
