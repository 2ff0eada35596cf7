"""A USB scanner (a code and Enter, all at once) wherever a client may be on the check-in path,
and the first name on every screen after a member is picked."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.session import SessionKindScreen
from kiosk.ui.widgets.band import Outcome, ResultBand
from tests.ui_checkin_helpers import (
    OLLY,
    PIA,
    SARAH,
    ZOE,
    add_members,
    by_name,
    readiness_keys,
    screen_text,
)
from tests.waiting import on_top, wait_for


@pytest.fixture
def members_store(store: Store) -> Iterator[Store]:
    add_members(store)
    yield store


def scan(app: KioskApp, code: str) -> None:
    """Every key of a scan at once, before the kiosk has acted on any of them."""
    for char in code:
        app.post_message(events.Key("minus" if char == "-" else char, char))
    app.post_message(events.Key("enter", "\r"))


async def checked_in(app: KioskApp, pilot: Pilot[int], store: Store, code: str) -> None:
    await wait_for(pilot, lambda: len(store.visits_of(code)) == 1, f"{code} checked in")
    await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
    assert app.screen.query_one(ResultBand).outcome is Outcome.CHECKED_IN


async def test_a_scan_on_the_session_choice_checks_the_scanned_member_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*by_name("zoe adams", ZOE))
        assert isinstance(app.screen, SessionKindScreen)
        assert "Zoë" in screen_text(app)
        scan(app, PIA.code)  # "M1006": its "1" must not choose Zoë's first session
        await checked_in(app, pilot, members_store, PIA.code)
        assert "Welcome, Pia." in screen_text(app)
        assert members_store.visits_of(ZOE.code) == []


async def test_a_scan_on_the_readiness_questions_checks_the_scanned_member_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SARAH.code, "enter")
        assert isinstance(app.screen, QuestionsScreen)
        assert "Sarah, before your EMS session" in screen_text(app)  # whose card it was
        scan(app, PIA.code)
        await checked_in(app, pilot, members_store, PIA.code)
        assert members_store.visits_of(SARAH.code) == []


async def test_x_then_a_scan_on_a_result_checks_in_and_x_is_typed_nowhere(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*OLLY.code, "enter")
        assert app.screen.query_one(ResultBand).outcome is Outcome.PACK_USED_UP
        await pilot.press("x")  # a person closes it...
        scan(app, PIA.code)  # ...and the next client scans at once
        await checked_in(app, pilot, members_store, PIA.code)


async def test_a_scan_on_the_prep_card_checks_the_next_client_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SARAH.code, "enter", *readiness_keys("meal"))
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
        assert "Before your EMS session" in screen_text(app)  # the prep card
        scan(app, PIA.code)
        await checked_in(app, pilot, members_store, PIA.code)
        assert [v.kind for v in members_store.visits_of(SARAH.code)] == [PackKind.EMS]


async def test_a_scan_into_a_look_up_with_text_in_it_checks_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"sar", "backspace")
        assert isinstance(app.screen, LookupScreen)
        scan(app, PIA.code)
        await checked_in(app, pilot, members_store, PIA.code)


async def test_two_scans_back_to_back_check_both_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        scan(app, PIA.code)
        scan(app, ZOE.code)  # all 12 keys before the kiosk has opened anything
        await wait_for(pilot, lambda: on_top(app, SessionKindScreen), "Zoë's choice")
        assert len(members_store.visits_of(PIA.code)) == 1
        assert "Zoë" in screen_text(app)


async def test_keys_typed_after_an_enter_wait_their_turn(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for char in "qqqq":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        for char in "zz":
            app.post_message(events.Key(char, char))
        await wait_for(
            pilot,
            lambda: (
                isinstance(app.screen, LookupScreen)
                and app.screen.query_one("#query", Input).value == "qqqqzz"
            ),
            "the rest typed after 'not found'",
        )
        assert members_store.visits_of(PIA.code) == []


async def test_keys_typed_before_the_store_is_open_wait_for_it(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    from threading import Event

    may_open = Event()

    def slow_open() -> tuple[Store, list[str]]:
        may_open.wait(timeout=60)  # the store opens only once the test has typed
        return members_store, ["a warning for staff"]

    app = KioskApp(content, slow_open, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)  # painted before the store is open
        scan(app, PIA.code)
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen) and app.type_ahead.paused
        may_open.set()
        await checked_in(app, pilot, members_store, PIA.code)
        assert app.warnings == ["a warning for staff"]


async def test_a_scan_during_a_restart_ends_in_a_newline_and_still_checks_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for char in PIA.code:  # typed before the terminal left line mode: Enter is a newline
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("ctrl+j", "\n"))
        await checked_in(app, pilot, members_store, PIA.code)
