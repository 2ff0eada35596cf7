"""Member retention: the rule, the privacy notice that states it, and the kiosk carrying it out."""

from __future__ import annotations

import errno
import json
import shutil
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.checkin import Attempt, Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import load_content
from kiosk.core.members import Member, Pack, PackKind, Screening, Visit, VisitFlag
from kiosk.core.retention import (
    NOTICE_HEADING,
    anonymised_on,
    due_within,
    last_seen,
    past_retention,
)
from kiosk.core.studio import StaffPolicy
from kiosk.store import Store
from kiosk.store import retention as store_retention
from kiosk.store.attempts import attempts_for
from kiosk.store.retention import due, maintain, maintain_at_start, members_seen

from .conftest import CONTENT_DIR, LONDON

TODAY = date(2026, 11, 23)
SETTING = "member_retention_months = 24"


def test_the_day_of_anonymising_agrees_with_the_rule() -> None:
    """anonymised_on is the first day past_retention holds, for every day over three years."""
    for months in (1, 12, 24, 25):
        seen = date(2024, 1, 1)
        while seen < date(2027, 1, 1):
            on = anonymised_on(seen, months)
            assert past_retention(seen, on, months), (seen, months)
            assert not past_retention(seen, on - timedelta(days=1), months), (seen, months)
            seen += timedelta(days=1)


def test_last_seen_is_the_latest_thing_they_did() -> None:
    member = Member("FT-A", "Ann", "Lee", "+447700900001", joined=date(2023, 5, 1))
    assert last_seen(member, None) == date(2023, 5, 1)
    assert last_seen(member, date(2024, 2, 1)) == date(2024, 2, 1)
    bought = Pack("p1", PackKind.EMS, 10, 0, date(2025, 1, 1), bought=date(2024, 6, 1))
    assert last_seen(Member(**{**member.__dict__, "packs": (bought,)}), date(2024, 2, 1)) == date(
        2024, 6, 1
    )  # used up: its expiry does not count
    unused = Pack("p2", PackKind.PT, 10, 3, date(2025, 3, 1), bought=date(2024, 3, 1))
    assert last_seen(Member(**{**member.__dict__, "packs": (unused,)}), None) == date(2025, 3, 1)
    bare = Member("FT-B", "Bo", "Day", "+447700900002")
    assert last_seen(bare, None) is None
    agreed = Member(**{**bare.__dict__, "terms_agreed_at": datetime(2024, 4, 4, tzinfo=LONDON)})
    assert last_seen(agreed, None) == date(2024, 4, 4)


def test_due_within_the_next_30_days_soonest_first() -> None:
    def member(code: str) -> Member:
        return Member(code, code.title(), "X", "+447700900001")

    seen = [
        (member("later"), TODAY - timedelta(days=710)),  # due in about 30 days
        (member("now"), date(2024, 11, 1)),  # already past
        (member("fresh"), TODAY - timedelta(days=10)),
        (member("never"), None),  # no date at all: never by this rule
    ]
    found = due_within(seen, TODAY, 24, days=30)
    assert [d.code for d in found] == ["now", "later"]
    assert found[0].on <= TODAY < found[1].on <= TODAY + timedelta(days=30)
    assert due_within(seen, TODAY, 24, days=0)[0].code == "now"


# -- the privacy notice and the settings ----------------------------------------------------------


def notice_text() -> str:
    content = load_content(CONTENT_DIR)
    return next(s.text for s in content.terms.sections if s.heading == NOTICE_HEADING)


def test_the_shipped_notice_says_what_the_code_does() -> None:
    content = load_content(CONTENT_DIR)
    staff = content.studio.staff
    assert content.problems == ()
    text = notice_text()
    assert staff.member_retention_months == 24
    assert f"When {staff.member_retention_months} months have passed since your last visit" in text
    assert f"deleted {staff.screening_retention_months} months after your last visit" in text
    assert f"deleted after {staff.backup_generations} days" in text
    assert "anonymous counts" in text and "years" not in text


