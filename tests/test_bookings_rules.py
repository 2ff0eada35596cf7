"""Bookings at check-in and after the day (issue 13): matching to members in the set order,
too early / late, walk-ins, free EMS slots, no-shows and late cancels, the day's schedule.
Times come from a FakeClock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.core.bookings import (
    LONDON,
    Attendance,
    Booking,
    BookingFlag,
    MatchRule,
    MemberDirectory,
    MissedReason,
    Timing,
    booking_today,
    cancelled,
    check_booking,
    day_schedule,
    days_to_settle,
    free_slots,
    free_slots_text,
    is_late_cancel,
    match_bookings,
    missed_on,
    new_booking,
    parse_calendar,
)
from kiosk.core.clock import FakeClock
from kiosk.core.members import Member, PackKind, Visit
from kiosk.core.studio import BookingPolicy, OpeningHours, Period

CALENDARS = Path(__file__).resolve().parent / "data" / "calendars"
POLICY = BookingPolicy()
SARAH = Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121", "Sarah.Kent@example.com")
ZOE = Member("FT-4H8P2W", "Zoë", "O'Neil", "+447700900456", "zoe@example.org")
JAMES = Member("FT-9C6D3F", "James", "Taylor", "+447700900789", "james@example.net")
SAM1 = Member("FT-S1S1S1", "Sam", "Smith", "+447700900001")
SAM2 = Member("FT-S2S2S2", "Sam", "Smith", "+447700900002")
MEMBERS = [SARAH, ZOE, JAMES, SAM1, SAM2]
WEEKDAYS = (Period(7 * 60, 20 * 60),)
HOURS = OpeningHours((WEEKDAYS,) * 5 + ((Period(8 * 60, 13 * 60),), ()))


def at(day: int, hour: int, minute: int = 0, month: int = 10) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def booking(start: datetime, code: str | None = SARAH.code, **kw: object) -> Booking:
    end = start + timedelta(minutes=30)
    b = Booking(f"k-{start:%d%H%M}-{code}", start, end, PackKind.EMS, member_code=code)
    return replace(b, **kw)  # type: ignore[arg-type]


def google() -> dict[str, Booking]:
    text = (CALENDARS / "google.ics").read_bytes().decode("utf-8")
    found = parse_calendar(text, date(2026, 10, 13), POLICY)
    return {b.key: b for b in match_bookings(found, MemberDirectory(MEMBERS), {})}


# -- matching, in order: code, e-mail, phone, full name -------------------------------------


def test_a_member_code_in_the_description_matches_first() -> None:
    pilates = google()["3h1c9d0e7f2g4i5j6k8l0m1n2o@google.com"]
    assert (pilates.member_code, pilates.matched_by) == (ZOE.code, MatchRule.CODE)
    assert pilates.code_keys == () and pilates.emails == ()  # facts dropped once matched


def test_a_code_typed_with_a_space_matches_and_beats_the_email() -> None:
    found = parse_calendar(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261013T090000Z\r\n"
        "SUMMARY:EMS ft 9c6d3f\r\nATTENDEE:mailto:sarah.kent@example.com\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        date(2026, 10, 13),
        POLICY,
    )
    (matched,) = match_bookings(found, MemberDirectory(MEMBERS), {})
    assert (matched.member_code, matched.matched_by) == (JAMES.code, MatchRule.CODE)


def test_an_attendee_email_matches_whatever_its_case() -> None:
    b = google()["7kq3ob1v0c6t2pl8h5n4m9a2rs@google.com/20261013T090000Z"]
    assert (b.member_code, b.matched_by) == (SARAH.code, MatchRule.EMAIL)


def test_a_phone_number_in_the_description_matches() -> None:
    pt = google()["9z8y7x6w5v4u3t2s1r0q9p8o7n@google.com"]  # "07700 900456"
    assert (pt.member_code, pt.matched_by) == (ZOE.code, MatchRule.PHONE)


def test_an_exact_full_name_matches_with_case_and_accents_folded() -> None:
    named = google()["name-only-0p9o8i7u6y@google.com"]  # "EMS: ZOE O'NEIL"
    assert (named.member_code, named.matched_by) == (ZOE.code, MatchRule.NAME)


def test_a_name_two_members_share_matches_nobody() -> None:
    sams = google()["two-sams-1a2s3d4f5g@google.com"]
    assert sams.member_code is None and sams.names == ("sam smith",)


def test_a_booking_for_two_members_becomes_two() -> None:
    found = google()
    duo = [b for k, b in found.items() if k.startswith("duo-")]
    assert sorted((b.key, b.member_code) for b in duo) == [
        (f"duo-1q2w3e4r5t6y@google.com#{SARAH.code}", SARAH.code),
        (f"duo-1q2w3e4r5t6y@google.com#{JAMES.code}", JAMES.code),
    ]


def test_a_hand_match_wins_and_a_partial_name_does_not_match() -> None:
    b = Booking("h", at(13, 10), at(13, 11), names=("sarah",))
    directory = MemberDirectory(MEMBERS)
    assert match_bookings([b], directory, {})[0].member_code is None
    (matched,) = match_bookings([b], directory, {"h": ZOE.code})
    assert (matched.member_code, matched.matched_by) == (ZOE.code, MatchRule.HAND)


# -- at check-in ------------------------------------------------------------------------------


def test_the_booking_closest_to_now_today() -> None:
    clock = FakeClock(at(13, 11))
    early, late = booking(at(13, 9)), booking(at(13, 12))
    other_day, other_member = booking(at(14, 11)), booking(at(13, 11), ZOE.code)
    gone = cancelled(booking(at(13, 11, 5)), at(12, 9))
    bookings = [early, late, other_day, other_member, gone]
    assert booking_today(bookings, SARAH.code, clock.now()) == late
    clock.set(at(13, 10, 29))
    assert booking_today(bookings, SARAH.code, clock.now()) == early


@pytest.mark.parametrize(
    ("minutes_before", "timing", "flags"),
    [
        (46, Timing.TOO_EARLY, {BookingFlag.TOO_EARLY}),
        (45, Timing.ON_TIME, set()),
        (0, Timing.ON_TIME, set()),
        (-10, Timing.ON_TIME, set()),
        (-11, Timing.LATE, {BookingFlag.LATE}),
    ],
)
def test_too_early_and_late(minutes_before: int, timing: Timing, flags: set[BookingFlag]) -> None:
    start = at(13, 10, 30)
    b = booking(start, trainer="Tom", room="suit room 1")
    clock = FakeClock(start - timedelta(minutes=minutes_before))
    check = check_booking([b], SARAH.code, clock.now(), POLICY)
    assert (check.booking, check.timing, set(check.flags)) == (b, timing, flags)
    assert check.kind is PackKind.EMS and not check.see_trainer
    assert check.words == "Your EMS session at 10:30 with Tom, suit room 1."
    if timing is Timing.TOO_EARLY:
        assert check.advice.startswith("You are early: your session starts at 10:30, in 46 min")
    elif timing is Timing.LATE:
        assert check.advice.startswith("Your session started at 10:30, 11 minutes ago.")
    else:
        assert check.advice == ""


def test_early_and_late_minutes_come_from_the_settings() -> None:
    b = booking(at(13, 10, 30))
    policy = BookingPolicy(early_minutes=10, late_minutes=2)
    assert check_booking([b], SARAH.code, at(13, 10, 15), policy).timing is Timing.TOO_EARLY
    assert check_booking([b], SARAH.code, at(13, 10, 33), policy).timing is Timing.LATE
    hours = check_booking([b], SARAH.code, at(13, 9, 5), policy)
    assert "in 1 hour 25 minutes" in hours.advice


def test_walk_ins_are_flagged_or_sent_to_the_trainer() -> None:
    now = FakeClock(at(13, 10)).now()
    walk_in = check_booking([booking(at(14, 10))], SARAH.code, now, POLICY)
    assert walk_in.booking is None and walk_in.flags == {BookingFlag.NO_BOOKING}
    assert not walk_in.see_trainer and "walk-in" in walk_in.advice
    strict = check_booking([], SARAH.code, now, BookingPolicy(walk_ins=False))
    assert strict.see_trainer and strict.flags == {BookingFlag.NO_BOOKING}
    assert strict.advice == "Please see your trainer before your session."


def test_free_ems_slots_today() -> None:
    clock = FakeClock(at(13, 17, 10))  # a Tuesday: open 07:00-20:00
    full = [booking(at(13, 18), "a"), booking(at(13, 18), "b")]  # both suits at 18:00
    half = [booking(at(13, 18, 45), "c")]  # one suit from 18:45 to 19:15
    pt = [booking(at(13, 19, 30), "d", kind=PackKind.PT), booking(at(13, 19, 30), "e")]
    gone = [cancelled(booking(at(13, 17, 30), "f"), at(12, 9)) for _ in range(2)]
    slots = free_slots(full + half + pt + gone, clock.now(), HOURS, POLICY)
    assert [f"{s:%H:%M}" for s in slots] == ["17:30", "18:30", "19:00", "19:30"]
    assert free_slots_text(slots) == "Free today: 17:30, 18:30, 19:00, 19:30"
    one_suit = BookingPolicy(ems_suits=1)
    assert [f"{s:%H:%M}" for s in free_slots(full + half, clock.now(), HOURS, one_suit)] == [
        "17:30",
        "19:30",
    ]
    clock.set(at(18, 9))  # Sunday: closed
    assert free_slots([], clock.now(), HOURS, POLICY) == []
    assert free_slots_text([]) == ""


# -- after the day ----------------------------------------------------------------------------


def visit(code: str, when: datetime, kind: PackKind | None = PackKind.EMS) -> Visit:
    return Visit(f"v-{code}-{when:%d%H%M}", code, when, kind)


def test_no_shows_and_late_cancels() -> None:
    came = booking(at(13, 9), SARAH.code)
    missed = booking(at(13, 10), ZOE.code)
    unmatched = booking(at(13, 11), None)
    late = cancelled(booking(at(13, 12), JAMES.code), at(12, 12, 1))  # 23 h 59 min before
    in_time = cancelled(booking(at(13, 13), SAM1.code), at(12, 13))  # 24 h before
    other_day = booking(at(14, 10), ZOE.code)
    all_ = [came, missed, unmatched, late, in_time, other_day]
    visits = [visit(SARAH.code, at(13, 8, 55)), visit(ZOE.code, at(14, 10))]
    found = missed_on(date(2026, 10, 13), all_, visits, POLICY)
    assert [(m.booking_key, m.reason) for m in found] == [
        (missed.key, MissedReason.NO_SHOW),
        (late.key, MissedReason.LATE_CANCEL),
    ]
    assert is_late_cancel(late, POLICY) and not is_late_cancel(in_time, POLICY)
    assert not is_late_cancel(came, POLICY)
    assert is_late_cancel(in_time, BookingPolicy(late_cancel_hours=48))


def test_days_to_settle_at_closing_time_and_at_start_up() -> None:
    clock = FakeClock(at(13, 19, 59))  # Tuesday, closes 20:00
    assert days_to_settle(clock.now(), HOURS, date(2026, 10, 12)) == []
    clock.advance(60)
    assert days_to_settle(clock.now(), HOURS, date(2026, 10, 12)) == [date(2026, 10, 13)]
    assert days_to_settle(clock.now(), HOURS, date(2026, 10, 13)) == []
    clock.set(at(16, 8))  # start-up on Friday morning after two days off
    assert days_to_settle(clock.now(), HOURS, date(2026, 10, 13)) == [
        date(2026, 10, 14),
        date(2026, 10, 15),
    ]
    # never settled: at most 7 days back
    assert days_to_settle(clock.now(), HOURS, None)[0] == date(2026, 10, 9)


def test_the_days_schedule() -> None:
    clock = FakeClock(at(13, 10, 20))
    arrived = booking(at(13, 9), SARAH.code)
    late = booking(at(13, 10), ZOE.code)
    coming = booking(at(13, 11), JAMES.code)
    gone = cancelled(booking(at(13, 12), SAM1.code), at(13, 8))
    visits = [visit(SARAH.code, at(13, 8, 50)), visit(SAM2.code, at(13, 9, 30))]
    lines = day_schedule([arrived, late, coming, gone], visits, clock.now(), HOURS, POLICY)
    assert [(line.attendance, line.words, line.member_code) for line in lines] == [
        (Attendance.ARRIVED, "arrived 08:50", SARAH.code),
        (Attendance.WALK_IN, "walk-in 09:30", SAM2.code),
        (Attendance.LATE, "late: 20 minutes", ZOE.code),
        (Attendance.BOOKED, "booked", JAMES.code),
        (Attendance.LATE_CANCEL, "late cancel", SAM1.code),
    ]
    clock.set(at(13, 20))  # closed: who did not come is a no-show
    lines = day_schedule([late], [], clock.now(), HOURS, POLICY)
    assert lines[0].attendance is Attendance.NO_SHOW


def test_the_kiosks_own_bookings() -> None:
    b = new_booking(at(13, 10), at(13, 10, 30), SARAH.code, PackKind.EMS, trainer="Tom")
    assert b.key.startswith("kiosk-") and b.matched_by is MatchRule.KIOSK
    assert match_bookings([b], MemberDirectory([]), {}) == [b]
    with pytest.raises(ValueError, match="end after"):
        new_booking(at(13, 10), at(13, 10), SARAH.code, None)
