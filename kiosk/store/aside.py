"""Files set aside by repairs and restores. A repair never deletes: what it cannot use goes to
data/damaged/, with why (set_aside_records, aside_path).

Files set aside by repairs and restores (data/damaged/, data/damaged-or-replaced-*/): an erased
member taken out of them, and each one deleted once older than `backup_generations` days.

Repairs move a damaged file aside rather than delete it, and a restore moves the files it
replaced aside, so that nothing is lost by mistake. Those copies still hold people: erasing a
member takes their records out of every JSON file there (a file left with no records at all is
deleted), and a file that still mentions them (not JSON, or named outside a record) is left
untouched and listed, to go when it is pruned. Pruning counts from the time in the file's or
folder's name (when it was set aside), else from its modification time.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.lookup import code_key
from kiosk.store.files import fsync_dir, write_atomic
from kiosk.store.storage import DamagedFile, decode_json_file, encode

DAMAGED_DIR = "damaged"  # damaged files moved aside at start-up (kiosk/store/recovery.py)
REPLACED_PREFIX = "damaged-or-replaced-"  # files a restore replaced (kiosk/store/backup.py)
CODE_KEYS = ("code", "member_code", "member")  # where a record names its member
RECORDS_SUFFIX = ".records.json"  # records a repair took out of a file, with why
_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{4})(?:-\d+)?$")


@dataclass
class AsideErasure:
    changed: list[Path] = field(default_factory=list)  # files they were taken out of
    deleted: list[Path] = field(default_factory=list)  # files that held nobody else
    # still mention them (not JSON, or named outside a record): they go when pruned
    left: list[Path] = field(default_factory=list)


def aside_tops(data_dir: Path) -> list[Path]:
    """Each thing set aside: a file or folder in damaged/, and each damaged-or-replaced folder."""
    tops: list[Path] = []
    damaged = data_dir / DAMAGED_DIR
    if damaged.is_dir():
        tops += sorted(damaged.iterdir())
    tops += sorted(p for p in data_dir.glob(f"{REPLACED_PREFIX}*") if p.is_dir())
    return tops


def _files(top: Path) -> list[Path]:
    if top.is_symlink():
        return []
    if top.is_file():
        return [top]
    return sorted(p for p in top.rglob("*") if p.is_file() and not p.is_symlink())


def _theirs(value: Any, keys: set[str]) -> bool:
    if isinstance(value, str):
        return code_key(value) in keys
    if isinstance(value, dict):
        return any(isinstance(value.get(k), str) and code_key(value[k]) in keys for k in CODE_KEYS)
    return False


def _take_out(value: Any, keys: set[str]) -> bool:
    """Remove, in place, every record naming one of `keys`; True if anything went."""
    removed = False
    if isinstance(value, dict):
        for k in [k for k, v in value.items() if code_key(k) in keys or _theirs(v, keys)]:
            del value[k]
            removed = True
        for v in value.values():
            removed = _take_out(v, keys) or removed
    elif isinstance(value, list):
        kept = [v for v in value if not _theirs(v, keys)]
        removed = len(kept) < len(value)
        value[:] = kept
        for v in value:
            removed = _take_out(v, keys) or removed
    return removed


def _no_records(value: Any) -> bool:
    """Nothing but empty tables and numbers left (e.g. {"_default": {}})."""
    if isinstance(value, dict):
        return all(_no_records(v) for v in value.values())
    if isinstance(value, list):
        return all(_no_records(v) for v in value)
    return not isinstance(value, str)


def _mentions(text: str, words: Collection[str]) -> bool:
    folded = text.casefold()
    return any(w.casefold() in folded for w in words)


def take_out_of(path: Path, keys: set[str], words: Collection[str]) -> str | None:
    """Take the records of members with these code keys out of one JSON file: "changed",
    "deleted" (nothing else was in it), "left" (it still mentions them: not JSON, or named
    outside a record; then it is not touched) or None (they are not in it)."""
    raw = path.read_bytes()
    if not _mentions(raw.decode("utf-8", errors="replace"), words):
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return "left"
    if _theirs(data, keys) or (_take_out(data, keys) and _no_records(data)):
        path.unlink()
        fsync_dir(path.parent)
        return "deleted"
    cleaned = json.dumps(data, ensure_ascii=False)
    if _mentions(cleaned, words):
        return "left"
    write_atomic(path, cleaned.encode("utf-8"))
    return "changed"


def search_words(codes: Collection[str], words: Collection[str]) -> list[str]:
    """What finds these members in a file: their codes, phones and e-mails (not short ones)."""
    return sorted({w for w in (*codes, *words) if len(w) >= 4})


def erase_from_aside(
    data_dir: Path, codes: Collection[str], words: Collection[str] = ()
) -> AsideErasure:
    """Take these members out of every file set aside. `words` (their phone, e-mail) find them
    in files that cannot be read as records."""
    keys = {code_key(c) for c in codes if c}
    found = search_words(codes, words)
    done = AsideErasure()
    for top in aside_tops(data_dir) if keys else []:
        for path in _files(top):
            what = take_out_of(path, keys, found)
            if what is not None:
                getattr(done, what).append(path)
    return done


def set_aside_at(top: Path) -> datetime:
    """When this was set aside (local time, naive): from its name, else its modification time."""
    stamp = _STAMP.search(top.name)
    if stamp:
        try:
            return datetime.strptime(stamp[1], "%Y-%m-%dT%H%M")
        except ValueError:
            pass
    return datetime.fromtimestamp(top.lstat().st_mtime)


def prune_aside(data_dir: Path, now: datetime, days: int) -> list[Path]:
    """Delete what was set aside more than `days` days ago; returns what went."""
    if days < 1:
        raise ValueError("keep files set aside for at least one day")
    cutoff = now.replace(tzinfo=None) - timedelta(days=days)
    gone: list[Path] = []
    for top in aside_tops(data_dir):
        if set_aside_at(top) >= cutoff:
            continue
        if top.is_dir() and not top.is_symlink():
            shutil.rmtree(top)
        else:
            top.unlink()
        gone.append(top)
    for folder in {p.parent for p in gone}:
        fsync_dir(folder)
    return gone


def aside_path(data_dir: Path, base: str, suffix: str = "") -> Path:
    """A name in data/damaged/ not taken yet: base, base-2, ... (then the suffix)."""
    aside_dir = data_dir / DAMAGED_DIR
    target, n = aside_dir / f"{base}{suffix}", 1
    while target.exists() or (suffix and (aside_dir / target.name.removesuffix(suffix)).exists()):
        n += 1
        target = aside_dir / f"{base}-{n}{suffix}"
    return target


def set_aside_records(
    data_dir: Path, rel: str, table: str, bad: Mapping[str, str], when: str
) -> tuple[Path, dict[str, str]] | None:
    """Move these records (key -> why) of a data file to data/damaged/<file>.<when>.records.json
    and write the file without them; returns where they went and why each one, or None when
    none of them is in the file. OSError when it cannot write (then nothing is lost: the
    records are written aside first, so a cut between leaves them twice, never nowhere)."""
    path = data_dir / rel
    try:
        data = decode_json_file(path, path.read_bytes())
    except (OSError, DamagedFile):
        return None
    records = data.get(table)
    if not isinstance(records, dict):
        return None
    moved = {k: {"why": why, "record": records[k]} for k, why in bad.items() if k in records}
    if not moved:
        return None
    aside = aside_path(data_dir, f"{rel.replace('/', '-')}.{when}", RECORDS_SUFFIX)
    try:
        raw = json.dumps({"file": rel, "records": moved}, ensure_ascii=False, indent=1).encode()
    except (RecursionError, ValueError):
        # a record nested too deep to write out again: keep the whole file as it was instead
        raw = path.read_bytes()
        aside = aside.with_name(aside.name.removesuffix(RECORDS_SUFFIX))
    aside.parent.mkdir(mode=0o700, exist_ok=True)
    write_atomic(aside, raw)
    for key in moved:
        del records[key]
    write_atomic(path, encode(data))
    return aside, {k: str(v["why"]) for k, v in moved.items()}
