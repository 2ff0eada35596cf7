"""WCAG AA contrast of every text/background pair the client screens draw, read from the screens
themselves: each screen is run at 120x40 and every non-blank cell's colours are taken from the
composed strips, so a colour added to a .tcss file is checked without anyone listing it here.

Text needs 4.5:1; block letters and line glyphs (big digits, borders) 3:1. The same cells are then
looked at as the Linux console (TERM=linux) shows them: each colour downgraded by Rich to the 16
ANSI colours, drawn with the console's own palette, bold as the bright colour.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from rich.color import Color, ColorSystem
from rich.style import Style
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from kiosk.cli import main
from kiosk.core.checkin import Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.fields import Fields, Problem
from kiosk.core.members import PackKind
from kiosk.core.pin import FIRST_LOCK, MAX_TRIES
from kiosk.core.studio import load_studio
from kiosk.core.theme import (
    LARGE_RATIO,
    TEXT_RATIO,
    StudioTheme,
    contrast,
    hex_colour,
    load_theme,
)
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.leave_form import LeaveFormScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import RegisterScreen
from kiosk.ui.screens.result import ResultScreen, ResultView
from kiosk.ui.screens.staff import ConfirmScreen, StaffHome
from kiosk.ui.screens.staff_bookings import BookingsScreen
from kiosk.ui.screens.staff_files import FolderScreen
from kiosk.ui.screens.staff_insights import InsightsScreen
from kiosk.ui.screens.staff_members import FindMemberScreen, MemberFormScreen, MemberScreen
from kiosk.ui.screens.staff_pin import PinScreen
from kiosk.ui.screens.staff_retention import RetentionScreen
from kiosk.ui.screens.staff_visits import TodayScreen
from kiosk.ui.screens.warmup import WarmupScreen
from kiosk.ui.screens.warmup_menu import WarmupMenuScreen, open_warmups
from kiosk.ui.screens.warmup_safety import SafetyScreen

from . import staff_helpers as staff
from .conftest import CONTENT_DIR, LONDON
from .screen import composed_strips
from .test_staff_bookings import UNMATCHED, booking, put_calendar
from .test_staff_safety import kiosk_check_in
from .test_ui_after_hours import dimmed
from .ui_checkin_helpers import add_members
from .waiting import on_top, wait_for

SIZE = (120, 40)
# The Linux console's default palette (the kernel's vt.c default_red/grn/blu), in ANSI order.
LINUX = [
    (0x00, 0x00, 0x00), (0xAA, 0x00, 0x00), (0x00, 0xAA, 0x00), (0xAA, 0x55, 0x00),
    (0x00, 0x00, 0xAA), (0xAA, 0x00, 0xAA), (0x00, 0xAA, 0xAA), (0xAA, 0xAA, 0xAA),
    (0x55, 0x55, 0x55), (0xFF, 0x55, 0x55), (0x55, 0xFF, 0x55), (0xFF, 0xFF, 0x55),
    (0x55, 0x55, 0xFF), (0xFF, 0x55, 0xFF), (0x55, 0xFF, 0xFF), (0xFF, 0xFF, 0xFF),
]  # fmt: skip


@dataclass(frozen=True)
class Cell:
    """One drawn character with its colours as "#rrggbb", as the terminal would show them."""

    fg: str
    bg: str
    large: bool  # block letters and line glyphs: 3:1 is enough
    where: str  # screen name, row and the text around it, for the failure message

    @property
    def needed(self) -> float:
        return LARGE_RATIO if self.large else TEXT_RATIO


def is_large(glyph: str) -> bool:
    """Block elements and box drawing (U+2500-U+259F): the big digits, block letters, borders."""
    return 0x2500 <= ord(glyph) <= 0x259F


def truecolour(app: KioskApp, colour: Color | None, foreground: bool) -> str:
    triplet = (colour or Color.default()).get_truecolor(app.ansi_theme, foreground=foreground)
    return hex_colour(*triplet)


def console_colour(colour: Color | None, foreground: bool, bold: bool) -> str:
    if colour is None or colour.is_default:
        number = 7 if foreground else 0  # the console's own default: grey on black
    else:
        downgraded = colour.downgrade(ColorSystem.STANDARD)
        number = downgraded.number if downgraded.number is not None else 0
    if foreground and bold:
        number |= 8  # the console shows bold as the bright colour
    return hex_colour(*LINUX[number])


def cells(
    app: KioskApp, name: str, console: bool = False, within: Region | None = None
) -> Iterator[Cell]:
    """Each drawn cell, or only those `within` a region: a modal's box, whose dimmed screen
    underneath is inactive (WCAG 1.4.3 sets no contrast for inactive, incidental text)."""
    # a box or button switched off (the PIN box while locked out) is inactive too
    inactive = [w.region for w in app.screen.query("*") if w.disabled and w.can_focus]
    for row, strip in enumerate(composed_strips(app.screen)):
        line = strip.text
        x = 0
        for segment in strip:
            style: Style = segment.style or Style()
            fg, bg = style.color, style.bgcolor
            if style.reverse:
                fg, bg = bg, fg
            if console:
                pair = console_colour(fg, True, bool(style.bold)), console_colour(bg, False, False)
            else:
                pair = truecolour(app, fg, True), truecolour(app, bg, False)
            for glyph in segment.text:
                x += cell_len(glyph)
                if glyph.isspace():
                    continue  # only background: nothing to read
                if within is not None and not within.contains(x - 1, row):
                    continue
                if any(region.contains(x - 1, row) for region in inactive):
                    continue
                where = f"{name} row {row}: {line.strip()[:60]!r}"
                yield Cell(*pair, is_large(glyph), where)


class Seen:
    """Every distinct (fg, bg, large) pair drawn, with the first place it was seen."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str, bool], str] = {}
        self.console: dict[tuple[str, str, bool], str] = {}

    def look(self, app: KioskApp, name: str, within: Region | None = None) -> None:
        for cell in cells(app, name, within=within):
            self.pairs.setdefault((cell.fg, cell.bg, cell.large), cell.where)
        for cell in cells(app, name, console=True, within=within):
            self.console.setdefault((cell.fg, cell.bg, cell.large), cell.where)

    @staticmethod
    def failures(pairs: dict[tuple[str, str, bool], str]) -> list[str]:
        out = []
        for (fg, bg, large), where in pairs.items():
            needed = LARGE_RATIO if large else TEXT_RATIO
            ratio = contrast(fg, bg)
            if ratio < needed:
                out.append(f"{fg} on {bg}: {ratio:.2f}:1 < {needed}:1 at {where}")
        return out


