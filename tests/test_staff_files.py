"""Staff mode's files: CSV export to a chosen folder (a USB stick), one member's record (UK
GDPR), and erasing a member."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.csvio import read_members_csv
from kiosk.core.members import PackKind, Screening
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens import staff_files
from kiosk.ui.screens.staff import ConfirmScreen, StaffHome
from kiosk.ui.screens.staff_files import FolderScreen, removable_folders
from kiosk.ui.screens.staff_members import MemberScreen
from tests.staff_helpers import (
    MARKUP,
    OLLY,
    PIN,
    SARAH,
    TOM,
    add_members,
    open_staff_mode,
    options,
    screen_text,
)


@pytest.fixture
def media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for /media with one USB stick in it."""
    root = tmp_path / "media"
    (root / "kiosk" / "STICK").mkdir(parents=True)
    monkeypatch.setattr(staff_files, "MOUNT_ROOTS", (root,))
    return root


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store, SARAH, OLLY, TOM, MARKUP)
    result = decide_check_in(SARAH, PackKind.EMS, clock.now(), last=None)
    store.record_check_in(result)
    return KioskApp(content, store, clock)


async def choose(pilot: Pilot[int], app: KioskApp, folder: Path) -> None:
    assert isinstance(app.screen, FolderScreen)
    app.screen.query_one("#folder", Input).value = str(folder)
    await pilot.press("enter")
    await pilot.pause()


def test_usb_sticks_are_found_under_media(tmp_path: Path) -> None:
    (tmp_path / "pi" / "STICK").mkdir(parents=True)
    (tmp_path / "USB").mkdir()
    found = removable_folders([tmp_path, tmp_path / "missing"])
    # not mount points here, so each folder under the root is offered as it is
    assert found == [tmp_path / "USB", tmp_path / "pi"]


async def test_export_csv_to_a_stick(app: KioskApp, media: Path, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, FolderScreen)
        assert options(app, "#folders") == [str(media / "kiosk")]
        stick = media / "kiosk" / "STICK"
        await choose(pilot, app, stick)
        assert isinstance(app.screen, StaffHome)
        text = screen_text(app)
        assert "Wrote members-2026-11-23-1000.csv (4 members)" in text
        assert "visits-2026-11-23-1000.csv (1 visits)" in text
    members = (stick / "members-2026-11-23-1000.csv").read_text()
    parsed = read_members_csv(members, date(2026, 11, 23))  # importable again
    assert parsed.rows == 4 and not parsed.problems
    assert "[bold]Bob[/bold]" in members
    visits = (stick / "visits-2026-11-23-1000.csv").read_text().splitlines()
    assert len(visits) == 2 and visits[0].startswith("member_code") and "M1001" in visits[1]


async def test_a_folder_that_is_not_there_is_refused(
    app: KioskApp, media: Path, tmp_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        await choose(pilot, app, tmp_path / "no-stick")
        assert "There is no folder there. Is the USB stick in?" in screen_text(app)
        await choose(pilot, app, Path("relative/path"))
        assert "Type the whole path" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)
    assert list(tmp_path.glob("**/*.csv")) == []


async def test_pick_the_stick_from_the_list(app: KioskApp, media: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)
    assert len(list((media / "kiosk").glob("*.csv"))) == 2


async def test_export_one_members_record(
    app: KioskApp, media: Path, store: Store, clock: FakeClock
) -> None:
    store.save_screening(Screening(SARAH.code, clock.now().date(), clock.now(), {"implant": False}))
    stick = media / "kiosk" / "STICK"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2", *"M1001", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        await pilot.press("x")
        await pilot.pause()
        await choose(pilot, app, stick)
        assert isinstance(app.screen, MemberScreen)
        assert "Wrote everything held about M1001" in screen_text(app)
    record = json.loads((stick / "member-M1001-2026-11-23.json").read_text())
    assert record["member"]["first_name"] == "Sarah"
    assert len(record["visits"]) == 1 and record["screening"] is not None
    assert record["packs"][0]["sessions_left"] == 4


async def test_erase_a_member_after_confirming(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    store.save_screening(Screening(SARAH.code, clock.now().date(), clock.now(), {"implant": True}))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2", *"M1001", "enter")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Erase Sarah Kent (M1001) for good?" in screen_text(app)
        await pilot.press("enter")  # "No" has the focus
        await pilot.pause()
        assert store.member("M1001") is not None
        await pilot.press("d", "y")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        text = screen_text(app)
        assert "Erased M1001" in text and "no longer in the records" in text
        await pilot.press("e")  # nothing left to edit
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
    assert store.member("M1001") is None and store.screening("M1001") is None
    (visit,) = store.visits_on(clock.now().date())
    assert visit.member_code == ""
