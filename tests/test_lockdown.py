"""Lock-down in a headless app: no key, click or action leaves the kiosk, on any screen; an
unexpected error is logged (with its traceback) and the screen only says "Restarting...".

The real process (signals, a terminal that goes away, a crash through `kiosk run`) is in
tests/test_lockdown_process.py.
"""

from __future__ import annotations

import logging
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.scrollbar import ScrollBarRender
from textual.widgets import Static

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.store.log import log_path, start_log, stop_log
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.lockdown import LEFT_BY_STAFF, RESTARTING, WholeCellScrollBar
from kiosk.ui.screens.front_desk import FrontDeskScreen

ESCAPE_KEYS = [
    "ctrl+q",
    "ctrl+c",
    "ctrl+z",
    "ctrl+backslash",
    "ctrl+d",
    "ctrl+p",
    "ctrl+s",
    "escape",
    *(f"f{n}" for n in range(1, 13)),
]

# each screen a client can reach, and the message (or key) that opens it from the front desk
SCREENS: list[tuple[str, Message | str | None]] = [
    ("front desk", None),
    ("look-up", "s"),
    ("registration", messages.OpenRegistration()),
    ("warm-up menu", messages.OpenWarmups()),
    ("a warm-up", messages.OpenWarmups("quick-mobility")),
    ("staff", messages.OpenStaff()),
]


def still_there(app: KioskApp) -> None:
    assert app.is_running
    assert app.return_code is None, "the app was asked to exit"
    assert isinstance(app.screen_stack[1], FrontDeskScreen), "the front desk was popped"


async def show(app: KioskApp, pilot: Pilot[int], opener: Message | str | None) -> type:
    app.back_to_front_desk()
    await pilot.pause()
    if isinstance(opener, str):
        await pilot.press(opener)
    elif opener is not None:
        app.post_message(type(opener)(*vars_of(opener)))
        await pilot.pause()
        await pilot.pause()
    return type(app.screen)


def vars_of(message: Message) -> list[object]:
    """The constructor arguments of our messages, to post a fresh copy each time."""
    if isinstance(message, messages.OpenWarmups):
        return [message.programme_id]
    return []


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock, data_dir: Path) -> KioskApp:
    from kiosk.store.pin import set_pin

    from .staff_helpers import PIN

    set_pin(data_dir, PIN)  # locked down: without a PIN, Ctrl+Q leaves (tests/test_newcomers.py)
    return KioskApp(content=content, store=store, clock=clock)


