"""Check-in with a year of bookings loaded against the same studio with none (issue 13).

The check-in path as the kiosk runs it: today's booking for the member (Bookings.check: a few
stats and the day's list, cached), the decision, and the visit recorded (fsync'd). Two studios
with the same 5,000 members and history; one has the bookings of a busy year in force (60 a
day; about 4,000 in the window a sync keeps). Their check-ins alternate, so the disk's slow
moments land on both. Goal: ratio <= 1.2.
"""

from __future__ import annotations

import random
import shutil
import statistics
import time
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk.core.bookings import Source, new_booking
from kiosk.core.checkin import decide_check_in
from kiosk.core.members import PackKind
from kiosk.core.studio import BookingPolicy
from kiosk.store import Store

from .bench_checkin import MEMBERS, NOW, make_studio

PER_DAY = 60
DAYS_BACK, DAYS_AHEAD = 7, 60
CHECK_INS = 60
ROUNDS = 5


def book_a_year(store: Store, rng: random.Random) -> int:
    bookings = []
    first = (NOW - timedelta(days=DAYS_BACK)).replace(hour=7, minute=0)
    for day in range(DAYS_BACK + DAYS_AHEAD):
        for n in range(PER_DAY):
            start = first + timedelta(days=day, minutes=15 * n)
            code = f"FT-B{rng.randrange(MEMBERS):05d}"
            booking = new_booking(start, start + timedelta(minutes=30), code, PackKind.EMS)
            bookings.append(replace(booking, source=Source.CALENDAR, key=f"e{day}-{n}"))
    store.bookings.replace_calendar(bookings, "bench", NOW)
    return len(bookings)


def check_in(store: Store, code: str, when: datetime, policy: BookingPolicy) -> float:
    started = time.perf_counter()
    booking = store.bookings.check(code, when, policy)
    member = store.member(code)
    assert member is not None
    result = decide_check_in(
        member,
        PackKind.EMS,
        when,
        last=store.last_visit(code, PackKind.EMS),
        at_kiosk=True,
        booking=booking,
    )
    store.record_check_in(result)
    return time.perf_counter() - started


def test_check_in_is_no_slower_with_a_year_of_bookings() -> None:
    plain_dir = make_studio(1, seed=1, now=NOW)
    booked_dir = make_studio(1, seed=1, now=NOW)
    policy = BookingPolicy()
    try:
        with Store.open(plain_dir) as plain, Store.open(booked_dir) as booked:
            count = book_a_year(booked, random.Random(7))
            rng = random.Random(3)
            codes = [f"FT-B{i:05d}" for i in rng.sample(range(MEMBERS), CHECK_INS * ROUNDS)]
            ratios = []
            times: dict[str, list[float]] = {"none": [], "booked": []}
            for r in range(ROUNDS):
                when = NOW.replace(hour=8) + timedelta(days=r)  # a new day: nobody checked in
                round_times: dict[str, list[float]] = {"none": [], "booked": []}
                for code in codes[r * CHECK_INS : (r + 1) * CHECK_INS]:
                    round_times["none"].append(check_in(plain, code, when, policy))
                    round_times["booked"].append(check_in(booked, code, when, policy))
                for name, got in round_times.items():
                    times[name] += got
                ratios.append(
                    statistics.median(round_times["booked"])
                    / statistics.median(round_times["none"])
                )
    finally:
        shutil.rmtree(plain_dir, ignore_errors=True)
        shutil.rmtree(booked_dir, ignore_errors=True)
    ratio = statistics.median(ratios)
    print(
        f"\ncheck-in with {count} bookings in force: median "
        f"{statistics.median(times['booked']) * 1000:.2f} ms against "
        f"{statistics.median(times['none']) * 1000:.2f} ms with none "
        f"({CHECK_INS} check-ins x {ROUNDS} rounds); ratio {ratio:.2f} (goal <= 1.2)"
    )
    assert ratio <= 1.2
