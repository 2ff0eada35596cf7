"""Backups: verified copies, generations, restore (refused while a kiosk runs), cut-short ones."""

from __future__ import annotations

import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.members import Member, Pack, PackKind, Screening, Visit
from kiosk.store import DataDirLocked, Store
from kiosk.store import backup as backup_module
from kiosk.store.backup import (
    MANIFEST,
    BackupFailed,
    BadBackup,
    data_files,
    finish_restore,
    list_backups,
    make_backup,
    read_manifest,
    restore_backup,
    verify_backup,
)
from kiosk.store.lock import DataDirLock

from .conftest import LONDON

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def sarah() -> Member:
    packs = (Pack("p-ems", PackKind.EMS, 10, 8, date(2027, 6, 30), date(2026, 10, 1)),)
    return Member(
        "FT-SARAH2",
        "Sarah",
        "Kent",
        "+447700900121",
        "sarah@example.com",
        packs,
        joined=date(2026, 10, 1),
        terms_version="2026-01",
        terms_agreed_at=datetime(2026, 10, 1, 9, 0, tzinfo=LONDON),
    )


def tom() -> Member:
    return Member("FT-TOMAS3", "Tom", "Wood", "+447700900333", joined=date(2024, 1, 5))


def fill(data_dir: Path) -> None:
    """A small studio: two members, visits in two months, one screening."""
    with Store.open(data_dir) as store:
        store.add_members([sarah(), tom()])
        store.add_visits(
            [
                Visit("v1", "FT-SARAH2", datetime(2026, 10, 20, 9, 0, tzinfo=LONDON), PackKind.EMS),
                Visit("v2", "FT-SARAH2", datetime(2026, 11, 20, 9, 0, tzinfo=LONDON), PackKind.EMS),
                Visit("v3", "FT-TOMAS3", datetime(2024, 2, 1, 18, 0, tzinfo=LONDON), PackKind.PT),
            ]
        )
        store.save_screening(
            Screening(
                "FT-SARAH2",
                date(2026, 10, 1),
                datetime(2026, 10, 1, 9, 0, tzinfo=LONDON),
                {"pacemaker": False, "pregnant": False, "epilepsy": True},
                "old knee injury",
            )
        )
        store.save_screening(
            Screening("FT-TOMAS3", date(2024, 1, 5), datetime(2024, 1, 5, tzinfo=LONDON), {})
        )


def contents(data_dir: Path) -> dict[str, Any]:
    with Store.open(data_dir) as store:
        return {
            "members": sorted(store.members(), key=lambda m: m.code),
            "visits": store.all_visits(),
            "screenings": sorted(store.screenings(), key=lambda s: s.member_code),
        }


def test_round_trip(data_dir: Path) -> None:
    fill(data_dir)
    before = contents(data_dir)
    made = make_backup(data_dir, NOW, keep=14)
    assert made == data_dir / "backups" / "2026-11-23T1000"
    assert list_backups(data_dir) == [made]
    with Store.open(data_dir) as store:  # a change after the backup...
        store.add_member(Member("FT-NEWONE", "New", "One", "+447700900999"))
        store.delete_screening("FT-SARAH2")
    assert contents(data_dir) != before
    aside = restore_backup(data_dir, made)  # ...is undone by restoring it
    assert contents(data_dir) == before
    assert aside.name.startswith("damaged-or-replaced-")
    assert "FT-NEWONE" in (aside / "members.json").read_text()  # the replaced data is kept
    assert verify_backup(made).made == NOW  # restoring leaves the backup as it was


def test_manifest_lists_data_files_only(data_dir: Path) -> None:
    fill(data_dir)
    (data_dir / "pin.json").write_text('{"algorithm": "scrypt"}')
    (data_dir / "pin-tries.json").write_text("{}")
    (data_dir / "notes.json").write_text('{"any": "other file staff mode keeps"}')
    (data_dir / "kiosk.log").write_text("started\n")
    (data_dir / "kiosk.log.1").write_text("older\n")
    (data_dir / ".members.json.abc.tmp").write_text("{")
    (data_dir / "damaged").mkdir()
    (data_dir / "damaged" / "members.json.2026-11-01T0900").write_text("")
    (data_dir / "damaged-or-replaced-2026-11-01T0900").mkdir()
    (data_dir / "visits-summary.json").write_text("{}")
    first = make_backup(data_dir, NOW, keep=14)
    second = make_backup(data_dir, NOW + timedelta(hours=1), keep=14)
    files = read_manifest(second).files
    assert sorted(files) == [
        "members.json",
        "notes.json",
        "screenings.json",
        "visits/2024-02.json",
        "visits/2026-10.json",
        "visits/2026-11.json",
    ]
    assert not (second / "backups").exists() and not (second / first.name).exists()
    raw = (data_dir / "members.json").read_bytes()
    assert files["members.json"].size == len(raw)
    assert (second / "members.json").read_bytes() == raw
    # members first, visits last: a check-in writes its visit before the members file
    assert data_files(data_dir)[:2] == ["members.json", "screenings.json"]
    assert data_files(data_dir)[-1].startswith("visits/")


