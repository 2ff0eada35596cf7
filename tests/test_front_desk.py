"""The front-desk display in a real (headless) Textual app: layout at many sizes, the clock,
rotation, keys and taps. The screen runs in a probe app that records the messages it posts, so
these tests do not depend on what the other screens do with them."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import CAPTION_ROWS, HINT, FrontDeskScreen, StudioName, arrange
from kiosk.ui.widgets.clock import WallClock
from kiosk.ui.widgets.countdown import BigCountdown
from kiosk.ui.widgets.qr import QRCode
from kiosk.ui.widgets.slides import SlideView

from .conftest import LONDON
from .screen import composed_strips
from .test_qr import decode, rasterise
from .waiting import wait_for

SIZES = [(80, 24), (90, 28), (100, 30), (120, 33), (120, 40), (160, 45), (200, 60), (240, 67)]


class Probe(App[None]):
    def __init__(self, content: Content, clock: FakeClock) -> None:
        super().__init__()
        self.content = content
        self.clock = clock
        self.posted: list[Message] = []

    def on_mount(self) -> None:
        self.push_screen(FrontDeskScreen(self.content, self.clock))

    def on_open_warmups(self, m: messages.OpenWarmups) -> None:
        self.posted.append(m)

    def on_open_staff(self, m: messages.OpenStaff) -> None:
        self.posted.append(m)


def desk(app: App[None]) -> FrontDeskScreen:
    assert isinstance(app.screen, FrontDeskScreen)
    return app.screen


def shown_codes(screen: FrontDeskScreen) -> list[QRCode]:
    return [q for q in screen.query(QRCode) if q.display]


async def settled(pilot: Pilot[None], app: App[None]) -> FrontDeskScreen:
    """The front desk with its codes mounted (they come just after the first frame)."""
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: (
            isinstance(app.screen, FrontDeskScreen)
            and all(q.is_mounted for q in app.screen.slots)
            and len(app.screen.slots) == len(app.screen.links)
        ),
        "the codes to be mounted",
    )
    await pilot.pause()
    return desk(app)


async def codes_drawn(pilot: Pilot[None], screen: FrontDeskScreen) -> None:
    """Codes are worked out just after the first paint; wait for them."""
    await wait_for(
        pilot,  # type: ignore[arg-type]
        lambda: bool(screen.slots) and all(q.ready for q in shown_codes(screen)),
        "the codes to be drawn",
    )


def text_of(widget: Widget) -> str:
    return str(widget.render())


def check_layout(screen: FrontDeskScreen) -> None:
    """Nothing clipped: every code whole and on screen, every text inside its column."""
    whole = screen.region
    codes = shown_codes(screen)
    info = screen.query_one("#info").region
    for qr in codes:
        size = qr.code_size
        # the code and its caption's rows, whole
        want = (size.width, size.height + qr.caption_rows)
        assert qr.region.size == want, f"{qr.data} drawn at {qr.region.size}, needs {want}"
        assert whole.contains_region(qr.region), f"{qr.data} off screen: {qr.region}"
        assert screen.query_one("#codes").region.contains_region(qr.region)
        assert not qr.region.overlaps(info), "a code covers the text"
        rows = CAPTION_ROWS[qr.qr_style]
        assert qr.caption_rows == rows and len(qr.caption_lines()) == rows
        words = " ".join(" ".join(qr.caption_lines()).split())
        assert words == " ".join(qr.caption.split()), f"caption cut: {qr.caption_lines()}"
    for a in codes:
        for b in codes:
            assert a is b or not a.region.overlaps(b.region)
    for widget in screen.query("#info > *"):
        if widget.display:
            assert info.contains_region(widget.region), f"#{widget.id} cut off: {widget.region}"
            needed = widget.get_content_height(info.size, screen.size, widget.region.width)
            assert needed <= widget.region.height, f"#{widget.id} needs {needed} rows"
    studio, clock = screen.query_one(StudioName), screen.query_one(WallClock)
    assert studio.region.y == 0 and not studio.region.overlaps(clock.region)
    if studio.in_blocks:  # the name in block letters, whole, the clock's line under it
        assert studio.region.height == len(studio.lines) and clock.region.y == studio.region.bottom
        assert max(len(line) for line in studio.lines) <= studio.region.width
    else:
        assert clock.region.y == 0 and studio.region.width == len(studio.words)
    assert whole.contains_region(studio.region) and whole.contains_region(clock.region)
    assert clock.region.width == len(clock.text), "the clock is cut off"
    # nothing drawn under the notices and the hint line (the main part ends above them)
    bottom = min(
        w.region.y for w in screen.query("#hint-bar, #staff-note, #storage-problem") if w.display
    )
    assert all(qr.region.bottom <= bottom for qr in codes), "a code runs under the notices"
    assert screen.query_one("#main").region.bottom <= bottom
    hint = screen.query_one("#hint")
    assert hint.region.width == len(HINT) and whole.contains_region(hint.region)
    for name in ("#warmup", "#staff-hint"):
        region = screen.query_one(name).region
        assert whole.contains_region(region) and not region.overlaps(hint.region)


async def test_80x24_shows_the_studio_clock_hours_and_one_whole_code(
    content: Content, clock: FakeClock
) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        assert text_of(screen.query_one("#studio-name")) == "Fast Track EMS & Fitness"
        # the time once: large where it fits (it does here), the wall clock then gives the date
        assert screen.query_one(BigCountdown).lines and screen.big_clock.text == "10:00"
        assert text_of(screen.query_one(WallClock)) == "Monday 23 November"
        assert text_of(screen.query_one("#hours")) == "Open now until 20:00"
        assert "1 The Cresent" in text_of(screen.query_one("#address"))
        assert text_of(screen.query_one(SlideView)).startswith("What is EMS?")
        codes = shown_codes(screen)
        assert [q.data for q in codes] == ["https://www.fasttrack-ems.com"]
        check_layout(screen)


async def test_200x60_shows_all_four_codes(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await settled(pilot, app)
        assert [q.data for q in shown_codes(screen)] == [lk.url for lk in content.studio.links]
        check_layout(screen)
        # the codes still read as codes once composed onto the whole screen
        await codes_drawn(pilot, screen)
        strips = composed_strips(screen)
        found = decode(rasterise(strips, strict=False))
        assert sorted(found) == sorted(lk.url for lk in content.studio.links)


@pytest.mark.parametrize("size", SIZES)
async def test_layout_fits_every_size(
    content: Content, clock: FakeClock, size: tuple[int, int]
) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        assert len(shown_codes(screen)) >= 1
        if size >= (200, 60):
            assert len(shown_codes(screen)) == 4
        # every slide fits without being cut off
        for _ in content.slides:
            check_layout(screen)
            clock.advance(content.studio.slide_seconds)
            screen.tick()
            await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (240, 67)])
async def test_full_style_codes_fit_or_fall_back_to_half(
    content: Content, clock: FakeClock, size: tuple[int, int]
) -> None:
    studio = replace(content.studio, qr_style="full")
    app = Probe(replace(content, studio=studio), clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        check_layout(screen)
        styles = {q.qr_style for q in shown_codes(screen)}
        if size == (240, 67):
            assert styles == {"full"} and len(shown_codes(screen)) == 3
        elif size == (80, 24):
            assert styles == {"half"}  # a full-size code (74x37) cannot fit
        await codes_drawn(pilot, screen)
        strips = composed_strips(screen)
        assert len(decode(rasterise(strips, strict=False))) == len(shown_codes(screen))


async def test_codes_and_slides_take_turns_as_the_clock_moves(
    content: Content, clock: FakeClock
) -> None:
    app = Probe(content, clock)
    seconds = content.studio.slide_seconds
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        seen = []
        slides = []
        for _ in range(4):
            seen.append(shown_codes(screen)[0].data)
            slides.append(text_of(screen.query_one(SlideView)).split("\n")[0])
            clock.advance(2 * seconds)
            screen.tick()
            await pilot.pause()
            check_layout(screen)
        assert seen == [lk.url for lk in content.studio.links]  # each code has its turn
        assert slides == [s.title for s in content.slides[0:8:2]]
        assert shown_codes(screen)[0].data == seen[0]  # and round again


async def test_clock_ticks_by_itself_and_hours_follow(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = desk(app)
        clock.advance(1)
        # the real once-a-second timer redraws it (waited for, never for a fixed time)
        await wait_for(
            pilot,  # type: ignore[arg-type]
            lambda: screen.query_one(WallClock).time_text == "10:00:01",
            "the clock's own timer to show 10:00:01",
        )
        clock.set(datetime(2026, 11, 23, 20, 0, 5, tzinfo=LONDON))
        screen.tick()
        await pilot.pause()
        assert text_of(screen.query_one("#hours")) == "Closed — opens tomorrow 07:00"
        clock.set(datetime(2026, 11, 28, 14, 0, tzinfo=LONDON))  # Saturday afternoon
        screen.tick()
        await pilot.pause()
        assert text_of(screen.query_one("#hours")) == "Closed — opens Monday 07:00"
        assert text_of(screen.query_one(WallClock)) == "Saturday 28 November"
        assert screen.big_clock.text == "14:00"


async def test_letters_and_digits_start_check_in(
    content: Content, clock: FakeClock, store: Store
) -> None:
    from textual.widgets import Input

    from kiosk.ui.screens.checkin import LookupScreen

    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        # a space or dash cannot start a look-up; once one is opening, they go along with it
        await pilot.press("space", "-", "enter", "tab")
        assert isinstance(app.screen, FrontDeskScreen)
        await pilot.press("s", "7", "space", "É")
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "s7 É"


async def test_a_fast_typist_keeps_the_spaces(
    content: Content, clock: FakeClock, store: Store
) -> None:
    from textual.widgets import Input

    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for c in "emily wri":  # one burst, as a fast typist or scanner sends it
            app.post_message(events.Key("space" if c == " " else c, c))
        await wait_for(
            pilot,
            lambda: app.screen.query("#query") and app.screen.query_one("#query", Input).value,
            "the look-up",
        )
        assert app.screen.query_one("#query", Input).value == "emily wri"


async def test_f2_and_the_button_open_warmups_f12_staff(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.click("#warmup")
        await pilot.press("f12")
        kinds = [type(m).__name__ for m in app.posted]
        assert kinds == ["OpenWarmups", "OpenWarmups", "OpenStaff"]
        assert all(
            m.programme_id is None for m in app.posted if isinstance(m, messages.OpenWarmups)
        )


async def test_five_quick_taps_on_the_name_ask_for_staff(
    content: Content, clock: FakeClock
) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(4):
            await pilot.click("#studio-name")
        assert app.posted == []
        clock.advance(5)  # too slow: the first four no longer count
        await pilot.click("#studio-name")
        assert app.posted == []
        for _ in range(4):
            clock.advance(0.5)
            await pilot.click("#studio-name")
        assert [type(m).__name__ for m in app.posted] == ["OpenStaff"]


async def test_typing_on_the_real_kiosk_does_not_crash(
    content: Content, clock: FakeClock, store: Store
) -> None:
    app = KioskApp(content=content, store=store, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        await pilot.press("ctrl+p")  # no command palette at a kiosk
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        await pilot.press("a", "n", "n", "0", "7")
        await pilot.pause()
        assert app.is_running  # and run_test raised nothing: no error on the way


async def test_broken_content_still_gives_a_working_display(
    tmp_path: Path, clock: FakeClock
) -> None:
    from kiosk.core.content import load_content

    (tmp_path / "studio.toml").write_text("name = [\n")
    content = load_content(tmp_path, shipped=None)  # nothing to fall back to (see test_fallbacks)
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        assert text_of(screen.query_one("#studio-name")) == "Fast Track EMS & Fitness"
        assert not screen.query_one("#codes").display
        assert shown_codes(screen) == []
        await pilot.press(
            "x"
        )  # the front desk itself posts nothing for a letter: the App routes it
        assert app.posted == []


def test_arrangement_prefers_more_codes_then_more_room_for_text(content: Content) -> None:
    links = content.studio.links
    assert (arrange(80, 24, links, "half").shown, arrange(80, 24, links, "half").stacked) == (
        1,
        False,
    )
    big = arrange(200, 60, links, "half")
    assert (big.columns, big.rows) == (2, 2)
    assert arrange(40, 12, links, "half").shown == 0
    assert arrange(240, 67, links, "full").qr_style == "full"
    assert arrange(100, 30, links, "full").qr_style == "half"
    assert arrange(200, 60, (), "half").shown == 0


async def test_the_layout_check_catches_a_clipped_code(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        screen.query_one("#codes").styles.height = 10
        await pilot.pause()
        with pytest.raises(AssertionError):
            check_layout(screen)


# every Linux console font has these (checked against console-setup's Lat15/Uni2 fonts)
CONSOLE_SAFE = {chr(c) for c in range(32, 127)} | set("—·█")  # █: every console font has it


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_full_style_screen_needs_no_special_glyphs(
    content: Content, clock: FakeClock, size: tuple[int, int]
) -> None:
    studio = replace(content.studio, qr_style="full")
    app = Probe(replace(content, studio=studio), clock)
    async with app.run_test(size=size) as pilot:
        screen = desk(app)
        await codes_drawn(pilot, screen)
        await pilot.pause()
        used = {ch for strip in composed_strips(screen) for ch in strip.text}
        if size == (80, 24):
            assert used - CONSOLE_SAFE == {"▀"}  # too small for full codes: half blocks
        else:
            assert used <= CONSOLE_SAFE
            assert shown_codes(screen) and {q.qr_style for q in shown_codes(screen)} == {"full"}


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 60)])
async def test_longest_content_allowed_still_fits(
    content: Content, clock: FakeClock, size: tuple[int, int]
) -> None:
    from kiosk.core.studio import (
        ADDRESS_MAX,
        CAPTION_MAX,
        NAME_MAX,
        SLIDE_BODY_MAX,
        SLIDE_TITLE_MAX,
        Link,
        Slide,
    )

    def words(n: int, word: str = "Wm") -> str:
        text = " ".join([word] * n)
        return (text * 2)[:n]

    studio = replace(
        content.studio,
        name="N" * NAME_MAX,
        address=words(ADDRESS_MAX, "Winchester"),
        links=tuple(
            Link(lk.id, lk.title, words(CAPTION_MAX, "caption"), lk.url)
            for lk in content.studio.links
        ),
    )
    slide = Slide(words(SLIDE_TITLE_MAX, "lumborum"), words(SLIDE_BODY_MAX, "quadratus"))
    app = Probe(replace(content, studio=studio, slides=(slide,)), clock)
    async with app.run_test(size=size) as pilot:
        check_layout(await settled(pilot, app))


async def test_resizing_rearranges_the_codes(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        counts = []
        for size in [(200, 60), (120, 40), (80, 24), (240, 67)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            check_layout(screen)
            counts.append(len(shown_codes(screen)))
        assert counts == [4, 3, 1, 4]


async def test_content_text_is_shown_as_written_never_as_markup(
    content: Content, clock: FakeClock
) -> None:
    from kiosk.core.studio import Slide

    studio = replace(content.studio, name="[b]Studio[/b]", address="1 [red]Road")
    slides = (Slide("[blink]Title", "Body with [link=x]markup[/link] in it"),)
    app = Probe(replace(content, studio=studio, slides=slides), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        assert text_of(screen.query_one("#studio-name")) == "[b]Studio[/b]"
        assert text_of(screen.query_one("#address")) == "1 [red]Road"
        slide = text_of(screen.query_one(SlideView))
        assert slide.startswith("[blink]Title\nBody with [link=x]markup[/link] in it")


async def test_the_clock_sleeps_under_other_screens(content: Content, clock: FakeClock) -> None:
    from textual.screen import Screen

    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = desk(app)
        # the 1 s ticker starts on the next whole second
        await wait_for(pilot, lambda: screen.ticker is not None, "the ticker")  # type: ignore[arg-type]
        ticker = screen.ticker
        assert ticker is not None and screen.awake
        app.push_screen(Screen())
        await pilot.pause()
        assert not screen.awake  # its ticker paused: no wake-ups while a warm-up plays on top
        clock.advance(65)
        app.pop_screen()
        await pilot.pause()
        assert screen.awake
        assert screen.query_one(WallClock).time_text == "10:01:05"


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (200, 60)])
async def test_the_time_is_large_where_there_is_room(
    content: Content, clock: FakeClock, size: tuple[int, int]
) -> None:
    from kiosk.ui.widgets.countdown import BigCountdown, pixel_rows

    app = Probe(content, clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        big = screen.query_one("#big-clock", BigCountdown)
        assert big.text == "10:00"
        drawn = big.lines
        if size == (200, 60):
            assert len(drawn) >= 10  # at least twice the font's five rows
        pixels = "".join(pixel_rows("10:00")).count("#")
        if drawn:  # each pixel of the font a block of full blocks, nothing else
            sx = len(drawn[0]) // len(pixel_rows("10:00")[0])
            assert set("".join(drawn)) <= {"█", " "}
            assert "".join(drawn).count("█") == pixels * sx * (len(drawn) // 5)
            assert big.region.bottom <= screen.query_one("#hint-bar").region.y  # not cut off
        clock.advance(60 * 25)
        screen.tick()
        await pilot.pause()
        assert big.text == "10:25"
