"""Members in staff mode: find, full details, add, edit, packs, the trainer flag, override."""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, PackKind, VisitFlag
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import ConfirmScreen, StaffHome
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
    open_staff_mode,
    options,
    screen_text,
)


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store, SARAH, OLLY, TOM, MARKUP)
    return KioskApp(content, store, clock)


async def find(app: KioskApp, pilot: Pilot[int], text: str) -> None:
    await open_staff_mode(app, pilot)
    await pilot.press("2")
    await pilot.pause()
    assert isinstance(app.screen, FindMemberScreen)
    await pilot.press(*text)
    await pilot.pause()


async def open_member(app: KioskApp, pilot: Pilot[int], text: str) -> None:
    await find(app, pilot, text)
    await pilot.press("enter")
    await pilot.pause()
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
        await pilot.pause()
        assert "Nobody found." in screen_text(app)


async def test_member_details_and_markup_shown_as_typed(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1009")
        text = screen_text(app)
        assert "[bold]Bob[/bold] Smith[/]   code M1009" in text
        await pilot.press("escape")
        await pilot.pause()
        assert "[bold]Bob[/bold] Smith[/]  M1009" in "\n".join(options(app, "#found"))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StaffHome)


async def test_tom_shows_his_trainer_flag_and_packs(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        text = screen_text(app)
        assert "SEE TRAINER - note: pacemaker" in text
        assert "EMS: 5 of 10 left, expires 30/06/2027" in options(app, "#packs")


async def test_add_a_member(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        await pilot.press("f10")
        await pilot.pause()
        text = screen_text(app)
        assert "Please enter your first name." in text
        assert "Please enter your mobile number." in text
        assert store.member_count() == 4
        await fill(pilot, app, first_name="  Zoë ", last_name="Adams", phone="07700 900 777")
        await fill(pilot, app, email="not an email")
        await pilot.press("f10")
        await pilot.pause()
        assert "does not look like an email" in screen_text(app)
        await fill(pilot, app, email="Zoe@Example.com")
        app.screen.query_one("#email", Input).focus()
        await pilot.press("enter")  # Enter on the last field saves
        await pilot.pause()
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
        await pilot.pause()
        await fill(pilot, app, first_name="Sam", last_name="Kent", phone="07700900121")
        await pilot.press("f10")
        await pilot.pause()
        assert "Sarah Kent (M1001) already has this number." in screen_text(app)
        assert store.member_count() == 4


async def test_edit_a_member(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, MemberFormScreen)
        assert app.screen.query_one("#first_name", Input).value == "Sarah"
        await fill(pilot, app, last_name="Kent-Smith", phone="+44 7700 900 122")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        sarah = member(store, "M1001")
        assert (sarah.last_name, sarah.phone) == ("Kent-Smith", "+447700900122")
        assert sarah.packs == SARAH.packs  # editing details leaves the packs alone
        assert "Sarah Kent-Smith" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, app, first_name="")
        await pilot.press("escape")  # cancel: nothing saved
        await pilot.pause()
        assert member(store, "M1001").first_name == "Sarah"


@pytest.mark.parametrize("keys", [("3",), ("down", "down", "enter")])
async def test_add_a_pack(
    app: KioskApp, store: Store, clock: FakeClock, keys: tuple[str, ...]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1003")
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, PackFormScreen)
        await pilot.press(*keys)  # Pilates, then on to "sessions bought"
        await pilot.press("1", "2", "enter")
        await pilot.press(*"31/12/2026", "enter")
        await pilot.pause()
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
        await pilot.pause()
        assert isinstance(app.screen, PackFormScreen)
        await fill(pilot, app, bought="10", left="11", expires="")
        await pilot.press("f10")
        await pilot.pause()
        assert "cannot be more than sessions bought" in screen_text(app)
        await fill(pilot, app, left="lots")
        await pilot.press("f10")
        await pilot.pause()
        assert "A whole number from 0 to 999." in screen_text(app)
        await fill(pilot, app, left="8", expires="31/02/2027")
        await pilot.press("f10")
        await pilot.pause()
        assert "Not a date" in screen_text(app)
        assert member(store, "M1001").packs == SARAH.packs
        await fill(pilot, app, left="8", expires="2027-03-01")
        await pilot.press("f10")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        pack = member(store, "M1001").packs[0]
        assert (pack.sessions_left, pack.expires) == (8, date(2027, 3, 1))


async def test_clear_the_trainer_flag_with_a_note(app: KioskApp, store: Store) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TrainerFlagScreen)
        assert "Flag is SET. Note: pacemaker" in screen_text(app)
        await pilot.press("enter")  # no note: refused
        await pilot.pause()
        assert "Please write a short note" in screen_text(app)
        assert member(store, "M1005").see_trainer
        await pilot.press(*"GP letter seen [ok]", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        tom = member(store, "M1005")
        assert not tom.see_trainer
        assert tom.see_trainer_note == "cleared 23/11/2026: GP letter seen [ok]"
        assert "Trainer flag: clear - note: cleared 23/11/2026: GP letter seen [ok]" in screen_text(
            app
        )
        # and it can be set again
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"dizzy last time", "f10")
        await pilot.pause()
        assert member(store, "M1005").see_trainer


async def test_check_in_from_staff_mode(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1001")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, KindScreen)
        await pilot.press("1")  # EMS: she has sessions, no override needed
        await pilot.pause()
        assert isinstance(app.screen, MemberScreen)
        assert "Checked in for EMS." in screen_text(app)
        assert member(store, "M1001").packs[0].sessions_left == 4
        await pilot.press("c", "1")  # again today: refused, nothing recorded
        await pilot.pause()
        assert "Already checked in today" in screen_text(app)
        assert len(store.visits_on(clock.now().date())) == 1


async def test_override_a_used_up_pack(app: KioskApp, store: Store, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1003")  # Olly: PT pack used up
        await pilot.press("c", "2")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Their PT pack is used up. Check them in anyway?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert store.visits_on(clock.now().date()) == []
        await pilot.press("c", "2")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
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
        await pilot.pause()
        assert "They have no Pilates pack." in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        (visit,) = store.visits_on(clock.now().date())
        assert visit.kind is PackKind.PILATES and visit.flags == {VisitFlag.OVERRIDE}


async def test_see_trainer_check_in_is_recorded_and_flagged(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_member(app, pilot, "M1005")
        await pilot.press("c", "1")
        await pilot.pause()
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