def test_backup_while_a_kiosk_holds_the_lock(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir) as store:
        made = make_backup(data_dir, NOW, keep=3)
        store.add_member(Member("FT-AFTER1", "After", "Backup", "+447700900444"))
    assert verify_backup(made).files["members.json"].size > 0
    assert "FT-AFTER1" not in (made / "members.json").read_text()


def test_generations_are_pruned_oldest_first(data_dir: Path) -> None:
    fill(data_dir)
    clock = FakeClock(NOW)
    made = []
    for _ in range(5):
        made.append(make_backup(data_dir, clock.now(), keep=3))
        clock.advance(24 * 3600)
    assert list_backups(data_dir) == made[:1:-1]  # the newest three, newest first
    assert not made[0].exists() and not made[1].exists()
    make_backup(data_dir, clock.now(), keep=1)
    assert len(list_backups(data_dir)) == 1
    with pytest.raises(ValueError):
        make_backup(data_dir, clock.now(), keep=0)


def test_two_backups_in_one_minute_both_kept(data_dir: Path) -> None:
    fill(data_dir)
    a = make_backup(data_dir, NOW, keep=5)
    b = make_backup(data_dir, NOW + timedelta(seconds=20), keep=5)
    assert a != b and a.exists() and b.exists()
    assert list_backups(data_dir) == [b, a]


