"""Shared helpers for the staff-mode tests: members, the PIN, what the screen shows."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static

from kiosk.core.members import Member, Pack, PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import StaffHome, StaffScreen
from kiosk.ui.screens.staff_pin import PinScreen
from tests.waiting import workers_ended

PIN = "2468"
FAR = date(2027, 6, 30)


def pack(kind: PackKind, left: int, bought: int = 10, expires: date | None = FAR) -> Pack:
    return Pack(f"P-{kind}-{left}-{bought}", kind, bought, left, expires)


SARAH = Member("M1001", "Sarah", "Kent", "+447700900121", packs=(pack(PackKind.EMS, 5),))
OLLY = Member("M1003", "Olly", "Used", "+447700900333", packs=(pack(PackKind.PT, 0),))
TOM = Member(
    "M1005",
    "Tom",
    "Trainer",
    "+447700900555",
    packs=(pack(PackKind.EMS, 5),),
    see_trainer=True,
    see_trainer_note="pacemaker",
)
MARKUP = Member("M1009", "[bold]Bob[/bold]", "Smith[/]", "+447700900999")


def add_members(store: Store, *members: Member) -> None:
    for m in members or (SARAH, OLLY, TOM):
        store.add_member(m)


def visible(widget: Widget) -> bool:
    return widget.display and all(a.display for a in widget.ancestors if isinstance(a, Widget))


def screen_text(app: KioskApp) -> str:
    """What the current screen shows in words: statics, buttons and list options."""
    parts: list[str] = []
    for w in app.screen.query(Static):
        if visible(w):
            parts.append(str(w.render()))
    for ol in app.screen.query(OptionList):
        if visible(ol):
            parts.extend(str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count))
    for b in app.screen.query(Button):
        if visible(b):
            parts.append(str(b.label))
    return "\n".join(parts)


def options(app: KioskApp, selector: str) -> list[str]:
    ol = app.screen.query_one(selector, OptionList)
    return [str(ol.get_option_at_index(i).prompt) for i in range(ol.option_count)]


async def until(pilot: Pilot[int], condition: Callable[[], bool], what: str = "") -> None:
    """Wait for a state, however slow the machine; fail after a generous limit."""
    deadline = time.monotonic() + 20.0
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for {what or condition}"
        await pilot.pause()


def busy(app: KioskApp) -> str:
    screen = app.screen
    return screen.busy if isinstance(screen, StaffScreen) else ""


async def settle(pilot: Pilot[int]) -> None:
    """Slow staff work (a worker) finished and its result applied to the screen."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    await workers_ended(pilot)
    await until(pilot, lambda: not busy(app), "the slow work to finish")
    await pilot.pause()


def pin_box_empty(app: KioskApp) -> bool:
    screen = app.screen
    return not isinstance(screen, PinScreen) or not screen.query_one("#pin", Input).value


async def type_pin(pilot: Pilot[int], pin: str) -> None:
    """Type a PIN and Enter, and wait for the check's result (there may be none: box off)."""
    await pilot.press(*pin, "enter")
    app = pilot.app
    assert isinstance(app, KioskApp)
    await until(pilot, lambda: pin_box_empty(app), "the PIN to be taken")
    await settle(pilot)


async def open_staff_mode(app: KioskApp, pilot: Pilot[int], pin: str = PIN) -> None:
    """F12 at the front desk and the PIN: staff mode's home menu."""
    await pilot.press("f12")
    await pilot.pause()
    await type_pin(pilot, pin)
    assert isinstance(app.screen, StaffHome), type(app.screen)
