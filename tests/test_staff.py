"""Staff mode: opening it (F12, five taps), the home menu, idle logout, back up now, warnings,
and the only way out of the kiosk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.store.backup import list_backups, verify_backup
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.lockdown import LEFT_BY_STAFF
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.staff import ConfirmScreen, StaffHome
from kiosk.ui.screens.staff_members import FindMemberScreen
from kiosk.ui.screens.staff_pin import PinScreen
from kiosk.ui.screens.staff_visits import TodayScreen
from tests.staff_helpers import PIN, add_members, open_staff_mode, screen_text, type_pin, until


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store)
    return KioskApp(content, store, clock)


async def test_f12_and_the_pin_open_staff_mode(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        await type_pin(pilot, "1111")
        assert isinstance(app.screen, PinScreen)
        assert "Wrong PIN. 4 more tries" in screen_text(app)
        await type_pin(pilot, PIN)
        assert isinstance(app.screen, StaffHome)
        assert [type(s) for s in app.screen_stack[1:]] == [FrontDeskScreen, StaffHome]
        await pilot.press("f12")  # already open: no second PIN prompt
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)


async def test_five_taps_on_the_studio_name_ask_for_the_pin(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            await pilot.click("#studio-name")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        await pilot.click("#studio-name")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)


async def test_the_pin_is_never_shown(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12", *PIN)
        await pilot.pause()
        assert app.screen.query_one("#pin", Input).value == PIN
        assert PIN not in app.export_screenshot()


async def test_the_hint_on_the_front_desk_names_f12(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)):
        assert "F12 staff" in screen_text(app)


async def test_idle_staff_mode_logs_out(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("1")  # today's visits
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        clock.advance(119)
        assert screen.idle_for < screen.idle_seconds  # so no look at the clock logs out yet
        await pilot.press("down")  # using it starts the two minutes again
        assert screen.idle_for == 0
        clock.advance(119)
        assert isinstance(app.screen, TodayScreen)
        clock.advance(2)
        await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
        assert not any(isinstance(s, StaffHome) for s in app.screen_stack)
        # and it needs the PIN again
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)


async def test_idle_time_comes_from_the_studio(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    studio = replace(content.studio, staff=replace(content.studio.staff, idle_seconds=30))
    app = KioskApp(replace(content, studio=studio), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        assert "Logs out after 30 s" in screen_text(app)
        clock.advance(31)
        await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))


async def test_menu_by_number_by_enter_and_escape_leaves(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, FindMemberScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)
        await pilot.press("down", "enter")  # the second item, chosen with the arrow keys
        await pilot.pause()
        assert isinstance(app.screen, FindMemberScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")  # Esc at home leaves staff mode
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_exit_the_kiosk_asks_first(app: KioskApp) -> None:
    left: list[int] = []
    app.leave_kiosk = lambda code=0: left.append(code)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("enter")  # "No" has the focus: Enter is safe
        await pilot.pause()
        assert isinstance(app.screen, StaffHome) and left == []
        await pilot.press("7", "n")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome) and left == []
        await pilot.press("7", "y")
        await pilot.pause()
        assert left == [0]


async def test_exit_really_ends_the_app(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("7")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == LEFT_BY_STAFF


async def test_back_up_now(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("5")
        await until(pilot, lambda: "Backed up to" in screen_text(app))
    backups = list_backups(store.directory)
    assert len(backups) == 1
    verify_backup(backups[0])
    assert (backups[0] / "members.json").read_bytes() == (
        store.directory / "members.json"
    ).read_bytes()


async def test_back_up_now_says_why_it_failed(app: KioskApp, store: Store) -> None:
    (store.directory / "backups").write_text("not a folder")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("5")
        await until(pilot, lambda: "Backup failed" in screen_text(app))
        text = screen_text(app)
        assert "Backup failed" in text and "Traceback" not in text
        assert isinstance(app.screen, StaffHome)


async def test_start_up_warnings_are_shown(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    warning = "members.json was damaged [bold]and[/] restored from the backup of 24 November."
    app = KioskApp(content, store, clock, warnings=[warning])
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        assert warning in screen_text(app)  # plain text, brackets and all


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_home_fits_the_screen(app: KioskApp, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await open_staff_mode(app, pilot)
        menu = app.screen.query_one("#menu")
        assert menu.region.bottom <= size[1] - 1  # above the keys line
        assert menu.region.right <= size[0]
        keys = app.screen.query_one(".staff-keys")
        assert keys.region.y == size[1] - 1


def test_no_half_blocks_or_ticks_in_staff_mode() -> None:
    # the Pi console font lacks them (../shared/notes/linux-console.md)
    screens = Path(__file__).resolve().parent.parent / "kiosk" / "ui" / "screens"
    paths = list(screens.glob("staff*"))
    assert len(paths) >= 5
    for path in paths:
        text = path.read_text()
        for glyph in "▀▄▁▂▃▌▐▔▏▕✓—\u2013€━":  # \u2013: en dash
            assert glyph not in text, f"{glyph} in {path}"
