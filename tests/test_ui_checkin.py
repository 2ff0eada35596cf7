"""Check-in as a client does it: type or scan, pick, answer, see the result; every state."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from textual import events
from textual.pilot import Pilot
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
from kiosk.ui.widgets.band import BELLS, Outcome, ResultBand
from tests.ui_checkin_helpers import (
    ALL_WELL,
    EVE,
    OLLY,
    PIA,
    SARAH,
    TOM,
    ZOE,
    Bells,
    add_members,
    by_phone,
    count_writes,
    disk_full,
    last_digits,
    member,
    pack,
    readiness_keys,
    screen_text,
)
from tests.waiting import idle_looked, on_top, wait_for


@pytest.fixture
def members_store(store: Store) -> Iterator[Store]:
    """The real store on a temp directory, with the test members in it."""
    add_members(store)
    yield store


def make_app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    return KioskApp(content, store, clock)


def outcome(app: KioskApp) -> Outcome:
    assert isinstance(app.screen, ResultScreen), type(app.screen)
    return app.screen.query_one(ResultBand).outcome


async def look_up(app: KioskApp, pilot: Pilot[int], text: str) -> None:
    await pilot.press(*text)
    assert isinstance(app.screen, LookupScreen)


async def test_first_key_opens_look_up_with_it(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "s"
        await pilot.press("a")
        assert app.screen.query_one("#query", Input).value == "sa"


async def test_nothing_listed_for_a_name_then_the_last_digits_are_asked(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "sarah k")
        options = app.screen.query_one("#matches", OptionList)
        assert options.option_count == 0 and not options.display
        assert "first letter of your surname, then Enter" in screen_text(app)
        await pilot.press("enter")
        digits = app.screen.query_one("#digits", Input)
        assert digits.has_focus and digits.password  # dots for a bystander
        assert "please type the last 3 digits" in screen_text(app)
        assert "ask your trainer" in screen_text(app)  # for a member without a phone
        assert "Sarah" not in screen_text(app) and options.option_count == 0
        await pilot.press(*last_digits(SARAH), "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        assert "Sarah, before your EMS session" in screen_text(app)


async def test_name_typo_and_accent_then_enter_checks_in_pt(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "zoe adams")
        await pilot.press("enter", *last_digits(ZOE), "enter")
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


async def test_five_phone_digits_and_enter_check_in_with_six_key_presses(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        keys = by_phone(PIA)
        assert len(keys) == 6
        await pilot.press(*keys)
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "1 session left on your Pilates pack." in screen_text(app)


async def test_four_digits_are_too_few_and_list_nobody(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "0666")
        await pilot.press("enter")
        assert isinstance(app.screen, LookupScreen)
        assert "at least the last 5 digits" in screen_text(app)
        assert app.screen.query_one("#matches", OptionList).option_count == 0
        assert "NOT FOUND" not in screen_text(app)


FAMILY = (
    member("M2001", "Helen", "Shared", "+447700900777", pack(PackKind.PT, 4)),
    member("M2002", "Harry", "Shared", "+447700900777", pack(PackKind.PT, 4)),
)


async def test_a_family_on_one_phone_chooses_with_arrow_keys(
    content: Content, store: Store, clock: FakeClock
) -> None:
    add_members(store, *FAMILY)
    app = make_app(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "00777")
        await pilot.press("enter")
        options = app.screen.query_one("#matches", OptionList)
        shown = [str(options.get_option_at_index(n).prompt) for n in range(2)]
        assert shown == ["Helen S.", "Harry S."]  # first names only: no surname, no digits
        await pilot.press("down", "up", "down", "enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "Welcome, Harry." in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_scanner_code_and_enter_picks_at_once_then_readiness(
    size: tuple[int, int], content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=size) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press(*ALL_WELL)
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        text = screen_text(app)
        assert "First EMS session: your trainer will show you everything." in text
        assert "No body lotion" in text
        assert "4 sessions left on your EMS pack." in text
        assert bells.count == 1
        [visit] = members_store.visits_of(SARAH.code)
        assert visit.kind is PackKind.EMS and VisitFlag.FIRST_EMS in visit.flags


async def test_short_gap_is_checked_in_with_advice_and_flag(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    before = clock.now() - timedelta(days=2)
    members_store.add_visit(Visit("old", SARAH.code, before, PackKind.EMS, None))
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", *ALL_WELL)
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        text = screen_text(app)
        assert "2 days since your last EMS session." in text
        assert "At least 4 days between EMS sessions is recommended" in text
        new = [v for v in members_store.visits_of(SARAH.code) if v.id != "old"]
        assert VisitFlag.SHORT_GAP in new[0].flags


async def test_readiness_yes_gives_see_your_trainer_and_records_no_visit(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", *readiness_keys("unwell"))
        await pilot.pause()
        assert outcome(app) is Outcome.SEE_TRAINER
        assert "please see your trainer before any EMS today" in screen_text(app)
        assert "no session is used" in screen_text(app)
        assert bells.count >= 1
        assert members_store.visits_of(SARAH.code) == []


async def test_member_flagged_at_screening_sees_trainer_without_questions(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, TOM.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.SEE_TRAINER
        assert members_store.visits_of(TOM.code) == []
        assert "pacemaker" not in screen_text(app)  # the trainer's note is for staff only


async def test_already_checked_in_today_records_nothing_more(
    content: Content, members_store: Store, clock: FakeClock
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
        assert first is Outcome.ALREADY_TODAY
        assert len(members_store.visits_of(PIA.code)) == 1


@pytest.mark.parametrize(
    ("who", "expected"), [(OLLY, Outcome.PACK_USED_UP), (EVE, Outcome.PACK_EXPIRED)]
)
async def test_pack_used_up_or_expired_is_not_recorded(
    who: Member, expected: Outcome, content: Content, members_store: Store, clock: FakeClock
) -> None:
    code = who.code
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is expected
        assert "see the front desk" in screen_text(app)
        assert members_store.visits_of(code) == []


async def test_not_found_after_enter_offers_registration(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, "99999")
        assert "NOT FOUND" not in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert "NOT FOUND" in screen_text(app)
        await wait_for(pilot, lambda: bells.count >= BELLS[Outcome.NOT_FOUND], "the bells")
        assert bells.count == BELLS[Outcome.NOT_FOUND]
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)


async def test_escape_and_idle_return_to_front_desk(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "sar")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        await look_up(app, pilot, "sar")
        clock.advance(61)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_result_goes_back_by_itself(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    seconds = content.studio.result_seconds
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        clock.advance(seconds + 1)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_a_failed_write_says_not_checked_in(
    content: Content, members_store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch)
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.NOT_SAVED
        assert "could not be saved" in screen_text(app)
        monkeypatch.undo()
        assert members_store.visits_of(PIA.code) == []
        after = members_store.member(PIA.code)
        assert after is not None and after.packs[0].sessions_left == 2  # nothing taken


async def test_a_scanner_typing_at_the_front_desk_loses_nothing(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, FrontDeskScreen)
        # all keys arrive at once, before the look-up has opened, as from a USB scanner
        for char in PIA.code:
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "a result")
        assert outcome(app) is Outcome.CHECKED_IN
        assert len(members_store.visits_of(PIA.code)) == 1


async def test_an_unreadable_store_sends_them_to_the_desk_not_a_traceback(
    content: Content, members_store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable() -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(members_store, "member_index", unreadable)
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("s")
        assert outcome(app) is Outcome.NOT_SAVED
        assert "Check-in is not available" in screen_text(app)


async def test_a_name_typed_ahead_at_the_front_desk_with_enter_is_found(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        for char in "pia pil":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        for char in last_digits(PIA):  # arrive before the look-up has asked for them
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "a result")
        assert outcome(app) is Outcome.CHECKED_IN


async def test_a_family_member_can_be_picked_by_click(
    content: Content, store: Store, clock: FakeClock
) -> None:
    add_members(store, *FAMILY)
    app = make_app(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "07700 900777")  # the whole number works too
        await pilot.press("enter")
        await pilot.click("#matches", offset=(4, 1))
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert len(store.visits_of(FAMILY[0].code)) == 1


async def test_a_check_in_shown_as_done_is_on_disk_in_one_write(
    content: Content, members_store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        written = count_writes(monkeypatch)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        month = members_store.directory / "visits" / "2026-11.json"
        assert written == [month]  # the visit and the session it took: one fsync'd write
        [doc] = json.loads(month.read_bytes())["_default"].values()
        assert doc["member_code"] == PIA.code and doc["pack_id"] == PIA.packs[0].id
        assert doc["charge"] == 1  # the pack's first check-in: counted from here after a crash


async def test_already_checked_in_for_ems_skips_the_questions(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", *ALL_WELL)
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        await pilot.press("escape")
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.ALREADY_TODAY  # told at once: no questions first
        assert "Sarah, you are already checked in today." in screen_text(app)
        assert len(members_store.visits_of(SARAH.code)) == 1


async def test_the_last_session_used_then_again_is_already_not_used_up(
    content: Content, store: Store, clock: FakeClock
) -> None:
    una = member("M1010", "Una", "Last", "+447700900101", pack(PackKind.PT, 1))
    add_members(store, una)
    app = make_app(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, una.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "No sessions left on your PT pack." in screen_text(app)
        await pilot.press("escape")
        await look_up(app, pilot, una.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.ALREADY_TODAY
        clock.advance(24 * 3600)
        await pilot.press("escape")
        await look_up(app, pilot, una.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.PACK_USED_UP
        assert "Sorry Una, your PT pack has no sessions left." in screen_text(app)


async def test_a_member_without_any_pack_is_sent_to_the_desk(
    content: Content, store: Store, clock: FakeClock
) -> None:
    new = member("M1011", "Nia", "New", "+447700900111")
    add_members(store, new)
    app = make_app(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        await look_up(app, pilot, new.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.NO_PACK
        assert "no sessions on a pack yet" in screen_text(app)
        assert bells.count >= 1
        assert store.visits_of(new.code) == []


async def test_warm_up_is_offered_after_ems_only_when_the_studio_names_a_programme(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    assert content.studio.check_in_warmup == "ems-pre-session"
    week_ago = clock.now() - timedelta(days=7)
    members_store.add_visit(Visit("old", SARAH.code, week_ago, PackKind.EMS, None))
    missing = replace(content, studio=replace(content.studio, check_in_warmup="no-such-one"))
    for shown, used in ((True, content), (False, missing)):
        app = make_app(used, members_store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await look_up(app, pilot, SARAH.code)
            await pilot.press("enter", *ALL_WELL)
            await pilot.pause()
            assert outcome(app) is Outcome.CHECKED_IN
            assert bool(app.screen.query("#warmup")) is shown
            text = screen_text(app)
            assert "7 days since your last EMS session." in text
            assert "4 days between" not in text
            assert "Before your EMS session" in text
        clock.advance(7 * 24 * 3600)
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert not app.screen.query("#warmup")  # a Pilates client gets no EMS warm-up
        assert "Before your session" in screen_text(app)


async def test_not_found_goes_back_by_itself_after_result_seconds(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    seconds = content.studio.result_seconds
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "99999")
        await pilot.press("enter")
        await pilot.pause()
        assert "NOT FOUND" in screen_text(app)
        clock.advance(seconds - 1)
        await idle_looked(pilot)
        assert isinstance(app.screen, LookupScreen)
        clock.advance(2)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_unprepared_client_is_told_to_drink_water(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", *readiness_keys("no_drink"))
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        assert "Please drink some water now" in screen_text(app)


SCROLL_BAR_GLYPHS = set("▁▂▃▅▆▇▔▏▕▉▊▋▍▎")  # eighth blocks: not in the Pi's console fonts


def assert_no_scroll_bars(app: KioskApp) -> None:
    shown = app.export_screenshot()
    assert not SCROLL_BAR_GLYPHS & set(shown), type(app.screen).__name__
    for widget in app.screen.query("*"):
        assert not widget.scrollbars_enabled[0] or widget.scrollbar_size_vertical == 0, widget


async def test_no_scroll_bars_on_the_check_in_screens(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    before = clock.now() - timedelta(days=2)
    members_store.add_visit(Visit("old", SARAH.code, before, PackKind.EMS, None))
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, "sarah k")
        assert_no_scroll_bars(app)
        await pilot.press("enter", "9", "9", "9", "enter")
        assert "NOT FOUND" in screen_text(app)
        assert_no_scroll_bars(app)
        await pilot.press("escape")
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter")
        await pilot.pause()
        assert_no_scroll_bars(app)
        await pilot.press(*readiness_keys("unwell", "pregnant"))
        await pilot.pause()
        assert outcome(app) is Outcome.SEE_TRAINER
        assert_no_scroll_bars(app)
        await pilot.press("escape")
        app.post_message(messages.OpenRegistration())
        await pilot.pause()
        assert_no_scroll_bars(app)


async def test_a_scan_while_a_result_is_showing_checks_the_next_client_in(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.CHECKED_IN
        # the next client scans their card at once: every key arrives before the result closes
        for char in "M-1003":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "a result")
        assert outcome(app) is Outcome.PACK_USED_UP  # Olly: M1003, typed with a dash
        assert "Olly" in screen_text(app)


async def test_leaving_the_readiness_check_records_nothing(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, SARAH.code)
        await pilot.press("enter", "n", "escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        assert members_store.visits_of(SARAH.code) == []


async def test_a_member_erased_while_the_look_up_was_open_is_not_found(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await look_up(app, pilot, PIA.code)
        members_store.delete_member(PIA.code)
        await pilot.press("enter")
        await pilot.pause()
        assert outcome(app) is Outcome.NOT_FOUND
        assert app.screen.query("#register")  # offered straight away
        assert members_store.visits_of(PIA.code) == []


async def test_keys_typed_while_the_look_up_opens_are_kept_with_their_edits(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = make_app(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        # all at once, before the look-up exists: a typo mended with Backspace, then Enter
        for key, char in [*((c, c) for c in "pix"), ("backspace", None), ("a", "a")]:
            app.post_message(events.Key(key, char))
        for char in " pil":
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("enter", "\r"))
        for char in last_digits(PIA):
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "a result")
        assert outcome(app) is Outcome.CHECKED_IN
        assert "Welcome, Pia." in screen_text(app)
        assert len(members_store.visits_of(PIA.code)) == 1
