"""UK GDPR: one member's record, erasure that leaves nothing personal, screening retention."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.core.checkin import Attempt, Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.members import Member, PackKind, Screening, Visit
from kiosk.store import Store
from kiosk.store.attempts import ATTEMPTS_FILE, Attempts, attempts_for
from kiosk.store.privacy import erase_member, member_record, months_before, purge_old_screenings

from .conftest import LONDON
from .test_backup import fill


def all_data_text(data_dir: Path) -> str:
    """Every data file but the backups and erased.json (the erased codes, and nothing else)."""
    return "\n".join(
        p.read_text()
        for p in sorted(data_dir.rglob("*.json"))
        if "backups" not in p.parts and p.name != "erased.json"
    )


def test_record_has_everything_held(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir) as store:
        record = member_record(store, "ft-sarah2", retention_months=24, backup_generations=14)
    text = json.dumps(record)  # JSON-able as it is
    assert record["member_code"] == "FT-SARAH2"
    member = record["member"]
    assert (member["first_name"], member["last_name"]) == ("Sarah", "Kent")
    assert (member["phone"], member["email"]) == ("+447700900121", "sarah@example.com")
    assert member["joined"] == "2026-10-01" and member["terms_version"] == "2026-01"
    assert member["terms_agreed_at"] == "2026-10-01T09:00:00+01:00"
    assert "packs" not in member
    assert [p["id"] for p in record["packs"]] == ["p-ems"]
    assert record["packs"][0]["sessions_left"] == 8
    assert [v["id"] for v in record["visits"]] == ["v1", "v2"]
    assert record["screening"]["answers"]["epilepsy"] is True
    assert record["screening"]["other"] == "old knee injury"
    assert set(record["about"]) == {
        "member",
        "packs",
        "visits",
        "bookings",
        "attempts",
        "screening",
        "backups",
    }
    assert record["attempts"] == [] and record["bookings"] == [] and record["missed"] == []
    assert "24 months" in record["about"]["screening"]
    assert "14 backups" in record["about"]["backups"]
    assert "FT-TOMAS3" not in text and "Tom" not in text  # nobody else's data


def test_record_of_nobody(store: Store) -> None:
    with pytest.raises(KeyError):
        member_record(store, "FT-NOBODY")


def test_erase_leaves_nothing_personal(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir) as store:
        assert erase_member(store, "ft-sarah2")
        assert store.member("FT-SARAH2") is None and store.screening("FT-SARAH2") is None
        assert store.visits_of("FT-SARAH2") == [] and store.last_visit("FT-SARAH2") is None
    text = all_data_text(data_dir)
    for personal in ("FT-SARAH2", "Sarah", "Kent", "+447700900121", "sarah@", "knee"):
        assert personal not in text, personal
    assert json.loads((data_dir / "erased.json").read_text()) == {"codes": ["FT-SARAH2"]}
    with Store.open(data_dir) as store:
        visits = store.all_visits()
        assert [(v.id, v.member_code) for v in visits] == [
            ("v3", "FT-TOMAS3"),
            ("v1", ""),
            ("v2", ""),
        ]  # kept for the counts, anonymised
        assert store.member("FT-TOMAS3") is not None and store.screening("FT-TOMAS3")
        assert not erase_member(store, "FT-SARAH2")  # nothing left to erase
        with pytest.raises(KeyError):
            member_record(store, "FT-SARAH2")


def test_erase_finishes_a_half_done_erasure(data_dir: Path) -> None:
    fill(data_dir)
    with Store.open(data_dir) as store:
        store.delete_member("FT-SARAH2")  # as if cut short after the member record went
        assert erase_member(store, "FT-SARAH2")
        assert store.screening("FT-SARAH2") is None and store.visits_of("FT-SARAH2") == []


def test_months_before() -> None:
    assert months_before(date(2026, 11, 23), 24) == date(2024, 11, 23)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)
    assert months_before(date(2024, 12, 31), 10) == date(2024, 2, 29)


def test_purge_by_retention_as_time_passes(data_dir: Path) -> None:
    clock = FakeClock(datetime(2026, 11, 23, 10, tzinfo=LONDON))
    with Store.open(data_dir) as store:
        store.add_members(
            [
                Member("FT-VISIT1", "Vi", "Sit", "+447700900001", joined=date(2020, 1, 1)),
                Member("FT-JOINS2", "Jo", "Ins", "+447700900002", joined=date(2025, 6, 1)),
                Member("FT-NODAT3", "No", "Date", "+447700900003"),
            ]
        )
        store.add_visit(Visit("v1", "FT-VISIT1", datetime(2025, 1, 10, 9, tzinfo=LONDON)))
        for code, taken in (
            ("FT-VISIT1", date(2020, 1, 1)),  # old screening, but visited Jan 2025
            ("FT-JOINS2", date(2025, 6, 1)),  # never visited: counts from joining
            ("FT-NODAT3", date(2025, 3, 1)),  # no join date: counts from the screening
            ("FT-GONE44", date(2026, 11, 1)),  # no member (lost by a repair?): kept, aged too
        ):
            store.save_screening(Screening(code, taken, clock.now(), {"pacemaker": False}))
        assert purge_old_screenings(store, clock.now().date(), 24) == 0
        clock.set(datetime(2027, 1, 10, 10, tzinfo=LONDON))  # 24 months after the visit
        assert purge_old_screenings(store, clock.now().date(), 24) == 0  # not older yet
        clock.set(datetime(2027, 1, 11, 10, tzinfo=LONDON))
        assert purge_old_screenings(store, clock.now().date(), 24) == 1
        assert store.screening("FT-VISIT1") is None
        clock.set(datetime(2027, 3, 2, 10, tzinfo=LONDON))
        assert purge_old_screenings(store, clock.now().date(), 24) == 1
        assert store.screening("FT-NODAT3") is None
        assert store.screening("FT-JOINS2") is not None
        assert purge_old_screenings(store, clock.now().date(), 12) == 1  # a shorter retention
        assert [s.member_code for s in store.screenings()] == ["FT-GONE44"]
        clock.set(datetime(2028, 11, 2, 10, tzinfo=LONDON))  # 24 months after its screening
        assert purge_old_screenings(store, clock.now().date(), 24) == 1
        assert store.screenings() == []
        assert store.member_count() == 3  # members themselves are kept
        with pytest.raises(ValueError):
            purge_old_screenings(store, clock.now().date(), 0)
    assert "FT-VISIT1" not in (data_dir / "screenings.json").read_text()


def test_an_older_backup_restored_does_not_bring_an_erased_member_back(data_dir: Path) -> None:
    from kiosk.store.backup import make_backup, restore_backup
    from kiosk.store.recovery import open_store

    fill(data_dir)
    made = make_backup(data_dir, datetime(2026, 11, 22, 3, tzinfo=LONDON), keep=5)
    with Store.open(data_dir) as store:
        assert erase_member(store, "FT-SARAH2")
        assert not erase_member(store, "FT-NOBODY")
    restore_backup(data_dir, made)
    assert "Sarah" in (data_dir / "members.json").read_text()  # back on disk for a moment...
    store, warnings = open_store(data_dir, datetime(2026, 11, 23, 10, tzinfo=LONDON))
    with store:  # ...and erased again as the kiosk starts
        assert store.member("FT-SARAH2") is None and store.screening("FT-SARAH2") is None
        assert store.visits_of("FT-SARAH2") == []
        assert store.member("FT-TOMAS3") is not None
    assert warnings == [
        "1 member(s) erased before were back in the data (an older backup was restored) and "
        "have been erased again."
    ]
    assert "Sarah" not in all_data_text(data_dir)
    assert json.loads((data_dir / "erased.json").read_text()) == {"codes": ["FT-SARAH2"]}
    store, warnings = open_store(data_dir, datetime(2026, 11, 23, 11, tzinfo=LONDON))
    store.close()
    assert warnings == []  # nothing to do the next time


def test_unreadable_erased_list_counts_as_none(data_dir: Path) -> None:
    from kiosk.store.privacy import erased_codes

    (data_dir / "erased.json").write_text("{broken")
    assert erased_codes(data_dir) == []
    (data_dir / "erased.json").write_text('{"codes": ["FT-A", 3, ""]}')
    assert erased_codes(data_dir) == ["FT-A"]


def refused(code: str, at: datetime, reason: str) -> Attempt:
    return Attempt(f"a-{code}-{at:%H%M}", code, at, PackKind.EMS, Outcome.SEE_TRAINER, (reason,))


def test_record_has_the_refused_check_ins(data_dir: Path) -> None:
    fill(data_dir)
    at = datetime(2026, 11, 20, 9, 30, tzinfo=LONDON)
    with Store.open(data_dir) as store:
        attempts_for(store).add(refused("FT-SARAH2", at, "said yes: unwell"))
        attempts_for(store).add(refused("FT-TOMAS3", at, "see-trainer flag set"))
        record = member_record(store, "FT-SARAH2")
    assert record["attempts"] == [
        {
            "id": "a-FT-SARAH2-0930",
            "member_code": "FT-SARAH2",
            "at": "2026-11-20T09:30:00+00:00",
            "kind": "EMS",
            "outcome": "see_trainer",
            "reasons": ["said yes: unwell"],
        }
    ]
    assert "90 days" in record["about"]["attempts"]
    assert "FT-TOMAS3" not in json.dumps(record)


def test_erase_removes_the_refused_check_ins(data_dir: Path) -> None:
    fill(data_dir)
    at = datetime(2026, 11, 20, 9, 30, tzinfo=LONDON)
    with Store.open(data_dir) as store:
        attempts_for(store).add(refused("FT-SARAH2", at, "said yes: unwell"))
        attempts_for(store).add(refused("FT-TOMAS3", at, "see-trainer flag set"))
        assert erase_member(store, "FT-SARAH2")
        assert attempts_for(store).of("FT-SARAH2") == []
    text = (data_dir / ATTEMPTS_FILE).read_text()
    assert "FT-SARAH2" not in text and "unwell" not in text and "FT-TOMAS3" in text
    assert [a.member_code for a in Attempts(data_dir).all()] == ["FT-TOMAS3"]


def test_erase_of_someone_only_refused_at_the_kiosk(store: Store) -> None:
    # their member record already gone: the refused check-in still names them
    at = datetime(2026, 11, 20, 9, 30, tzinfo=LONDON)
    attempts_for(store).add(refused("FT-GONE22", at, "no EMS pack"))
    assert member_record(store, "FT-GONE22")["attempts"][0]["reasons"] == ["no EMS pack"]
    assert erase_member(store, "FT-GONE22")
    assert attempts_for(store).all() == []
    assert not erase_member(store, "FT-GONE22")
