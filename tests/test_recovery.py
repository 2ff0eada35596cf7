"""Start-up with a damaged data file: moved aside, restored from a backup or emptied, warned."""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.members import Member, Screening, Visit
from kiosk.store import DataDirLocked, Store
from kiosk.store.backup import MANIFEST, _sha, make_backup
from kiosk.store.recovery import CannotStart, open_store

from .test_backup import NOW, contents, fill

FILES = ["members.json", "visits/2026-11.json", "screenings.json"]


def damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    path.write_bytes(
        {"truncated": raw[: len(raw) // 2], "empty": b"", "garbage": b"\x00\xff GIF89a"}[how]
    )


def part(found: dict[str, Any], rel: str) -> Any:
    if rel == "members.json":
        return found["members"]
    if rel == "screenings.json":
        return found["screenings"]
    return [v for v in found["visits"] if v.at.strftime("%Y-%m") == "2026-11"]


def repair_warning(warnings: list[str], rel: str) -> str:
    """The one warning about the repair; a members file without some members also warns that
    their health screenings were kept (kiosk/store/reconcile.py)."""
    if rel == "members.json":
        *warnings, kept = warnings
        assert "to no member" in kept and "kept, not deleted" in kept
    [warning] = warnings
    return warning


def change_everything(data_dir: Path) -> None:
    """Something new in every file after the backup, to tell the restored file from the rest."""
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-LATER1", "Later", "One", "+447700900777"))
        store.add_visit(Visit("v8", "FT-LATER1", NOW, None))
        store.save_screening(Screening("FT-LATER1", NOW.date(), NOW, {"pacemaker": False}))


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage"])
@pytest.mark.parametrize("rel", FILES)
def test_damaged_file_restored_from_the_backup(data_dir: Path, rel: str, how: str) -> None:
    fill(data_dir)
    backed_up = contents(data_dir)
    make_backup(data_dir, NOW - timedelta(hours=7), keep=5)
    change_everything(data_dir)
    current = contents(data_dir)
    damage(data_dir / rel, how)
    store, warnings = open_store(data_dir, NOW)
    with store:
        pass
    found = contents(data_dir)
    assert part(found, rel) == part(backed_up, rel)  # that file as it was backed up
    for other in FILES:
        if other != rel:
            assert part(found, other) == part(current, other)  # the rest untouched
    warning = repair_warning(warnings, rel)
    assert "was damaged (" in warning
    assert "restored from the backup of 23 Nov 2026 03:00" in warning
    aside = list((data_dir / "damaged").iterdir())
    assert [p.name for p in aside] == [f"{rel.replace('/', '-')}.2026-11-23T1000"]
    assert warning.endswith(f"The damaged file was kept as damaged/{aside[0].name}.")


@pytest.mark.parametrize("how", ["truncated", "empty", "garbage"])
@pytest.mark.parametrize("rel", FILES)
def test_damaged_file_without_a_backup_starts_empty(data_dir: Path, rel: str, how: str) -> None:
    fill(data_dir)
    before = contents(data_dir)
    raw = (data_dir / rel).read_bytes()
    damage(data_dir / rel, how)
    store, warnings = open_store(data_dir, NOW)
    with store:
        if rel == "members.json":
            assert store.member_count() == 0
        elif rel == "screenings.json":
            assert store.screenings() == []
        else:
            assert store.visits_between(NOW.date().replace(day=1), NOW.date()) == []
    found = contents(data_dir)
    assert part(found, rel) == []
    for other in FILES:
        if other != rel:
            assert part(found, other) == part(before, other)
    warning = repair_warning(warnings, rel)
    assert "no backup has a good copy, so the kiosk started" in warning
    assert "Ask for help" in warning
    [kept] = (data_dir / "damaged").iterdir()
    assert len(kept.read_bytes()) < len(raw) or kept.read_bytes() != raw  # the damaged bytes


def test_warning_names_the_file_as_staff_would(data_dir: Path) -> None:
    fill(data_dir)
    damage(data_dir / "visits" / "2026-11.json", "empty")
    damage(data_dir / "members.json", "garbage")
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert [w.split(" was damaged")[0] for w in warnings[:2]] == [
        "The members file",
        "The visits file for November 2026",
    ]
    assert warnings[2].startswith("2 health screenings belong to no member")
    assert "it is empty" in warnings[1]


def test_newest_backup_with_a_bad_copy_is_skipped(data_dir: Path) -> None:
    fill(data_dir)
    good = contents(data_dir)
    make_backup(data_dir, NOW - timedelta(days=1), keep=5)
    newest = make_backup(data_dir, NOW - timedelta(hours=1), keep=5)
    (newest / "members.json").write_bytes(b"")  # the newest copy is bad too
    damage(data_dir / "members.json", "truncated")
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert contents(data_dir)["members"] == good["members"]
    assert "backup of 22 Nov 2026 10:00" in warnings[0]


def test_a_copy_the_store_still_rejects_uses_the_next_backup(data_dir: Path) -> None:
    """Loop guard: a backup whose copy verifies but the store refuses is not tried again."""
    fill(data_dir)
    good = contents(data_dir)
    make_backup(data_dir, NOW - timedelta(days=1), keep=5)
    newest = make_backup(data_dir, NOW - timedelta(hours=1), keep=5)
    month = newest / "visits" / "2026-11.json"
    data = json.loads(month.read_bytes())
    data["_default"] = []  # JSON, but not a table of records: the whole copy is refused
    raw = json.dumps(data).encode()
    month.write_bytes(raw)
    manifest = json.loads((newest / MANIFEST).read_text())
    manifest["files"]["visits/2026-11.json"] = {"size": len(raw), "sha256": _sha(raw)}
    (newest / MANIFEST).write_text(json.dumps(manifest))
    damage(data_dir / "visits" / "2026-11.json", "garbage")
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert contents(data_dir)["visits"] == good["visits"]
    assert len(warnings) == 2
    assert "backup of 23 Nov 2026 09:00" in warnings[0]
    assert "not a table of records" in warnings[1]
    assert "backup of 22 Nov 2026 10:00" in warnings[1]
    assert len(list((data_dir / "damaged").iterdir())) == 2  # both bad copies kept


def test_every_file_damaged_and_no_backup_still_starts(data_dir: Path) -> None:
    fill(data_dir)
    for rel in [
        "members.json",
        "screenings.json",
        *(f"visits/{m}" for m in ("2024-02.json", "2026-10.json", "2026-11.json")),
    ]:
        damage(data_dir / rel, "garbage")
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert store.member_count() == 0 and store.visit_count() == 0
    assert len(warnings) == 5


def test_nothing_to_recover_gives_no_warnings(data_dir: Path) -> None:
    fill(data_dir)
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert warnings == []
    assert not (data_dir / "damaged").exists()


def test_locked_data_dir_is_not_touched(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir), pytest.raises(DataDirLocked):
        open_store(data_dir, NOW)


def test_cannot_start_when_a_damaged_file_cannot_be_moved(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(data_dir)
    damage(data_dir / "members.json", "empty")

    def read_only(src: Any, dst: Any) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "rename", read_only)
    with pytest.raises(CannotStart, match="could not be moved aside \\(Read-only file system\\)"):
        open_store(data_dir, NOW)
    # and the lock was let go: a later start, with the problem fixed, can recover
    monkeypatch.undo()
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert len(warnings) == 2  # the repair, and the screenings kept without their members


def test_kiosk_run_recovers_and_hands_staff_the_warnings(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.ui.app
    from kiosk.cli import main

    fill(data_dir)
    make_backup(data_dir, NOW, keep=5)
    damage(data_dir / "members.json", "truncated")
    seen: dict[str, Any] = {}

    class App:
        return_code = 0
        start_error = None

        def __init__(self, **kwargs: Any) -> None:
            # what the kiosk's worker does once the front desk is painted
            store, seen["warnings"] = kwargs["store"]()
            seen["members"] = store.member_count()

        def run(self) -> int:
            return 0

    monkeypatch.setattr(kiosk.ui.app, "KioskApp", App)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["--data", str(data_dir), "run"]) == 0
    assert seen["members"] == 1  # both restored; Tom, last seen in 2024, anonymised at start
    [warning] = seen["warnings"]
    assert warning.startswith("The members file was damaged")
    assert "The members file was damaged" in (data_dir / "kiosk.log").read_text()
    with Store.open(data_dir) as store:  # retention applied at start: Tom last came in 2024
        assert [s.member_code for s in store.screenings()] == ["FT-SARAH2"]


def test_check_ins_since_the_backup_still_take_their_sessions(data_dir: Path) -> None:
    """A members file restored from a backup counts the check-ins made after it, every month."""
    from datetime import datetime

    from kiosk.core.checkin import decide_check_in
    from kiosk.core.members import PackKind
    from kiosk.core.screening import Readiness

    from .conftest import LONDON

    fill(data_dir)  # Sarah: 8 EMS sessions left
    make_backup(data_dir, NOW - timedelta(days=40), keep=5)
    for when in (
        datetime(2026, 10, 25, 9, tzinfo=LONDON),
        datetime(2026, 11, 21, 9, tzinfo=LONDON),
    ):
        with Store.open(data_dir) as store:
            sarah = store.member("FT-SARAH2")
            assert sarah is not None
            last = store.last_visit("FT-SARAH2", PackKind.EMS)
            result = decide_check_in(sarah, PackKind.EMS, when, last=last, readiness=Readiness())
            store.record_check_in(result)
    with Store.open(data_dir) as store:  # October is now summarised: not read at the next open
        assert store.member("FT-SARAH2").packs[0].sessions_left == 6  # type: ignore[union-attr]
    assert (data_dir / "visits-summary.json").exists()
    damage(data_dir / "members.json", "truncated")
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert "restored from the backup" in warnings[0]
        assert store.member("FT-SARAH2").packs[0].sessions_left == 6  # type: ignore[union-attr]


def test_the_kiosks_records_are_kept_out_of_the_collectors_way_while_it_runs(
    data_dir: Path,
) -> None:
    """open_store (the kiosk's start-up) freezes the heap it read, and closing thaws it."""
    import gc

    fill(data_dir)
    before = gc.get_freeze_count()
    store, _ = open_store(data_dir, NOW)
    try:
        assert gc.get_freeze_count() > before and gc.isenabled()
    finally:
        store.close()
    assert gc.get_freeze_count() == 0
