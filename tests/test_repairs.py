"""Repairs never lose data: screenings of members a repair lost are kept and listed, bad records
are moved aside (not the whole file), backups never stop for one bad record, and JSON nested
deeper than the kiosk writes is damaged, not a RecursionError (issue 15, findings 3, 6, 9)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.checkin import Attempt, Outcome
from kiosk.core.members import Member, PackKind, Screening, Visit
from kiosk.store import Store
from kiosk.store.backup import make_backup, restore_backup, verify_backup
from kiosk.store.privacy import purge_old_screenings
from kiosk.store.reconcile import screenings_without_member
from kiosk.store.recovery import open_store

from .conftest import LONDON
from .test_backup import NOW, contents, fill

DEEP = b"[" * 100_000


def add_later_member(data_dir: Path) -> None:
    """A member who joined after the backup, with a health screening."""
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-LATER1", "Later", "One", "+447700900777", joined=NOW.date()))
        store.save_screening(Screening("FT-LATER1", NOW.date(), NOW, {"pacemaker": False}))


def aside_names(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "damaged").iterdir())


# -- finding 3: screenings of members missing after a repair ----------------------------------


def test_screenings_of_members_missing_after_a_restore_are_kept_and_listed(
    data_dir: Path,
) -> None:
    fill(data_dir)
    make_backup(data_dir, NOW - timedelta(hours=7), keep=5)
    add_later_member(data_dir)
    (data_dir / "members.json").write_bytes(b"\x00 garbage")
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert store.member("FT-LATER1") is None  # the backup did not have them
        # the start-up clean-up the kiosk runs next: only Tom's (last came Feb 2024) ages out
        assert purge_old_screenings(store, NOW.date(), 24) == 1
        assert store.screening("FT-LATER1") is not None
        assert store.screening("FT-TOMAS3") is None
    assert len(warnings) == 2
    assert "restored from the backup" in warnings[0]
    assert warnings[1].startswith("1 health screening belongs to no member")
    assert "kept" in warnings[1] and "kiosk check" in warnings[1]
    assert [s.member_code for s in screenings_without_member(data_dir)] == ["FT-LATER1"]


def test_no_usable_backup_keeps_every_screening(data_dir: Path) -> None:
    fill(data_dir)
    (data_dir / "members.json").write_bytes(b"")
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert store.member_count() == 0
        purge_old_screenings(store, NOW.date(), 24)
        # Tom last came in Feb 2024: past 24 months, so deleted as retention says; Sarah is kept
        assert [s.member_code for s in store.screenings()] == ["FT-SARAH2"]
    assert any(w.startswith("2 health screenings belong to no member") for w in warnings)


def test_an_orphan_screening_still_ages_out(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.save_screening(
            Screening("FT-GONE44", date(2024, 1, 2), datetime(2024, 1, 2, tzinfo=LONDON), {})
        )
        store.save_screening(Screening("FT-GONE55", NOW.date(), NOW, {}))
        assert purge_old_screenings(store, NOW.date(), 24) == 1
        assert [s.member_code for s in store.screenings()] == ["FT-GONE55"]


def test_kiosk_run_keeps_the_screenings_and_logs_truthfully(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.ui.app
    from kiosk.cli import main

    fill(data_dir)
    make_backup(data_dir, NOW - timedelta(hours=7), keep=5)
    add_later_member(data_dir)
    (data_dir / "members.json").write_bytes(b"{")
    seen: dict[str, Any] = {}

    class App:
        return_code = 0
        start_error = None

        def __init__(self, **kwargs: Any) -> None:
            _, seen["warnings"] = kwargs["store"]()

        def run(self) -> int:
            return 0

    monkeypatch.setattr(kiosk.ui.app, "KioskApp", App)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["--data", str(data_dir), "run"]) == 0
    assert any("belongs to no member" in w for w in seen["warnings"])
    log = (data_dir / "kiosk.log").read_text()
    assert "belongs to no member" in log
    # Tom (last visit Feb 2024) is past member retention: anonymised, his screening with him;
    # the screening without a member is not counted as deleted
    assert "anonymised 1 member(s) not seen for 24 months" in log
    assert "deleted 0 health screening(s)" in log
    with Store.open(data_dir) as store:
        assert sorted(s.member_code for s in store.screenings()) == ["FT-LATER1", "FT-SARAH2"]


def test_kiosk_check_lists_screenings_to_reconcile(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    fill(data_dir)
    add_later_member(data_dir)
    with Store.open(data_dir) as store:
        store.delete_member("FT-LATER1")
    main(["--data", str(data_dir), "check"])
    out = capsys.readouterr().out
    assert "health screenings" in out and "FT-LATER1" in out


# -- finding 6: one bad record in an older visit ------------------------------------------------


def spoil_a_visit(data_dir: Path, month: str = "2026-10", **change: Any) -> None:
    path = data_dir / "visits" / f"{month}.json"
    data = json.loads(path.read_bytes())
    next(iter(data["_default"].values())).update(change or {"flags": ["zap"]})
    path.write_text(json.dumps(data))


def test_a_bad_visit_in_an_older_month_is_moved_aside_at_start_up(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir) as store:  # the visits summary now covers Oct 2026
        store.add_visit(Visit("v4", "FT-SARAH2", datetime(2026, 10, 21, 9, tzinfo=LONDON)))
    spoil_a_visit(data_dir)
    store, warnings = open_store(data_dir, NOW)
    with store:
        # staff mode's member screen reads their history: no crash, the good visit is there
        assert [v.id for v in store.visits_of("FT-SARAH2")] == ["v4", "v2"]
        assert len(store.all_visits()) == 3
    [warning] = warnings
    assert warning.startswith("The visits file for October 2026 had 1 record")
    assert "unknown visit flag" in warning
    [kept] = aside_names(data_dir)
    assert kept == "visits-2026-10.json.2026-11-23T1000.records.json"
    assert f"damaged/{kept}" in warning
    held = json.loads((data_dir / "damaged" / kept).read_bytes())
    [record] = held["records"].values()
    assert record["record"]["id"] == "v1" and record["record"]["flags"] == ["zap"]
    assert "unknown visit flag" in record["why"]
    make_backup(data_dir, NOW, keep=5)
    store, warnings = open_store(data_dir, NOW + timedelta(minutes=1))
    store.close()
    assert warnings == []  # repaired once, for good


@pytest.mark.parametrize(
    "change",
    [{"flags": ["zap"]}, {"at": 5}, {"member_code": 7}, {"kind": "Yoga"}, {"flags": "first"}],
)
def test_every_odd_visit_is_caught_at_start_up(data_dir: Path, change: dict[str, Any]) -> None:
    fill(data_dir)
    with Store.open(data_dir):
        pass
    spoil_a_visit(data_dir, "2024-02", **change)
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert store.visits_of("FT-TOMAS3") == []
    [warning] = warnings
    assert "February 2024 had 1 record" in warning


def test_a_bad_member_record_is_moved_aside_not_the_whole_file(data_dir: Path) -> None:
    fill(data_dir)
    add_later_member(data_dir)
    path = data_dir / "members.json"
    data = json.loads(path.read_bytes())
    for doc in data["_default"].values():
        if doc["code"] == "FT-TOMAS3":
            doc["see_trainer"] = "maybe"
    path.write_text(json.dumps(data))
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert sorted(m.code for m in store.members()) == ["FT-LATER1", "FT-SARAH2"]
    assert warnings[0].startswith("The members file had 1 record")
    assert "see_trainer" in warnings[0]
    assert "1 health screening belongs to no member" in warnings[1]


def test_a_backup_never_stops_for_one_bad_record(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir):
        pass
    spoil_a_visit(data_dir)
    made = make_backup(data_dir, NOW, keep=5)  # before any start-up repaired it: copied as is
    verify_backup(made)
    assert b"zap" in (made / "visits" / "2026-10.json").read_bytes()
    restore_backup(data_dir, made, NOW + timedelta(hours=1))  # and it can be restored
    store, warnings = open_store(data_dir, NOW + timedelta(hours=1))
    store.close()
    assert "October 2026 had 1 record" in warnings[0]


def test_history_reads_skip_an_odd_record_instead_of_crashing(data_dir: Path) -> None:
    """Staff mode's screens read history from the store: one odd record (put there behind the
    running kiosk's back) is left out and logged, never a crash."""
    fill(data_dir)
    with Store.open(data_dir) as store:
        spoil_a_visit(data_dir, "2024-02")  # a month the open kiosk has not read
        assert store.visits_of("FT-TOMAS3") == []
        assert store.visits_on(date(2024, 2, 1)) == []
        assert [v.id for v in store.all_visits()] == ["v1", "v2"]


