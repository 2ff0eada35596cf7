"""Yes/no questions and the session choice: keys, buttons, going back, leaving."""

from __future__ import annotations

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.session import SessionKindScreen
from tests.ui_checkin_helpers import screen_text
from tests.waiting import idle_looked

QUESTIONS = (
    ("unwell", "Are you unwell today?"),
    ("new", "Anything new [bold]?"),
    ("fed", "Water?"),
)


async def test_answers_by_keys_and_buttons_with_back(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    got: list[dict[str, bool] | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(QuestionsScreen("Check", QUESTIONS, clock, 60), got.append)
        await pilot.pause()
        assert "Question 1 of 3" in screen_text(app)
        await pilot.press("y")
        assert "Anything new [bold]?" in screen_text(app)  # shown literally
        await pilot.press("backspace")
        assert "Are you unwell today?" in screen_text(app)
        await pilot.press("n")
        await pilot.click("#yes")
        await pilot.pause()
        await pilot.click("#no")
        await pilot.pause()
    assert got == [{"unwell": False, "new": True, "fed": False}]


async def test_escape_and_idle_leave_without_answers(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    got: list[dict[str, bool] | None] = []
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(QuestionsScreen("Check", QUESTIONS, clock, 60), got.append)
        await pilot.pause()
        await pilot.press("y", "escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)
        app.push_screen(QuestionsScreen("Check", QUESTIONS, clock, 60), got.append)
        await pilot.pause()
        clock.advance(59)
        await idle_looked(pilot)
        assert isinstance(app.screen, QuestionsScreen)
        await pilot.press("y")  # activity starts the idle time again
        clock.advance(59)
        await idle_looked(pilot)
        assert isinstance(app.screen, QuestionsScreen)
        clock.advance(2)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)
    assert got == []


async def test_session_choice_by_number_and_click(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    got: list[PackKind | None] = []
    kinds = [(PackKind.EMS, 3), (PackKind.PILATES, 1)]
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(SessionKindScreen("[b]Zoë", kinds, clock, 60), got.append)
        await pilot.pause()
        text = screen_text(app)
        assert "Hello [b]Zoë" in text
        await pilot.press("3")  # no third kind: ignored
        await pilot.press("2")
        await pilot.pause()
        app.push_screen(SessionKindScreen("Zoë", kinds, clock, 60), got.append)
        await pilot.pause()
        await pilot.click("#kind-0")
        await pilot.pause()
    assert got == [PackKind.PILATES, PackKind.EMS]
