"""Staff mode's files: CSV export to a chosen folder (a USB stick), one member's record (UK
GDPR), and erasing a member."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
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
from kiosk.store import Store, backup, transfer
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens import staff_files
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.staff import ConfirmScreen, StaffHome
from kiosk.ui.screens.staff_files import BACKING_UP, EXPORTING, FolderScreen, removable_folders
from kiosk.ui.screens.staff_members import MemberScreen
from tests.staff_helpers import (
    MARKUP,
    OLLY,
    PIN,
    SARAH,
    TOM,
    add_members,
    busy,
    open_staff_mode,
    options,
    screen_text,
    settle,
    until,
)
from tests.waiting import wait_for, workers_ended


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
    await pilot.press("enter")  # the caller waits for what it expects: it may be held
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
        await settle(pilot)
        assert isinstance(app.screen, FolderScreen)
        assert options(app, "#folders") == [str(media / "kiosk")]
        stick = media / "kiosk" / "STICK"
        await choose(pilot, app, stick)
        await until(pilot, lambda: "Wrote" in screen_text(app))
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
        await settle(pilot)
        await choose(pilot, app, tmp_path / "no-stick")
        assert "There is no folder there. Is the USB stick in?" in screen_text(app)
        await choose(pilot, app, Path("relative/path"))
        assert "Type the whole path" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffHome)
    assert list(tmp_path.glob("**/*.csv")) == []


async def test_pick_the_stick_from_the_list(app: KioskApp, media: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("down", "enter")
        await until(pilot, lambda: "Wrote" in screen_text(app))
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
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        await pilot.press("x")
        await settle(pilot)
        await choose(pilot, app, stick)
        await until(pilot, lambda: "Wrote everything" in screen_text(app))
        assert isinstance(app.screen, MemberScreen)
        assert "Wrote everything held about M1001" in screen_text(app)
    record = json.loads((stick / "member-M1001-2026-11-23.json").read_text())
    assert record["member"]["first_name"] == "Sarah"
    words = (stick / "member-M1001-2026-11-23.txt").read_text()  # beside it, in words
    assert "Name: Sarah Kent" in words and "Your health screening" in words
    assert len(record["visits"]) == 1 and record["screening"] is not None
    assert record["packs"][0]["sessions_left"] == 4


async def test_erase_a_member_after_confirming(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    store.save_screening(Screening(SARAH.code, clock.now().date(), clock.now(), {"implant": True}))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2", *"M1001", "enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Erase Sarah Kent (M1001) for good?" in screen_text(app)
        await pilot.press("enter")  # "No" has the focus
        await settle(pilot)
        assert store.member("M1001") is not None
        await pilot.press("d", "y")
        await until(pilot, lambda: "Erased M1001" in screen_text(app))
        assert isinstance(app.screen, MemberScreen)
        text = screen_text(app)
        assert "Erased M1001" in text and "no longer in the records" in text
        await pilot.press("e")  # nothing left to edit
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
    assert store.member("M1001") is None and store.screening("M1001") is None
    (visit,) = store.visits_on(clock.now().date())
    assert visit.member_code == ""


class Hold:
    """Holds a slow job in its worker thread until the test lets it go."""

    def __init__(self, real: Callable[..., object]) -> None:
        self.real = real
        self.go = threading.Event()
        self.done = threading.Event()  # the real job has returned (or failed)
        self.calls = 0

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.calls += 1
        self.go.wait(20)
        try:
            return self.real(*args, **kwargs)
        finally:
            self.done.set()


@pytest.fixture
def held_export(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    hold = Hold(transfer.export_members)
    monkeypatch.setattr(staff_files, "export_members", hold)
    yield hold
    hold.go.set()


@pytest.fixture
def held_backup(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    hold = Hold(backup.make_backup)
    monkeypatch.setattr(backup, "make_backup", hold)
    yield hold
    hold.go.set()


async def test_exporting_shows_and_takes_no_second_press(
    app: KioskApp, media: Path, held_export: Hold
) -> None:
    stick = media / "kiosk" / "STICK"
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("4")
        await settle(pilot)
        await choose(pilot, app, stick)
        await until(pilot, lambda: busy(app) == EXPORTING)
        assert isinstance(app.screen, StaffHome)
        assert EXPORTING in screen_text(app)
        assert app.screen.query_one("#menu").is_disabled
        await pilot.press("4", "5", "escape", "enter")  # nothing else starts, nothing leaves
        await until(pilot, lambda: "One moment, please." in screen_text(app))
        assert isinstance(app.screen, StaffHome) and held_export.calls == 1
        assert list(stick.glob("*.csv")) == []
        held_export.go.set()
        await until(pilot, lambda: "Wrote members" in screen_text(app))
        assert not app.screen.query_one("#menu").is_disabled
        assert app.screen.query_one("#menu").has_focus  # back where it was
    assert held_export.calls == 1 and len(list(stick.glob("*.csv"))) == 2


async def test_backing_up_shows_and_takes_no_second_press(
    app: KioskApp, store: Store, held_backup: Hold
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("5")
        await until(pilot, lambda: busy(app) == BACKING_UP)
        assert BACKING_UP in screen_text(app)
        await pilot.press("5", "5")
        await until(pilot, lambda: "One moment, please." in screen_text(app))
        held_backup.go.set()
        await until(pilot, lambda: "Backed up to" in screen_text(app))
        assert isinstance(app.screen, StaffHome) and not busy(app)
    assert held_backup.calls == 1 and len(backup.list_backups(store.directory)) == 1


async def test_a_backup_ending_after_staff_mode_closed_touches_no_screen(
    app: KioskApp, store: Store, clock: FakeClock, held_backup: Hold
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        home = app.screen
        await pilot.press("5")
        await until(pilot, lambda: busy(app) == BACKING_UP)
        clock.advance(app.content.studio.staff.idle_seconds + 1)  # staff walked away
        await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
        held_backup.go.set()
        await wait_for(pilot, held_backup.done.is_set, "the backup to finish")
        await workers_ended(pilot)  # its worker was cancelled with staff mode: that is no error
        await settle(pilot)
        assert isinstance(app.screen, FrontDeskScreen) and not home.is_attached
        assert "Backed up" not in screen_text(app)
    assert app.return_code in (None, 0)  # no crash handler
    assert len(backup.list_backups(store.directory)) == 1  # the backup itself finished