# -- finding 9b: JSON nested deeper than the kiosk writes ---------------------------------------


@pytest.mark.parametrize(
    "rel", ["members.json", "screenings.json", "visits/2026-10.json", "visits/2026-11.json"]
)
def test_deep_nesting_is_damaged_and_moved_aside(data_dir: Path, rel: str) -> None:
    fill(data_dir)
    (data_dir / rel).write_bytes(DEEP)
    store, warnings = open_store(data_dir, NOW)
    store.close()
    warning = warnings[0]  # (with the members file gone, a second one about screenings)
    assert len(warnings) == 1 + (rel == "members.json")
    assert "was damaged (nested deeper than the kiosk writes)" in warning
    assert aside_names(data_dir) == [f"{rel.replace('/', '-')}.2026-11-23T1000"]


def test_deep_nesting_inside_a_record_is_a_bad_record(data_dir: Path) -> None:
    fill(data_dir)
    path = data_dir / "visits" / "2026-11.json"
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b'"note":""', b'"note":' + b"[" * 900 + b"]" * 900, 1))
    store, warnings = open_store(data_dir, NOW)
    store.close()
    [warning] = warnings
    assert "November 2026 had 1 record" in warning


def test_deep_summary_and_erased_list_do_not_stop_the_kiosk(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir):
        pass
    (data_dir / "visits-summary.json").write_bytes(DEEP)
    (data_dir / "erased.json").write_bytes(DEEP)
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert store.visit_count() == 3
    assert warnings == []
    assert contents(data_dir)["members"]


