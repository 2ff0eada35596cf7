"""The check-in decision: every outcome, the EMS care rules, pack choice and warnings."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.checkin import (
    PREP_CARD,
    CheckIn,
    Outcome,
    decide_check_in,
    kind_without_choice,
    kinds_available,
    new_visit_id,
    pack_for,
    prep_card,
    with_pack,
)
from kiosk.core.fields import Problem
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.screening import READINESS_QUESTIONS, SCREENING_QUESTIONS, Readiness, take_screening
from kiosk.core.studio import load_studio

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
FAR = date(2027, 6, 30)


def ems(left: int = 5, expires: date | None = FAR, pid: str = "p1") -> Pack:
    return Pack(pid, PackKind.EMS, 10, left, expires)


def member(*packs: Pack, **more: object) -> Member:
    return Member("FT-SARAH2", "Sarah", "Kent", "+447700900121", packs=packs, **more)  # type: ignore[arg-type]


def ems_visit(days_ago: int, hour: int = 9) -> Visit:
    at = (NOW - timedelta(days=days_ago)).replace(hour=hour)
    return Visit("v-old", "FT-SARAH2", at, PackKind.EMS, "p1")


def check(m: Member, last: Visit | None = None, **kw: object) -> CheckIn:
    return decide_check_in(m, PackKind.EMS, NOW, last=last, **kw)  # type: ignore[arg-type]


def test_checked_in_takes_one_session_and_records_a_visit() -> None:
    result = check(member(ems(5)), ems_visit(7))
    assert result.outcome is Outcome.CHECKED_IN
    assert result.recorded and result.visit is not None
    assert result.visit.member_code == "FT-SARAH2"
    assert result.visit.at == NOW and result.visit.kind is PackKind.EMS
    assert result.visit.pack_id == "p1" and result.visit.flags == frozenset()
    assert result.pack == ems(4)
    assert result.days_since_last_ems == 7
    assert not result.first_ems and not result.short_gap and result.warnings == ()


def test_already_today_records_nothing_even_with_override() -> None:
    earlier = ems_visit(0, hour=8)
    for override in (False, True):
        result = check(member(ems(5)), earlier, override=override)
        assert result.outcome is Outcome.ALREADY_TODAY
        assert result.visit is None and result.pack is None


def test_yesterday_is_not_already_today() -> None:
    assert check(member(ems(5)), ems_visit(1, hour=23)).outcome is Outcome.CHECKED_IN


def test_pack_used_up() -> None:
    result = check(member(ems(0)))
    assert result.outcome is Outcome.PACK_USED_UP
    assert not result.recorded and result.pack is None


def test_pack_expired_even_with_sessions_left() -> None:
    result = check(member(ems(3, expires=TODAY - timedelta(days=1))))
    assert result.outcome is Outcome.PACK_EXPIRED
    assert not result.recorded


def test_a_pack_expiring_today_still_works() -> None:
    result = check(member(ems(3, expires=TODAY)))
    assert result.outcome is Outcome.CHECKED_IN
    assert result.expires_soon
    assert "Your EMS pack expires today." in result.warnings
    tomorrow = check(member(ems(3, expires=TODAY + timedelta(days=1))))
    assert "Your EMS pack expires tomorrow." in tomorrow.warnings
    later = check(member(ems(3, expires=TODAY + timedelta(days=9))))
    assert "Your EMS pack expires on 2 December 2026." in later.warnings


def test_no_pack_of_that_kind() -> None:
    pt = Pack("pt", PackKind.PT, 10, 10, FAR)
    result = check(member(pt))
    assert result.outcome is Outcome.NO_PACK and not result.recorded
    assert check(member()).outcome is Outcome.NO_PACK


def test_staff_override_records_a_flagged_visit() -> None:
    old = ems(2, expires=TODAY - timedelta(days=3))
    result = check(member(old), override=True)
    assert result.outcome is Outcome.CHECKED_IN and result.override
    assert result.visit is not None and VisitFlag.OVERRIDE in result.visit.flags
    assert result.pack == replace(old, sessions_left=1)  # the expired pack still pays
    used_up = check(member(ems(0)), override=True)
    assert used_up.recorded and used_up.pack is None  # nothing to take: settled at the desk
    assert used_up.visit is not None and used_up.visit.pack_id is None
    nothing = check(member(), override=True)
    assert nothing.recorded and VisitFlag.OVERRIDE in nothing.visit.flags  # type: ignore[union-attr]


def test_override_does_not_mark_a_normal_check_in() -> None:
    result = check(member(ems(5)), ems_visit(7), override=True)
    assert result.outcome is Outcome.CHECKED_IN and not result.override
    assert result.visit is not None and VisitFlag.OVERRIDE not in result.visit.flags


def said(*yes: str) -> Readiness:
    """The shipped readiness questions answered: yes to `yes`, no to the rest."""
    return Readiness.of({q.id: q.id in yes for q in READINESS_QUESTIONS})


STOPS = [q.id for q in READINESS_QUESTIONS if q.blocks]
CONCERNS = [q.id for q in READINESS_QUESTIONS if not q.blocks]


@pytest.mark.parametrize("stop", STOPS)
def test_a_stop_answer_refuses_ems_and_uses_no_session(stop: str) -> None:
    readiness = said(stop)
    result = check(member(ems(5)), ems_visit(7), readiness=readiness, at_kiosk=True)
    assert result.outcome is Outcome.SEE_TRAINER
    assert not result.recorded and result.pack is None and result.sessions_left is None
    text = next(q.text for q in READINESS_QUESTIONS if q.id == stop)
    assert result.attempt is not None
    assert result.attempt.outcome is Outcome.SEE_TRAINER and result.attempt.at == NOW
    assert result.attempt.member_code == "FT-SARAH2" and result.attempt.kind is PackKind.EMS
    assert f"said yes: {text}" in result.attempt.reasons
    assert result.reasons == result.attempt.reasons


@pytest.mark.parametrize("concern", CONCERNS)
def test_a_concern_checks_in_with_advice_and_says_which(concern: str) -> None:
    result = check(member(ems(5)), ems_visit(7), readiness=said(concern), at_kiosk=True)
    assert result.outcome is Outcome.CHECKED_IN and result.recorded and result.unprepared
    text = next(q.text for q in READINESS_QUESTIONS if q.id == concern)
    assert result.visit is not None and f"said yes: {text}" in result.visit.note
    assert result.attempt is None


def test_every_readiness_question_is_one_thing_and_yes_is_the_problem() -> None:
    for q in READINESS_QUESTIONS:
        assert q.text.endswith("?") and " and no " not in q.text
    assert not said().see_trainer and said().prepared
    assert {"unwell", "pregnant"} <= set(STOPS) and CONCERNS


def test_staff_can_check_in_after_a_stop_answer() -> None:
    result = check(member(ems(5)), ems_visit(7), readiness=said("unwell"), override=True)
    assert result.recorded and result.visit is not None
    assert {VisitFlag.OVERRIDE, VisitFlag.SEE_TRAINER} <= result.visit.flags
    assert "checked in by staff (override)" in result.visit.note


def test_member_flag_refuses_ems_at_the_kiosk_only() -> None:
    m = member(ems(5), Pack("pt", PackKind.PT, 5, 5, FAR), see_trainer=True)
    m = replace(m, see_trainer_note="set 01/11/2026: pacemaker\nset 02/11/2026: GP letter due")
    kiosk = check(m, ems_visit(7), at_kiosk=True)
    assert kiosk.outcome is Outcome.SEE_TRAINER and not kiosk.recorded
    assert kiosk.attempt is not None
    assert "see-trainer flag: set 02/11/2026: GP letter due" in kiosk.attempt.reasons
    staff = check(m, ems_visit(7))  # staff checking them in have talked to them
    assert staff.outcome is Outcome.SEE_TRAINER and staff.recorded
    assert staff.visit is not None and VisitFlag.SEE_TRAINER in staff.visit.flags
    assert "see-trainer flag: set 02/11/2026: GP letter due" in staff.visit.note
    pt = decide_check_in(m, PackKind.PT, NOW, last=None, at_kiosk=True)
    assert pt.outcome is Outcome.CHECKED_IN and pt.visit is not None
    assert pt.visit.flags == frozenset()


def test_readiness_answers_with_gaps_count_as_a_yes() -> None:
    assert Readiness.of({}).see_trainer
    assert not said().see_trainer
    assert not Readiness.of({q: False for q in STOPS}).prepared


@pytest.mark.parametrize(
    ("outcome", "m"),
    [
        (Outcome.PACK_USED_UP, member(ems(0))),
        (Outcome.PACK_EXPIRED, member(ems(3, expires=TODAY - timedelta(days=1)))),
        (Outcome.NO_PACK, member()),
    ],
)
def test_a_pack_refusal_is_an_attempt(outcome: Outcome, m: Member) -> None:
    result = check(m, ems_visit(7), at_kiosk=True)
    assert result.outcome is outcome and not result.recorded
    assert result.attempt is not None and result.attempt.outcome is outcome
    assert result.attempt.reasons[0] in ("EMS pack used up", "EMS pack expired", "no EMS pack")


def test_flag_reasons_in_words() -> None:
    first = check(member(ems(5)), None, readiness=said())
    assert first.visit is not None and first.visit.note == "first EMS session"
    gap = check(member(ems(5)), ems_visit(2), readiness=said())
    assert gap.visit is not None and gap.visit.note == "2 days since the last EMS session"
    one = check(member(ems(5)), ems_visit(1), readiness=said())
    assert one.visit is not None and one.visit.note == "1 day since the last EMS session"
    week = check(member(ems(5)), ems_visit(7), readiness=said())
    assert week.visit is not None and week.visit.note == ""


def test_a_screening_the_trainer_decides_flags_the_first_ems_session_since() -> None:
    answers = {q.id: q.id == "diabetes" for q in SCREENING_QUESTIONS}
    screening = take_screening("FT-SARAH2", answers, "", NOW - timedelta(days=10))
    assert not screening.blocks_ems and screening.needs_trainer
    first = check(member(ems(5)), ems_visit(20), screening=screening, at_kiosk=True)
    assert first.outcome is Outcome.SEE_TRAINER and first.recorded  # checked in, flagged
    assert first.visit is not None and VisitFlag.SEE_TRAINER in first.visit.flags
    assert "health screening of 13/11/2026: answers for the trainer" in first.visit.note
    later = check(member(ems(5)), ems_visit(5), screening=screening, at_kiosk=True)
    assert later.outcome is Outcome.CHECKED_IN
    clear = take_screening("FT-SARAH2", dict.fromkeys(answers, False), "", NOW)
    assert check(member(ems(5)), None, screening=clear).outcome is Outcome.CHECKED_IN


def test_first_ems_visit_ever() -> None:
    result = check(member(ems(10)), None)
    assert result.first_ems and result.days_since_last_ems is None
    assert result.visit is not None and VisitFlag.FIRST_EMS in result.visit.flags
    pt = Pack("pt", PackKind.PT, 5, 5, FAR)
    pt_result = decide_check_in(member(pt), PackKind.PT, NOW, last=None)
    assert not pt_result.first_ems


@pytest.mark.parametrize(("days", "short"), [(1, True), (3, True), (4, False), (30, False)])
def test_short_gap_is_checked_in_flagged_and_advised(days: int, short: bool) -> None:
    result = check(member(ems(5)), ems_visit(days))
    assert result.outcome is Outcome.CHECKED_IN
    assert result.days_since_last_ems == days
    assert result.short_gap is short
    assert (VisitFlag.SHORT_GAP in result.visit.flags) is short  # type: ignore[union-attr]
    assert any("4 days" in w for w in result.warnings) is short


@pytest.mark.parametrize(("left", "warned"), [(4, False), (3, True), (2, True), (1, True)])
def test_few_sessions_left_warning(left: int, warned: bool) -> None:
    result = check(member(ems(left)), ems_visit(7))
    assert result.sessions_left == left - 1
    assert result.few_sessions_left is warned
    assert any("left on your EMS pack" in w for w in result.warnings) is warned


def test_last_session_says_none_left() -> None:
    result = check(member(ems(1)), ems_visit(7))
    assert "No sessions left on your EMS pack." in result.warnings


@pytest.mark.parametrize(("days", "warned"), [(14, True), (15, False), (0, True)])
def test_expiry_within_14_days_warning(days: int, warned: bool) -> None:
    result = check(member(ems(8, expires=TODAY + timedelta(days=days))), ems_visit(7))
    assert result.expires_soon is warned


def test_the_pack_that_expires_first_is_used() -> None:
    later = ems(5, FAR, "later")
    sooner = ems(5, TODAY + timedelta(days=20), "sooner")
    never = ems(5, None, "never")
    empty = ems(0, TODAY + timedelta(days=2), "empty")
    gone = ems(5, TODAY - timedelta(days=2), "gone")
    m = member(never, later, empty, gone, sooner)
    assert pack_for(m, PackKind.EMS, TODAY) == sooner
    result = check(m, ems_visit(7))
    assert result.pack is not None and result.pack.id == "sooner"
    assert with_pack(m, result.pack).packs[4].sessions_left == 4
    assert [p.sessions_left for p in with_pack(m, result.pack).packs[:4]] == [5, 5, 0, 5]


def test_kinds_available_counts_usable_sessions() -> None:
    m = member(
        ems(2),
        ems(3, pid="p2"),
        ems(5, TODAY - timedelta(days=1), "old"),
        Pack("pil", PackKind.PILATES, 5, 1, FAR),
        Pack("pt", PackKind.PT, 5, 0, FAR),
    )
    assert kinds_available(m, TODAY) == [(PackKind.EMS, 5), (PackKind.PILATES, 1)]


def test_visit_ids_sort_by_time_and_name_their_month() -> None:
    a = new_visit_id(NOW)
    b = new_visit_id(NOW + timedelta(seconds=1))
    assert a.startswith("20261123T100000-") and a < b and a != new_visit_id(NOW)


def test_prep_card_says_water_meal_lotion_and_invents_no_time() -> None:
    text = " ".join(prep_card(PackKind.EMS)).lower()
    assert "water" in text and "2 hours" in text and "lotion" in text
    assert prep_card(PackKind.EMS) == PREP_CARD
    assert not any(ch.isdigit() for ch in " ".join(prep_card(PackKind.PT)))


def test_already_today_is_per_kind() -> None:
    pt_today = Visit("v-pt", "FT-SARAH2", NOW.replace(hour=8), PackKind.PT, "pt")
    m = member(ems(5), Pack("pt", PackKind.PT, 5, 4, FAR))
    assert decide_check_in(m, PackKind.PT, NOW, last=pt_today).outcome is Outcome.ALREADY_TODAY
    assert check(m, ems_visit(7)).outcome is Outcome.CHECKED_IN  # EMS the same day: fine


def test_the_kind_to_report_when_nothing_is_left() -> None:
    pt = Pack("pt", PackKind.PT, 5, 0, FAR)
    used_up = member(ems(0), pt)
    today = Visit("v", "FT-SARAH2", NOW.replace(hour=8), PackKind.EMS, "p1")
    assert kind_without_choice(used_up, TODAY, today) is PackKind.EMS  # already, for EMS
    week_ago = Visit("v", "FT-SARAH2", NOW - timedelta(days=7), PackKind.EMS, "p1")
    assert kind_without_choice(used_up, TODAY, week_ago) is PackKind.PT  # their newest pack
    assert kind_without_choice(used_up, TODAY, None) is PackKind.PT
    nothing = member()
    assert kind_without_choice(nothing, TODAY, None) is PackKind.EMS
    assert check(nothing).outcome is Outcome.NO_PACK


@pytest.mark.parametrize(
    ("line", "expected"),
    [('check_in_warmup = " ems-pre-session "', "ems-pre-session"), ('check_in_warmup = ""', None)],
)
def test_the_check_in_warm_up_is_a_studio_setting(
    line: str, expected: str | None, tmp_path: Path
) -> None:
    (tmp_path / "studio.toml").write_text(f'name = "Studio"\n{line}\n', encoding="utf-8")
    problems: list[Problem] = []
    assert load_studio(tmp_path, problems).check_in_warmup == expected
    assert not [p for p in problems if p.key == "check_in_warmup"]
    (tmp_path / "studio.toml").write_text('name = "Studio"\n', encoding="utf-8")
    assert load_studio(tmp_path, []).check_in_warmup is None
