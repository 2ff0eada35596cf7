"""A full or read-only disk: the store still opens (no write needed), says what is wrong, refuses
what it cannot save with a line in kiosk.log, and leaves every file as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.checkin import decide_check_in
from kiosk.core.members import Member, Pack, PackKind
from kiosk.store import DataDirLocked, Store
from kiosk.store.files import StorageProblem
from kiosk.store.lock import DataDirLock
from kiosk.store.log import log_path, start_log, stop_log
from tests.disks import files_of, full_disk, read_only_disk

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SARAH = Member(
    "FT-SARAH2",
    "Sarah",
    "Kent",
    "+447700900121",
    packs=(Pack("p-ems", PackKind.EMS, 10, 5, date(2027, 6, 30)),),
)


@pytest.fixture
def kiosk_log(data_dir: Path) -> Iterator[Path]:
    handler = start_log(data_dir)
    yield log_path(data_dir)
    stop_log(handler)


def members_file_behind(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sarah checked in, then the kiosk died: opening has the members file to catch up."""
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
        store.record_check_in(decide_check_in(SARAH, PackKind.EMS, NOW, last=None))
        monkeypatch.setattr(store, "_save_unsaved", lambda: None)  # killed before closing
    monkeypatch.undo()


def sessions_on_file(data_dir: Path) -> int:
    doc = json.loads((data_dir / "members.json").read_text())["_default"]["1"]
    return int(doc["packs"][0]["sessions_left"])


def test_a_full_disk_opens_says_full_and_writes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members_file_behind(data_dir, monkeypatch)
    before = files_of(data_dir)
    full_disk(monkeypatch)
    store = Store.open(data_dir)  # it raised ENOSPC here, and systemd restarted it for ever
    try:
        assert store.storage_problem is StorageProblem.FULL
        sarah = store.member(SARAH.code)
        assert sarah is not None and sarah.packs[0].sessions_left == 4  # from the visits file
        assert [v.member_code for v in store.visits_of(SARAH.code)] == [SARAH.code]
    finally:
        store.close()  # cannot catch up either: logged, and the lock is let go all the same
    assert not DataDirLock.is_locked(data_dir)
    assert files_of(data_dir) == before  # nothing half-written, no temp file left
    monkeypatch.undo()
    with Store.open(data_dir) as store:  # room again: the members file catches up
        assert store.storage_problem is None
    assert sessions_on_file(data_dir) == 4


def test_a_read_only_disk_opens_and_says_read_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members_file_behind(data_dir, monkeypatch)
    (data_dir / ".members.json.x.tmp").write_bytes(b"{")  # a killed write's leftover
    before = files_of(data_dir)
    read_only_disk(monkeypatch, data_dir)
    with Store.open(data_dir) as store:
        assert store.storage_problem is StorageProblem.READ_ONLY
        sarah = store.member(SARAH.code)
        assert sarah is not None and sarah.packs[0].sessions_left == 4
        with pytest.raises(DataDirLocked):
            Store.open(data_dir)  # the lock still keeps a second kiosk out
    assert files_of(data_dir) == before
    monkeypatch.undo()
    with Store.open(data_dir) as store:
        assert store.storage_problem is None
    assert not (data_dir / ".members.json.x.tmp").exists()  # tidied once it could be


def test_a_read_only_disk_is_seen_at_opening_with_nothing_to_write(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
    read_only_disk(monkeypatch, data_dir)
    with Store.open(data_dir) as store:
        assert store.storage_problem is StorageProblem.READ_ONLY


def test_a_disk_without_room_for_a_check_in_is_full_at_opening(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
    real = __import__("os").statvfs
    room = {"bytes": 10_000}  # less than the members file and a spare 64 KiB

    def statvfs(path: object) -> object:
        values = list(real(path))
        values[1], values[4] = 1, room["bytes"]  # f_frsize, f_bavail
        return __import__("os").statvfs_result(values)

    monkeypatch.setattr("os.statvfs", statvfs)
    with Store.open(data_dir) as store:
        assert store.storage_problem is StorageProblem.FULL
    room["bytes"] = 10_000_000
    with Store.open(data_dir) as store:
        assert store.storage_problem is None


def test_a_check_in_that_cannot_be_saved_is_refused_logged_and_leaves_nothing(
    data_dir: Path, kiosk_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
        assert store.storage_problem is None
        before = files_of(data_dir)
        full_disk(monkeypatch)
        result = decide_check_in(SARAH, PackKind.EMS, NOW, last=None)
        with pytest.raises(OSError, match="No space"):
            store.record_check_in(result)
        assert store.storage_problem is StorageProblem.FULL
        assert store.visits_of(SARAH.code) == []
        assert store.member(SARAH.code) == SARAH  # no session taken
        assert store.last_visit(SARAH.code) is None
        assert files_of(data_dir) == before
        logged = kiosk_log.read_text()
        assert "check-in of FT-SARAH2" in logged and "not saved" in logged
        assert "No space left on device" in logged
        monkeypatch.undo()  # room again: the next try works, and the problem is gone
        saved = store.record_check_in(result)
        assert saved is not None and saved.packs[0].sessions_left == 4
        assert store.storage_problem is None
    with Store.open(data_dir) as store:
        assert len(store.visits_of(SARAH.code)) == 1


def test_a_read_only_disk_refuses_a_check_in_and_says_read_only(
    data_dir: Path, kiosk_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
        before = files_of(data_dir)
        read_only_disk(monkeypatch, data_dir)
        with pytest.raises(OSError, match="Read-only"):
            store.record_check_in(decide_check_in(SARAH, PackKind.EMS, NOW, last=None))
        assert store.storage_problem is StorageProblem.READ_ONLY
        assert store.visits_of(SARAH.code) == []
        assert files_of(data_dir) == before
    monkeypatch.undo()
    assert "check-in of FT-SARAH2" in kiosk_log.read_text()
