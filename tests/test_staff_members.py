"""Members in staff mode: find, full details, add, edit, packs, the trainer flag, override."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.lookup import MemberIndex
from kiosk.core.members import Member, PackKind, VisitFlag
from kiosk.store import Store
from kiosk.store import store as store_module
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import SAVING, ConfirmScreen, StaffHome
from kiosk.ui.screens.staff_members import (
    FindMemberScreen,
    KindScreen,
    MemberFormScreen,
    MemberScreen,
    PackFormScreen,
    TrainerFlagScreen,
)
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


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store, SARAH, OLLY, TOM, MARKUP)
    return KioskApp(content, store, clock)


async def find(app: KioskApp, pilot: Pilot[int], text: str) -> None:
    await open_staff_mode(app, pilot)
    await pilot.press("2")
    await settle(pilot)
    assert isinstance(app.screen, FindMemberScreen)
    await pilot.press(*text)
    await settle(pilot)


async def open_member(app: KioskApp, pilot: Pilot[int], text: str) -> None:
    await find(app, pilot, text)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, MemberScreen), type(app.screen)


async def fill(pilot: Pilot[int], app: KioskApp, **values: str) -> None:
    for name, value in values.items():
        app.screen.query_one(f"#{name}", Input).value = value
    await pilot.pause()


def member(store: Store, code: str) -> Member:
    found = store.member(code)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("typed", "first"),
    [("sara", "Sarah Kent"), ("kent", "Sarah Kent"), ("0333", "Olly Used"), ("m1005", "Tom")],
)
async def test_find_by_name_phone_or_code_with_full_details(
    app: KioskApp, typed: str, first: str
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await find(app, pilot, typed)
        shown = options(app, "#found")
        assert shown and shown[0].startswith(first)
        # staff side: the whole phone number is shown
        assert any(m.phone in shown[0] for m in (SARAH, OLLY, TOM))


async def test_nothing_found_and_too_short(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await find(app, pilot, "q")
        assert options(app, "#found") == []
        await pilot.press("z", "z", "z")
        await settle(pilot)
        assert "Nobody found." in screen_text(app)


async def test_member_details_and_markup_shown_as_typed(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1009")
        text = screen_text(app)
        assert "[bold]Bob[/bold] Smith[/]   code M1009" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "[bold]Bob[/bold] Smith[/]  M1009" in "\n".join(options(app, "#found"))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StaffHome)


async def test_tom_shows_his_trainer_flag_and_packs(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        text = screen_text(app)
        assert "SEE TRAINER before EMS\n  pacemaker" in text
        assert "EMS: 5 of 10 left, expires 30/06/2027" in options(app, "#packs")


async def test_add_a_member(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        await pilot.press("f10")
        await settle(pilot)
        text = screen_text(app)
        assert "Please enter your first name." in text
        assert "Please enter your mobile number." in text
        assert store.member_count() == 4
        await fill(pilot, app, first_name="  Zoë ", last_name="Adams", phone="07700 900 777")
        await fill(pilot, app, email="not an email")
        await pilot.press("f10")
        await settle(pilot)
        assert "does not look like an email" in screen_text(app)
        await fill(pilot, app, email="Zoe@Example.com")
        app.screen.query_one("#email", Input).focus()
        await pilot.press("enter")  # Enter on the last field saves
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        added = [m for m in store.members() if m.last_name == "Adams"]
        assert len(added) == 1
        zoe = added[0]
        assert (zoe.first_name, zoe.phone, zoe.email) == ("Zoë", "+447700900777", "zoe@example.com")
        assert zoe.joined == clock.now().date()
        assert zoe.code.startswith("FT-")
        assert "Zoë Adams   code " + zoe.code in screen_text(app)


async def test_a_phone_another_member_has_is_refused(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("3")
        await settle(pilot)
        await fill(pilot, app, first_name="Sam", last_name="Kent", phone="07700900121")
        await pilot.press("f10")
        await settle(pilot)
        assert "Sarah Kent (M1001) already has this number." in screen_text(app)
        assert store.member_count() == 4


async def test_edit_a_member(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, MemberFormScreen)
        assert app.screen.query_one("#first_name", Input).value == "Sarah"
        await fill(pilot, app, last_name="Kent-Smith", phone="+44 7700 900 122")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        sarah = member(store, "M1001")
        assert (sarah.last_name, sarah.phone) == ("Kent-Smith", "+447700900122")
        assert sarah.packs == SARAH.packs  # editing details leaves the packs alone
        assert "Sarah Kent-Smith" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, app, first_name="")
        await pilot.press("escape")  # cancel: nothing saved
        await settle(pilot)
        assert member(store, "M1001").first_name == "Sarah"


@pytest.mark.parametrize("keys", [("3",), ("down", "down", "enter")])
async def test_add_a_pack(
    app: KioskApp, store: Store, clock: FakeClock, keys: tuple[str, ...]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1003")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PackFormScreen)
        await pilot.press(*keys)  # Pilates, then on to "sessions bought"
        await pilot.press("1", "2", "enter")
        await pilot.press(*"31/12/2026", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        olly = member(store, "M1003")
        new = olly.packs[-1]
        assert (new.kind, new.sessions_bought, new.sessions_left) == (PackKind.PILATES, 12, 12)
        assert new.expires == date(2026, 12, 31) and new.bought == clock.now().date()
        assert "Pilates: 12 of 12 left, expires 31/12/2026" in options(app, "#packs")


async def test_adjust_a_pack_and_bad_values(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("enter")  # on her EMS pack
        await settle(pilot)
        assert isinstance(app.screen, PackFormScreen)
        await fill(pilot, app, bought="10", left="11", expires="")
        await pilot.press("f10")
        await settle(pilot)
        assert "cannot be more than sessions bought" in screen_text(app)
        await fill(pilot, app, left="lots")
        await pilot.press("f10")
        await settle(pilot)
        assert "A whole number from 0 to 999." in screen_text(app)
        await fill(pilot, app, left="8", expires="31/02/2027")
        await pilot.press("f10")
        await settle(pilot)
        assert "Not a date" in screen_text(app)
        assert member(store, "M1001").packs == SARAH.packs
        await fill(pilot, app, left="8", expires="2027-03-01")
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        pack = member(store, "M1001").packs[0]
        assert (pack.sessions_left, pack.expires) == (8, date(2027, 3, 1))


async def test_clear_the_trainer_flag_with_a_note(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TrainerFlagScreen)
        assert "Flag is SET. Latest: pacemaker" in screen_text(app)
        await pilot.press("enter")  # no note: refused
        await settle(pilot)
        assert "Please write a short note" in screen_text(app)
        assert member(store, "M1005").see_trainer
        await pilot.press(*"GP letter seen [ok]", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        tom = member(store, "M1005")
        assert not tom.see_trainer
        # the history is kept: how the flag came to be, then its clearing
        assert tom.see_trainer_note == "pacemaker\ncleared 23/11/2026: GP letter seen [ok]"
        text = screen_text(app)
        assert "Trainer flag: clear\n  pacemaker\n  cleared 23/11/2026: GP letter seen [ok]" in text
        # and it can be set again
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*"dizzy last time", "f10")
        await settle(pilot)
        assert member(store, "M1005").see_trainer
        assert member(store, "M1005").see_trainer_note.splitlines()[-1] == (
            "set 23/11/2026: dizzy last time"
        )


async def test_check_in_from_staff_mode(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, KindScreen)
        await pilot.press("1")  # EMS: she has sessions, no override needed
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        assert "Checked in for EMS." in screen_text(app)
        assert member(store, "M1001").packs[0].sessions_left == 4
        await pilot.press("c", "1")  # again today: refused, nothing recorded
        await settle(pilot)
        assert "Already checked in today" in screen_text(app)
        assert len(store.visits_on(clock.now().date())) == 1


async def test_override_a_used_up_pack(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1003")  # Olly: PT pack used up
        await pilot.press("c", "2")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Their PT pack is used up. Check them in anyway?" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert store.visits_on(clock.now().date()) == []
        await pilot.press("c", "2")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        assert "Checked in for PT (override)." in screen_text(app)
        (visit,) = store.visits_on(clock.now().date())
        assert visit.member_code == "M1003" and VisitFlag.OVERRIDE in visit.flags
        assert member(store, "M1003").packs[0].sessions_left == 0  # nothing left to take


async def test_override_with_no_pack_of_that_kind(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("c", "3")
        await settle(pilot)
        assert "They have no Pilates pack." in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        (visit,) = store.visits_on(clock.now().date())
        assert visit.kind is PackKind.PILATES and visit.flags == {VisitFlag.OVERRIDE}


async def test_see_trainer_check_in_is_recorded_and_flagged(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        await pilot.press("c", "1")
        await settle(pilot)
        assert "Flagged: see trainer." in screen_text(app)
        (visit,) = store.visits_on(clock.now().date())
        assert VisitFlag.SEE_TRAINER in visit.flags


@pytest.mark.parametrize("size", [(80, 24), (132, 43)])
async def test_member_screen_fits(app: KioskApp, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await open_member(app, pilot, "M1005")
        for button in app.screen.query("Button"):
            assert button.region.right <= size[0], button.id
            assert button.region.bottom <= size[1] - 1, button.id


class Builds:
    """Every member index the store builds: on which thread, and held while `hold` is clear."""

    def __init__(self) -> None:
        self.off_loop: list[bool] = []
        self.go = threading.Event()
        self.go.set()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[Builds]:
    seen = Builds()

    class Watched(MemberIndex):
        def __init__(self, members: Iterable[Member]) -> None:
            seen.off_loop.append(threading.current_thread() is not threading.main_thread())
            seen.go.wait(20)
            super().__init__(members)

    monkeypatch.setattr(store_module, "MemberIndex", Watched)
    yield seen
    seen.go.set()  # never leave a worker thread waiting


def codes_found(store: Store, text: str) -> list[str]:
    return [m.code for m in store.member_index().search(text)]


async def test_a_member_added_is_indexed_in_a_worker(
    app: KioskApp, store: Store, builds: Builds
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("3")
        await settle(pilot)
        builds.off_loop.clear()
        await fill(pilot, app, first_name="Zoë", last_name="Adams", phone="07700 900 777")
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, MemberScreen))
        await app.workers.wait_for_complete()
        assert builds.off_loop == [True]  # built once, in a thread, after the change
        (zoe,) = [m for m in store.members() if m.last_name == "Adams"]
        assert codes_found(store, "zoe adams") == [zoe.code]
        assert builds.off_loop == [True]  # the look-up found it ready: not built again


async def test_a_change_during_a_rebuild_waits_for_it_and_the_index_is_fresh(
    app: KioskApp, store: Store, builds: Builds
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("e")
        await settle(pilot)
        builds.off_loop.clear()
        builds.go.clear()  # the rebuild after this save takes its time (a Pi)
        await fill(pilot, app, last_name="Kent-Smith")
        await pilot.press("f10")
        await until(pilot, lambda: isinstance(app.screen, MemberScreen))
        await until(pilot, lambda: bool(builds.off_loop), "the rebuild to start")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, MemberFormScreen))
        await fill(pilot, app, last_name="Jones")
        await pilot.press("f10", "f10")
        await until(pilot, lambda: busy(app) == SAVING)
        assert SAVING in screen_text(app)
        assert app.screen.query_one("#save").is_disabled
        assert member(store, "M1001").last_name == "Kent-Smith"  # not under the rebuild
        builds.go.set()
        await until(pilot, lambda: isinstance(app.screen, MemberScreen))
        await app.workers.wait_for_complete()
        assert member(store, "M1001").last_name == "Jones"
        assert builds.off_loop == [True, True]  # one rebuild per change, each in a thread
        assert codes_found(store, "sarah jones") == ["M1001"]
        assert codes_found(store, "kent smith") == []
        assert builds.off_loop == [True, True]
