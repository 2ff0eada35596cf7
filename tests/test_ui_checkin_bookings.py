"""Check-in against today's bookings: the client is greeted with their session, its kind needs no
choosing, early, late and walk-in visits are flagged for the trainer, and a studio that takes no
walk-ins sends them to the trainer without using a session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from textual.pilot import Pilot

from kiosk.core.bookings import new_booking
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind, VisitFlag
from kiosk.store import Store
from kiosk.store.bookings import Bookings
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.widgets.band import Outcome, ResultBand
from tests.ui_checkin_helpers import PIA, SARAH, ZOE, add_members, screen_text
from tests.waiting import on_top, wait_for


@pytest.fixture
def members_store(store: Store) -> Iterator[Store]:
    add_members(store)
    yield store


def book(store: Store, code: str, start: datetime, kind: PackKind) -> None:
    end = start + timedelta(minutes=30)
    Bookings(store.directory).add(
        new_booking(start, end, code, kind, trainer="Tom", room="suit room 1")
    )


async def check_in(app: KioskApp, pilot: Pilot[int], code: str, *answers: str) -> Outcome:
    await pilot.press(*code, "enter", *answers)
    await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
    return app.screen.query_one(ResultBand).outcome


async def test_a_booked_client_is_greeted_with_their_session(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    book(members_store, SARAH.code, clock.now() + timedelta(minutes=30), PackKind.EMS)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, SARAH.code, "n", "n", "n", "n", "n", "n", "n") in (
            Outcome.CHECKED_IN,
            Outcome.SEE_TRAINER,
        )
        assert "Your EMS session at 10:30 with Tom, suit room 1." in screen_text(app)
    [visit] = members_store.visits_of(SARAH.code)
    assert not {VisitFlag.NO_BOOKING, VisitFlag.TOO_EARLY, VisitFlag.LATE} & visit.flags


async def test_the_booking_says_which_session_so_nobody_has_to_choose(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    book(members_store, ZOE.code, clock.now() + timedelta(minutes=5), PackKind.PILATES)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, ZOE.code) is Outcome.CHECKED_IN  # no session choice
        assert "Your Pilates session at 10:05" in screen_text(app)
    assert [v.kind for v in members_store.visits_of(ZOE.code)] == [PackKind.PILATES]


async def test_too_early_and_late_are_said_and_flagged(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    book(members_store, PIA.code, clock.now() + timedelta(hours=2), PackKind.PILATES)
    book(members_store, ZOE.code, clock.now() - timedelta(minutes=25), PackKind.PT)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, PIA.code) is Outcome.CHECKED_IN
        assert "You are early: your session starts at 12:00" in screen_text(app)
        await pilot.press("x")
        assert await check_in(app, pilot, ZOE.code) is Outcome.CHECKED_IN
        assert "Your session started at 09:35, 25 minutes ago." in screen_text(app)
    [early] = members_store.visits_of(PIA.code)
    assert VisitFlag.TOO_EARLY in early.flags and "120 min early" in early.note
    [late] = members_store.visits_of(ZOE.code)
    assert late.kind is PackKind.PT and VisitFlag.LATE in late.flags


async def test_a_walk_in_is_checked_in_and_flagged(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    book(members_store, ZOE.code, clock.now(), PackKind.PT)  # the studio keeps bookings
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, PIA.code) is Outcome.CHECKED_IN
        assert "We have no booking for you today." not in screen_text(app)
        assert "You are welcome as a walk-in" in screen_text(app)
    [visit] = members_store.visits_of(PIA.code)
    assert VisitFlag.NO_BOOKING in visit.flags


async def test_no_walk_ins_sends_them_to_the_trainer_and_uses_no_session(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    studio = replace(content.studio, bookings=replace(content.studio.bookings, walk_ins=False))
    book(members_store, ZOE.code, clock.now(), PackKind.PT)
    app = KioskApp(replace(content, studio=studio), members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, PIA.code) is Outcome.SEE_TRAINER
        assert "we have no booking for you today" in screen_text(app)
        assert "no session is used" in screen_text(app)
    assert members_store.visits_of(PIA.code) == []
    after = members_store.member(PIA.code)
    assert after is not None and after.packs[0].sessions_left == PIA.packs[0].sessions_left


async def test_a_studio_without_bookings_flags_nobody(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await check_in(app, pilot, PIA.code) is Outcome.CHECKED_IN
        assert "booking" not in screen_text(app)
    [visit] = members_store.visits_of(PIA.code)
    assert VisitFlag.NO_BOOKING not in visit.flags
