"""Check-in as a client does it: type or scan, pick, answer, see the result; every state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual import events
from textual.widgets import Input, OptionList

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, PackKind, Visit, VisitFlag
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import RegisterScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.session import SessionKindScreen
from kiosk.ui.widgets.band import Outcome, ResultBand
from tests.ui_checkin_helpers import (
    EVE,
    OLLY,
    PIA,
    SARAH,
    TOM,
    ZOE,
    Bells,
    MemoryStore,
    add_members,
    screen_text,
)

AnyStore = Store | MemoryStore


@pytest.fixture
def members_store(data_dir: Path) -> Iterator[AnyStore]:
    """B1's store once it has members and visits; the in-memory stand-in until then."""
    if hasattr(Store, "add_visit"):
        with Store.open(data_dir) as store:
            add_members(store)
            yield store
    else:
        store = MemoryStore(data_dir)
        add_members(store)
        yield store


def make_app(content: Content, store: AnyStore, clock: FakeClock) -> KioskApp:
    return KioskApp(content, store, clock)  # type: ignore[arg-type]


def outcome(app: KioskApp) -> Outcome:
    assert isinstance(app.screen, ResultScreen), type(app.screen)
    return app.screen.query_one(ResultBand).outcome


async def look_up(app: KioskApp, pilot: object, text: str) -> None:
    app.post_message(messages.OpenCheckIn(text[0]))
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press(*text[1:])  # type: ignore[attr-defined]


async def test_first_key_opens_look_up_with_it(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenCheckIn("s"))
        await pilot.pause()
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "s"
        await pilot.press("a")
        assert app.screen.query_one("#query", Input).value == "sa"


async def test_nothing_listed_before_three_then_at_most_five_redacted(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "sa")
        options = app.screen.query_one("#matches", OptionList)
        assert options.option_count == 0 and not options.display
        await pilot.press("r")
        assert 1 <= options.option_count <= 5
        shown = str(options.get_option_at_index(0).prompt)
        assert shown == "Sarah K. · phone ending 21"
        assert "Kent" not in shown and "900121" not in shown


async def test_name_typo_and_accent_then_enter_checks_in_pt(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "zoe adams")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionKindScreen)  # PT and Pilates both left
        await pilot.press("1")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "Welcome, Zoë." in screen_text(app)
        visits = members_store.visits_of(ZOE.code)
        assert [v.kind for v in visits] == [PackKind.PT]
        after = members_store.member(ZOE.code)
        assert after is not None
        assert [p.sessions_left for p in after.packs] == [2, 6]


async def test_phone_digits_and_arrow_keys_pick(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "0900666")
        options = app.screen.query_one("#matches", OptionList)
        assert options.option_count == 1
        await pilot.press("down", "up", "enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "1 session left on your Pilates pack." in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_scanner_code_and_enter_picks_at_once_then_readiness(
    size: tuple[int, int], content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=size) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press("n", "n", "y")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        text = screen_text(app)
        assert "First EMS session: your trainer will show you everything." in text
        assert "No body lotion" in text
        assert bells.count == 1
        [visit] = members_store.visits_of(SARAH.code)
        assert visit.kind is PackKind.EMS and VisitFlag.FIRST_EMS in visit.flags


async def test_short_gap_is_checked_in_with_advice_and_flag(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    before = clock.now() - timedelta(days=2)
    members_store.add_visit(Visit("old", SARAH.code, before, PackKind.EMS, None))
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", "n", "n", "y")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        text = screen_text(app)
        assert "2 days since your last EMS session." in text
        assert "at least 4 days between EMS sessions" in text
        new = [v for v in members_store.visits_of(SARAH.code) if v.id != "old"]
        assert VisitFlag.SHORT_GAP in new[0].flags


async def test_readiness_yes_gives_see_your_trainer_and_flags_visit(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", "y", "n", "y")
        await pilot.pause()
        assert outcome(app) is Outcome.SEE_TRAINER
        assert bells.count >= 1
        [visit] = members_store.visits_of(SARAH.code)
        assert VisitFlag.SEE_TRAINER in visit.flags


async def test_member_flagged_at_screening_sees_trainer(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, TOM.code)
        await pilot.press("enter", "n", "n", "y")
        await pilot.pause()
        assert outcome(app) is Outcome.SEE_TRAINER


async def test_already_checked_in_today_records_nothing_more(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await look_up(app, pilot, PIA.code)
            await pilot.press("enter")
            await pilot.pause()
            first = outcome(app)
            await pilot.press("escape")
            await pilot.pause()
        assert first is Outcome.ALREADY
        assert len(members_store.visits_of(PIA.code)) == 1


@pytest.mark.parametrize(
    ("who", "expected"), [(OLLY, Outcome.PACK_USED_UP), (EVE, Outcome.PACK_EXPIRED)]
)
async def test_pack_used_up_or_expired_is_not_recorded(
    who: object, expected: Outcome, content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    code = who.code  # type: ignore[attr-defined]
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is expected
        assert "see the front desk" in screen_text(app)
        assert members_store.visits_of(code) == []


async def test_not_found_after_enter_offers_registration(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, "qqqqxx")
        assert "NOT FOUND" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "NOT FOUND" in screen_text(app)
        assert bells.count == 1
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)


async def test_escape_and_idle_return_to_front_desk(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "sar")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        await look_up(app, pilot, "sar")
        clock.advance(61)
        await pilot.pause(0.4)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_result_goes_back_by_itself(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    seconds = getattr(content.studio, "result_seconds", 20)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        clock.advance(seconds + 1)
        await pilot.pause(0.4)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_a_failed_write_says_not_checked_in(
    content: Content, data_dir: Path, clock: FakeClock
) -> None:
    store = MemoryStore(data_dir)
    add_members(store)
    store.fail_writes = True
    app = make_app(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.NOT_SAVED
        assert store.visits_of(PIA.code) == []


async def test_a_scanner_typing_at_the_front_desk_loses_nothing(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, FrontDeskScreen)
        # all keys arrive at once, before the look-up has opened, as from a USB scanner
        for char in PIA.code:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause(0.3)
        assert outcome(app) is Outcome.CHECKED_IN
        assert len(members_store.visits_of(PIA.code)) == 1


async def test_an_unreadable_store_sends_them_to_the_desk_not_a_traceback(
    content: Content, data_dir: Path, clock: FakeClock
) -> None:
    class Unreadable(MemoryStore):
        def members(self) -> list[Member]:
            raise OSError(5, "Input/output error")

    app = make_app(content, Unreadable(data_dir), clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        app.post_message(messages.OpenCheckIn("s"))
        await pilot.pause()
        assert outcome(app) is Outcome.NOT_SAVED
        assert "Check-in is not available" in screen_text(app)


async def test_a_name_typed_ahead_at_the_front_desk_with_enter_is_found(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for char in "pia pil":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        await pilot.pause(0.3)
        assert outcome(app) is Outcome.CHECKED_IN


async def test_a_match_can_be_picked_by_click(
    content: Content, members_store: AnyStore, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "pia p")
        await pilot.click("#matches", offset=(4, 1))
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert len(members_store.visits_of(PIA.code)) == 1
