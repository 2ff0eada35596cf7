"""The front desk with a content file that has a mistake: hours, address and every QR code still
there (decoded from what was drawn), and a small mark sending staff to staff mode."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content, load_content
from kiosk.store import Store
from kiosk.store.last_good import LastGoodCopies
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import CONTENT_MARK, FrontDeskScreen
from kiosk.ui.screens.staff import StaffHome

from .conftest import CONTENT_DIR
from .screen import composed_strips
from .staff_helpers import PIN, open_staff_mode, screen_text
from .test_front_desk import Probe, check_layout, codes_drawn, settled, shown_codes, text_of
from .test_qr import decode, rasterise


def broken_content(tmp_path: Path, data_dir: Path, *, kept: bool = True) -> Content:
    """The shipped content with one missing quote in studio.toml, after a clean start had kept
    the last good copies (or, with ``kept`` false, on a kiosk's very first start)."""
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    copies = LastGoodCopies(data_dir)
    if kept:
        clean = load_content(directory, copies)
        clean.problems  # noqa: B018 (the later parts, as the kiosk's worker reads them)
        copies.keep(clean.clean_copies())
    studio = directory / "studio.toml"
    text = studio.read_text()
    studio.write_text(
        text.replace('address = "1 The Cresent', 'address = "1 The Cresent', 1).replace(
            'name = "Fast Track EMS & Fitness"', 'name = "Fast Track EMS', 1
        )
    )
    return load_content(directory, copies)


def mark_shown(screen: FrontDeskScreen) -> bool:
    mark = screen.query_one("#content-problem")
    return (
        mark.display
        and text_of(mark) == CONTENT_MARK
        and screen.region.contains_region(mark.region)
    )


@pytest.mark.parametrize("kept", [True, False])
async def test_a_missing_quote_still_shows_hours_address_and_every_code(
    tmp_path: Path, data_dir: Path, clock: FakeClock, kept: bool
) -> None:
    content = broken_content(tmp_path, data_dir, kept=kept)
    assert any("not valid TOML" in p.message for p in content.problems)
    links = content.studio.links
    assert len(links) == 4
    app = Probe(content, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await settled(pilot, app)
        assert text_of(screen.query_one("#hours")) == "Open now until 20:00"
        assert text_of(screen.query_one("#address")).startswith("1 The Cresent")
        assert mark_shown(screen)
        check_layout(screen)
        await codes_drawn(pilot, screen)
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(link.url for link in links)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 33)])
async def test_the_mark_pushes_no_code_off_a_small_screen(
    tmp_path: Path, data_dir: Path, clock: FakeClock, size: tuple[int, int]
) -> None:
    content = broken_content(tmp_path, data_dir)
    app = Probe(content, clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        assert mark_shown(screen)
        assert len(shown_codes(screen)) == screen.arrangement.shown >= 1
        check_layout(screen)  # every code whole and on screen, every text line in its column
        await codes_drawn(pilot, screen)
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(q.data for q in shown_codes(screen))


async def test_no_mark_when_the_content_is_clean(content: Content, clock: FakeClock) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        assert not screen.query_one("#content-problem").display


async def test_a_later_files_fallback_shows_the_mark_by_the_next_minute(
    tmp_path: Path, data_dir: Path, clock: FakeClock
) -> None:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    (directory / "terms.toml").write_text('version = "\n')
    content = load_content(directory)
    app = Probe(content, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await settled(pilot, app)
        assert not screen.query_one("#content-problem").display  # terms not read yet
        content.problems  # noqa: B018 (what the kiosk's worker does after the paint)
        clock.advance(60)
        screen.tick()
        await pilot.pause()
        assert mark_shown(screen)


async def test_staff_mode_shows_what_kiosk_check_says(
    tmp_path: Path, store: Store, clock: FakeClock
) -> None:
    content = broken_content(tmp_path, store.directory)
    set_pin(store.directory, PIN)
    app = KioskApp(content, store, clock, warnings=content.staff_warnings)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_staff_mode(app, pilot)
        assert isinstance(app.screen, StaffHome)
        text = " ".join(screen_text(app).split())
        assert "Start-up warnings:" in text
        for line in content.staff_warnings:
            assert " ".join(line.split()) in text
        assert "studio.toml: the kiosk uses the last good copy until this is fixed" in text