def test_a_deep_backup_manifest_or_restore_plan_is_damage(data_dir: Path) -> None:
    fill(data_dir)
    good = make_backup(data_dir, NOW - timedelta(days=1), keep=5)
    newest = make_backup(data_dir, NOW - timedelta(hours=1), keep=5)
    (newest / "MANIFEST.json").write_bytes(DEEP)
    stage = data_dir / ".restore-2026-11-23T0900"
    stage.mkdir()
    (stage / "PLAN.json").write_bytes(DEEP)
    (data_dir / "screenings.json").write_bytes(b"")
    store, warnings = open_store(data_dir, NOW)
    store.close()
    assert not stage.exists()  # a restore cut short before its plan: nothing was swapped
    [warning] = warnings
    assert "restored from the backup of 22 Nov 2026 10:00" in warning
    assert good.exists() and newest.exists()  # never deleted, only not used


def test_a_deep_bookings_file_is_left_unused_with_a_warning(data_dir: Path) -> None:
    from kiosk.store.bookings import Bookings

    folder = data_dir / "bookings"
    folder.mkdir()
    (folder / "kiosk.json").write_bytes(DEEP)
    bookings = Bookings(data_dir)
    assert bookings.own() == []
    assert "kiosk.json is damaged (nested deeper than the kiosk writes)" in bookings.warnings[0]


# -- refused check-ins (attempts.json): the same promise ---------------------------------------


def refused(code: str, hour: int) -> Attempt:
    at = NOW.replace(hour=hour)
    return Attempt(f"a-{code}-{hour}", code, at, PackKind.EMS, Outcome.NO_PACK, ("no pack",))


def test_a_bad_refused_check_in_is_moved_aside_and_staff_told(data_dir: Path) -> None:
    from kiosk.store.attempts import ATTEMPTS_FILE, Attempts

    fill(data_dir)
    attempts = Attempts(data_dir)
    attempts.add(refused("FT-SARAH2", 8))
    attempts.add(refused("FT-TOMAS3", 9))
    path = data_dir / ATTEMPTS_FILE
    data = json.loads(path.read_bytes())
    data["attempts"]["1"]["outcome"] = "zap"
    path.write_text(json.dumps(data))
    store, warnings = open_store(data_dir, NOW)
    with store:
        assert [a.member_code for a in Attempts(data_dir).all()] == ["FT-TOMAS3"]
    [warning] = warnings
    assert warning.startswith("The refused check-ins file had 1 record(s) the kiosk cannot read")
    [kept] = aside_names(data_dir)
    assert f"damaged/{kept}" in warning
    assert "zap" in (data_dir / "damaged" / kept).read_text()


def test_a_damaged_refused_check_ins_file_that_cannot_be_moved_is_never_written_over(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from kiosk.store.attempts import ATTEMPTS_FILE, Attempts

    path = data_dir / ATTEMPTS_FILE
    path.write_bytes(b'{"attempts": {"1": ')

    def read_only(src: Any, dst: Any) -> None:
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    attempts = Attempts(data_dir)
    assert "could not be moved aside" in attempts.warnings[0]
    with pytest.raises(OSError, match="could not be moved aside"):
        attempts.add(refused("FT-SARAH2", 8))
    assert path.read_bytes() == b'{"attempts": {"1": '
