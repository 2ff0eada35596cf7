"""Shared helpers for the check-in UI tests: members to find, screen text, bell counting."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual.widget import Widget
from textual.widgets import Static

from kiosk.core.members import Member, Pack, PackKind, Screening, Visit
from kiosk.store import Store
from kiosk.ui.app import KioskApp

FAR = date(2027, 6, 30)


def pack(kind: PackKind, left: int, bought: int = 10, expires: date | None = FAR) -> Pack:
    return Pack(f"{kind}-{left}-{bought}", kind, bought, left, expires)


def member(code: str, first: str, last: str, phone: str, *packs: Pack, **more: object) -> Member:
    return Member(code, first, last, phone, packs=packs, **more)  # type: ignore[arg-type]


SARAH = member("M1001", "Sarah", "Kent", "+447700900121", pack(PackKind.EMS, 5))
ZOE = member(
    "M1002",
    "Zoë",
    "Adams",
    "+447700900222",
    pack(PackKind.PT, 3),
    pack(PackKind.PILATES, 6),
)
OLLY = member("M1003", "Olly", "Used", "+447700900333", pack(PackKind.PT, 0))
EVE = member(
    "M1004", "Eve", "Expired", "+447700900444", pack(PackKind.PT, 4, expires=date(2026, 11, 1))
)
TOM = member(
    "M1005",
    "Tom",
    "Trainer",
    "+447700900555",
    pack(PackKind.EMS, 5),
    see_trainer=True,
    see_trainer_note="pacemaker",
)
PIA = member("M1006", "Pia", "Pilates", "+447700900666", pack(PackKind.PILATES, 2))
MEMBERS = (SARAH, ZOE, OLLY, EVE, TOM, PIA)


def add_members(store: Store | MemoryStore, *members: Member) -> None:
    for m in members or MEMBERS:
        store.add_member(m)


def screen_text(app: KioskApp) -> str:
    """Every Static's text on the current screen (plain, as shown)."""
    shown = [
        s
        for s in app.screen.query(Static)
        if s.display and all(a.display for a in s.ancestors if isinstance(a, Widget))
    ]
    return "\n".join(str(s.render()) for s in shown)


class Bells:
    def __init__(self, app: KioskApp) -> None:
        self.count = 0
        app.bell = self.ring  # type: ignore[method-assign]

    def ring(self) -> None:
        self.count += 1


class MemoryStore:
    """The agreed Store interface (members, visits, screenings) in memory, for UI tests while
    the real store (B1) is not there; `fail_writes` makes every write raise OSError, as a full
    or read-only disk would."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._members: dict[str, Member] = {}
        self._visits: list[Visit] = []
        self._screenings: dict[str, Screening] = {}
        self.fail_writes = False
        self._next = 2000

    def close(self) -> None:
        pass

    def _write(self) -> None:
        if self.fail_writes:
            raise OSError(28, "No space left on device")

    def members(self) -> list[Member]:
        return list(self._members.values())

    def member(self, code: str) -> Member | None:
        return self._members.get(code)

    def new_member_code(self) -> str:
        self._next += 1
        return f"M{self._next}"

    def add_member(self, m: Member) -> None:
        self._write()
        if m.code in self._members:
            raise ValueError(f"member {m.code} exists")
        self._members[m.code] = m

    def save_member(self, m: Member) -> None:
        self._write()
        self._members[m.code] = m

    def add_visit(self, v: Visit) -> None:
        self._write()
        self._visits.append(v)

    def visits_of(self, code: str) -> list[Visit]:
        return [v for v in self._visits if v.member_code == code]

    def screening(self, code: str) -> Screening | None:
        return self._screenings.get(code)

    def save_screening(self, s: Screening) -> None:
        self._write()
        self._screenings[s.member_code] = s

    def delete_screening(self, code: str) -> None:
        self._screenings.pop(code, None)
