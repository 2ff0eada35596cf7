"""The check-in rules in kiosk/core/desk.py (B2's stand-in for B1's core modules)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.desk import (
    MemberIndex,
    Status,
    decide,
    field_problem,
    kinds_left,
    normalise_phone,
    redacted,
)
from kiosk.core.members import Member, PackKind, Visit, VisitFlag
from tests.ui_checkin_helpers import EVE, MEMBERS, OLLY, SARAH, TOM, ZOE, member, pack

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
FINE = {"unwell": False, "changed": False, "prepared": True}


def test_look_up_by_name_typo_accent_phone_and_code() -> None:
    index = MemberIndex(MEMBERS)
    assert index.search("sara kent")[0] == SARAH
    assert index.search("zoe")[0] == ZOE
    assert index.search("0121") == [SARAH]
    assert index.search("07700 900222") == [ZOE]
    assert index.search("m1004") == [EVE]
    assert index.by_code(" M1003 ") == OLLY
    assert index.by_code("M100") is None
    assert index.search("qqqqxx") == []
    assert index.search("sa") == []


def test_at_most_five_matches() -> None:
    many = [member(f"M{n}", "Sam", f"Smith{n}", f"+44770{n:04d}1234") for n in range(40)]
    assert len(MemberIndex(many).search("sam smith")) == 5
    assert len(MemberIndex(many).search("1234", limit=5)) == 5


def test_redacted_shows_no_full_name_phone_or_email() -> None:
    shown = redacted(Member("M1", "Sarah", "Kent", "+447700900121", "s@kent.example"))
    assert shown == "Sarah K. · phone ending 21"


def test_checked_in_uses_the_pack_that_runs_out_first() -> None:
    soon = pack(PackKind.PT, 4, expires=date(2026, 12, 1))
    later = pack(PackKind.PT, 9, expires=date(2027, 6, 1))
    m = member("M1", "A", "B", "+447700900001", later, soon)
    d = decide(m, PackKind.PT, [], NOW, None, "v1")
    assert d.status is Status.CHECKED_IN and d.pack is not None
    assert d.pack.id == soon.id and d.pack.sessions_left == 3
    assert d.visit is not None and d.visit.pack_id == soon.id
    assert any("expires on 1 Dec 2026" in w for w in d.warnings)


def test_few_sessions_left_warns() -> None:
    m = member("M1", "A", "B", "+447700900001", pack(PackKind.PT, 3))
    assert decide(m, PackKind.PT, [], NOW, None, "v").warnings == (
        "2 sessions left on your PT pack.",
    )
    m = member("M1", "A", "B", "+447700900001", pack(PackKind.PT, 1))
    assert decide(m, PackKind.PT, [], NOW, None, "v").warnings == (
        "No sessions left on your PT pack.",
    )


def test_used_up_expired_and_already_record_nothing() -> None:
    assert decide(OLLY, None, [], NOW, None, "v").status is Status.PACK_USED_UP
    assert decide(EVE, None, [], NOW, None, "v").status is Status.PACK_EXPIRED
    today = Visit("x", ZOE.code, NOW - timedelta(hours=1), PackKind.PT)
    d = decide(ZOE, PackKind.PT, [today], NOW, None, "v")
    assert d.status is Status.ALREADY and d.visit is None
    assert decide(ZOE, PackKind.PILATES, [today], NOW, None, "v").status is Status.CHECKED_IN


def test_ems_first_visit_gap_and_readiness() -> None:
    first = decide(SARAH, PackKind.EMS, [], NOW, FINE, "v")
    assert first.first_ems and first.visit is not None
    assert first.visit.flags == frozenset({VisitFlag.FIRST_EMS})
    last = Visit("x", SARAH.code, NOW - timedelta(days=3), PackKind.EMS)
    gap = decide(SARAH, PackKind.EMS, [last], NOW, FINE, "v")
    assert gap.days_since_ems == 3 and gap.visit is not None
    assert VisitFlag.SHORT_GAP in gap.visit.flags and gap.status is Status.CHECKED_IN
    week = Visit("x", SARAH.code, NOW - timedelta(days=7), PackKind.EMS)
    assert decide(SARAH, PackKind.EMS, [week], NOW, FINE, "v").visit.flags == frozenset()  # type: ignore[union-attr]
    for answer in ("unwell", "changed"):
        d = decide(SARAH, PackKind.EMS, [], NOW, FINE | {answer: True}, "v")
        assert d.status is Status.SEE_TRAINER and d.visit is not None
        assert VisitFlag.SEE_TRAINER in d.visit.flags
    assert decide(SARAH, PackKind.EMS, [], NOW, FINE | {"prepared": False}, "v").unprepared
    assert decide(TOM, PackKind.EMS, [], NOW, FINE, "v").status is Status.SEE_TRAINER


def test_kinds_left_only_counts_live_packs() -> None:
    assert kinds_left(ZOE, NOW.date()) == [(PackKind.PT, 3), (PackKind.PILATES, 6)]
    assert kinds_left(OLLY, NOW.date()) == []
    assert kinds_left(EVE, NOW.date()) == []


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("(020) 7946-0018", "+442079460018"),
        ("0770090", ""),
        ("hello", ""),
        ("+0 123", ""),
    ],
)
def test_phone_numbers_uk_and_international(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


def test_field_messages() -> None:
    ok = {"first_name": "Amy", "last_name": "Walker", "phone": "07700900123", "email": ""}
    assert all(field_problem(k, ok) == "" for k in ok)
    assert "first name" in field_problem("first_name", ok | {"first_name": "  "})
    assert "too long" in field_problem("last_name", ok | {"last_name": "x" * 51})
    assert "letters" in field_problem("first_name", ok | {"first_name": "A\x00my"})
    assert "phone number" in field_problem("phone", ok | {"phone": "12"})
    assert "email" in field_problem("email", ok | {"email": "amy@"})
    assert field_problem("email", ok | {"email": "amy@example.com"}) == ""
