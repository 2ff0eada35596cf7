"""Bookings import benchmark (issue 13), against a baseline measured in the same run.

A busy studio's year in one calendar file, written the way Google Calendar exports it: 60
bookings a day, about 15,000 events (140 weekly repeats of a year each, with some occurrences
moved or cancelled, and single bookings with an attendee, a description and a room), and 2,000
members. Importing it (`sync_calendar`: check, parse, expand the repeats in the window, match
every booking to a member, write it atomically) against only parsing the same text with
icalendar (`Calendar.from_ical`). Goal: ratio <= 3. Runs interleaved, median of ROUNDS each.
"""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.core.bookings import LONDON
from kiosk.core.members import Member
from kiosk.core.studio import BookingPolicy
from kiosk.store import Store
from kiosk.store.bookings import Bookings, sync_calendar

ROUNDS = 3
FIRST_DAY = date(2026, 1, 5)
DAYS = 364
PER_DAY = 60
SERIES = 140  # weekly repeats: 20 a day of the 60
MEMBERS = 2000
NOW = datetime(2026, 7, 1, 6, 0, tzinfo=LONDON)  # mid-year: the window is July and August


def event(lines: list[str], uid: str, start: str, end: str, summary: str, extra: list[str]) -> None:
    lines += [
        "BEGIN:VEVENT",
        f"DTSTART;TZID=Europe/London:{start}",
        f"DTEND;TZID=Europe/London:{end}",
        *extra,
        "DTSTAMP:20260101T000000Z",
        "ORGANIZER;CN=Fast Track EMS:mailto:bookings@fasttrack-ems.example",
        f"UID:{uid}@google.com",
        "CREATED:20251201T090000Z",
        "LAST-MODIFIED:20251201T090000Z",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        f"SUMMARY:{summary}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def year_calendar(rng: random.Random) -> tuple[str, int]:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Fast Track EMS bookings",
        "X-WR-TIMEZONE:Europe/London",
    ]
    events = 0
    slots = [(h, m) for h in range(7, 20) for m in (0, 30)]
    for s in range(SERIES):
        day = FIRST_DAY + timedelta(days=s % 7)
        h, m = slots[s % len(slots)]
        who = rng.randrange(MEMBERS)
        attendee = f"ATTENDEE;CN=Client {who};PARTSTAT=ACCEPTED:mailto:client{who}@example.com"
        start = f"{day:%Y%m%d}T{h:02d}{m:02d}00"
        end = f"{day:%Y%m%d}T{h:02d}{m + 25:02d}00"
        event(
            lines,
            f"series{s}",
            start,
            end,
            "EMS with Tom",
            ["RRULE:FREQ=WEEKLY;COUNT=52", attendee],
        )
        events += 1
        for week in rng.sample(range(52), 2):  # one moved, one cancelled
            was = datetime.combine(day + timedelta(weeks=week), datetime.min.time()).replace(
                hour=h, minute=m
            )
            new = was + timedelta(days=1)
            extra = [f"RECURRENCE-ID;TZID=Europe/London:{was:%Y%m%dT%H%M%S}", attendee]
            event(
                lines,
                f"series{s}",
                f"{new:%Y%m%dT%H%M%S}",
                f"{new + timedelta(minutes=25):%Y%m%dT%H%M%S}",
                "EMS with Tom",
                extra,
            )
            events += 1
    singles = PER_DAY - SERIES // 7
    for n in range(DAYS):
        day = FIRST_DAY + timedelta(days=n)
        for k in range(singles):
            h, m = slots[k % len(slots)]
            who = rng.randrange(MEMBERS)
            start = f"{day:%Y%m%d}T{h:02d}{m:02d}00"
            end = f"{day:%Y%m%d}T{h:02d}{m + 25:02d}00"
            extra = [
                f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Client {who}"
                f";X-NUM-GUESTS=0:mailto:client{who}@example.com",
                "DESCRIPTION:Booked online. Please arrive 10 minutes early and bring water.",
                f"LOCATION:Suit room {k % 2 + 1}",
            ]
            kind = ("EMS", "PT", "Pilates")[k % 3]
            event(lines, f"d{n}k{k}", start, end, f"{kind} - Client {who} with Anna", extra)
            events += 1
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n", events


def test_import_a_year_of_bookings_within_3x_of_parsing_it() -> None:
    import icalendar

    rng = random.Random(13)
    text, events = year_calendar(rng)
    directory = Path(tempfile.mkdtemp(prefix="bench-bookings-"))
    try:
        with Store.open(directory) as store:
            store.add_members(
                Member(
                    f"FT-B{i:05d}",
                    "Client",
                    f"Number{i}",
                    f"+4477009{i:05d}",
                    f"client{i}@example.com",
                )
                for i in range(MEMBERS)
            )
        parse_times: list[float] = []
        import_times: list[float] = []
        for n in range(ROUNDS):
            t0 = time.perf_counter()
            icalendar.Calendar.from_ical(text)
            t1 = time.perf_counter()
            bookings, status = sync_calendar(
                directory, text, "bench", NOW + timedelta(minutes=n), BookingPolicy()
            )
            t2 = time.perf_counter()
            parse_times.append(t1 - t0)
            import_times.append(t2 - t1)
        matched = sum(1 for b in bookings if b.member_code is not None)
        assert status.count == len(Bookings(directory).calendar()) == len(bookings)
        assert matched == len(bookings) > 60 * 60  # 67 days of 60 a day, all matched
    finally:
        shutil.rmtree(directory)
    parse_s, import_s = statistics.median(parse_times), statistics.median(import_times)
    ratio = import_s / parse_s
    print(
        f"\nbookings import: a year of {events:,} events ({len(text) / 1e6:.1f} MB, 60 a day, "
        f"{SERIES} weekly repeats), {len(bookings):,} bookings in the window, {matched:,} matched: "
        f"{import_s:.2f} s to import, {parse_s:.2f} s to only parse with icalendar: "
        f"ratio {ratio:.2f} (goal <= 3)"
    )
    assert ratio <= 3.0
