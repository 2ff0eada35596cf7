"""Start-up that survives a damaged data file: move it aside, bring back a good copy, carry on.

A kiosk that stops on a damaged file and is restarted by systemd would stop again, for ever.
Instead open_store moves the file to data/damaged/, puts back the newest backup's good copy
(or leaves it out, so it starts empty), opens the store and hands staff plain sentences saying
what happened and what may be missing. Each repair either uses up a backup or empties the file,
so the loop always ends; it gives up (CannotStart) only when a damaged file cannot even be
moved aside, when nothing the kiosk could do would help. Members erased before and brought back
by a restored backup are erased again (kiosk/store/privacy.py).

A file that is whole but holds records the store cannot read (an unknown flag, a wrong type)
keeps its good records: only the bad ones are moved to data/damaged/<file>.<time>.records.json,
each with why. Nothing is deleted by a repair. Health screenings whose member the repair lost
are kept, and staff are told to reconcile them (kiosk/store/reconcile.py).
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from kiosk.store.aside import aside_path, set_aside_records
from kiosk.store.attempts import attempts_for
from kiosk.store.backup import (
    DAMAGED_DIR,
    BadBackup,
    finish_restore,
    list_backups,
    read_manifest,
    stamp,
    when_text,
)
from kiosk.store.files import fsync_dir, write_atomic
from kiosk.store.lock import DataDirLock
from kiosk.store.privacy import erase_again
from kiosk.store.reconcile import reconcile_warning
from kiosk.store.storage import DamagedFile, DamagedRecords
from kiosk.store.store import Store

MAX_REPAIRS = 100  # far more than the data files times the backups of any real studio


class CannotStart(Exception):
    """Nothing the kiosk can do opens the data directory; the message says why and what to do."""


def file_title(rel: str) -> str:
    """A data file as staff would name it."""
    if rel == "members.json":
        return "The members file"
    if rel == "screenings.json":
        return "The health screenings file"
    if rel.startswith("visits/") and rel.endswith(".json"):
        try:
            month = datetime.strptime(rel[7:-5], "%Y-%m")
        except ValueError:
            return f"The visits file {rel}"
        return f"The visits file for {month:%B %Y}"
    return f"The file {rel}"


def _since(rel: str) -> str:
    if rel == "members.json":
        return "members and packs added or changed since then need entering again"
    if rel == "screenings.json":
        return "health screenings answered since then are missing"
    if rel.startswith("visits/"):
        return "check-ins since then are missing from that month"
    return "changes since then are missing"


def _missing(rel: str) -> str:
    if rel == "members.json":
        return "with no members"
    if rel == "screenings.json":
        return "with no health screenings"
    if rel.startswith("visits/"):
        return "without that month's visits"
    return "without it"


def open_store(data_dir: Path, now: datetime) -> tuple[Store, list[str]]:
    """Open the store, recovering damaged files; returns it with warnings for staff.

    DataDirLocked when another kiosk runs; CannotStart only when nothing works.

    This is the kiosk's start-up: the members and visits read here live as long as the
    process, so they go straight to the cyclic collector's permanent generation (gc.freeze)
    instead of being walked by its passes while the screen starts (tens of ms with thousands of
    members, more on a Pi). The collector is paused meanwhile: the records hold no cycles.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        store, warnings = _open_store(Path(data_dir), now)
        gc.freeze()
        store.thaw_on_close = True
    finally:
        if collecting:
            gc.enable()
    return store, warnings


def _open_store(data_dir: Path, now: datetime) -> tuple[Store, list[str]]:
    warnings: list[str] = []
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        said = finish_restore(data_dir)
    except OSError as e:
        said = f"A restore that was interrupted could not be finished ({e}). Ask for help."
    finally:
        lock.release()
    if said:
        warnings.append(said)
    tried: dict[str, set[str]] = defaultdict(set)
    for _ in range(MAX_REPAIRS):
        try:
            store = Store.open(data_dir)
        except DamagedRecords as damaged:
            warnings.append(_set_aside_records(data_dir, damaged, now, tried))
            continue
        except DamagedFile as damaged:
            warnings.append(_repair(data_dir, damaged, now, tried))
            continue
        try:
            again = erase_again(store)
        except (OSError, DamagedFile) as e:
            warnings.append(f"Members erased before could not be checked ({e}). Ask for help.")
            again = []
        if again:
            warnings.append(
                f"{len(again)} member(s) erased before were back in the data (an older backup "
                "was restored) and have been erased again."
            )
        if orphans := reconcile_warning(store):
            warnings.append(orphans)
        warnings += attempts_for(store).warnings  # refused check-ins: bad ones set aside
        return store, warnings
    raise CannotStart(
        f"The data directory {data_dir} still has damaged files after {MAX_REPAIRS} repairs. "
        "Restore a backup with `kiosk restore`, or ask for help."
    )


