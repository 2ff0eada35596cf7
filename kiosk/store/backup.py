"""Backups of the data directory under data/backups/, verified, kept for a number of generations.

Layout: data/backups/2026-11-25T0300/ holds a copy of every data file (members.json,
screenings.json, visits/YYYY-MM.json, and any other file staff mode keeps) and MANIFEST.json
with each file's size and sha256. A backup is built in a hidden temp folder, every file fsync'd,
re-read and checked, and only then renamed into place: a folder with a manifest is complete.

Making a backup only reads the data files, so it is safe beside a running kiosk: every write the
kiosk makes is an atomic rename, so each file read is its old contents or its new ones, whole.
The members file is read before the visits, because a check-in writes its visit first and the
members file after: a backup can miss the newest visit, but never count a session twice.

Left out: backups/ itself, damaged files moved aside, the lock file, temp files, logs, the
visits summary (a cache, rebuilt on open) and the staff PIN files (this kiosk's, not the data's).

Restoring takes the data directory's lock (so it refuses while a kiosk runs), verifies the
backup, copies it into a staging folder, then swaps: the current files are moved to
data/damaged-or-replaced-<time>/ and the staged ones renamed into place. The swap is noted in
the staging folder first, so one cut short by a power cut is finished the next time
(finish_restore, which the kiosk runs before opening its store).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.store.aside import DAMAGED_DIR as DAMAGED_DIR  # where they live; named here too
from kiosk.store.aside import REPLACED_PREFIX as REPLACED_PREFIX
from kiosk.store.files import fsync_dir, write_atomic
from kiosk.store.lock import LOCK_NAME, DataDirLock
from kiosk.store.pin import PIN_FILE, TRIES_FILE
from kiosk.store.privacy import ERASED_FILE
from kiosk.store.storage import NESTED_TOO_DEEP, DamagedFile, decode_json_file
from kiosk.store.summary import SUMMARY_FILE

BACKUPS_DIR = "backups"
MANIFEST = "MANIFEST.json"
FORMAT = 1
_STAGE_PREFIX = ".restore-"
_STAGE_PLAN = "PLAN.json"
_BACKUP_LOCK = ".backup.lock"
# The PIN and its wrong tries belong to this kiosk, not to the studio's records: a restore
# never brings back an old PIN or clears a lock-out, and `kiosk set-pin` sets one on a new Pi.
# The erased members' codes stay too, so a restore cannot undo an erasure.
_LEFT_OUT = {
    BACKUPS_DIR,
    DAMAGED_DIR,
    LOCK_NAME,
    SUMMARY_FILE,
    PIN_FILE,
    TRIES_FILE,
    ERASED_FILE,
    "logs",
}


class BackupFailed(Exception):
    """A backup could not be made or restored; the message says why in plain words."""


class BadBackup(BackupFailed):
    """A backup that is incomplete or whose files do not match its manifest."""


@dataclass(frozen=True)
class Entry:
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    made: datetime
    files: dict[str, Entry]  # path inside the data directory ("visits/2026-11.json") -> entry


def stamp(now: datetime) -> str:
    """A time as it appears in file and folder names: 2026-11-25T0300."""
    return now.strftime("%Y-%m-%dT%H%M")


def when_text(when: datetime) -> str:
    """A time as staff read it: 25 Nov 2026 03:00."""
    return f"{when.day} {when:%b %Y %H:%M}"


# -- which files are data -------------------------------------------------------------------------


def _is_data(name: str) -> bool:
    return not (
        name in _LEFT_OUT
        or name.startswith((".", REPLACED_PREFIX))
        or name.endswith((".log", ".tmp"))
        or ".log." in name  # kiosk.log.1: the log's older files
    )


def data_files(data_dir: Path) -> list[str]:
    """Paths (relative, "/"-separated) of the data files to back up: members and screenings
    first, then the rest, then visits (see the module docstring for why that order)."""
    found: list[str] = []
    for top in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if not _is_data(top.name) or top.is_symlink():
            continue
        if top.is_file():
            found.append(top.name)
        elif top.is_dir():
            for path in sorted(top.rglob("*")):
                rel = path.relative_to(data_dir)
                if path.is_file() and not path.is_symlink() and all(map(_is_data, rel.parts)):
                    found.append(rel.as_posix())
    first = ("members.json", "screenings.json")
    return sorted(found, key=lambda p: (p not in first, p.startswith("visits/"), p))


def _store_file(rel: str) -> bool:
    """A file the store reads as a table of records."""
    return rel in ("members.json", "screenings.json") or (
        rel.startswith("visits/") and rel.endswith(".json")
    )


def check_file(path: Path, rel: str, entry: Entry | None = None) -> str | None:
    """Why this copy of a data file is not good, or None when it is.

    A copy is good when it matches its manifest entry (if given) and, for JSON, parses (for the
    store's files, to a table of records). Records are not checked one by one: a bad one never
    stops a backup or a restore, the kiosk moves it aside when it starts (kiosk/store/recovery.py).
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return "it is missing"
    except OSError as e:
        return f"it cannot be read ({e.strerror or e})"
    if entry is not None and (len(raw) != entry.size or _sha(raw) != entry.sha256):
        return "it does not match the manifest (changed or damaged since the backup)"
    if _store_file(rel):
        try:
            decode_json_file(path, raw)
        except DamagedFile as e:
            return e.reason
    elif path.suffix == ".json":  # e.g. the PIN: JSON of its own shape
        try:
            json.loads(raw)
        except (UnicodeDecodeError, ValueError) as e:
            return f"not valid JSON: {e}"
        except RecursionError:
            return NESTED_TOO_DEEP
    return None


def _sha(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# -- reading backups ------------------------------------------------------------------------------


def backups_dir(data_dir: Path) -> Path:
    return data_dir / BACKUPS_DIR


def read_manifest(backup: Path) -> Manifest:
    """The backup's manifest; BadBackup when it is missing or unreadable (an unfinished copy)."""
    try:
        data = json.loads((backup / MANIFEST).read_bytes())
        if data.get("format") != FORMAT:
            raise BadBackup(f"{backup.name}: made by another version of the kiosk")
        made = datetime.fromisoformat(data["made"])
        files = {str(k): Entry(int(v["size"]), str(v["sha256"])) for k, v in data["files"].items()}
    except FileNotFoundError:
        raise BadBackup(f"{backup}: not a backup (no {MANIFEST})") from None
    except RecursionError:
        raise BadBackup(f"{backup.name}: its {MANIFEST} is damaged ({NESTED_TOO_DEEP})") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise BadBackup(f"{backup.name}: its {MANIFEST} is damaged ({e})") from None
    for rel in files:
        if rel.startswith("/") or ".." in rel.split("/"):
            raise BadBackup(f"{backup.name}: its {MANIFEST} names a file outside the backup")
    return Manifest(made, files)


def verify_backup(backup: Path) -> Manifest:
    """Check every file of a backup against its manifest and parse it; BadBackup if any fails."""
    manifest = read_manifest(backup)
    for rel, entry in manifest.files.items():
        why = check_file(backup / rel, rel, entry)
        if why is not None:
            raise BadBackup(f"{backup.name}: {rel}: {why}")
    return manifest


def list_backups(data_dir: Path) -> list[Path]:
    """Complete backups (with a readable manifest), newest first."""
    found: list[tuple[datetime, str, Path]] = []
    root = backups_dir(data_dir)
    for path in root.iterdir() if root.is_dir() else []:
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            manifest = read_manifest(path)
        except BadBackup:
            continue
        found.append((manifest.made, path.name, path))
    # compare by UTC instant; a naive "made" (never written by us) sorts as the epoch
    found.sort(key=lambda t: (_instant(t[0]), t[1]), reverse=True)
    return [p for _, _, p in found]


def _instant(when: datetime) -> float:
    return when.timestamp() if when.tzinfo is not None else 0.0


# -- making a backup ------------------------------------------------------------------------------


@contextlib.contextmanager
def _backup_lock(root: Path) -> Iterator[None]:
    """One backup at a time (the nightly timer and staff mode may both ask)."""
    fd = os.open(root / _BACKUP_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupFailed("another backup is being made right now; try again soon") from None
        yield
    finally:
        os.close(fd)


def _copy_into(stage: Path, rel: str, raw: bytes) -> None:
    target = stage / rel
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # personal data: readable by the kiosk's user only, like the data files themselves
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())


def _fsync_tree(top: Path) -> None:
    for path in sorted((p for p in top.rglob("*") if p.is_dir()), reverse=True):
        fsync_dir(path)
    fsync_dir(top)


def make_backup(data_dir: Path, now: datetime, keep: int) -> Path:
    """Copy the data files to data/backups/<time>/, verify the copy, keep `keep` generations.

    Returns the new backup's folder. Raises BackupFailed (plain reason) when a data file is
    damaged or the copy does not verify; nothing half-made is left behind as a backup.
    """
    if keep < 1:
        raise ValueError("keep at least one backup")
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BackupFailed(f"there is no data directory at {data_dir}")
    if not data_files(data_dir):
        # a backup of nothing would still count as a generation and push a real one out
        raise BackupFailed(f"there are no data files in {data_dir} to back up")
    root = backups_dir(data_dir)
    root.mkdir(mode=0o700, exist_ok=True)
    with _backup_lock(root):
        for stale in root.glob(".tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)  # a backup cut short: never renamed
        name = stamp(now)
        n = 1
        while (root / name).exists():
            n += 1
            name = f"{stamp(now)}-{n}"
        stage = root / f".tmp-{name}"
        stage.mkdir(mode=0o700)
        try:
            files: dict[str, dict[str, Any]] = {}
            for rel in data_files(data_dir):
                try:
                    raw = (data_dir / rel).read_bytes()
                except FileNotFoundError:
                    continue  # removed since listed (a kiosk never removes data files; be safe)
                except OSError as e:
                    raise BackupFailed(f"{rel} cannot be read ({e.strerror or e})") from None
                _copy_into(stage, rel, raw)
                files[rel] = {"size": len(raw), "sha256": _sha(raw)}
            for rel, info in files.items():
                why = check_file(stage / rel, rel, Entry(info["size"], info["sha256"]))
                if why is not None:
                    raise BackupFailed(
                        f"{rel} is damaged ({why}), so it was not backed up. "
                        "Restart the kiosk to recover it, or restore a backup."
                    )
            manifest = {"format": FORMAT, "made": now.isoformat(), "files": files}
            write_atomic(stage / MANIFEST, json.dumps(manifest, indent=1).encode())
            _fsync_tree(stage)
            read_manifest(stage)
            os.rename(stage, root / name)
            fsync_dir(root)
        except OSError as e:
            shutil.rmtree(stage, ignore_errors=True)
            raise BackupFailed(f"the backup could not be written ({e.strerror or e})") from None
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        prune_backups(data_dir, keep, spare=root / name)
    return root / name


def prune_backups(data_dir: Path, keep: int, spare: Path | None = None) -> list[Path]:
    """Remove complete backups beyond the newest `keep`; returns those removed.

    `spare` (the backup just made) is never removed, even when a clock set wrong makes it look
    older than the rest (a Raspberry Pi has no clock of its own until the network sets it).
    """
    old = [p for p in list_backups(data_dir)[keep:] if p != spare]
    for path in old:
        shutil.rmtree(path)
    if old:
        fsync_dir(backups_dir(data_dir))
    return old


# -- restoring ------------------------------------------------------------------------------------


def restore_backup(data_dir: Path, backup: Path, now: datetime | None = None) -> Path:
    """Put a backup's files back as the data directory; returns where the old files went.

    Refuses with DataDirLocked while a kiosk runs, and with BadBackup when the backup does not
    verify (then nothing is changed).
    """
    data_dir = Path(data_dir)
    now = now or datetime.now().astimezone()
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        finish_restore(data_dir)
        manifest = verify_backup(backup)
        try:
            return _swap_in(data_dir, backup, manifest, now)
        except OSError as e:
            raise BackupFailed(
                f"the restore could not be finished ({e.strerror or e}); the files it replaced "
                f"are in {data_dir}/{REPLACED_PREFIX}*. Fix the problem and restore again: "
                "starting the kiosk also finishes it."
            ) from None
    finally:
        lock.release()


def _aside_dir(data_dir: Path, now: datetime) -> Path:
    base = data_dir / f"{REPLACED_PREFIX}{stamp(now)}"
    aside, n = base, 1
    while aside.exists():
        n += 1
        aside = base.with_name(f"{base.name}-{n}")
    return aside


def _swap_in(data_dir: Path, backup: Path, manifest: Manifest, now: datetime) -> Path:
    stage = data_dir / f"{_STAGE_PREFIX}{stamp(now)}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(mode=0o700)
    for rel, entry in manifest.files.items():
        raw = (backup / rel).read_bytes()
        if _sha(raw) != entry.sha256:
            shutil.rmtree(stage, ignore_errors=True)
            raise BadBackup(f"{backup.name}: {rel} changed while it was being restored")
        _copy_into(stage, rel, raw)
    _fsync_tree(stage)
    aside = _aside_dir(data_dir, now)
    current = sorted(
        {rel.split("/")[0] for rel in data_files(data_dir)}
        | ({SUMMARY_FILE} if (data_dir / SUMMARY_FILE).exists() else set())
    )
    plan = {
        "backup": str(backup),
        "aside": aside.name,
        "replace": current,
        "restore": sorted({rel.split("/")[0] for rel in manifest.files}),
    }
    write_atomic(stage / _STAGE_PLAN, json.dumps(plan).encode())
    _finish(data_dir, stage, plan)
    return aside


def _finish(data_dir: Path, stage: Path, plan: dict[str, Any]) -> None:
    """Move the replaced files aside and the staged ones in; safe to run again after a cut."""
    aside = data_dir / str(plan["aside"])
    for name in plan["replace"]:
        current, staged = data_dir / name, stage / name
        if current.exists() and (name not in plan["restore"] or staged.exists()):
            aside.mkdir(mode=0o700, exist_ok=True)
            os.rename(current, aside / name)
    if aside.exists():
        fsync_dir(aside)
    for name in plan["restore"]:
        staged = stage / name
        if staged.exists():
            os.rename(staged, data_dir / name)
    fsync_dir(data_dir)
    shutil.rmtree(stage)
    fsync_dir(data_dir)


def finish_restore(data_dir: Path) -> str | None:
    """Finish a restore a power cut interrupted (call with the lock held); says what it did.

    A staging folder without its plan was cut short before anything was swapped: removed.
    """
    said: str | None = None
    for stage in sorted(Path(data_dir).glob(f"{_STAGE_PREFIX}*")):
        try:
            plan = json.loads((stage / _STAGE_PLAN).read_bytes())
        except (OSError, ValueError, RecursionError):
            shutil.rmtree(stage, ignore_errors=True)
            continue
        _finish(data_dir, stage, plan)
        said = (
            f"A restore from {Path(str(plan['backup'])).name} was interrupted and has been "
            f"finished; the files it replaced are in {plan['aside']}."
        )
    return said
