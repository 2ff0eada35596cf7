"""Asked again at check-in (kiosk/core/screening.py due_again): changed terms, a new version of
the health questions, a screening older than screening_valid_months; and what answering sets."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.members import Member, Screening
from kiosk.core.screening import (
    SHIPPED,
    due_again,
    flag_for,
    months_before,
    take_screening,
)
from kiosk.core.terms import Terms, agreed

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
FILE = replace(SHIPPED, shipped=False)  # the questions as read from content/screening.toml
SARAH = Member(
    "M1001", "Sarah", "Kent", "+447700900121", terms_version="2026-11-1", terms_agreed_at=NOW
)


def screening(taken: date, version: str = SHIPPED.version) -> Screening:
    answers = {q.id: False for q in SHIPPED.screening}
    at = datetime.combine(taken, NOW.timetz())
    return replace(take_screening(SARAH.code, answers, "", at, SHIPPED), version=version)


def test_nothing_due_when_nothing_changed() -> None:
    due = due_again(SARAH, screening(TODAY), terms_version="2026-11-1", questions=FILE, today=TODAY)
    assert not due.any and due.why == ()


def test_changed_terms_are_agreed_again() -> None:
    due = due_again(SARAH, None, terms_version="2027-01-1", questions=FILE, today=TODAY)
    assert due.terms and not due.screening
    assert due.why == ("terms agreed: 2026-11-1; now 2027-01-1",)


def test_no_terms_version_kept_or_no_usable_terms_asks_nothing() -> None:
    paper = replace(SARAH, terms_version="", terms_agreed_at=None)  # added by staff, imported
    assert not due_again(paper, None, terms_version="2027-01-1", questions=FILE, today=TODAY).any
    assert not due_again(SARAH, None, terms_version="", questions=FILE, today=TODAY).any


def test_a_new_version_of_the_questions_is_screened_again() -> None:
    due = due_again(
        SARAH, screening(TODAY, "2026-11-1"), terms_version="2026-11-1", questions=FILE,
        today=TODAY,
    )  # fmt: skip
    assert due.screening and not due.terms
    assert due.why == ("health questions changed: answered 2026-11-1; now 2026-12-1",)
    old = due_again(
        SARAH, screening(TODAY, ""), terms_version="2026-11-1", questions=FILE, today=TODAY
    )
    assert old.screening and "answered before versions" in old.why[0]


def test_the_shipped_fallback_is_no_change_of_version() -> None:
    due = due_again(
        SARAH, screening(TODAY, "2027-1"), terms_version="2026-11-1", questions=SHIPPED,
        today=TODAY,
    )  # fmt: skip
    assert not due.any


@pytest.mark.parametrize(
    ("taken", "months", "due"),
    [
        (date(2025, 11, 23), 12, False),  # 12 months to the day: still valid
        (date(2025, 11, 22), 12, True),
        (date(2026, 5, 22), 6, True),
        (date(2026, 5, 23), 6, False),
    ],
)
def test_a_screening_older_than_valid_months_is_screened_again(
    taken: date, months: int, due: bool
) -> None:
    found = due_again(
        SARAH, screening(taken), terms_version="2026-11-1", questions=FILE, today=TODAY,
        valid_months=months,
    )  # fmt: skip
    assert found.screening is due and not found.terms
    if due:
        assert found.why == (f"health screening of {taken:%d/%m/%Y} is over {months} months old",)


def test_no_screening_kept_is_not_asked_again() -> None:
    # no consent at registration: nothing kept, and the see-trainer flag sends them to a trainer
    assert not due_again(SARAH, None, terms_version="2026-11-1", questions=FILE, today=TODAY).any


def test_months_before_is_the_same_as_privacy_uses() -> None:
    from kiosk.store.privacy import months_before as privacy_months_before

    assert privacy_months_before is months_before
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)


def test_agreed_records_the_version_and_time() -> None:
    terms = Terms("2027-01-1", "Some terms")
    later = NOW.replace(year=2027)
    assert agreed(SARAH, terms, later) == replace(
        SARAH, terms_version="2027-01-1", terms_agreed_at=later
    )
    with pytest.raises(ValueError, match="no terms"):
        agreed(SARAH, Terms(), later)


def test_flag_for_adds_to_the_history() -> None:
    flagged = replace(SARAH, see_trainer=True, see_trainer_note="set 01/01/2026: knee")
    yes = take_screening(
        SARAH.code, {q.id: q.id == "heart" for q in SHIPPED.screening}, "", NOW, SHIPPED
    )
    after = flag_for(flagged, yes, True, NOW)
    assert after.see_trainer
    assert after.see_trainer_note.splitlines() == [
        "set 01/01/2026: knee",
        "set 23/11/2026: health screening answer: no EMS until a trainer clears it",
    ]
    all_no = screening(TODAY)
    assert flag_for(SARAH, all_no, True, NOW) == SARAH
    unkept = flag_for(SARAH, all_no, False, NOW)
    assert unkept.see_trainer and "no consent" in unkept.see_trainer_note