async def settle(pilot: Pilot[int], kind: type[Screen[Any]], what: str) -> None:
    await wait_for(pilot, lambda: on_top(pilot.app, kind), what)
    await pilot.pause()


def kiosk(content: Content, store: Store, when: datetime) -> KioskApp:
    return KioskApp(content, store, FakeClock(when))


def codes_drawn(app: App[int]) -> bool:
    return any("▀" in strip.text for strip in composed_strips(app.screen))


MONDAY_OPEN = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SUNDAY_CLOSED = datetime(2026, 11, 22, 10, 0, tzinfo=LONDON)


async def look_at_client_screens(content: Content, store: Store) -> Seen:
    seen = Seen()
    add_members(store)
    for when, name in ((MONDAY_OPEN, "front desk, open"), (SUNDAY_CLOSED, "front desk, closed")):
        desk = kiosk(content, store, when)
        async with desk.run_test(size=SIZE) as pilot:
            # the codes come after the first frame: wait until they are drawn
            await wait_for(pilot, lambda: codes_drawn(pilot.app), "the QR codes")
            await pilot.pause()
            seen.look(desk, name)
            if when == SUNDAY_CLOSED:
                assert isinstance(desk.clock, FakeClock)
                await dimmed(pilot, desk, desk.clock)
                await wait_for(pilot, lambda: codes_drawn(pilot.app), "the calm screen's codes")
                await pilot.pause()
                seen.look(desk, "after hours")
    app = kiosk(content, store, MONDAY_OPEN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zzz")
        await settle(pilot, LookupScreen, "the look-up")
        seen.look(app, "look-up")
        await pilot.press("enter")
        await pilot.pause()
        seen.look(app, "look-up, not found")
        app.back_to_front_desk()
        for outcome in Outcome:
            view = ResultView(outcome, greeting="Hello Sarah", lines=("A line of detail.",))
            if outcome is Outcome.CHECKED_IN:
                view = replace(view, prep=("Drink water",), warmup="ems-pre-session")
            app.push_screen(ResultScreen(view, app.clock, 20))
            await settle(pilot, ResultScreen, outcome.value)
            seen.look(app, f"result {outcome.value}")
            app.back_to_front_desk()
        questions = [("q1", "Are you unwell or feverish today?"), ("q2", "Pregnant?")]
        app.push_screen(QuestionsScreen("Before your session", questions, app.clock, 60))
        await settle(pilot, QuestionsScreen, "the questions")
        seen.look(app, "questions")
        app.back_to_front_desk()
        app.push_screen(RegisterScreen(content.terms, app.clock))
        await settle(pilot, RegisterScreen, "registration")
        seen.look(app, "registration")
        app.screen.query_one("#phone", Input).value = "12"
        await pilot.press("tab")
        await pilot.pause()
        seen.look(app, "registration, typed")
        await pilot.press("escape")
        await settle(pilot, LeaveFormScreen, "the question before leaving")
        box = app.screen.query_one("#leave-box").region
        seen.look(app, "leave the form?", within=box)
        app.push_screen(LeaveFormScreen(app.clock, idle=True))
        await wait_for(pilot, lambda: app.screen.has_class("-idle"), "are you still there?")
        await pilot.pause()
        seen.look(app, "are you still there?", within=box)
        app.back_to_front_desk()
        open_warmups(app)
        await settle(pilot, WarmupMenuScreen, "the warm-up menu")
        seen.look(app, "warm-up menu")
        app.back_to_front_desk()
        open_warmups(app, "ems-pre-session")
        await settle(pilot, SafetyScreen, "the safety screen")
        seen.look(app, "warm-up safety")
        await pilot.press("enter")
        await settle(pilot, WarmupScreen, "the player")
        seen.look(app, "warm-up player")
        await pilot.press("space")
        await pilot.pause()
        seen.look(app, "warm-up paused")
    return seen


async def test_every_pair_on_the_client_screens_reaches_wcag_aa(
    content: Content, store: Store
) -> None:
    seen = await look_at_client_screens(content, store)
    assert len(seen.pairs) >= 10, seen.pairs  # the screens were drawn, in several colours
    failed = Seen.failures(seen.pairs)
    assert not failed, "\n".join(failed)
    # and on the Linux console, where Textual leaves 16 colours
    failed = Seen.failures(seen.console)
    assert not failed, "\n".join(failed)


def test_the_check_sees_a_weak_pair() -> None:
    # the control: grey on grey is found, white on black is not
    pairs = {("#777777", "#666666", False): "a", ("#ffffff", "#000000", False): "b"}
    assert len(Seen.failures(pairs)) == 1


def theme_problems(table: dict[str, Any]) -> tuple[StudioTheme, list[Problem]]:
    problems: list[Problem] = []
    theme = load_theme(Fields(table, "studio.toml", problems, "theme"))
    return theme, problems


def test_the_default_theme_has_no_problem_and_every_fill_carries_its_text() -> None:
    assert theme_problems({}) == (StudioTheme(), [])
    for dark in (True, False):
        colours = StudioTheme(dark=dark).colours()
        background = colours["background"]
        for name in ("primary", "accent", "success", "warning", "error", "info", "notice", "calm"):
            assert contrast(colours[f"on-{name}"], colours[name]) >= TEXT_RATIO, name
            assert contrast(colours[f"text-{name}"], background) >= TEXT_RATIO, name
        assert contrast(colours["foreground"], background) >= TEXT_RATIO
        assert contrast(colours["muted"], background) >= TEXT_RATIO


def test_a_pale_brand_is_named_with_a_colour_that_works() -> None:
    theme, problems = theme_problems({"brand": "#ffcccc"})
    assert [p.key for p in problems] == ["theme.brand"]
    message = str(problems[0])
    assert "studio.toml: theme.brand: #ffcccc under white text is 1.4:1" in message
    assert theme.brand != "#ffcccc"
    assert f'"{theme.brand}"' in message  # the colour suggested is the one used
    assert contrast(theme.brand, "#ffffff") >= TEXT_RATIO


def test_a_dim_accent_and_a_bad_value_are_named() -> None:
    theme, problems = theme_problems({"accent": "#1f6feb", "brand": "red", "dark": "yes"})
    keys = [p.key for p in problems]
    assert keys == ["theme.dark", "theme.brand", "theme.accent"]
    assert 'like "#c8102e"' in str(problems[1])
    assert theme.brand == StudioTheme().brand  # a bad value keeps the default
    assert contrast(theme.accent, StudioTheme().colours()["background"]) >= TEXT_RATIO


def test_kiosk_check_reports_a_low_contrast_brand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    studio = content / "studio.toml"
    text = studio.read_text(encoding="utf-8")
    assert 'brand = "#c8102e"' in text
    studio.write_text(text.replace("#c8102e", "#f4a6b0"), encoding="utf-8")
    args = ["--data", str(tmp_path / "data"), "--content", str(content), "check"]
    assert main(args) == 1
    assert "problem: studio.toml: theme.brand: #f4a6b0 under white text" in capsys.readouterr().out
    shipped: list[Problem] = []
    load_studio(CONTENT_DIR, shipped)
    assert shipped == []  # the control: the shipped colours pass


async def test_open_and_closed_differ_in_words_and_colour(content: Content, store: Store) -> None:
    seen: dict[str, tuple[str, Color | None]] = {}
    for when in (MONDAY_OPEN, SUNDAY_CLOSED):
        app = kiosk(content, store, when)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            hours = app.screen.query_one("#hours", Static)
            text = str(hours.render())
            seen[text.split()[0]] = (text, hours.rich_style.color)
    assert set(seen) == {"Open", "Closed"}, seen
    assert seen["Open"][1] != seen["Closed"][1]


async def test_the_owners_brand_reaches_the_screens(content: Content, store: Store) -> None:
    studio = replace(content.studio, theme=StudioTheme(brand="#005a9c"))
    app = KioskApp(replace(content, studio=studio), store, FakeClock(MONDAY_OPEN))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await settle(pilot, LookupScreen, "the look-up")
        title = app.screen.query_one("#title", Static)
        assert title.styles.background.hex.lower() == "#005a9c"


async def back_home(pilot: Pilot[int]) -> None:
    """Esc, screen by screen, back to staff mode's home menu."""
    for _ in range(3):
        if on_top(pilot.app, StaffHome):
            return
        await pilot.press("escape")
        await pilot.pause()
    await settle(pilot, StaffHome, "staff mode's home")


async def open_staff_screen(pilot: Pilot[int], key: str, kind: type[Screen[Any]]) -> None:
    await pilot.press(key)
    await settle(pilot, kind, kind.__name__)
    await staff.settle(pilot)  # its slow work (the insights' worker) done and shown


async def look_at_staff_screens(content: Content, store: Store, clock: FakeClock) -> Seen:
    seen = Seen()
    set_pin(store.directory, staff.PIN)
    staff.add_members(store)
    kiosk_check_in(store, staff.SARAH.code, PackKind.EMS, clock)
    clock.advance(60)
    kiosk_check_in(store, staff.TOM.code, PackKind.EMS, clock)  # refused: see your trainer
    tom = booking("tom@example.com", clock.now(), staff.TOM.code, summary="EMS - Tom")
    put_calendar(store.directory, UNMATCHED, tom, now=clock.now())
    warning = "studio.toml: hours.wednesday: not a time range (like 7-20): using the default"
    app = KioskApp(content, store, clock, warnings=[warning])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f12")
        await settle(pilot, PinScreen, "the PIN")
        seen.look(app, "PIN")
        await staff.type_pin(pilot, "1111")
        seen.look(app, "PIN, wrong")
        for _ in range(MAX_TRIES - 1):
            await staff.type_pin(pilot, "1111")
        assert app.screen.query_one("#pin", Input).disabled
        seen.look(app, "PIN, locked out")
        clock.advance(FIRST_LOCK.total_seconds())
        await wait_for(pilot, lambda: not app.screen.query_one("#pin").disabled, "the lock")
        await staff.type_pin(pilot, staff.PIN)
        await settle(pilot, StaffHome, "staff mode")
        seen.look(app, "staff home, a warning and the lock-out")
        await open_staff_screen(pilot, "1", TodayScreen)
        seen.look(app, "today's visits")
        await pilot.press("down")  # the flagged one
        await pilot.pause()
        seen.look(app, "today's visits, flagged")
        await pilot.press("m")
        await settle(pilot, MemberScreen, "a member's detail")
        await staff.settle(pilot)
        seen.look(app, "a member's detail")
        await back_home(pilot)
        await open_staff_screen(pilot, "2", FindMemberScreen)
        await pilot.press(*"Kent")
        await staff.settle(pilot)
        seen.look(app, "members")
        await back_home(pilot)
        await open_staff_screen(pilot, "3", MemberFormScreen)
        form = app.screen
        assert isinstance(form, MemberFormScreen)
        form.problem("phone", "Not a mobile number: like 07700 900123.")
        form.say("Please fix what is marked above.", problem=True)
        await pilot.pause()
        seen.look(app, "a new member, a problem")
        await back_home(pilot)
        for key, kind in (("8", BookingsScreen), ("i", InsightsScreen), ("9", RetentionScreen)):
            await open_staff_screen(pilot, key, kind)
            seen.look(app, kind.__name__)
            await back_home(pilot)
        await open_staff_screen(pilot, "4", FolderScreen)
        app.screen.query_one("#folder", Input).value = "/no/such/folder"
        await pilot.press("enter")
        await pilot.pause()
        seen.look(app, "the folder for files, a problem")
        await back_home(pilot)
        await open_staff_screen(pilot, "7", ConfirmScreen)
        seen.look(app, "please confirm")
    return seen


async def test_every_pair_on_the_staff_screens_reaches_wcag_aa(
    content: Content, store: Store, clock: FakeClock
) -> None:
    seen = await look_at_staff_screens(content, store, clock)
    assert len(seen.pairs) >= 8, seen.pairs
    failed = Seen.failures(seen.pairs)
    assert not failed, "\n".join(failed)
    failed = Seen.failures(seen.console)
    assert not failed, "\n".join(failed)
