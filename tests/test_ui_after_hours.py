"""The calm after-hours screen in a real (headless) kiosk: it comes when the studio is closed,
shows when it opens, a clock and codes a phone can read, moves with the clock, wakes with the
first key of a name, and goes when the studio opens. Time is moved on the FakeClock only."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.console_blank import BLANK_WHEN_IDLE, KEEP_AWAKE
from kiosk.ui.screens.after_hours import AfterHoursScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.widgets.qr import QRCode

from .conftest import LONDON
from .screen import composed_strips
from .test_qr import decode, rasterise
from .waiting import on_top, wait_for

MONDAY_EVENING = datetime(2026, 11, 23, 20, 30, tzinfo=LONDON)  # closed at 20:00


def with_policy(content: Content, **settings: object) -> Content:
    policy = replace(content.studio.after_hours, **settings)  # type: ignore[arg-type]
    return replace(content, studio=replace(content.studio, after_hours=policy))


async def dimmed(pilot: Pilot[int], app: KioskApp, clock: FakeClock) -> AfterHoursScreen:
    """The front desk, left alone for `wake_minutes` after hours, dims."""
    await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
    clock.advance(app.content.studio.after_hours.wake_minutes * 60)
    front_desk(app).tick()  # its once-a-second look at the clock, without waiting for it
    await wait_for(pilot, lambda: on_top(app, AfterHoursScreen), "the calm screen")
    screen = app.screen
    assert isinstance(screen, AfterHoursScreen)
    await wait_for(pilot, lambda: screen.ticks > 0, "the calm screen to look at the clock")
    return screen


def front_desk(app: KioskApp) -> FrontDeskScreen:
    screen = app.screen
    assert isinstance(screen, FrontDeskScreen)
    return screen


def bright_cells_outside_codes(screen: AfterHoursScreen) -> list[tuple[int, int]]:
    codes = [
        q.region._replace(height=q.code_size.height)  # the caption under it is dim text
        for q in screen.query(QRCode)
        if q.display
    ]
    found = []
    for y, strip in enumerate(composed_strips(screen)):
        x = 0
        for seg in strip:
            style = seg.style
            for ch in seg.text:
                colours = [style.bgcolor if style else None]
                if ch != " " and style is not None:
                    colours.append(style.color)
                bright = any(c is not None and sum(c.get_truecolor()) > 3 * 160 for c in colours)
                if bright and not any(r.contains(x, y) for r in codes):
                    found.append((x, y))
                x += 1
    return found


@pytest.mark.parametrize("size", [(80, 24), (120, 33), (200, 60)])
async def test_closed_words_clock_and_codes_that_decode(
    content: Content, store: Store, size: tuple[int, int]
) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=size) as pilot:
        screen = await dimmed(pilot, app, clock)
        words = screen.query_one("#closed-words", Static)
        assert str(words.content) == "Closed — opens tomorrow 07:00"
        assert str(screen.query_one("#calm-clock", Static).content) == "20:32"
        shown = [q for q in screen.query(QRCode) if q.display]
        assert shown, "no code fits"
        assert len(shown) == {80: 2, 120: 3, 200: 4}[size[0]]  # 37 columns each, 2 apart
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(q.data for q in shown)
        assert bright_cells_outside_codes(screen) == []


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_moves_with_the_clock_and_stays_on_screen(
    content: Content, store: Store, size: tuple[int, int]
) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=size) as pilot:
        screen = await dimmed(pilot, app, clock)
        calm = screen.query_one("#calm")
        places = []
        for _ in range(6):
            await wait_for(pilot, lambda: calm.region.offset == screen.place, "the move")
            assert screen.region.contains_region(calm.region), (calm.region, size)
            for q in screen.query(QRCode):
                if q.display:
                    assert screen.region.contains_region(q.region)
            places.append(screen.place)
            clock.advance(content.studio.after_hours.move_minutes * 60)
            screen.tick()  # the look its once-a-second timer would take, without waiting for it
        assert all(a != b for a, b in itertools.pairwise(places)), places


async def test_a_letter_wakes_it_into_the_look_up(content: Content, store: Store) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await dimmed(pilot, app, clock)
        await pilot.press("s", "a")
        await wait_for(
            pilot,
            lambda: app.screen.query("#query") and app.screen.query_one("#query", Input).value,
            "the look-up",
        )
        assert app.screen.query_one("#query", Input).value == "sa"  # the first letter counts
        assert not any(isinstance(s, AfterHoursScreen) for s in app.screen_stack)
        # back at the front desk, it stays bright for wake_minutes, then dims again
        await pilot.press("escape")
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        desk = front_desk(app)
        clock.advance(60)
        await wait_for(pilot, lambda: desk._minute == (clock.now().toordinal(), 20, 33), "tick")
        assert app.screen is desk
        clock.advance(60)
        await wait_for(pilot, lambda: on_top(app, AfterHoursScreen), "the calm screen again")


async def test_other_keys_wake_it_f12_staff(content: Content, store: Store) -> None:
    from kiosk.ui.screens.staff_pin import PinScreen

    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await dimmed(pilot, app, clock)
        await pilot.press("space")
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        clock.advance(120)
        await wait_for(pilot, lambda: on_top(app, AfterHoursScreen), "the calm screen")
        await pilot.press("f12")
        await wait_for(pilot, lambda: on_top(app, PinScreen), "the PIN")
        assert not any(isinstance(s, AfterHoursScreen) for s in app.screen_stack)


async def test_opening_time_brings_the_front_desk_back(content: Content, store: Store) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await dimmed(pilot, app, clock)
        clock.set(datetime(2026, 11, 24, 6, 59, tzinfo=LONDON))
        screen = app.screen
        before = screen.ticks if isinstance(screen, AfterHoursScreen) else 0
        await wait_for(
            pilot,
            lambda: isinstance(screen, AfterHoursScreen) and screen.ticks > before,
            "a look at the clock",
        )
        assert app.screen is screen  # not yet
        clock.set(datetime(2026, 11, 24, 7, 0, tzinfo=LONDON))
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        desk = app.screen
        assert isinstance(desk, FrontDeskScreen)
        assert str(desk.query_one("#hours", Static).content).startswith("Open now")


async def test_turned_off_never_dims(content: Content, store: Store) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=with_policy(content, enabled=False), store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        desk = front_desk(app)
        for minutes in (5, 60, 300):
            clock.advance(minutes * 60)
            now = clock.now()
            minute = (now.toordinal(), now.hour, now.minute)
            await wait_for(
                pilot,
                lambda minute=minute: desk._minute == minute,  # type: ignore[misc]
                "the front desk to look at the clock",
            )
            assert app.screen is desk


async def test_console_may_blank_only_while_dimmed(content: Content, store: Store) -> None:
    clock = FakeClock(MONDAY_EVENING)
    app = KioskApp(content=with_policy(content, blank_after_hours=True), store=store, clock=clock)
    written: list[str] = []
    app.console_blanking.attach(written.append, 9, "linux", lambda fd: "/dev/tty1")
    assert written == [KEEP_AWAKE]
    async with app.run_test(size=(80, 24)) as pilot:
        await dimmed(pilot, app, clock)
        assert written == [KEEP_AWAKE, BLANK_WHEN_IDLE]
        await pilot.press("a")
        await wait_for(pilot, lambda: app.screen.query("#query"), "the look-up")
        assert written == [KEEP_AWAKE, BLANK_WHEN_IDLE, KEEP_AWAKE]
