"""The store on temp directories: members, visits by month, screenings, damage, crash recovery."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.checkin import Outcome, decide_check_in
from kiosk.core.members import Member, Pack, PackKind, Screening, Visit, VisitFlag
from kiosk.core.registration import CODE_ALPHABET
from kiosk.store import DamagedFile, DataDirLocked, DuplicateMember, Store
from kiosk.store.store import month_of

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def sarah(**more: object) -> Member:
    packs = (Pack("p-ems", PackKind.EMS, 10, 5, date(2027, 6, 30)),)
    return Member("FT-SARAH2", "Sarah", "Kent", "+447700900121", packs=packs, **more)  # type: ignore[arg-type]


def visit(vid: str, code: str, at: datetime, kind: PackKind | None = PackKind.EMS) -> Visit:
    return Visit(vid, code, at, kind)


def test_a_member_is_on_disk_and_comes_back(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah(joined=date(2026, 11, 1), terms_agreed_at=NOW))
    with Store.open(data_dir) as store:
        assert store.members() == [sarah(joined=date(2026, 11, 1), terms_agreed_at=NOW)]
        assert store.member("ft-sarah2") == store.member("FT-SARAH2")
        assert store.member("FT-NOBODY") is None


def test_add_member_refuses_a_taken_code_and_changes_nothing(store: Store) -> None:
    store.add_member(sarah())
    with pytest.raises(DuplicateMember):
        store.add_member(Member("ft-sarah2", "Other", "Person", "+447700900999"))
    with pytest.raises(DuplicateMember):
        store.add_members([Member("FT-NEW222", "A", "B", "+447700900998"), sarah()])
    assert [m.code for m in store.members()] == ["FT-SARAH2"]


def test_save_member_replaces_by_code_and_delete_removes(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        store.save_member(sarah(email="s@example.com"))
        store.save_member(Member("FT-OTHER3", "Zoë", "Adams", "+447700900222"))
        assert store.delete_member("FT-OTHER3")
        assert not store.delete_member("FT-OTHER3")
    with Store.open(data_dir) as store:
        assert store.members() == [sarah(email="s@example.com")]


def test_new_member_codes_are_unambiguous_and_never_taken(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_member(Member("FT-2C3D4E", "Ann", "Lee", "+447700900122"))
    # the first draw is Ann's code (random draws would meet it once in 387 million): drawn again
    first = sum(CODE_ALPHABET.index(c) * len(CODE_ALPHABET) ** i for i, c in enumerate("2C3D4E"))
    draws = iter([first, 0])
    monkeypatch.setattr(secrets, "randbelow", lambda n: next(draws))  # the draw registration uses
    assert store.new_member_code() == "FT-222222"
    monkeypatch.undo()
    codes = [store.new_member_code() for _ in range(500)]
    for code in codes:
        assert code.startswith("FT-") and len(code) == 9
        assert set(code[3:]) <= set(CODE_ALPHABET)
        assert not set(code[3:]) & set("0O1IL")


def test_phone_look_ups(store: Store) -> None:
    store.add_member(sarah())
    assert store.members_with_phone("+447700900121") == [sarah()]
    assert store.find_by_phone_digits("0121") == [sarah()]
    assert store.find_by_phone_digits("121") == []


def test_visits_go_in_one_file_per_month(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_visit(visit("a", "FT-SARAH2", NOW))
        store.add_visit(visit("b", "FT-SARAH2", NOW - timedelta(days=30)))
        store.add_visit(visit("c", "FT-SARAH2", datetime(2025, 12, 31, 23, 30, tzinfo=LONDON)))
    names = sorted(p.name for p in (data_dir / "visits").iterdir())
    assert names == ["2025-12.json", "2026-10.json", "2026-11.json"]
    with Store.open(data_dir) as store:
        assert [v.id for v in store.visits_of("FT-SARAH2")] == ["c", "b", "a"]
        assert [v.id for v in store.visits_on(NOW.date())] == ["a"]
        between = store.visits_between(date(2025, 12, 1), date(2026, 10, 31))
        assert [v.id for v in between] == ["c", "b"]
        assert store.visit_count() == 3


def test_last_visit_by_kind_comes_from_the_summary(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_visit(visit("ems1", "FT-SARAH2", NOW - timedelta(days=9)))
        store.add_visit(visit("ems2", "FT-SARAH2", NOW - timedelta(days=2)))
        store.add_visit(visit("pt1", "FT-SARAH2", NOW - timedelta(days=1), PackKind.PT))
        assert store.last_visit("FT-SARAH2", PackKind.EMS).id == "ems2"  # type: ignore[union-attr]
    with Store.open(data_dir) as store:  # rebuilt from the month files
        assert store.last_visit("FT-SARAH2", PackKind.EMS).id == "ems2"  # type: ignore[union-attr]
        assert store.last_visit("FT-SARAH2", PackKind.PT).id == "pt1"  # type: ignore[union-attr]
        assert store.last_visit("FT-SARAH2").id == "pt1"  # type: ignore[union-attr]
        assert store.last_visit("FT-SARAH2", PackKind.PILATES) is None
        assert store.last_visit("FT-NOBODY", PackKind.EMS) is None


def test_remove_visit_updates_the_summary(store: Store) -> None:
    store.add_visit(visit("20261120T100000-aaaa", "FT-SARAH2", NOW - timedelta(days=3)))
    store.add_visit(visit("odd-id", "FT-SARAH2", NOW))
    removed = store.remove_visit("odd-id")
    assert removed is not None and removed.id == "odd-id"
    assert store.last_visit("FT-SARAH2", PackKind.EMS).id == "20261120T100000-aaaa"  # type: ignore[union-attr]
    assert store.remove_visit("20261120T100000-aaaa") is not None
    assert store.last_visit("FT-SARAH2", PackKind.EMS) is None
    assert store.remove_visit("nope") is None
    assert store.visit_count() == 0


def test_anonymise_visits_keeps_them_without_the_code(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_visit(visit("a", "FT-SARAH2", NOW))
        store.add_visit(visit("b", "FT-SARAH2", NOW - timedelta(days=40)))
        store.add_visit(visit("c", "FT-OTHER3", NOW))
        assert store.anonymise_visits("FT-SARAH2") == 2
        assert store.visits_of("FT-SARAH2") == []
        assert store.last_visit("FT-SARAH2", PackKind.EMS) is None
    with Store.open(data_dir) as store:
        assert store.visit_count() == 3
        assert sorted(v.member_code for v in store.visits_on(NOW.date())) == ["", "FT-OTHER3"]
        assert store.visits_of("FT-SARAH2") == []
    text = "".join(p.read_text() for p in (data_dir / "visits").iterdir())
    assert "FT-SARAH2" not in text


def test_screenings_live_in_their_own_file(data_dir: Path) -> None:
    screening = Screening("FT-SARAH2", NOW.date(), NOW, {"implant": False, "pregnant": True}, "")
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        store.save_screening(screening)
        store.save_screening(screening)  # replaces: one per member
    assert "pregnant" not in (data_dir / "members.json").read_text()
    assert "pregnant" in (data_dir / "screenings.json").read_text()
    with Store.open(data_dir) as store:
        assert store.screenings() == [screening]
        assert store.screening("FT-SARAH2") == screening
        assert store.delete_screening("FT-SARAH2")
        assert not store.delete_screening("FT-SARAH2")
    with Store.open(data_dir) as store:
        assert store.screening("FT-SARAH2") is None


def test_record_check_in_writes_visit_and_pack(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        result = decide_check_in(sarah(), PackKind.EMS, NOW, last=None)
        saved = store.record_check_in(result)
        assert saved is not None and saved.packs[0].sessions_left == 4
    with Store.open(data_dir) as store:
        assert store.member("FT-SARAH2").packs[0].sessions_left == 4  # type: ignore[union-attr]
        assert [v.id for v in store.visits_of("FT-SARAH2")] == [result.visit.id]  # type: ignore[union-attr]
        again = decide_check_in(
            store.member("FT-SARAH2"),  # type: ignore[arg-type]
            PackKind.EMS,
            NOW,
            last=store.last_visit("FT-SARAH2", PackKind.EMS),
        )
        assert again.outcome is Outcome.ALREADY_TODAY
        assert store.record_check_in(again) is None


def test_a_check_in_is_one_write_and_counted_once_after_a_crash(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    members_file = data_dir / "members.json"
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        before = members_file.read_bytes()
        result = decide_check_in(sarah(), PackKind.EMS, NOW, last=None)
        saved = store.record_check_in(result)
        assert saved is not None and saved.packs[0].sessions_left == 4
        assert store.member("FT-SARAH2") == saved
        assert members_file.read_bytes() == before  # only the month's visits were written
        # the kiosk dies here: the members file never hears of the session
        monkeypatch.setattr(store, "_save_unsaved", lambda: None)
    monkeypatch.undo()
    assert json.loads(members_file.read_text())["_default"]["1"]["packs"][0]["sessions_left"] == 5
    for _ in range(3):  # the visit is there; its session is taken exactly once
        with Store.open(data_dir) as store:
            assert [v.id for v in store.visits_of("FT-SARAH2")] == [result.visit.id]  # type: ignore[union-attr]
            assert store.member("FT-SARAH2").packs[0].sessions_left == 4  # type: ignore[union-attr]
    doc = json.loads(members_file.read_text())["_default"]["1"]["packs"][0]
    assert doc["sessions_left"] == 4 and doc["charged"] == 1  # caught up on open


def test_a_stale_member_does_not_undo_a_check_in(store: Store) -> None:
    store.add_member(sarah())
    stale = sarah()
    store.record_check_in(decide_check_in(stale, PackKind.EMS, NOW, last=None))
    later = decide_check_in(stale, PackKind.PT, NOW, last=None)  # no PT pack: nothing taken
    assert later.outcome is Outcome.NO_PACK
    second = decide_check_in(stale, PackKind.EMS, NOW + timedelta(days=5), last=None)
    saved = store.record_check_in(second)
    assert saved is not None and saved.packs[0].sessions_left == 3  # from the store's 4


def test_a_removed_visit_is_not_charged_again(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        first = decide_check_in(sarah(), PackKind.EMS, NOW - timedelta(days=7), last=None)
        store.record_check_in(first)
        member = store.member("FT-SARAH2")
        assert member is not None
        second = decide_check_in(member, PackKind.EMS, NOW, last=first.visit)
        store.record_check_in(second)
        store.remove_visit(second.visit.id)  # type: ignore[union-attr]
    with Store.open(data_dir) as store:
        assert store.member("FT-SARAH2").packs[0].sessions_left == 3  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "contents", "reason"),
    [
        ("members.json", b'{"_default": {"1": {"code": "X"', "not valid JSON"),
        ("members.json", b"", "empty"),
        ("members.json", b"[1, 2]", "not a table"),
        ("members.json", b'{"_default": {"1": {"code": 5}}}', "record 1"),
        ("screenings.json", b"\xff\xfe garbage", "not valid JSON"),
        ("visits/2026-11.json", b'{"_default": {"1": {"id": "a", "at": "yesterday"}}}', "date"),
    ],
)
def test_a_damaged_file_is_named_and_the_lock_is_released(
    data_dir: Path, name: str, contents: bytes, reason: str
) -> None:
    (data_dir / "visits").mkdir()
    (data_dir / name).write_bytes(contents)
    with pytest.raises(DamagedFile) as e:
        Store.open(data_dir)
    assert e.value.path == data_dir / name
    assert reason in str(e.value)
    assert name.split("/")[-1] in str(e.value)
    (data_dir / name).unlink()
    Store.open(data_dir).close()  # not left locked


def test_temp_files_of_a_killed_writer_are_cleared(data_dir: Path) -> None:
    (data_dir / "visits").mkdir()
    (data_dir / ".members.json.abc.tmp").write_text('{"half')
    (data_dir / "visits" / ".2026-11.json.x.tmp").write_text("")
    with Store.open(data_dir):
        pass
    assert not list(data_dir.rglob("*.tmp"))


def test_files_are_plain_json_a_person_can_read(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(sarah())
        store.record_check_in(decide_check_in(sarah(), PackKind.EMS, NOW, last=None))
    for path in data_dir.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    doc = json.loads((data_dir / "visits" / f"{month_of(NOW.date())}.json").read_text())
    (only,) = doc["_default"].values()
    assert only["flags"] == [str(VisitFlag.FIRST_EMS)]


def test_the_lock_holds_while_the_store_is_open(data_dir: Path) -> None:
    with Store.open(data_dir), pytest.raises(DataDirLocked):
        Store.open(data_dir)


def test_a_failed_write_leaves_store_and_file_as_they_were(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.store.storage as storage

    with Store.open(data_dir) as store:
        store.add_member(sarah())

        def disk_full(path: Path, data: bytes) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(storage, "write_atomic", disk_full)
        with pytest.raises(OSError):
            store.add_member(Member("FT-ZOE222", "Zoë", "Adams", "+447700900222"))
        monkeypatch.undo()
        assert [m.code for m in store.members()] == ["FT-SARAH2"]
        store.add_member(Member("FT-ZOE333", "Zoë", "Adams", "+447700900222"))
    with Store.open(data_dir) as store:
        assert [m.code for m in store.members()] == ["FT-SARAH2", "FT-ZOE333"]


def summary_state(store: Store) -> tuple[object, ...]:
    codes = ("FT-SARAH2", "FT-OTHER3")
    return (
        store.visit_count(),
        [store.last_visit(c, k) for c in codes for k in (None, *PackKind)],
        [[v.id for v in store.visits_of(c)] for c in codes],
    )


def test_past_months_are_summarised_and_the_summary_is_only_a_cache(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        for n in range(90):
            code = "FT-SARAH2" if n % 3 else "FT-OTHER3"
            kind = (PackKind.EMS, PackKind.PT, None)[n % 3]
            store.add_visit(visit(f"v{n:03d}", code, NOW - timedelta(days=n), kind))
        full = summary_state(store)
    summary = data_dir / "visits-summary.json"
    assert not summary.exists()  # written when a store opens with past months to summarise
    with Store.open(data_dir) as store:
        assert summary_state(store) == full
    assert summary.exists()
    with Store.open(data_dir) as store:  # from the summary plus this month
        assert summary_state(store) == full
        store.add_visit(visit("new", "FT-SARAH2", NOW + timedelta(hours=1)))
        full = summary_state(store)
    with Store.open(data_dir) as store:
        assert summary_state(store) == full
        store.remove_visit("v080")  # an old month changes: the summary no longer holds
        assert store.remove_visit("v081") is not None
        full = summary_state(store)
    with Store.open(data_dir) as store:
        assert summary_state(store) == full
    for junk in (b"", b"{]", b'{"version": 1}', b'{"version": 99}'):
        summary.write_bytes(junk)
        with Store.open(data_dir) as store:
            assert summary_state(store) == full
    summary.unlink()
    with Store.open(data_dir) as store:
        assert summary_state(store) == full


def test_the_summary_is_not_trusted_for_a_month_that_changed_size(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_visit(visit("old", "FT-SARAH2", NOW - timedelta(days=40)))
        store.add_visit(visit("now", "FT-SARAH2", NOW))
    Store.open(data_dir).close()  # writes the summary
    old_month = data_dir / "visits" / f"{month_of((NOW - timedelta(days=40)).date())}.json"
    doc = json.loads(old_month.read_text())
    doc["_default"]["2"] = dict(
        doc["_default"]["1"], id="extra", at=(NOW - timedelta(days=35)).isoformat()
    )
    old_month.write_text(json.dumps(doc))  # e.g. a restore of that file from a backup
    with Store.open(data_dir) as store:
        assert store.visit_count() == 3


def test_the_member_index_is_kept_until_members_change(store: Store) -> None:
    store.add_member(sarah())
    index = store.member_index()
    assert store.member_index() is index
    assert [m.code for m in index.search("sara kent")] == ["FT-SARAH2"]
    store.record_check_in(decide_check_in(sarah(), PackKind.EMS, NOW, last=None))
    assert store.member_index() is index  # a check-in changes packs, not names
    store.add_member(Member("FT-ZOE222", "Zoë", "Adams", "+447700900222"))
    assert [m.code for m in store.member_index().search("zoe")] == ["FT-ZOE222"]
    store.save_member(Member("FT-ZOE222", "Zoë", "Brown", "+447700900222"))
    assert store.member_index().search("adams") == []
    store.delete_member("FT-ZOE222")
    assert store.member_index().by_code("FT-ZOE222") is None


def test_a_visit_without_a_time_zone_is_refused_before_writing(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        with pytest.raises(ValueError, match="time zone"):
            store.add_visit(Visit("naive", "FT-SARAH2", datetime(2026, 11, 23, 10, 0)))
        assert store.visit_count() == 0
    Store.open(data_dir).close()  # nothing half-valid was written


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_name_and_note_round_trip_through_the_files(
    tmp_path_factory: pytest.TempPathFactory, name: str, note: str
) -> None:
    directory = tmp_path_factory.mktemp("hostile")
    member = Member("FT-HOST22", name, "[bold]" + name, "+447700900121", see_trainer_note=note)
    v = Visit("v1", "FT-HOST22", NOW, PackKind.EMS, None, frozenset(), note)
    with Store.open(directory) as store:
        store.add_member(member)
        store.add_visit(v)
    with Store.open(directory) as store:
        assert store.member("FT-HOST22") == member
        assert store.visits_of("FT-HOST22") == [v]
