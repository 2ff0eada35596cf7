"""No-shows at the end of the day (issue 13): at closing time on the kiosk's clock, and at
start-up for the days before, each missed booking is recorded once; with
`no_show_uses_session` it takes a session, as a visit flagged no-show that history and the
CSV export show; excusing it gives the session back. The form rules for own bookings too."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from textual.pilot import Pilot

from kiosk.core.booking_form import read_booking_form
from kiosk.core.bookings import (
    LONDON,
    Booking,
    MatchRule,
    Missed,
    MissedReason,
    cancelled,
    new_booking,
)
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.csvio import visits_csv
from kiosk.core.members import PackKind, Visit, VisitFlag
from kiosk.core.no_shows import charge_for, missed_visit_id, next_closing
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.day_end import excuse, record_missed_visit
from tests.staff_helpers import OLLY, SARAH, TOM, add_members
from tests.waiting import wait_for


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)  # 23rd: a Monday


def booking(key: str, start: datetime, code: str, kind: PackKind | None = PackKind.EMS) -> Booking:
    return Booking(
        key, start, start + timedelta(minutes=30), kind, member_code=code, matched_by=MatchRule.CODE
    )


def sessions(store: Store, code: str) -> int:
    member = store.member(code)
    assert member is not None
    return member.packs[0].sessions_left


@pytest.fixture
def charging(content: Content) -> Content:
    policy = replace(content.studio.bookings, no_show_uses_session=True)
    return replace(content, studio=replace(content.studio, bookings=policy))


async def runs(app: KioskApp, pilot: Pilot[int], n: int) -> None:
    await wait_for(pilot, lambda: app.day_end.runs >= n, f"settlement {n}")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_closing_time_records_the_no_shows_once(
    charging: Content, store: Store, clock: FakeClock
) -> None:
    add_members(store, SARAH, TOM)
    clock.set(at(19))  # the studio closes at 20:00 on Mondays
    store.bookings.replace_calendar(
        [booking("sarah-9", at(9), SARAH.code), booking("tom-10", at(10), TOM.code)],
        "calendar.ics",
        at(8),
    )
    late = new_booking(at(15), at(15, 30), SARAH.code, PackKind.EMS)
    store.bookings.add(late)
    store.bookings.update(cancelled(late, at(14)))  # an hour before: a late cancel
    store.add_visit(Visit("came", SARAH.code, at(8, 55), PackKind.EMS))
    app = KioskApp(charging, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await runs(app, pilot, 1)  # start-up: the days before (nothing booked on them)
        assert store.bookings.missed() == []
        assert store.bookings.settled_through() == date(2026, 11, 22)

        clock.set(at(20))
        await runs(app, pilot, 2)
        missed = {m.booking_key: m.reason for m in store.bookings.missed()}
        assert missed == {"tom-10": MissedReason.NO_SHOW, late.key: MissedReason.LATE_CANCEL}
        assert store.bookings.settled_through() == date(2026, 11, 23)
        assert (sessions(store, TOM.code), sessions(store, SARAH.code)) == (4, 4)
        [tom] = store.visits_of(TOM.code)
        assert tom.flags == {VisitFlag.NO_SHOW} and tom.kind is None and tom.at == at(10)
        assert tom.note == "no-show: EMS session booked for 10:00"
        flags = {v.id: v.flags for v in store.visits_of(SARAH.code)}
        assert flags["came"] == frozenset()
        assert frozenset({VisitFlag.LATE_CANCEL}) in flags.values()

        # once only: a later look, or a settlement run again, records and takes nothing more
        clock.advance(3600)
        app.day_end.settle()
        await runs(app, pilot, 3)
        assert len(store.bookings.missed()) == 2
        assert (sessions(store, TOM.code), sessions(store, SARAH.code)) == (4, 4)
        assert len(store.visits_of(TOM.code)) == 1
        assert app.day_end.due == at(20, day=24)

    exported = visits_csv(store.all_visits())
    assert f"{TOM.code},2026-11-23,10:00:00,,no_show" in exported
    assert "late_cancel" in exported


@pytest.mark.parametrize("uses_session", [True, False])
async def test_a_restart_the_next_day_settles_the_day_before(
    content: Content, store: Store, clock: FakeClock, uses_session: bool
) -> None:
    policy = replace(content.studio.bookings, no_show_uses_session=uses_session)
    content = replace(content, studio=replace(content.studio, bookings=policy))
    add_members(store, TOM)
    store.bookings.replace_calendar([booking("tom-10", at(10), TOM.code)], "c.ics", at(8))
    clock.set(at(8, day=24))  # Tuesday morning: the kiosk was off at Monday's closing
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await runs(app, pilot, 1)
        [missed] = store.bookings.missed()
        assert (missed.booking_key, missed.reason) == ("tom-10", MissedReason.NO_SHOW)
        assert store.bookings.settled_through() == date(2026, 11, 23)
        assert sessions(store, TOM.code) == (4 if uses_session else 5)
        assert len(store.visits_of(TOM.code)) == (1 if uses_session else 0)


async def test_a_settlement_cut_short_takes_no_second_session(
    charging: Content, store: Store, clock: FakeClock
) -> None:
    add_members(store, TOM)
    store.bookings.replace_calendar([booking("tom-10", at(10), TOM.code)], "c.ics", at(8))
    # the visit was written, then the kiosk stopped before the day was marked settled
    missed = Missed("tom-10", TOM.code, at(10), PackKind.EMS, MissedReason.NO_SHOW)
    record_missed_visit(store, missed)
    assert sessions(store, TOM.code) == 4
    clock.set(at(8, day=24))
    app = KioskApp(charging, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await runs(app, pilot, 1)
        assert [m.booking_key for m in store.bookings.missed()] == ["tom-10"]
        assert sessions(store, TOM.code) == 4
        assert len(store.visits_of(TOM.code)) == 1


async def test_excusing_gives_the_session_back_once(store: Store) -> None:
    add_members(store, TOM)
    missed = Missed("tom-10", TOM.code, at(10), PackKind.EMS, MissedReason.NO_SHOW)
    record_missed_visit(store, missed)
    store.bookings.record_missed([missed], at(10).date())
    assert sessions(store, TOM.code) == 4
    assert excuse(store, missed).excused
    assert sessions(store, TOM.code) == 5 and store.visits_of(TOM.code) == []
    excuse(store, missed)  # again (say the first was cut short): nothing more given back
    assert sessions(store, TOM.code) == 5


async def test_a_studio_without_bookings_gets_no_bookings_files(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await runs(app, pilot, 1)
    assert not (store.directory / "bookings").exists()


def test_a_missed_booking_without_a_pack_is_a_visit_with_no_session() -> None:
    missed = Missed("olly-10", OLLY.code, at(10), PackKind.EMS, MissedReason.NO_SHOW)
    visit, check_in = charge_for(OLLY, missed)  # Olly has a PT pack only
    assert check_in is None and visit.pack_id is None and visit.id == missed_visit_id(missed)
    assert visit.note.endswith("no session taken (no pack to take it from)")
    no_kind = replace(missed, kind=None)
    assert charge_for(TOM, no_kind)[1] is None
    visit, check_in = charge_for(TOM, missed)
    assert check_in is not None and check_in.pack is not None
    assert check_in.pack.sessions_left == TOM.packs[0].sessions_left - 1
    assert missed_visit_id(missed) == missed_visit_id(replace(missed, excused=True))


def test_next_closing_skips_closed_days(content: Content) -> None:
    hours = content.studio.hours
    assert next_closing(at(10), hours) == at(20)
    assert next_closing(at(20), hours) == at(20, day=24)
    saturday = datetime(2026, 11, 28, 14, tzinfo=LONDON)  # after 13:00; Sunday is closed
    assert next_closing(saturday, hours) == at(20, day=30)


def test_the_booking_form_in_words() -> None:
    today = date(2026, 11, 23)
    form = read_booking_form(day="24/11/2026", start="9:30", minutes="45", kind="pt", today=today)
    assert form.ok and (form.start, form.end, form.kind) == (
        at(9, 30, day=24),
        at(10, 15, day=24),
        PackKind.PT,
    )
    bad = read_booking_form(day="22/11/2026", start="9h", minutes="0", kind="yoga", today=today)
    assert not bad.ok and bad.problems == {
        "day": "That day has gone by: a booking is for today or later.",
        "start": "Not a time of day: use 10:30.",
        "minutes": "Minutes: a whole number from 5 to 480.",
        "kind": "EMS, PT or Pilates (or leave it empty).",
    }
    assert read_booking_form(day="2026-11-23", start="07:00", minutes="30", today=today).ok
    assert not read_booking_form(day="31/02/2026", start="07:00", minutes="30", today=today).ok
