"""The front desk as the Pi's console shows it: 120x33 (the guide's 32x16 font on 1920x1080) with
a console font that lacks the half blocks (the stock Lat15/Uni2 fonts). Every cell is a glyph the
font has, and every code shown, in turn, decodes to its link."""

from __future__ import annotations

from pathlib import Path
from string import printable

from textual.strip import Strip

from kiosk.core.clock import FakeClock
from kiosk.core.consolefont import qr_styles
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen, arrange

from .screen import composed_strips
from .staff_helpers import PIN
from .test_front_desk import codes_drawn, settled, shown_codes
from .test_lockdown import MISSING_ON_CONSOLE
from .test_qr import decode, rasterise

PI_CONSOLE = (120, 33)
# a stock console font as linux-console.md measured it: ASCII, Latin-1, box drawing and the
# full block and shades, but not the half blocks
LATIN_1 = "".join(chr(c) for c in range(0xA0, 0x100))
STOCK_FONT = frozenset(printable + LATIN_1 + "€─│┌┐└┘━┃█░▒")
assert not STOCK_FONT & (MISSING_ON_CONSOLE | set("▀▄"))


def glyphs(strips: list[Strip]) -> set[str]:
    return {c for strip in strips for c in strip.text}


async def codes_in_turn(app: KioskApp, clock: FakeClock) -> tuple[set[str], set[str], set[str]]:
    """The glyphs on screen, the links decoded and the QR styles seen, while every code has its
    turn (the codes move on every two slides)."""
    seen: set[str] = set()
    decoded: set[str] = set()
    styles: set[str] = set()
    async with app.run_test(size=PI_CONSOLE) as pilot:
        screen = await settled(pilot, app)  # type: ignore[arg-type]
        links = {link.url for link in screen.links}
        for _turn in range(len(links)):
            await codes_drawn(pilot, screen)  # type: ignore[arg-type]
            await pilot.pause()
            shown = shown_codes(screen)
            assert shown, "no code on the console"
            strips = composed_strips(screen)
            found = decode(rasterise(strips, strict=False))
            assert sorted(found) == sorted(q.data for q in shown)  # each one shown decodes
            decoded.update(found)
            seen |= glyphs(strips)
            styles |= {q.qr_style for q in shown}
            if decoded == links:
                break
            clock.advance(2 * screen.studio.slide_seconds)
            screen.tick()
        assert isinstance(app.screen, FrontDeskScreen)
    assert decoded == links, "a code never had its turn"
    return seen, decoded, styles


def set_up(data_dir: Path) -> None:
    """A kiosk as the Pi guide leaves it: a staff PIN set, so no staff note takes a row."""
    set_pin(data_dir, PIN)


async def test_the_pi_console_without_half_blocks_draws_only_its_glyphs(
    content: Content, store: Store, clock: FakeClock, data_dir: Path
) -> None:
    assert content.studio.qr_style == "auto"
    set_up(data_dir)
    app = KioskApp(content, store, clock, font=STOCK_FONT)
    seen, decoded, styles = await codes_in_turn(app, clock)
    assert seen - {" "} <= STOCK_FONT, f"not in the font: {sorted(seen - STOCK_FONT)}"
    assert "▀" not in styles and styles <= {"full", "compact"}
    assert len(decoded) == len(content.studio.links) == 4


async def test_control_a_terminal_with_every_glyph_gets_half_blocks(
    content: Content, store: Store, clock: FakeClock, data_dir: Path
) -> None:
    """The same screen without a console font: half blocks, which the stock font lacks (so the
    test above would catch a kiosk that ignored the font)."""
    set_up(data_dir)
    app = KioskApp(content, store, clock)
    seen, decoded, styles = await codes_in_turn(app, clock)
    assert styles == {"half"} and "▀" in seen and not seen <= STOCK_FONT | {" "}
    assert len(decoded) == 4


async def test_a_note_at_the_foot_never_cuts_a_code(
    content: Content, store: Store, clock: FakeClock
) -> None:
    """No PIN yet: the staff note takes a row. The compact code for the longest link (31 rows)
    then no longer fits: the codes are left out while the note stands, never drawn a row short
    (before the note's rows were counted, the code ran under it and did not decode)."""
    app = KioskApp(content, store, clock, font=STOCK_FONT)
    async with app.run_test(size=PI_CONSOLE) as pilot:
        screen = await settled(pilot, app)  # type: ignore[arg-type]
        assert screen.staff_note
        await codes_drawn(pilot, screen)  # type: ignore[arg-type]
        await pilot.pause()
        shown = shown_codes(screen)
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(q.data for q in shown)
        assert glyphs(composed_strips(screen)) - {" "} <= STOCK_FONT


def test_without_half_blocks_the_arrangement_never_picks_them(content: Content) -> None:
    links = content.studio.links
    console = qr_styles("auto", STOCK_FONT)
    big = arrange(240, 67, links, console)
    assert (big.qr_style, big.shown) == ("full", 3)
    pi = arrange(*PI_CONSOLE, links, console)
    assert (pi.qr_style, pi.shown, pi.slot_height) == ("compact", 1, 31)  # the rest take turns
    assert arrange(*PI_CONSOLE, links, "full").qr_style == "half"  # a terminal with every glyph
    assert arrange(80, 24, links, console).shown == 0  # nothing fits: none rather than half
