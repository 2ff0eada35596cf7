"""Reading calendars (issue 13): Google and Outlook exports as those products write them, the
clock changes, repeats with EXDATEs and a moved occurrence, cancelled and all-day events,
floating and UTC times; bad files give one clear error naming the line or UID."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.bookings import (
    LONDON,
    Booking,
    BookingStatus,
    CalendarError,
    parse_calendar,
)
from kiosk.core.members import PackKind
from kiosk.core.studio import BookingPolicy

CALENDARS = Path(__file__).resolve().parent / "data" / "calendars"
UTC = ZoneInfo("UTC")
SERIES = "7kq3ob1v0c6t2pl8h5n4m9a2rs@google.com"


def read(name: str, today: date, policy: BookingPolicy | None = None) -> list[Booking]:
    text = (CALENDARS / name).read_bytes().decode("utf-8")
    return parse_calendar(text, today, policy or BookingPolicy())


def by_key(bookings: list[Booking]) -> dict[str, Booking]:
    return {b.key: b for b in bookings}


def test_google_weekly_repeat_keeps_10_00_across_the_october_clock_change() -> None:
    found = [b for b in read("google.ics", date(2026, 10, 13)) if b.key.startswith(SERIES)]
    starts = [b.start for b in found]
    assert all(s.tzinfo == LONDON for s in starts)
    # 20 October is an EXDATE; 3 November moved to the 4th at noon; 1 December is past UNTIL
    assert [s.strftime("%d %b %H:%M") for s in starts] == [
        "06 Oct 10:00",
        "13 Oct 10:00",
        "27 Oct 10:00",
        "04 Nov 12:00",
        "10 Nov 10:00",
        "17 Nov 10:00",
        "24 Nov 10:00",
    ]
    # wall time stays 10:00; the instant moves by the hour of the clock change (25 October)
    assert starts[1].astimezone(UTC).hour == 9 and starts[2].astimezone(UTC).hour == 10
    assert all(b.end - b.start == found[0].end - found[0].start for b in found)


def test_moved_occurrence_keeps_its_original_key() -> None:
    moved = by_key(read("google.ics", date(2026, 10, 13)))[f"{SERIES}/20261103T100000Z"]
    assert moved.start == datetime(2026, 11, 4, 12, 0, tzinfo=LONDON)
    assert moved.booked and moved.kind is PackKind.EMS
    assert (moved.trainer, moved.room) == ("Tom", "Suit room 1")


def test_cancelled_occurrence_is_kept_as_cancelled_with_when() -> None:
    gone = by_key(read("google.ics", date(2026, 10, 13)))[f"{SERIES}/20261110T100000Z"]
    assert gone.status is BookingStatus.CANCELLED
    assert gone.cancelled_at == datetime(2026, 11, 9, 18, 0, tzinfo=UTC)
    single = by_key(read("google.ics", date(2026, 10, 13)))["cancelled-pt-5f4e3d2c1b@google.com"]
    assert single.status is BookingStatus.CANCELLED and single.kind is PackKind.PT


def test_all_day_events_are_not_appointments() -> None:
    found = read("google.ics", date(2026, 10, 13))
    assert not any("staff training" in b.summary for b in found)
    assert all(isinstance(b.start, datetime) for b in found)


def test_utc_and_floating_times_become_london_times() -> None:
    found = by_key(read("google.ics", date(2026, 10, 13)))
    utc = found["3h1c9d0e7f2g4i5j6k8l0m1n2o@google.com"]  # 17:00Z in British Summer Time
    assert utc.start == datetime(2026, 10, 14, 18, 0, tzinfo=LONDON)
    assert utc.start.tzinfo == LONDON and utc.kind is PackKind.PILATES
    floating = found["9z8y7x6w5v4u3t2s1r0q9p8o7n@google.com"]  # no zone: the studio's time
    assert floating.start == datetime(2026, 10, 15, 9, 0, tzinfo=LONDON)
    assert (floating.kind, floating.trainer, floating.room) == (PackKind.PT, "Tom", "Gym floor")


def test_floating_times_follow_google_x_wr_timezone() -> None:
    text = (CALENDARS / "google.ics").read_bytes().decode("utf-8")
    berlin = text.replace("X-WR-TIMEZONE:Europe/London", "X-WR-TIMEZONE:Europe/Berlin")
    found = by_key(parse_calendar(berlin, date(2026, 10, 13), BookingPolicy()))
    floating = found["9z8y7x6w5v4u3t2s1r0q9p8o7n@google.com"]
    assert floating.start == datetime(2026, 10, 15, 8, 0, tzinfo=LONDON)  # 09:00 in Berlin


def test_descriptions_in_any_language_and_the_organiser_as_trainer() -> None:
    pilates = by_key(read("google.ics", date(2026, 10, 13)))[
        "3h1c9d0e7f2g4i5j6k8l0m1n2o@google.com"
    ]
    assert pilates.trainer == "Anna Nowak"
    assert "FT4H8P2W" in pilates.code_keys


def test_several_attendees_rooms_and_the_organiser_left_out() -> None:
    duo = by_key(read("google.ics", date(2026, 10, 13)))["duo-1q2w3e4r5t6y@google.com"]
    assert duo.emails == ("sarah.kent@example.com", "james@example.net")
    assert duo.room == "Suit room 2"  # from the room resource, as Google lists it


def test_outlook_windows_zone_across_the_march_clock_change() -> None:
    found = read("outlook.ics", date(2026, 3, 20))
    series = [b for b in found if b.kind is PackKind.EMS]
    assert [b.start.strftime("%d %b %H:%M %Z") for b in series] == [
        "19 Mar 18:00 GMT",
        "26 Mar 18:00 GMT",
        "02 Apr 18:00 BST",
        "09 Apr 18:00 BST",
    ]
    assert series[0].trainer == "Tom Baker" and series[0].room == "Suit room 2"
    assert series[0].emails == ("sarah.kent@example.com",)
    pt = next(b for b in found if b.kind is PackKind.PT)  # "Personal training"
    assert pt.start == datetime(2026, 3, 25, 7, 0, tzinfo=LONDON)


def test_windows_zone_name_without_a_vtimezone_is_mapped_by_icalendar() -> None:
    text = "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
            "BEGIN:VEVENT",
            "UID:no-vtimezone",
            'DTSTART;TZID="GMT Standard Time":20260701T100000',
            'DTEND;TZID="GMT Standard Time":20260701T103000',
            "SUMMARY:EMS",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )
    (found,) = parse_calendar(text, date(2026, 7, 1), BookingPolicy())
    assert found.start == datetime(2026, 7, 1, 10, 0, tzinfo=LONDON)
    assert found.start.astimezone(UTC).hour == 9  # British Summer Time, not GMT


def test_only_the_window_is_kept() -> None:
    found = read("google.ics", date(2026, 11, 20), None)  # 7 days back: from 13 November
    assert min(b.start for b in found).date() == date(2026, 11, 17)
    found = parse_calendar(
        (CALENDARS / "google.ics").read_bytes().decode("utf-8"),
        date(2026, 10, 13),
        BookingPolicy(),
        back_days=0,
        ahead_days=1,
    )
    assert {b.start.date() for b in found} == {date(2026, 10, 13), date(2026, 10, 14)}


def test_kind_words_are_configurable() -> None:
    policy = BookingPolicy(ems_words=("Strom",), pilates_words=("reformer",))
    found = by_key(read("google.ics", date(2026, 10, 13), policy))
    assert found["3h1c9d0e7f2g4i5j6k8l0m1n2o@google.com"].kind is PackKind.PILATES
    assert found["duo-1q2w3e4r5t6y@google.com"].kind is None  # "EMS" means nothing now


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("not-a-calendar.ics", "line 1: 'member_code,date,time' is not an iCalendar line"),
        ("cut-short.ics", "cut short: BEGIN:VEVENT on line 80 (UID 3h1c9d0e7f2g4i5j6k8l0m1n2o"),
        ("broken-event.ics", "event name-only-0p9o8i7u6y@google.com (line 157): DTSTART"),
    ],
)
def test_bad_files_name_the_line_or_uid(name: str, words: str) -> None:
    with pytest.raises(CalendarError) as caught:
        read(name, date(2026, 10, 13))
    assert words in str(caught.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "the file is empty"),
        ("BEGIN:VCALENDAR\nEND:VEVENT\n", "line 2: END:VEVENT does not match"),
        ("BEGIN:VEVENT\nEND:VEVENT\n", "line 1: BEGIN:VEVENT where the file should start"),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261013T100000Z\nEND:VEVENT\nEND:VCALENDAR\n",
            "the event on line 2 has no UID",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x1\nSUMMARY:EMS\nEND:VEVENT\nEND:VCALENDAR\n",
            "event x1 (line 2) has no start",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x2\nDTSTART:20261013T100000Z\n"
            "DTEND:20261013T090000Z\nEND:VEVENT\nEND:VCALENDAR\n",
            "event x2 (line 2) ends before it starts",
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x3\nDTSTART:20261013T100000Z\n"
            "RRULE:FREQ=SOMETIMES\nEND:VEVENT\nEND:VCALENDAR\n",
            "x3",
        ),
        ("BEGIN:VCALENDAR\n oops\nEND:VCALENDAR\n", "line 1"),
    ],
)
def test_broken_calendars(text: str, words: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse_calendar(text, date(2026, 10, 13), BookingPolicy())
    assert words in str(caught.value)
