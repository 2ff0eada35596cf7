"""What a repair cannot use goes to data/damaged/, with why: a repair never deletes anything."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from kiosk.store.backup import DAMAGED_DIR
from kiosk.store.files import write_atomic
from kiosk.store.storage import DamagedFile, decode_json_file, encode

RECORDS_SUFFIX = ".records.json"


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