def test_verification_catches_a_corrupted_backup(data_dir: Path) -> None:
    fill(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    month = made / "visits" / "2026-11.json"
    month.write_bytes(month.read_bytes()[:-5])  # cut short
    with pytest.raises(
        BadBackup, match=re.escape("visits/2026-11.json: it does not match the manifest")
    ):
        verify_backup(made)
    before = contents(data_dir)
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-KEEPME", "Keep", "Me", "+447700900555"))
    with pytest.raises(BadBackup):
        restore_backup(data_dir, made)
    after = contents(data_dir)
    assert after != before and any(m.code == "FT-KEEPME" for m in after["members"])
    assert not list(data_dir.glob("damaged-or-replaced-*"))  # nothing was moved


def test_verification_catches_a_missing_file_not_a_bad_record(data_dir: Path) -> None:
    fill(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    (made / "screenings.json").unlink()
    with pytest.raises(BadBackup, match=re.escape("screenings.json: it is missing")):
        verify_backup(made)
    # valid JSON whose record the store could not read, with a manifest to match: restored
    # all the same (the kiosk moves that record aside when it starts)
    other = make_backup(data_dir, NOW + timedelta(hours=1), keep=5)
    bad = b'{"_default": {"1": {"code": 5}}}'
    (other / "members.json").write_bytes(bad)
    manifest = json.loads((other / MANIFEST).read_text())
    manifest["files"]["members.json"] = {
        "size": len(bad),
        "sha256": backup_module._sha(bad),
    }
    (other / MANIFEST).write_text(json.dumps(manifest))
    verify_backup(other)
    # but a copy that is not a table of records at all is refused
    (other / "members.json").write_bytes(b"[]")
    manifest["files"]["members.json"] = {"size": 2, "sha256": backup_module._sha(b"[]")}
    (other / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(BadBackup, match=re.escape("members.json: not a table of records")):
        verify_backup(other)


def test_unfinished_backup_is_not_listed_and_is_cleaned_up(data_dir: Path) -> None:
    fill(data_dir)
    root = data_dir / "backups"
    root.mkdir()
    (root / ".tmp-2026-11-22T0300").mkdir()  # a backup killed half-way
    (root / "2026-11-21T0300").mkdir()  # a folder with no manifest: not a backup
    (root / "2026-11-20T0300").mkdir()
    (root / "2026-11-20T0300" / MANIFEST).write_text("{not json")
    assert list_backups(data_dir) == []
    with pytest.raises(BadBackup, match=re.escape("no MANIFEST.json")):
        verify_backup(root / "2026-11-21T0300")
    with pytest.raises(BadBackup, match="damaged"):
        verify_backup(root / "2026-11-20T0300")
    made = make_backup(data_dir, NOW, keep=1)
    assert list_backups(data_dir) == [made]
    assert not (root / ".tmp-2026-11-22T0300").exists()
    assert (root / "2026-11-21T0300").exists()  # not ours to prune: never counted or removed


def test_a_damaged_data_file_is_not_backed_up(data_dir: Path) -> None:
    fill(data_dir)
    good = make_backup(data_dir, NOW, keep=5)
    (data_dir / "members.json").write_text('{"_default": {"1": ')
    with pytest.raises(BackupFailed, match=re.escape("members.json is damaged")):
        make_backup(data_dir, NOW + timedelta(days=1), keep=1)
    assert list_backups(data_dir) == [good]  # and the good one was not pruned
    assert [p.name for p in (data_dir / "backups").iterdir() if p.is_dir()] == [good.name]


def test_backup_of_a_missing_or_empty_data_dir(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(BackupFailed, match="no data directory"):
        make_backup(tmp_path / "nowhere", NOW, keep=3)
    fill(data_dir)
    good = make_backup(data_dir, NOW, keep=1)
    for path in [data_dir / "members.json", data_dir / "screenings.json"]:
        path.unlink()
    for path in (data_dir / "visits").iterdir():
        path.unlink()
    with pytest.raises(BackupFailed, match="no data files"):
        make_backup(data_dir, NOW + timedelta(days=1), keep=1)
    assert list_backups(data_dir) == [good]  # not pushed out by a backup of nothing


def test_restore_refused_while_a_kiosk_runs(data_dir: Path) -> None:
    fill(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-LIVE11", "Live", "Kiosk", "+447700900666"))
        with pytest.raises(DataDirLocked):
            restore_backup(data_dir, made)
        assert store.member("FT-LIVE11") is not None
    assert "FT-LIVE11" in (data_dir / "members.json").read_text()
    assert not list(data_dir.glob("damaged-or-replaced-*"))


def test_restore_removes_files_the_backup_did_not_have(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah())
    made = make_backup(data_dir, NOW, keep=5)
    fill_later = Visit("v9", "FT-SARAH2", datetime(2026, 12, 1, 9, tzinfo=LONDON), PackKind.EMS)
    with Store.open(data_dir) as store:
        store.add_visit(fill_later)
    restore_backup(data_dir, made, now=NOW + timedelta(days=9))
    with Store.open(data_dir) as store:
        assert store.all_visits() == []
    assert (data_dir / "damaged-or-replaced-2026-12-02T1000" / "visits" / "2026-12.json").exists()


def test_a_restore_cut_short_is_finished_at_the_next_start(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(data_dir)
    before = contents(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-LATER1", "Later", "One", "+447700900777"))
    real_rename = os.rename
    calls = []

    def power_cut(src: Any, dst: Any) -> None:
        calls.append(src)
        if len(calls) == 3:  # members and screenings moved aside, nothing brought in yet
            raise OSError("power cut")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", power_cut)
    with pytest.raises(BackupFailed, match=r"could not be finished \(power cut\)"):
        restore_backup(data_dir, made)
    monkeypatch.setattr(os, "rename", real_rename)
    assert not DataDirLock.is_locked(data_dir)
    assert not (data_dir / "members.json").exists()  # a kiosk opening now would see no members
    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        said = finish_restore(data_dir)
    finally:
        lock.release()
    assert said is not None and "was interrupted and has been finished" in said
    assert contents(data_dir) == before
    assert not list(data_dir.glob(".restore-*"))
    lock.acquire()
    try:
        assert finish_restore(data_dir) is None
    finally:
        lock.release()


def test_backups_made_out_of_order_are_listed_by_time(data_dir: Path) -> None:
    fill(data_dir)
    late = make_backup(data_dir, NOW + timedelta(days=2), keep=5)
    early = make_backup(data_dir, NOW, keep=5)
    assert list_backups(data_dir) == [late, early]


def test_backups_are_private_to_the_kiosk_user(data_dir: Path) -> None:
    fill(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    assert (data_dir / "backups").stat().st_mode & 0o077 == 0
    for path in [made, *made.rglob("*")]:
        assert path.stat().st_mode & 0o077 == 0, path


def test_a_backup_made_with_the_clock_wrong_is_not_pruned_at_once(data_dir: Path) -> None:
    fill(data_dir)
    a = make_backup(data_dir, NOW, keep=2)
    b = make_backup(data_dir, NOW + timedelta(days=1), keep=2)
    wrong = make_backup(data_dir, datetime(2020, 1, 1, tzinfo=LONDON), keep=2)  # before NTP
    assert wrong.exists() and verify_backup(wrong)
    assert list_backups(data_dir) == [b, a, wrong]  # one over for now, nothing good lost
    c = make_backup(data_dir, NOW + timedelta(days=2), keep=2)  # the clock right again
    assert list_backups(data_dir) == [c, b]


def test_a_full_disk_fails_cleanly(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(data_dir)

    def full(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(BackupFailed, match="could not be written \\(No space left on device\\)"):
        make_backup(data_dir, NOW, keep=2)
    monkeypatch.undo()
    assert list_backups(data_dir) == []
    assert [p.name for p in (data_dir / "backups").iterdir()] == [".backup.lock"]


def test_restore_keeps_the_kiosks_pin(data_dir: Path) -> None:
    fill(data_dir)
    made = make_backup(data_dir, NOW, keep=5)
    (data_dir / "pin.json").write_text('{"set": "after the backup"}')
    (data_dir / "pin-tries.json").write_text('{"tries": 5}')
    restore_backup(data_dir, made)
    assert (data_dir / "pin.json").read_text() == '{"set": "after the backup"}'
    assert (data_dir / "pin-tries.json").read_text() == '{"tries": 5}'  # no lock-out cleared