def _relative(data_dir: Path, damaged: DamagedFile) -> str:
    try:
        return Path(damaged.path).resolve().relative_to(data_dir.resolve()).as_posix()
    except ValueError:
        raise CannotStart(f"{damaged} It is outside the data directory {data_dir}.") from None


def _lost_with(rel: str, n: int) -> str:
    if rel == "members.json":
        return f"{'that member is' if n == 1 else 'those members are'} missing until re-entered"
    if rel == "screenings.json":
        return f"{'that screening is' if n == 1 else 'those screenings are'} missing"
    if rel.startswith("visits/"):
        return f"{'that visit is' if n == 1 else 'those visits are'} not counted"
    return "they are not used"


def _set_aside_records(
    data_dir: Path, damaged: DamagedRecords, now: datetime, tried: dict[str, set[str]]
) -> str:
    """Move the bad records of a whole file aside, keep its good ones; say what."""
    rel = _relative(data_dir, damaged)
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        done = set_aside_records(data_dir, rel, "_default", damaged.bad, stamp(now))
    except OSError as e:
        raise CannotStart(
            f"{damaged} Its bad records could not be moved aside ({e.strerror or e}), so "
            "the kiosk cannot start. Restore a backup with `kiosk restore`, or ask for help."
        ) from None
    finally:
        lock.release()
    if done is None:  # not the file the store read a moment ago: repair the whole file
        return _repair(data_dir, damaged, now, tried)
    aside, moved = done
    n = len(moved)
    why = next(iter(moved.values())) + (f"; and {n - 1} more" if n > 1 else "")
    return (
        f"{file_title(rel)} had {n} record{'' if n == 1 else 's'} the kiosk cannot read "
        f"({why}). {'It was' if n == 1 else 'They were'} moved aside and kept in "
        f"damaged/{aside.name}, so {_lost_with(rel, n)}; the rest of the file is in use. "
        "Ask for help to put them right."
    )


def _repair(data_dir: Path, damaged: DamagedFile, now: datetime, tried: dict[str, set[str]]) -> str:
    """Move the damaged file aside and put back a good copy if a backup has one; say what."""
    rel = _relative(data_dir, damaged)
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        moved = _move_aside(data_dir, rel, now, damaged)
        # The visits summary stays: it keeps each pack's check-ins, so an older members file
        # takes again the sessions it lacks, and a month file put back or left out no longer
        # matches its fingerprint there, so that month is read again (kiosk/store/summary.py).
        title = file_title(rel)
        kept = f"The damaged file was kept as {moved.relative_to(data_dir).as_posix()}."
        why = damaged.reason
        for backup in list_backups(data_dir):
            if backup.name in tried[rel]:
                continue
            tried[rel].add(backup.name)
            try:
                manifest = read_manifest(backup)
                entry = manifest.files.get(rel)
                if entry is None:
                    continue
                # The copy is the one make_backup checked when it made the backup if it
                # matches the manifest; the store's open parses it again anyway, and a copy it
                # still refuses sends the loop on to the next backup (one with bad records
                # has them moved aside). (Parsing it here too made recovery cost two opens.)
                try:
                    raw = (backup / rel).read_bytes()
                except FileNotFoundError:
                    continue
                if len(raw) != entry.size or hashlib.sha256(raw).hexdigest() != entry.sha256:
                    continue
                made = manifest.made
                target = data_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(target, raw)
            except BadBackup:
                continue
            except OSError as e:
                return (
                    f"{title} was damaged ({why}). It could not be restored from a backup "
                    f"({e.strerror or e}), so the kiosk started {_missing(rel)}. {kept} "
                    "Restore a backup with `kiosk restore` once the problem is fixed."
                )
            return (
                f"{title} was damaged ({why}) and has been restored from the backup of "
                f"{when_text(made)}: {_since(rel)}. {kept}"
            )
        return (
            f"{title} was damaged ({why}) and no backup has a good copy, so the kiosk "
            f"started {_missing(rel)}. {kept} Ask for help to recover it."
        )
    finally:
        lock.release()


def _move_aside(data_dir: Path, rel: str, now: datetime, damaged: DamagedFile) -> Path:
    """data/damaged/<name>.<time>: never deleted, so nothing is lost by recovering."""
    aside_dir = data_dir / DAMAGED_DIR
    target = aside_path(data_dir, f"{rel.replace('/', '-')}.{stamp(now)}")
    try:
        aside_dir.mkdir(mode=0o700, exist_ok=True)
        os.rename(data_dir / rel, target)
        fsync_dir(aside_dir)
        fsync_dir((data_dir / rel).parent)
    except OSError as e:
        raise CannotStart(
            f"{damaged} It could not be moved aside ({e.strerror or e}), so the kiosk cannot "
            "start. Restore a backup with `kiosk restore`, or ask for help."
        ) from None
    return target
