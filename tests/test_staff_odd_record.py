"""Staff mode's member screen with an odd visit record in an older month (issue 15, finding 6):
the record is left out and the screen shows the rest, never a crash."""

from __future__ import annotations

import json
from datetime import datetime

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind, Visit
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff_members import FindMemberScreen, MemberScreen
from tests.staff_helpers import PIN, SARAH, add_members, open_staff_mode, screen_text, settle

from .conftest import LONDON


async def test_member_screen_leaves_out_an_odd_visit(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    add_members(store, SARAH)
    months = [(2024, 5), (2025, 1), (2026, 10), (2026, 11)]  # the oldest leaves memory
    store.add_visits(
        Visit(f"v{y}{m}", SARAH.code, datetime(y, m, 3, 9, tzinfo=LONDON), PackKind.EMS)
        for y, m in months
    )
    path = store.visits_dir / "2024-05.json"
    data = json.loads(path.read_bytes())
    next(iter(data["_default"].values()))["flags"] = ["zap"]  # behind the kiosk's back
    path.write_text(json.dumps(data))
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, FindMemberScreen)
        await pilot.press(*SARAH.code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        text = screen_text(app)
        assert "Last visits (3 in all):" in text
        assert "03/01/2025" in text and "03/05/2024" not in text
