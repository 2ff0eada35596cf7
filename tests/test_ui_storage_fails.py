"""The kiosk on a full or read-only disk: it starts, the front desk says "Storage full - see
staff", a check-in it cannot save is refused on screen and logged, staff mode still reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind
from kiosk.store import Store
from kiosk.store.files import StorageProblem
from kiosk.store.log import log_path, start_log, stop_log
from kiosk.store.pin import set_pin
from kiosk.store.recovery import open_store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.staff_visits import TodayScreen
from kiosk.ui.widgets.band import Outcome, ResultBand
from tests.disks import files_of, full_disk, read_only_disk
from tests.staff_helpers import PIN, open_staff_mode, options, settle
from tests.test_staff_members import open_member
from tests.ui_checkin_helpers import SARAH, add_members, screen_text
from tests.waiting import on_top, wait_for

FULL = "Storage full - see staff"
READ_ONLY = "Storage read-only - see staff"


@pytest.fixture
def kiosk_log(data_dir: Path) -> Iterator[Path]:
    handler = start_log(data_dir)
    yield log_path(data_dir)
    stop_log(handler)


@pytest.fixture
def ready_dir(data_dir: Path, clock: FakeClock) -> Path:
    """Members, one check-in today whose session the members file does not count yet (the
    kiosk was killed), and a staff PIN: opening has a write it would like to make."""
    set_pin(data_dir, PIN)
    with Store.open(data_dir) as store:
        add_members(store)
        store.record_check_in(decide_check_in(SARAH, PackKind.EMS, clock.now(), last=None))
        store._unsaved.clear()  # killed before closing: the members file is behind
    return data_dir


def opener(content: Content, data_dir: Path, clock: FakeClock, opened: list[Store]) -> KioskApp:
    """As `kiosk run` starts: the front desk first, the store opened in a worker."""

    def open_it() -> tuple[Store, list[str]]:
        store, warnings = open_store(data_dir, clock.now())
        opened.append(store)
        return store, warnings

    return KioskApp(content=content, store=open_it, clock=clock)


async def check_in(app: KioskApp, pilot: Pilot[int], code: str) -> Outcome:
    """Type the code, pick her, answer no to each readiness question: the result's outcome."""
    await pilot.press(*code)
    assert isinstance(app.screen, LookupScreen)
    await pilot.press("enter")
    for _ in range(20):  # far more questions than there are
        await wait_for(pilot, lambda: not isinstance(app.screen, LookupScreen), "a question")
        if isinstance(app.screen, ResultScreen):
            return app.screen.query_one(ResultBand).outcome
        await pilot.press("n")
    raise AssertionError(f"no result: {type(app.screen).__name__}")


def storage_line(app: KioskApp) -> str:
    front = next(s for s in app.screen_stack if isinstance(s, FrontDeskScreen))
    line = front.query_one("#storage-problem")
    return str(line.render()) if line.display else ""


@pytest.mark.parametrize("disk", ["full", "read-only"])
async def test_the_kiosk_starts_on_a_bad_disk_and_says_so(
    content: Content,
    ready_dir: Path,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    disk: str,
) -> None:
    before = files_of(ready_dir)
    if disk == "full":
        full_disk(monkeypatch)
    else:
        read_only_disk(monkeypatch, ready_dir)
    opened: list[Store] = []
    app = opener(content, ready_dir, clock, opened)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: bool(opened) and bool(storage_line(app)), "the line")
            assert app.start_error is None
            assert storage_line(app) == (FULL if disk == "full" else READ_ONLY)
            assert isinstance(app.screen, FrontDeskScreen)
            line, hints = (
                app.screen.query_one(n).region for n in ("#storage-problem", "#hint-bar")
            )
            assert (line.y, line.height, hints.y) == (22, 1, 23)  # on its own, above the hints
            # staff mode still reads: today's visits, with the one made before the disk failed
            await open_staff_mode(app, pilot)
            await pilot.press("1")
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
            assert any("Sarah Kent" in line for line in options(app, "#visits"))
    finally:
        for store in opened:
            store.close()
    assert files_of(ready_dir) == before


async def test_a_good_disk_says_nothing(
    content: Content, ready_dir: Path, clock: FakeClock
) -> None:
    opened: list[Store] = []
    app = opener(content, ready_dir, clock, opened)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: bool(opened) and app.type_ahead.paused is False, "open")
            await pilot.pause()
            assert storage_line(app) == ""
            assert FULL not in screen_text(app)
    finally:
        for store in opened:
            store.close()


async def test_a_check_in_that_cannot_be_saved_is_refused_and_logged(
    content: Content,
    store: Store,
    clock: FakeClock,
    kiosk_log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_members(store)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert storage_line(app) == ""
        before = files_of(store.directory)
        full_disk(monkeypatch)
        assert await check_in(app, pilot, SARAH.code) is Outcome.NOT_SAVED
        shown = screen_text(app)
        assert "NOT CHECKED IN" in shown and "could not be saved" in shown
        assert f"{FULL}." in shown  # the client is sent to staff
        assert "sessions left" not in shown
        assert store.storage_problem is StorageProblem.FULL
        assert files_of(store.directory) == before  # nothing half-written
        assert store.visits_of(SARAH.code) == []
        logged = kiosk_log.read_text()
        assert f"check-in of {SARAH.code}" in logged and "No space left" in logged
        await pilot.press("space")
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "front desk")
        assert storage_line(app) == FULL
        monkeypatch.undo()  # room again: the next check-in works and the line goes
        assert await check_in(app, pilot, SARAH.code) is Outcome.CHECKED_IN
        await pilot.press("space")
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "front desk")
        assert storage_line(app) == ""
        assert len(store.visits_of(SARAH.code)) == 1


async def test_staff_mode_reads_a_member_and_refuses_a_change_on_a_full_disk(
    content: Content, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_pin(store.directory, PIN)
    add_members(store)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        full_disk(monkeypatch)
        # the PIN (right at the first try: nothing to write), then her details
        await open_member(app, pilot, SARAH.code)
        assert "Sarah Kent" in screen_text(app)
        await pilot.press("c", "1")  # check her in from staff mode: refused, with the reason
        await settle(pilot)
        assert "Could not save the check-in: No space left on device" in screen_text(app)
        assert store.member(SARAH.code) == SARAH
        assert store.visits_on(clock.now().date()) == []


async def test_the_front_desk_hears_of_any_write_the_disk_refuses(
    content: Content, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert storage_line(app) == ""
        read_only_disk(monkeypatch, store.directory)
        with pytest.raises(OSError):  # e.g. the no-shows at closing time
            store.add_member(SARAH)
        await wait_for(pilot, lambda: storage_line(app) == READ_ONLY, "the line")
        monkeypatch.undo()
        store.add_member(SARAH)
        await wait_for(pilot, lambda: storage_line(app) == "", "the line to go")
