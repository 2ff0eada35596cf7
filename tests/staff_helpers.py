"""Shared helpers for the staff-mode tests: members, the PIN, what the screen shows."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, OptionList, Static

from kiosk.core.members import Member, Pack, PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import StaffHome

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


async def type_pin(pilot: Pilot[int], pin: str) -> None:
    await pilot.press(*pin, "enter")
    await pilot.pause()


async def open_staff_mode(app: KioskApp, pilot: Pilot[int], pin: str = PIN) -> None:
    """F12 at the front desk and the PIN: staff mode's home menu."""
    await pilot.press("f12")
    await pilot.pause()
    await type_pin(pilot, pin)
    assert isinstance(app.screen, StaffHome), type(app.screen)