def changed_content(tmp_path: Path, old: str, new: str, file: str = "studio.toml") -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return folder


def test_kiosk_check_names_a_notice_that_no_longer_agrees(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = changed_content(tmp_path, SETTING, "member_retention_months = 18")
    problems = load_content(folder).problems
    assert [(p.file, p.key) for p in problems] == [("terms.toml", NOTICE_HEADING)]
    assert '"18 months"' in problems[0].message and "member_retention_months" in problems[0].message
    data = tmp_path / "data"
    assert main(["--data", str(data), "--content", str(folder), "check"]) == 1
    assert "terms.toml: How long we keep it" in capsys.readouterr().out
    notice = changed_content(tmp_path / "b", "When 24 months", "When 18 months", "terms.toml")
    (notice / "studio.toml").write_text(
        (folder / "studio.toml").read_text()
    )  # both say 18: agreed again
    assert load_content(notice).problems == ()


def test_a_bad_retention_setting_keeps_the_default(tmp_path: Path) -> None:
    folder = changed_content(tmp_path, SETTING, "member_retention_months = 0")
    content = load_content(folder)
    assert content.studio.staff.member_retention_months == 24
    assert [str(p) for p in content.problems] == [
        "studio.toml: staff.member_retention_months: must be at least 1, not 0; using 24"
    ]


# -- the kiosk carrying it out --------------------------------------------------------------------


def week_kind_counts(store: Store) -> Counter[tuple[int, int, str]]:
    return Counter(
        (*v.at.isocalendar()[:2], str(v.kind) if v.kind else "-") for v in store.all_visits()
    )


def studio(store: Store, clock: FakeClock) -> None:
    """Gone: last came 10 November 2024. Kept: came this month. Soon: due in 20 days."""
    gone_pack = Pack("p-gone", PackKind.EMS, 10, 7, date(2024, 10, 1), date(2024, 6, 1))
    store.add_members(
        [
            Member(
                "FT-GONE01",
                "Gina",
                "Gone",
                "+447700900101",
                "gina@example.com",
                (gone_pack,),
                see_trainer=True,
                see_trainer_note="set 01/06/2024: pacemaker",
                joined=date(2024, 6, 1),
            ),
            Member("FT-KEPT02", "Kim", "Kept", "+447700900102", joined=date(2024, 1, 1)),
            Member("FT-SOON03", "Sam", "Soon", "+447700900103", joined=date(2024, 12, 13)),
        ]
    )
    at = datetime(2024, 11, 10, 9, tzinfo=LONDON)
    flags = frozenset({VisitFlag.FIRST_EMS, VisitFlag.SEE_TRAINER})
    first = datetime(2024, 6, 3, 9, tzinfo=LONDON)
    store.add_visits(
        [
            Visit("g1", "FT-GONE01", first, PackKind.EMS, "p-gone", flags, "see: pacemaker"),
            Visit("g2", "FT-GONE01", at, PackKind.EMS, "p-gone"),
            Visit("k1", "FT-KEPT02", datetime(2024, 6, 3, 10, tzinfo=LONDON), PackKind.PT),
            Visit("k2", "FT-KEPT02", datetime(2026, 11, 2, 10, tzinfo=LONDON), PackKind.PT),
        ]
    )  # fmt: skip
    for code in ("FT-GONE01", "FT-KEPT02", "FT-SOON03"):
        store.save_screening(Screening(code, date(2024, 6, 1), clock.now(), {"pacemaker": True}))
    attempts_for(store).add(
        Attempt("a1", "FT-GONE01", at, PackKind.EMS, Outcome.SEE_TRAINER, ("pacemaker",))
    )


def test_maintenance_anonymises_members_past_retention(
    store: Store, clock: FakeClock, data_dir: Path
) -> None:
    studio(store, clock)
    staff = StaffPolicy()
    before = week_kind_counts(store)
    assert [d.code for d in due(store, clock.now().date(), 24)] == ["FT-GONE01", "FT-SOON03"]
    done = maintain(store, clock.now(), staff)
    assert (done.anonymised, done.screenings, done.pruned) == (1, 0, [])
    assert store.member("FT-GONE01") is None and store.screening("FT-GONE01") is None
    assert attempts_for(store).of("FT-GONE01") == []
    assert week_kind_counts(store) == before  # the figures per week and kind still add up
    anonymous = [v for v in store.all_visits() if not v.member_code]
    assert [(v.id, v.kind, v.pack_id, v.note) for v in anonymous] == [
        ("g1", PackKind.EMS, None, ""),  # no pack id either: it would tie their visits together
        ("g2", PackKind.EMS, None, ""),
    ]
    assert "p-gone" not in (data_dir / "visits" / "2024-06.json").read_text()
    assert store.member("FT-KEPT02") is not None and store.screening("FT-KEPT02") is not None
    assert store.member("FT-SOON03") is not None
    text = "\n".join(p.read_text() for p in data_dir.rglob("*.json") if p.name != "erased.json")
    for personal in ("FT-GONE01", "Gina", "+447700900101", "gina@", 'pacemaker",'):
        assert personal not in text, personal
    assert json.loads((data_dir / "erased.json").read_text()) == {"codes": ["FT-GONE01"]}
    assert maintain(store, clock.now(), staff).anonymised == 0  # nothing more today
    clock.set(datetime(2026, 12, 13, 10, tzinfo=LONDON))
    assert maintain(store, clock.now(), staff).anonymised == 0  # 24 months to the day: not yet
    clock.set(datetime(2026, 12, 14, 10, tzinfo=LONDON))
    assert maintain(store, clock.now(), staff).anonymised == 1
    assert store.member("FT-SOON03") is None


def test_a_shorter_setting_anonymises_sooner(store: Store, clock: FakeClock) -> None:
    studio(store, clock)
    done = maintain(store, clock.now(), StaffPolicy(member_retention_months=1))
    assert done.anonymised == 2  # Gina and Sam; Kim came this month
    assert [m.code for m in store.members()] == ["FT-KEPT02"]


def test_start_up_applies_it_and_a_full_disk_is_a_warning_not_a_stop(
    store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    studio(store, clock)
    assert maintain_at_start(store, clock.now(), StaffPolicy()) == []
    assert store.member("FT-GONE01") is None

    def full(*_: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_retention, "maintain", full)
    [warning] = maintain_at_start(store, clock.now(), StaffPolicy())
    assert "No space left on device" in warning and "kiosk maintenance" in warning


def test_kiosk_maintenance_says_what_it_did(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-OLD001", "Old", "One", "+4477009001", joined=date(2020, 1, 1)))
    assert main(["--data", str(data_dir), "--content", str(CONTENT_DIR), "maintenance"]) == 0
    out = capsys.readouterr().out
    assert "anonymised 1 member(s) not seen for 24 months" in out
    assert "set aside by repairs and restores more than 14 days ago" in out
    with Store.open(data_dir) as store:
        assert store.member_count() == 0


def test_the_quick_look_finds_the_same_members_as_reading_every_last_visit(
    data_dir: Path, clock: FakeClock
) -> None:
    with Store.open(data_dir) as store:
        studio(store, clock)
    for _ in range(2):  # once from the month files, once from the visits summary
        with Store.open(data_dir) as store:
            for days in (0, 30, 400, 800):
                for months in (1, 12, 24):
                    quick = due(store, TODAY, months, days)
                    slow = due_within(members_seen(store), TODAY, months, days)
                    assert quick == slow, (days, months)
            assert store.latest_visit_month("FT-GONE01") == "2024-11"
            assert store.latest_visit_month("FT-KEPT02") == "2026-11"
            assert store.latest_visit_month("FT-SOON03") is None