@pytest.mark.parametrize(("name", "opener"), SCREENS, ids=[name for name, _ in SCREENS])
async def test_no_escape_key_leaves_the_kiosk(
    app: KioskApp, name: str, opener: Message | str | None
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        wanted = await show(app, pilot, opener)
        if opener is not None and not isinstance(opener, messages.OpenStaff):
            assert wanted is not FrontDeskScreen, f"{name} did not open"
        for key in ESCAPE_KEYS:
            if type(app.screen) is not wanted:  # Esc or F2 went somewhere else: come back
                await show(app, pilot, opener)
            await pilot.press(key)
            await pilot.pause()
            still_there(app)
        app.back_to_front_desk()
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_clicks_anywhere_stay_inside(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        for button in (1, 3):
            for x in range(0, 80, 16):
                for y in range(0, 24, 6):
                    await pilot.click(offset=(x, y), button=button)
                    still_there(app)
                    app.back_to_front_desk()
        await pilot.pause()
        still_there(app)


async def test_textual_exits_and_tools_are_refused(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        for action in ("quit", "suspend_process", "command_palette", "screenshot", "help_quit"):
            assert await app.run_action(action) is False
            await pilot.pause()
            still_there(app)
        assert app.ENABLE_COMMAND_PALETTE is False
        # the one binding: Ctrl+Q, which leaves only while no staff PIN is set
        assert [(b.key, b.action) for b in app.BINDINGS if isinstance(b, Binding)] == [
            ("ctrl+q", "leave_unguarded")
        ]
        assert len(app.BINDINGS) == 1
        assert not any(
            b.binding.action in {"quit", "app.quit", "help_quit"}
            for b in app.screen.active_bindings.values()
        )


async def test_a_clicked_link_never_starts_a_browser(
    app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def browser(url: str, *args: object, **kwargs: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", browser)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_url("https://example.com/")
        await pilot.pause()
        still_there(app)
    assert opened == []


async def test_leave_kiosk_is_the_way_out(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.leave_kiosk()
        await pilot.pause()
    assert app.return_code == LEFT_BY_STAFF  # the status systemd does not restart on


async def test_warnings_are_kept_for_staff(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock, warnings=["members.json was damaged: restored"])
    assert app.warnings == ["members.json was damaged: restored"]
    assert KioskApp(content, store, clock).warnings == []


@pytest.fixture
def kiosk_log(data_dir: Path) -> Iterator[Path]:
    handler = start_log(data_dir)
    yield log_path(data_dir)
    stop_log(handler)


class Injected(RuntimeError):
    pass


async def test_an_unexpected_error_is_logged_and_the_screen_says_restarting(
    app: KioskApp,
    kiosk_log: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = "a local the screen must not show"

    def broken(self: FrontDeskScreen) -> None:
        shown_nowhere = secret  # noqa: F841 (Textual prints locals with a traceback)
        raise Injected("warm-up button broke")

    monkeypatch.setattr(FrontDeskScreen, "action_warmups", broken)
    with pytest.raises(Injected):  # run_test re-raises it for the test to see
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f2")
            await pilot.pause()
    assert app.return_code == 1  # systemd restarts the kiosk
    screen = capsys.readouterr()
    assert RESTARTING in screen.err
    assert "Traceback" not in screen.err + screen.out
    assert secret not in screen.err + screen.out
    logged = kiosk_log.read_text()
    assert "unexpected error, restarting" in logged
    assert "Traceback" in logged and "warm-up button broke" in logged


async def test_an_input_thread_panic_is_logged_not_shown(
    app: KioskApp, kiosk_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.run_test(size=(80, 24)):
        app.panic("the keyboard reader stopped")  # what Textual's input thread does on a crash
    assert RESTARTING in capsys.readouterr().err
    assert app.return_code == 1
    assert "the keyboard reader stopped" in kiosk_log.read_text()


async def test_staff_leaving_prints_nothing(
    app: KioskApp, capsys: pytest.CaptureFixture[str]
) -> None:
    async with app.run_test(size=(80, 24)):
        app.leave_kiosk()
    assert app.return_code == LEFT_BY_STAFF
    assert RESTARTING not in capsys.readouterr().err


def test_log_rotates_and_stays_small(data_dir: Path) -> None:
    handler = start_log(data_dir)
    try:
        line = "x" * 1000
        for _ in range(5000):  # about 5 MB of lines
            logging.getLogger("kiosk.test").info(line)
    finally:
        stop_log(handler)
    files = sorted(p.name for p in data_dir.glob("kiosk.log*"))
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2", "kiosk.log.3"]
    assert all(p.stat().st_size <= 1_001_000 for p in data_dir.glob("kiosk.log*"))


# glyphs the Pi's console fonts lack (../shared/notes/linux-console.md); ▀ ▄ are in the
# Vietnamese-Terminus fonts the install guide sets, so only the QR codes' setting decides those
MISSING_ON_CONSOLE = set("▁▂▃▅▆▇▉▊▋▌▍▎▏▐▔▕✓")


class LongPage(Screen[None]):
    DEFAULT_CSS = "LongPage Static { width: 200; }"

    def compose(self) -> ComposeResult:
        with ScrollableContainer():
            for n in range(60):
                yield Static(f"line {n} " + "x" * 150)


def drawn(app: KioskApp) -> set[str]:
    return set(app.export_screenshot()) & MISSING_ON_CONSOLE


def test_textual_scroll_bars_would_need_the_missing_glyphs() -> None:
    """The control: the default renderer draws eighth blocks at these positions, ours does not."""
    for renderer, expected in ((ScrollBarRender, True), (WholeCellScrollBar, False)):
        glyphs: set[str] = set()
        for position in range(0, 40, 3):
            for vertical in (True, False):
                bar = renderer.render_bar(20, 60, 20, position, vertical=vertical)
                glyphs |= {c for segment in bar.segments for c in segment.text}
        assert bool(glyphs & MISSING_ON_CONSOLE) is expected


async def test_scroll_bars_are_drawn_in_whole_cells(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(LongPage())
        await pilot.pause()
        scroller = app.screen.query_one(ScrollableContainer)
        assert scroller.show_vertical_scrollbar and scroller.show_horizontal_scrollbar
        for y in (0, 7, 13, 29, 41):
            scroller.scroll_to(x=y, y=y, animate=False)
            await pilot.pause()
            assert drawn(app) == set()


@pytest.mark.parametrize(("name", "opener"), SCREENS, ids=[name for name, _ in SCREENS])
@pytest.mark.parametrize("size", [(80, 24), (120, 33)])
async def test_every_screen_draws_only_console_glyphs(
    app: KioskApp, name: str, opener: Message | None, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await show(app, pilot, opener)
        assert drawn(app) == set(), f"{name} draws glyphs the console font lacks"


async def test_no_escape_key_leaves_staff_mode_either(app: KioskApp, data_dir: Path) -> None:
    from kiosk.store.pin import set_pin
    from kiosk.ui.screens.staff import StaffHome

    from .staff_helpers import PIN, open_staff_mode

    set_pin(data_dir, PIN)
    async with app.run_test(size=(100, 30)) as pilot:
        for key in ESCAPE_KEYS:
            if not isinstance(app.screen, StaffHome):
                app.back_to_front_desk()
                await pilot.pause()
                await open_staff_mode(app, pilot)
            await pilot.press(key)
            await pilot.pause()
            still_there(app)
