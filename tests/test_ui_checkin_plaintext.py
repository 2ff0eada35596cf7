"""Whatever people type (markup, control characters, emoji, 10 kB) is shown as plain text and
never crashes the kiosk: look-up, registration fields, and names on the result screens."""

from __future__ import annotations

import asyncio
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.events import Paste
from textual.widgets import Input, OptionList

from kiosk.core.checkin import CheckIn, Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content, load_content
from kiosk.core.lookup import greeting
from kiosk.core.members import Member, PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import LookupScreen, result_view
from kiosk.ui.screens.register import RegisterScreen, WelcomeScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.screens.session import SessionKindScreen
from tests.conftest import CONTENT_DIR
from tests.ui_checkin_helpers import SARAH, add_members, pack, screen_text

NASTY = st.sampled_from(
    [
        "[bold]",
        "[/",
        "[/]",
        "[red]x[/red]",
        "[@click=app.quit]q[/]",
        "\x1b[31m",
        "\x00",
        "\r\n",
        "\t",
        "👍🏽",
        "Zoë",
        "ß",
        "\u202e",
        "$",
        "{x}",
        "%s",
        "\\",
    ]
)
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=6).map("".join)
BIG = st.sampled_from(["A" * 10_000, "[b]" * 3_000, "👍" * 5_000])
ANY = st.one_of(TEXT, TEXT, BIG)
LONDON = ZoneInfo("Europe/London")
CONTENT: Content = load_content(CONTENT_DIR)
SETTINGS = settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def shown(text: str) -> str:
    """Text as a terminal can show it: control characters (tabs, line breaks ...) dropped."""
    return "".join(c for c in text if unicodedata.category(c) != "Cc")


def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 23, 10, 0, tzinfo=LONDON))


def weird_member(first: str, last: str) -> Member:
    return Member("M9001", first, last, "+447700900999", packs=(pack(PackKind.EMS, 3),))


@contextmanager
def fresh_store() -> Iterator[Store]:
    """A real store in its own temp directory: hypothesis runs each example in a new one."""
    with tempfile.TemporaryDirectory() as directory, Store.open(Path(directory)) as store:
        yield store


@SETTINGS
@given(query=ANY, first=TEXT, last=TEXT)
def test_look_up_shows_names_and_input_literally(query: str, first: str, last: str) -> None:
    async def run(store: Store) -> None:
        add_members(store, SARAH, weird_member(first or "x", last))
        app = KioskApp(CONTENT, store, clock())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = LookupScreen(store.member_index(), app.clock)
            app.push_screen(screen)
            await pilot.pause()
            field = screen.query_one("#query", Input)
            field.value = query
            await pilot.pause()
            options = screen.query_one("#matches", OptionList)
            for n in range(options.option_count):
                prompt = options.get_option_at_index(n).prompt
                assert str(prompt) in {greeting(m) for m in store.members()}
            await pilot.press("enter")
            await pilot.pause()
            assert field.value == query or not isinstance(app.screen, LookupScreen)

    with fresh_store() as store:
        asyncio.run(run(store))


@SETTINGS
@given(values=st.lists(ANY, min_size=4, max_size=4))
def test_registration_fields_take_anything_and_explain(values: list[str]) -> None:
    async def run(store: Store) -> None:
        app = KioskApp(CONTENT, store, clock())
        async with app.run_test(size=(80, 24)) as pilot:
            screen = RegisterScreen(CONTENT.terms, app.clock)
            app.push_screen(screen)
            await pilot.pause()
            for key, value in zip(
                ("first_name", "last_name", "phone", "email"), values, strict=True
            ):
                field = screen.query_one(f"#{key}", Input)
                field.focus()
                field.post_message(Paste(value))
                await pilot.pause()
                first_line = (value.splitlines() or [""])[0]
                assert field.value == first_line
            screen.query_one("#continue").focus()
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, RegisterScreen)  # terms not agreed: never moves on
            assert "agree to the studio terms" in screen_text(app)
            assert store.members() == []

    with fresh_store() as store:
        asyncio.run(run(store))


@SETTINGS
@given(first=ANY, last=TEXT)
def test_names_on_result_session_and_welcome_are_plain(first: str, last: str) -> None:
    async def run(store: Store) -> None:
        member = weird_member(first, last)
        app = KioskApp(CONTENT, store, clock())
        async with app.run_test(size=(80, 24)) as pilot:
            already = CheckIn(Outcome.ALREADY_TODAY, member.code, PackKind.EMS)
            view = result_view(already, member, None)
            app.push_screen(ResultScreen(view, app.clock, 20))
            await pilot.pause()
            text = shown(screen_text(app))
            assert shown(f"{first.strip()}, you are already checked in today.") in text
            app.push_screen(SessionKindScreen(first, [(PackKind.EMS, 1)], app.clock, 60))
            await pilot.pause()
            assert shown(f"Hello {first}") in shown(screen_text(app))
            app.push_screen(WelcomeScreen(member, app.clock, 60))
            await pilot.pause()
            assert shown(f"Welcome, {first}") in shown(screen_text(app))

    with fresh_store() as store:
        asyncio.run(run(store))
