"""The result screen: word, colour, sound, idle return, any key returns and is typed nowhere,
Enter does what the focused button says."""

from __future__ import annotations

from typing import TypeVar

import pytest
from textual.message import Message
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.result import ResultScreen, ResultView
from kiosk.ui.screens.warmup_menu import WarmupMenuScreen
from kiosk.ui.widgets.band import BELLS, HEADLINES, Outcome, ResultBand, css_class
from tests.waiting import idle_looked, wait_for

M = TypeVar("M", bound=Message)


class Posted:
    """Records the messages screens post to the app (and still delivers them)."""

    def __init__(self, app: KioskApp) -> None:
        self.messages: list[Message] = []
        self._post = app.post_message
        app.post_message = self.post  # type: ignore[method-assign]

    def post(self, message: Message) -> bool:
        self.messages.append(message)
        return self._post(message)

    def of(self, kind: type[M]) -> list[M]:
        return [m for m in self.messages if isinstance(m, kind)]


def texts(app: KioskApp) -> str:
    from textual.widgets import Static

    return "\n".join(str(s.render()) for s in app.screen.query(Static))


class Bells:
    def __init__(self, app: KioskApp) -> None:
        self.count = 0
        app.bell = self.ring  # type: ignore[method-assign]

    def ring(self) -> None:
        self.count += 1


@pytest.mark.parametrize("outcome", list(Outcome))
async def test_each_outcome_has_its_word_colour_and_sound(
    outcome: Outcome, content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        bells = Bells(app)
        app.push_screen(ResultScreen(ResultView(outcome, greeting="Hi"), clock, 20))
        await wait_for(pilot, lambda: bells.count >= BELLS[outcome], "the bells")
        band = app.screen.query_one(ResultBand)
        assert str(band.render()) == HEADLINES[outcome]
        assert band.has_class(css_class(outcome))
        assert bells.count == BELLS[outcome]
    assert len(set(HEADLINES.values())) == len(Outcome)


async def test_result_returns_by_itself_after_result_seconds(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ResultScreen(ResultView(Outcome.CHECKED_IN), clock, 20))
        await pilot.pause()
        assert "in 20 s" in texts(app)
        clock.advance(19)
        await idle_looked(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert "in 1 s" in texts(app)
        clock.advance(1.5)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_any_key_returns_and_is_typed_nowhere(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ResultScreen(ResultView(Outcome.ALREADY_TODAY), clock, 20))
        await pilot.pause()
        await pilot.press("escape")
        assert isinstance(app.screen, FrontDeskScreen)
        app.push_screen(ResultScreen(ResultView(Outcome.ALREADY_TODAY), clock, 20))
        await pilot.pause()
        await pilot.press("x")  # "press any key": it closes the result, and that is all
        assert isinstance(app.screen, FrontDeskScreen)
        await pilot.press("s", "a")
        assert isinstance(app.screen, LookupScreen)
        assert app.screen.query_one("#query", Input).value == "sa"


async def test_enter_does_what_the_focused_button_says(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        posted = Posted(app)
        view = ResultView(Outcome.CHECKED_IN, "Welcome, Sam", (), ("drink water",), "ems-prep")
        app.push_screen(ResultScreen(view, clock, 20))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "warmup"  # shown as highlighted
        await pilot.press("enter")
        await wait_for(pilot, lambda: posted.of(messages.OpenWarmups), "the warm-up")
        assert [m.programme_id for m in posted.of(messages.OpenWarmups)] == ["ems-prep"]
        app.back_to_front_desk()
        app.push_screen(ResultScreen(view, clock, 20))
        await pilot.pause()
        await pilot.press("right")  # to "Done"
        assert app.focused is not None and app.focused.id == "done"
        await pilot.press("enter")
        assert isinstance(app.screen, FrontDeskScreen)
        assert len(posted.of(messages.OpenWarmups)) == 1
        app.push_screen(ResultScreen(ResultView(Outcome.NOT_FOUND), clock, 20))
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "done"


async def test_click_returns_and_warm_up_button_opens_the_programme(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        posted = Posted(app)
        view = ResultView(Outcome.CHECKED_IN, "Welcome, Sam", ("a",), ("drink water",), "ems-prep")
        app.push_screen(ResultScreen(view, clock, 20))
        await pilot.pause()
        await pilot.click("#warmup")
        await pilot.pause()
        # "ems-prep" is not in the content, so the programme menu opens instead
        assert isinstance(app.screen, WarmupMenuScreen)
        app.pop_screen()
        await pilot.pause()
        assert [m.programme_id for m in posted.of(messages.OpenWarmups)] == ["ems-prep"]
        app.push_screen(ResultScreen(view, clock, 20))
        await pilot.pause()
        await pilot.click("#details")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        assert [m.programme_id for m in posted.of(messages.OpenWarmups)] == ["ems-prep"]


async def test_user_text_is_shown_literally(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        view = ResultView(Outcome.CHECKED_IN, greeting="Welcome, [bold]Zoë[/] [/")
        app.push_screen(ResultScreen(view, clock, 20))
        await pilot.pause()
        assert "Welcome, [bold]Zoë[/] [/" in texts(app)


def test_messages_exist() -> None:
    assert messages.OpenWarmups("x").programme_id == "x"
