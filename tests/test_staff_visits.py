"""Today's visits in staff mode, with their flags, and undoing a wrong check-in."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind, Visit, VisitFlag
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import ConfirmScreen
from kiosk.ui.screens.staff_visits import TodayScreen
from tests.staff_helpers import (
    PIN,
    SARAH,
    TOM,
    add_members,
    open_staff_mode,
    options,
    screen_text,
    settle,
)


def check_in(store: Store, code: str, kind: PackKind, clock: FakeClock) -> Visit:
    member = store.member(code)
    assert member is not None
    result = decide_check_in(member, kind, clock.now(), last=store.last_visit(code, kind))
    store.record_check_in(result)
    assert result.visit is not None
    return result.visit


def left(store: Store, code: str) -> int:
    member = store.member(code)
    assert member is not None
    return member.packs[0].sessions_left


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store)
    return KioskApp(content, store, clock)


async def test_todays_visits_newest_first_with_flags(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    yesterday = Visit("old", SARAH.code, clock.now() - timedelta(days=1), PackKind.EMS)
    store.add_visit(yesterday)
    clock.advance(60)
    check_in(store, TOM.code, PackKind.EMS, clock)  # first EMS, see trainer (flag on member)
    clock.advance(60)
    check_in(store, SARAH.code, PackKind.EMS, clock)  # a day after the last: short gap
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        shown = options(app, "#visits")
        assert shown == [
            "10:02  Sarah Kent (M1001)  EMS  [under 4 days since the last EMS]",
            "10:01  Tom Trainer (M1005)  EMS  [first EMS, see trainer]",
        ]
        assert "2 visits today" in screen_text(app)


async def test_undo_gives_the_session_back(app: KioskApp, store: Store, clock: FakeClock) -> None:
    visit = check_in(store, SARAH.code, PackKind.EMS, clock)
    assert left(store, SARAH.code) == 4
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "The session goes back to their pack." in screen_text(app)
        await pilot.press("n")  # changed their mind: nothing happens
        await settle(pilot)
        assert store.visits_on(clock.now().date()) == [visit]
        await pilot.press("enter")  # Enter on a visit asks too
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert store.visits_on(clock.now().date()) == []
        assert left(store, SARAH.code) == 5
        assert "Undone: 10:00  Sarah Kent" in screen_text(app)
        assert "No visits yet today." in screen_text(app)
        # and she can check in again today
        assert store.last_visit(SARAH.code, PackKind.EMS) is None


async def test_undo_by_touch(app: KioskApp, store: Store, clock: FakeClock) -> None:
    check_in(store, SARAH.code, PackKind.EMS, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.click("#undo")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert store.visits_on(clock.now().date()) == []


async def test_undo_with_nothing_to_undo(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("1", "u")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert "No visit chosen." in screen_text(app)


def test_give_back_is_on_disk_and_counted_once(data_dir: Path, clock: FakeClock) -> None:
    with Store.open(data_dir) as store:
        add_members(store, SARAH)
        first = check_in(store, SARAH.code, PackKind.EMS, clock)
        clock.advance(5 * 86400)
        second = check_in(store, SARAH.code, PackKind.EMS, clock)
        assert left(store, SARAH.code) == 3
        assert store.remove_visit(second.id, give_back=True) == second
        assert left(store, SARAH.code) == 4
    with Store.open(data_dir) as store:  # after a restart: not taken again, not given twice
        assert left(store, SARAH.code) == 4
        assert [v.id for v in store.visits_of(SARAH.code)] == [first.id]
        assert store.remove_visit(first.id, give_back=True) is not None
    with Store.open(data_dir) as store:
        assert left(store, SARAH.code) == 5


def test_a_visit_that_took_no_session_gives_none_back(store: Store, clock: FakeClock) -> None:
    add_members(store, SARAH)
    pack_id = SARAH.packs[0].id  # names the pack, but an import takes no session from it
    flags = frozenset({VisitFlag.IMPORTED})
    imported = Visit("imp", SARAH.code, clock.now(), PackKind.EMS, pack_id, flags)
    store.add_visit(imported)
    store.remove_visit("imp", give_back=True)
    assert left(store, SARAH.code) == 5
