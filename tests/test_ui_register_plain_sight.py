"""Registration in plain sight: said and offered on the front desk (F3, a button), the look-up's
name carried into the form, a filled form never thrown away without asking (Esc, Cancel, idle),
and the default button never beside the destructive one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.front_desk import HINT, FrontDeskScreen
from kiosk.ui.screens.leave_form import (
    ANSWER_SECONDS,
    ASK,
    NOT_KEPT,
    STILL_THERE,
    LeaveFormScreen,
)
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import (
    REGISTER_IDLE_SECONDS,
    ConsentScreen,
    RegisterScreen,
    RegistrationQuestions,
)
from kiosk.ui.widgets.agree import AgreeBox
from tests.screen import composed_strips
from tests.test_ui_register import fill, tap
from tests.ui_checkin_helpers import add_members, screen_text
from tests.waiting import idle_looked, on_top, wait_for

FIELDS = ("first_name", "last_name", "phone", "email")


@pytest.fixture
def members_store(store: Store) -> Iterator[Store]:
    add_members(store)
    yield store


def field(app: KioskApp, key: str) -> str:
    return app.screen.query_one(f"#{key}", Input).value


def drawn(app: KioskApp) -> str:
    """The whole screen as drawn, line by line."""
    return "\n".join(strip.text for strip in composed_strips(app.screen))


async def at_front_desk(app: KioskApp, pilot: Pilot[int]) -> FrontDeskScreen:
    await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
    screen = app.screen
    assert isinstance(screen, FrontDeskScreen)
    return screen


async def registering(app: KioskApp, pilot: Pilot[int]) -> RegisterScreen:
    await wait_for(pilot, lambda: on_top(app, RegisterScreen), "the registration form")
    screen = app.screen
    assert isinstance(screen, RegisterScreen)
    return screen


async def asked(app: KioskApp, pilot: Pilot[int]) -> LeaveFormScreen:
    await wait_for(pilot, lambda: on_top(app, LeaveFormScreen), "the question before leaving")
    screen = app.screen
    assert isinstance(screen, LeaveFormScreen)
    return screen


# -- the front desk says how --------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 33)])
async def test_the_front_desk_says_how_to_register_and_nothing_is_cut(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        screen = await at_front_desk(app, pilot)
        bottom = drawn(app).splitlines()[-1]
        for words in (HINT, "New here? Register F3", "Warm-up F2", "F12 staff"):
            assert words in bottom, f"{words!r} not whole in {bottom!r}"
        assert bottom.index(HINT) < bottom.index("New here?") < bottom.index("Warm-up")
        whole = screen.region
        parts = [screen.query_one(f"#{name}").region for name in ("hint", "register", "warmup")]
        parts.append(screen.query_one("#staff-hint").region)
        for n, region in enumerate(parts):
            assert whole.contains_region(region)
            assert all(not region.overlaps(other) for other in parts[n + 1 :])


async def test_f3_at_the_front_desk_opens_an_empty_form(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_front_desk(app, pilot)
        await pilot.press("f3")
        screen = await registering(app, pilot)
        assert [field(app, key) for key in FIELDS] == ["", "", "", ""]
        assert screen.query_one("#first_name", Input).has_focus
        await pilot.press("escape")  # nothing typed: gone at once, nothing asked
        await at_front_desk(app, pilot)


async def test_the_register_button_opens_the_form(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_front_desk(app, pilot)
        await pilot.click("#register")
        await registering(app, pilot)


async def test_typing_still_starts_the_look_up_and_f3_typed_ahead_takes_the_name(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_front_desk(app, pilot)
        await pilot.press("a", "n", "n", "f3")  # in one burst, while the look-up opens
        screen = await registering(app, pilot)
        assert field(app, "first_name") == "ann"
        assert screen.query_one("#last_name", Input).has_focus  # the next field to fill


# -- the look-up's name goes into the form -------------------------------------------------------


async def test_a_name_not_found_is_carried_into_the_form_as_plain_text(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        # "[" does not open the look-up (only a letter or digit does): it goes in once open
        await pilot.press("x", "backspace", *"[b]Ann K", "enter", "9", "9", "9", "enter")
        await wait_for(
            pilot,
            lambda: on_top(app, LookupScreen) and "NOT FOUND" in screen_text(app),
            "not found",
        )
        await tap(pilot, "#register")
        await registering(app, pilot)
        assert [field(app, key) for key in FIELDS] == ["[b]Ann", "", "", ""]
        assert "[b]Ann" in drawn(app)  # shown as typed, not as markup


async def test_a_whole_phone_number_not_found_fills_the_phone_field(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"07700 900999", "enter")
        await wait_for(pilot, lambda: "NOT FOUND" in screen_text(app), "not found")
        await pilot.press("f3")
        screen = await registering(app, pilot)
        assert [field(app, key) for key in FIELDS] == ["", "", "07700 900999", ""]
        assert screen.query_one("#first_name", Input).has_focus


async def test_the_last_digits_of_a_phone_are_not_carried(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"99999", "enter")
        await wait_for(pilot, lambda: "NOT FOUND" in screen_text(app), "not found")
        await pilot.press("f3")
        await registering(app, pilot)
        assert [field(app, key) for key in FIELDS] == ["", "", "", ""]


# -- leaving a filled form asks first -----------------------------------------------------------


async def filled_form(app: KioskApp, pilot: Pilot[int]) -> RegisterScreen:
    await at_front_desk(app, pilot)
    await pilot.press("f3")
    screen = await registering(app, pilot)
    await fill(pilot, "Amy", "Walker", "07700 900777", "amy@example.com", keys=False)
    await tap(pilot, "#agree")
    return screen


def everything_kept(app: KioskApp) -> None:
    values = [field(app, key) for key in FIELDS]
    assert values == ["Amy", "Walker", "07700 900777", "amy@example.com"]
    assert app.screen.query_one("#agree", AgreeBox).value


async def test_esc_on_a_filled_form_asks_and_keep_going_keeps_every_field(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await filled_form(app, pilot)
        await pilot.press("escape")
        question = await asked(app, pilot)
        assert ASK in screen_text(app) and NOT_KEPT in screen_text(app)
        assert question.query_one("#keep", Button).has_focus  # the default: Enter keeps going
        assert question.styles.background.a < 1  # the form shows, dimmed, under the question
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is form, "the form again")
        everything_kept(app)
        await pilot.press("escape")
        await asked(app, pilot)
        await pilot.press("escape")  # a second Esc keeps going too: never a way to lose it
        await wait_for(pilot, lambda: app.screen is form, "the form again")
        everything_kept(app)


async def test_leave_clears_the_form(content: Content, store: Store, clock: FakeClock) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await filled_form(app, pilot)
        await tap(pilot, "#cancel")
        await asked(app, pilot)
        await tap(pilot, "#leave")
        await at_front_desk(app, pilot)
        assert store.members() == []
        await pilot.press("f3")
        await registering(app, pilot)
        assert [field(app, key) for key in FIELDS] == ["", "", "", ""]
        assert not app.screen.query_one("#agree", AgreeBox).value


async def test_a_filled_form_left_alone_is_hidden_then_cleared(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await filled_form(app, pilot)
        clock.advance(REGISTER_IDLE_SECONDS)
        await idle_looked(pilot)
        question = await asked(app, pilot)
        assert question.idle and question.has_class("-idle")
        assert STILL_THERE in screen_text(app)
        assert question.styles.background.a == 1  # the form under it is hidden meanwhile
        clock.advance(ANSWER_SECONDS - 10)
        await idle_looked(pilot)
        assert "cleared in 10 s" in screen_text(app)
        await pilot.press("enter")  # still there: keep going, with everything
        await wait_for(pilot, lambda: app.screen is form, "the form again")
        everything_kept(app)
        clock.advance(REGISTER_IDLE_SECONDS)  # then walks away for good
        await idle_looked(pilot)
        await asked(app, pilot)
        clock.advance(ANSWER_SECONDS)
        await idle_looked(pilot)
        await at_front_desk(app, pilot)
        assert store.members() == []
        assert "Amy" not in drawn(app)


async def test_an_empty_form_left_alone_goes_at_once(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_front_desk(app, pilot)
        await pilot.press("f3")
        await registering(app, pilot)
        clock.advance(REGISTER_IDLE_SECONDS)
        await idle_looked(pilot)
        await at_front_desk(app, pilot)


async def test_the_later_steps_ask_too(content: Content, store: Store, clock: FakeClock) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await filled_form(app, pilot)
        await tap(pilot, "#continue")
        await wait_for(pilot, lambda: on_top(app, RegistrationQuestions), "the screening")
        questions = app.screen
        await pilot.press("escape")
        await asked(app, pilot)
        await pilot.press("enter")  # keep going: the same question
        await wait_for(pilot, lambda: app.screen is questions, "the screening again")
        assert isinstance(questions, QuestionsScreen)
        await pilot.press(*"n" * len(questions.questions))
        await wait_for(pilot, lambda: on_top(app, ConsentScreen), "the consent")
        await tap(pilot, "#cancel")
        await asked(app, pilot)
        await tap(pilot, "#leave")
        await at_front_desk(app, pilot)
        assert store.members() == [] and store.screenings() == []


# -- button order ---------------------------------------------------------------------------------


def apart(app: KioskApp, default: str, destructive: str) -> None:
    """The default first (where Tab reaches it first), the destructive one far from it."""
    first = app.screen.query_one(f"#{default}").region
    last = app.screen.query_one(f"#{destructive}").region
    assert first.y == last.y and first.right < last.x
    assert last.x - first.right >= 10, f"#{default} {first} too near #{destructive} {last}"


@pytest.mark.parametrize("size", [(80, 24), (120, 33)])
async def test_the_default_button_is_never_beside_cancel_or_leave(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        form = await filled_form(app, pilot)
        app.screen.query_one("#cancel").scroll_visible(animate=False)
        await pilot.pause()
        apart(app, "continue", "cancel")
        await pilot.press("escape")
        await asked(app, pilot)
        apart(app, "keep", "leave")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form, "the form again")
        await tap(pilot, "#continue")
        await wait_for(pilot, lambda: on_top(app, RegistrationQuestions), "the screening")
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press(*"n" * len(app.screen.questions))
        await wait_for(pilot, lambda: on_top(app, ConsentScreen), "the consent")
        app.screen.query_one("#cancel").scroll_visible(animate=False)
        await pilot.pause()
        apart(app, "finish", "cancel")
