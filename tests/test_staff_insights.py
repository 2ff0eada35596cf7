"""Insights in staff mode: opens from the menu, shows progress then figures, keys, export."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.store import Store
from kiosk.store import insights as store_insights
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens import staff_files
from kiosk.ui.screens.staff import StaffHome
from kiosk.ui.screens.staff_files import FolderScreen
from kiosk.ui.screens.staff_insights import WORKING, InsightsScreen
from kiosk.ui.screens.staff_members import MemberScreen
from tests.staff_helpers import FAR, PIN, open_staff_mode, options, settle, until
from tests.waiting import workers_ended

LAPSED = Member(
    "M2001", "Lena", "Lapsed", "+447700900201", packs=(Pack("P-l", PackKind.EMS, 10, 6, FAR),)
)
LOW = Member("M2002", "Lou", "Low", "+447700900202", packs=(Pack("P-o", PackKind.PT, 10, 1, FAR),))
NEW = Member("M2003", "Nia", "New", "+447700900203", packs=(Pack("P-n", PackKind.EMS, 10, 9, FAR),))


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    now = clock.now()
    for m in (LAPSED, LOW, NEW):
        store.add_member(m)
    store.add_visit(Visit("v1", LAPSED.code, now - timedelta(days=40), PackKind.EMS))
    store.add_visit(Visit("v2", LOW.code, now - timedelta(days=2), PackKind.PT))
    store.add_visit(
        Visit(
            "v3",
            NEW.code,
            now - timedelta(days=9),
            PackKind.EMS,
            flags=frozenset({VisitFlag.FIRST_EMS}),
        )
    )
    return KioskApp(content, store, clock)


def shown(app: KioskApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_insights(app: KioskApp, pilot: Any) -> None:
    await open_staff_mode(app, pilot)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(app.screen, InsightsScreen), "Insights to open")


async def test_opens_from_the_menu_and_shows_who_to_call_and_why(app: KioskApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await settle(pilot)
        assert options(app, "#calls") == [
            "Nia New  07700 900203  first EMS on Sat 14 Nov, not back since (9 days)",
            "Lou Low  07700 900202  1 session left on PT pack",
            "Lena Lapsed  07700 900201  no visit for 40 days (30+), "
            "6 EMS sessions left (until Wed 30 Jun)",
        ]
        assert shown(app, "#summary").startswith("3 clients to call this week. 3 visits")
        assert "[1 Call this week: 3]" in shown(app, "#lists")
        assert shown(app, "#say").startswith("Why: first EMS on Sat 14 Nov")
        assert "Say: How did you feel after your first EMS session" in shown(app, "#say")
        charts = shown(app, "#figures")
        assert "Visits per week" in charts and "██ EMS   ▒▒ PT" in charts
        assert "Active members (a visit in the last 30 days)" in charts
        assert "Visits by hour" in charts
        assert "Active members now (a visit in the last 30 days): 2." in shown(app, "#figures")


async def test_shows_progress_while_working_and_keys_still_answer(
    app: KioskApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = store_insights.records_from_store

    def held(store: Store, first: Any, today: Any, progress: Any = None) -> Any:
        found = real(store, first, today, progress)
        assert release.wait(60), "the test never let the worker go on"
        return found

    monkeypatch.setattr(store_insights, "records_from_store", held)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await until(pilot, lambda: "read 2 of 2 months" in shown(app, "#summary"), "progress")
        assert isinstance(app.screen, InsightsScreen) and app.screen.working
        assert shown(app, "#status") == WORKING
        await pilot.press("2")  # seen, and answered, while the worker works
        await until(pilot, lambda: "One moment" in shown(app, "#status"), "an answer to the key")
        release.set()
        await settle(pilot)
        assert "clients to call this week" in shown(app, "#summary")
        assert shown(app, "#status") == "Up to date."


async def test_esc_while_working_goes_back(app: KioskApp, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real = store_insights.records_from_store

    def held(store: Store, first: Any, today: Any, progress: Any = None) -> Any:
        assert release.wait(60)
        return real(store, first, today, progress)

    monkeypatch.setattr(store_insights, "records_from_store", held)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await until(pilot, lambda: shown(app, "#status") == WORKING, "the work to start")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StaffHome), "staff home")
        release.set()
        await workers_ended(pilot)  # cancelled with its screen: that is no error
        assert isinstance(app.screen, StaffHome)


async def test_number_keys_choose_the_list_and_m_opens_the_member(app: KioskApp) -> None:
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await settle(pilot)
        await pilot.press("2")
        assert "[2 Lapsed: 1]" in shown(app, "#lists")
        assert options(app, "#calls")[0].startswith("Lena Lapsed")
        await pilot.press("3")
        assert "[3 Packs: 1]" in shown(app, "#lists")
        assert options(app, "#calls") == ["Lou Low  07700 900202  1 session left on PT pack"]
        await pilot.press("4")
        assert "[4 First EMS not back: 1]" in shown(app, "#lists")
        await pilot.press("m")
        await until(pilot, lambda: isinstance(app.screen, MemberScreen), "the member")
        assert isinstance(app.screen, MemberScreen) and app.screen.code == NEW.code
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen), "back to Insights")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, StaffHome), "staff home")


async def test_export_writes_each_list_as_csv(
    app: KioskApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "media" / "kiosk" / "STICK"
    stick.mkdir(parents=True)
    monkeypatch.setattr(staff_files, "MOUNT_ROOTS", (tmp_path / "media",))
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, FolderScreen), "the folder choice")
        app.screen.query_one("#folder", Input).value = str(stick)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InsightsScreen), "back to Insights")
        await settle(pilot)
        assert shown(app, "#status").startswith("Wrote call-this-week-2026-11-23.csv")
    names = sorted(p.name for p in stick.iterdir())
    assert names == [
        "call-this-week-2026-11-23.csv",
        "first-ems-not-back-2026-11-23.csv",
        "lapsed-2026-11-23.csv",
        "packs-2026-11-23.csv",
    ]
    text = (stick / "call-this-week-2026-11-23.csv").read_text()
    assert text.splitlines()[0] == "name,phone,member_code,why,what_to_say"
    assert "Nia New,07700 900203,M2003" in text


async def test_a_damaged_month_is_named_and_the_rest_shown(app: KioskApp, store: Store) -> None:
    (store.directory / "visits" / "2026-07.json").write_text("{broken")  # in no cache
    async with app.run_test(size=(100, 40)) as pilot:
        await open_insights(app, pilot)
        await settle(pilot)
        assert "Left out, damaged: visits/2026-07.json" in shown(app, "#status")
        assert "3 visits in the last 26 weeks" in shown(app, "#summary")


async def test_fits_80x24(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_insights(app, pilot)
        await settle(pilot)
        calls = app.screen.query_one("#calls")
        charts = app.screen.query_one("#charts")
        assert calls.region.height >= 3 and charts.region.height >= 3
