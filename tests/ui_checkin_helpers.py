"""Shared helpers for the check-in UI tests: members to find, screen text, bell counting, and
failing or counting the real store's writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from textual.widget import Widget
from textual.widgets import Static

import kiosk.store.files as files
from kiosk.core.lookup import DESK_PHONE_DIGITS, SECRET_DIGITS
from kiosk.core.members import Member, Pack, PackKind
from kiosk.core.phone import digits_of
from kiosk.core.screening import READINESS_QUESTIONS
from kiosk.store import Store
from kiosk.ui.app import KioskApp

FAR = date(2027, 6, 30)


def readiness_keys(*yes: str) -> tuple[str, ...]:
    """The keys that answer the shipped readiness questions: "y" to the ids in `yes`."""
    return tuple("y" if q.id in yes else "n" for q in READINESS_QUESTIONS)


ALL_WELL = readiness_keys()


def pack(kind: PackKind, left: int, bought: int = 10, expires: date | None = FAR) -> Pack:
    return Pack(f"{kind}-{left}-{bought}", kind, bought, left, expires)


def member(code: str, first: str, last: str, phone: str, *packs: Pack, **more: object) -> Member:
    # pack ids are unique in a store: the store counts each pack's check-ins by its id
    own = tuple(replace(p, id=f"{code}-{p.id}") for p in packs)
    return Member(code, first, last, phone, packs=own, **more)  # type: ignore[arg-type]


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


def add_members(store: Store, *members: Member) -> None:
    store.add_members(members or MEMBERS)


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


def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every store write from now on fails as a full disk would (the real store's write path)."""

    def refuse(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kiosk.store.storage.write_atomic", refuse)


def count_writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the store writes from now on, in order (each one a whole fsync'd write)."""
    written: list[Path] = []
    real = files.write_atomic

    def spy(path: Path, data: bytes) -> None:
        real(path, data)
        written.append(path)

    monkeypatch.setattr("kiosk.store.storage.write_atomic", spy)
    return written


def last_digits(m: Member) -> str:
    """What only the member knows: the last 3 digits of their phone."""
    return digits_of(m.phone)[-SECRET_DIGITS:]


def by_name(name: str, m: Member) -> tuple[str, ...]:
    """The keys that check `m` in by name: the name, Enter, the phone's last 3 digits, Enter."""
    return (*name, "enter", *last_digits(m), "enter")


def by_phone(m: Member) -> tuple[str, ...]:
    """The keys that check `m` in by phone: the last 5 digits and Enter (6 key presses)."""
    return (*digits_of(m.phone)[-DESK_PHONE_DIGITS:], "enter")
