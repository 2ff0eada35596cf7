"""Bookings in staff mode (issue 13): the day's schedule in words with each visit's flags, the
sync in words, matching a booking by hand (remembered for the next sync), the kiosk's own
bookings added, moved and cancelled, and a no-show excused (its session given back)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.bookings import LONDON, Booking, MatchRule, Source
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind, Visit, VisitFlag
from kiosk.store import Store
from kiosk.store.bookings import Bookings
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import ConfirmScreen
from kiosk.ui.screens.staff_bookings import (
    BookingFormScreen,
    BookingsScreen,
    MemberPickScreen,
    UnmatchedScreen,
)
from kiosk.ui.screens.staff_members import MemberScreen
from tests.staff_helpers import (
    MARKUP,
    OLLY,
    PIN,
    SARAH,
    TOM,
    add_members,
    open_staff_mode,
    options,
    screen_text,
    settle,
)
from tests.waiting import on_top, wait_for


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def booking(
    key: str,
    start: datetime,
    code: str | None,
    kind: PackKind | None = PackKind.EMS,
    *,
    trainer: str = "",
    summary: str = "",
) -> Booking:
    return Booking(
        key=key,
        start=start,
        end=start + timedelta(minutes=30),
        kind=kind,
        summary=summary,
        trainer=trainer,
        member_code=code,
        matched_by=MatchRule.CODE if code else MatchRule.NONE,
    )


UNMATCHED = booking("jane@google.com", at(9, 30), None, summary="EMS - Jane Doe")


def put_calendar(data_dir: Path, *bookings: Booking, now: datetime) -> None:
    Bookings(data_dir).replace_calendar(bookings, "calendar.ics", now)


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store, SARAH, OLLY, TOM, MARKUP)
    return KioskApp(content, store, clock)


async def open_bookings(app: KioskApp, pilot: Pilot[int]) -> BookingsScreen:
    await open_staff_mode(app, pilot)
    await pilot.press("8")
    await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the bookings")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, BookingsScreen)
    return screen


async def test_the_days_schedule_in_words_with_the_flags(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    clock.set(at(10, 30))
    put_calendar(
        store.directory,
        booking("sarah-9", at(9), SARAH.code, trainer="Tom"),
        UNMATCHED,
        booking("tom-10", at(10), TOM.code),
        booking("olly-11", at(11), OLLY.code, PackKind.PT),
        now=at(10, 20),
    )
    store.add_visit(
        Visit("v1", SARAH.code, at(8, 55), PackKind.EMS, flags=frozenset({VisitFlag.SEE_TRAINER}))
    )
    store.add_visit(Visit("v2", MARKUP.code, at(10, 5), PackKind.PT))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bookings(app, pilot)
        lines = options(app, "#schedule")
        assert lines == [
            "09:00  EMS     Sarah Kent (M1001)  arrived 08:55  [see trainer]  with Tom",
            '09:30  EMS     unmatched: "EMS - Jane Doe"  late: 1 hour',
            "10:00  EMS     Tom Trainer (M1005)  late: 30 minutes",
            "10:05  PT      [bold]Bob[/bold] Smith[/] (M1009)  walk-in 10:05",
            "11:00  PT      Olly Used (M1003)  booked",
        ]
        text = screen_text(app)
        assert "Bookings last synced 10:20 today (4 bookings)." in text
        assert "1 unmatched from today on: U to match them." in text
        assert "23/11/2026 (today): 1 booked, 1 arrived, 2 late, 1 walk-in" in text

        # Enter on a member's line opens them in the member screen; Esc comes back
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: on_top(app, MemberScreen), "Tom's record")
        screen = app.screen
        assert isinstance(screen, MemberScreen) and screen.code == TOM.code
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)

        # the unmatched line has nobody to open
        await pilot.press("up", "enter")
        await pilot.pause()
        assert "No member to open: H matches this booking to one." in screen_text(app)

        # the day before and after
        await pilot.press("right")
        await settle(pilot)
        assert "24/11/2026 (Tuesday)" in screen_text(app)
        assert options(app, "#schedule") == ["No bookings and no visits on this day."]


async def test_a_schedule_fits_80x24(app: KioskApp, store: Store, clock: FakeClock) -> None:
    put_calendar(
        store.directory,
        *(booking(f"b{n}", at(7) + timedelta(minutes=30 * n), SARAH.code) for n in range(20)),
        now=at(9),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_bookings(app, pilot)
        for widget in ("#schedule-day", "#sync", "#schedule", "#add", "#unmatched", "#status"):
            region = screen.query_one(widget).region
            assert region.height >= 1 and region.right <= 80 and region.bottom <= 24, widget
        assert screen.query_one(".staff-keys").region.bottom == 24


async def test_a_hand_match_is_remembered_for_the_next_sync(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    put_calendar(store.directory, UNMATCHED, now=at(9))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bookings(app, pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: on_top(app, UnmatchedScreen), "unmatched")
        await settle(pilot)
        lines = options(app, "#unmatched")
        assert lines == ['Mon 23/11 09:30-10:00  EMS  unmatched: "EMS - Jane Doe"']
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_top(app, MemberPickScreen), "the pick")
        assert 'Who is "EMS - Jane Doe" for?' in screen_text(app)
        await pilot.press(*"kent")
        await wait_for(pilot, lambda: options(app, "#found") != [], "Sarah found")
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_top(app, UnmatchedScreen), "back")
        await settle(pilot)
        assert store.bookings.hand_matches() == {UNMATCHED.key: SARAH.code}
        assert "Matched: remembered for the next sync." in screen_text(app)
        assert options(app, "#unmatched") == ["Every booking from today on has its member."]
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)
        assert options(app, "#schedule")[0].startswith("09:30  EMS     Sarah Kent (M1001)")

    # the next sync brings the same booking, unmatched again: the hand match is applied
    put_calendar(store.directory, UNMATCHED, now=at(10))
    again = Bookings(store.directory).on(at(9).date())
    assert [(b.member_code, b.matched_by) for b in again] == [(SARAH.code, MatchRule.HAND)]


async def test_own_bookings_added_moved_and_cancelled(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bookings(app, pilot)
        await pilot.press("a")
        await wait_for(pilot, lambda: on_top(app, MemberPickScreen), "the pick")
        await pilot.press(*"kent")
        await wait_for(pilot, lambda: options(app, "#found") != [], "Sarah found")
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_top(app, BookingFormScreen), "the form")
        assert app.screen.query_one("#date", Input).value == "23/11/2026"
        # a time that is no time: the field says so and nothing is saved
        await pilot.press("enter", *"25:00", "f10")
        await pilot.pause()
        assert "Not a time of day: use 10:30." in screen_text(app)
        form = app.screen
        form.query_one("#time", Input).value = "14:30"
        form.query_one("#trainer", Input).value = "Tom"
        await pilot.press("f10")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)
        [own] = store.bookings.own()
        assert (own.start, own.end, own.kind, own.source) == (
            at(14, 30),
            at(15),
            PackKind.EMS,
            Source.KIOSK,
        )
        assert options(app, "#schedule") == [
            "14:30  EMS     Sarah Kent (M1001)  booked  with Tom  (own)"
        ]
        assert "Booked: Mon 23/11 14:30-15:00  EMS  Sarah Kent (M1001)  with Tom" in screen_text(
            app
        )

        await pilot.press("m")
        await wait_for(pilot, lambda: on_top(app, BookingFormScreen), "the form")
        app.screen.query_one("#time", Input).value = "16:00"
        await pilot.press("f10")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)
        [own] = store.bookings.own()
        assert own.start == at(16)
        assert "Moved to Mon 23/11 16:00-16:30." in screen_text(app)
        assert options(app, "#schedule")[0].startswith("16:00  EMS     Sarah Kent")

        await pilot.press("c")
        await wait_for(pilot, lambda: on_top(app, ConfirmScreen), "the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)
        [own] = store.bookings.own()
        assert not own.booked and own.cancelled_at == clock.now()
        # cancelled less than 24 hours before: a late cancel
        assert options(app, "#schedule") == [
            "16:00  EMS     Sarah Kent (M1001)  late cancel  with Tom  (own)"
        ]


async def test_calendar_bookings_are_changed_in_the_calendar(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    put_calendar(store.directory, booking("tom-14", at(14), TOM.code), now=at(9))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_bookings(app, pilot)
        for key in ("m", "c"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, BookingsScreen)
            assert "This booking is in the studio's calendar" in screen_text(app)
        assert store.bookings.calendar()[0].booked


@pytest.fixture
def charging(content: Content) -> Content:
    policy = replace(content.studio.bookings, no_show_uses_session=True)
    return replace(content, studio=replace(content.studio, bookings=policy))


async def test_a_no_show_excused_gives_the_session_back(
    charging: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    add_members(store, SARAH, TOM)
    yesterday = at(10, day=22) - timedelta(days=1)  # Saturday 21st, open 08:00-13:00
    put_calendar(store.directory, booking("tom-sat", yesterday, TOM.code), now=at(9, day=20))
    app = KioskApp(charging, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.day_end.runs >= 1, "the start-up settlement")
        tom = store.member(TOM.code)
        assert tom is not None and tom.packs[0].sessions_left == 4
        screen = await open_bookings(app, pilot)
        await pilot.press("left", "left")
        await settle(pilot)
        assert screen.day == yesterday.date()
        assert options(app, "#schedule") == [
            "10:00  EMS     Tom Trainer (M1005)  no-show, recorded"
        ]
        await pilot.press("x")
        await wait_for(pilot, lambda: on_top(app, ConfirmScreen), "the question")
        assert "Excuse this no-show?" in screen_text(app)
        await pilot.press("y")
        await wait_for(pilot, lambda: on_top(app, BookingsScreen), "the schedule")
        await settle(pilot)
        assert options(app, "#schedule") == ["10:00  EMS     Tom Trainer (M1005)  no-show, excused"]
        tom = store.member(TOM.code)
        assert tom is not None and tom.packs[0].sessions_left == 5
        assert store.visits_of(TOM.code) == []
        assert [m.excused for m in store.bookings.missed()] == [True]
        await pilot.press("x")
        await pilot.pause()
        assert "Already excused." in screen_text(app)
