"""Staff mode lists who the kiosk will anonymise in the next 30 days."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import StaffHome
from kiosk.ui.screens.staff_retention import RetentionScreen
from tests.conftest import LONDON
from tests.staff_helpers import PIN, SARAH, open_staff_mode, options, screen_text, settle, until

PAST = Member("M2001", "Pat", "Past", "+447700900201", joined=date(2020, 1, 1))
SOON = Member("M2002", "[b]Sue[/b]", "Soon", "+447700900202", joined=date(2024, 12, 1))
LATER = Member("M2003", "Lee", "Later", "+447700900203", joined=date(2025, 1, 1))


async def test_who_is_due_in_the_next_30_days(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    for member in (SARAH, LATER, SOON, PAST):
        store.add_member(member)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("9")
        await settle(pilot)
        assert isinstance(app.screen, RetentionScreen)
        assert options(app, "#due") == [
            "next start  Pat Past (M2001)  last seen 01/01/2020",
            "02/12/2026  [b]Sue[/b] Soon (M2002)  last seen 01/12/2024",  # plain, not markup
        ]
        text = screen_text(app)
        assert "2 members, soonest first." in text
        assert "not seen for 24 months are anonymised" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)


async def test_nobody_due(content: Content, store: Store, clock: FakeClock) -> None:
    set_pin(store.directory, PIN)
    store.add_member(LATER)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("9")
        await settle(pilot)
        assert options(app, "#due") == []
        assert "Nobody is due." in screen_text(app)


async def test_a_kiosk_that_is_never_restarted_anonymises_once_a_day(
    content: Content, store: Store, clock: FakeClock
) -> None:
    for member in (SARAH, SOON):  # Sue is due on 2 December
        store.add_member(member)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: hasattr(app, "retention"), "the store to be ready")
        app.retention.tick()  # the same day as the start: nothing to do
        assert not app.retention.running and app.retention.runs == 0
        clock.set(datetime(2026, 12, 1, 23, 59, tzinfo=LONDON))
        app.retention.tick()
        await until(pilot, lambda: app.retention.runs == 1, "the first daily run")
        assert store.member(SOON.code) is not None  # not due yet
        clock.set(datetime(2026, 12, 2, 0, 1, tzinfo=LONDON))
        app.retention.tick()
        await until(pilot, lambda: app.retention.runs == 2, "the next daily run")
        assert store.member(SOON.code) is None and store.member(SARAH.code) is not None
