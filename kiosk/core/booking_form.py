"""What staff type to add or move one of the kiosk's own bookings, read into times and a kind,
with a problem in words for each field that cannot be read.

API:
    form = read_booking_form(day="24/11/2026", start="10:30", minutes="30", kind="EMS",
                             today=date(2026, 11, 23))
    form.ok -> bool; form.problems -> {"day": "...", ...}; form.start, form.end, form.kind
    day_text(day) -> "24/11/2026"; kind_of(text) -> PackKind | None (ValueError)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from kiosk.core.bookings import LONDON
from kiosk.core.members import PackKind

MINUTES_MIN = 5
MINUTES_MAX = 8 * 60
_DAY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_ISO_DAY = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


@dataclass(frozen=True)
class BookingForm:
    start: datetime | None = None  # aware, Europe/London
    end: datetime | None = None
    kind: PackKind | None = None
    problems: dict[str, str] = field(default_factory=dict)  # field name -> what is wrong

    @property
    def ok(self) -> bool:
        return not self.problems and self.start is not None and self.end is not None


def day_text(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _day(text: str) -> date:
    uk, iso = _DAY.match(text), _ISO_DAY.match(text)
    try:
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
    except ValueError:
        pass
    raise ValueError("Not a date: use 24/11/2026.")


def _time(text: str) -> time:
    m = _TIME.match(text)
    try:
        if m:
            return time(int(m[1]), int(m[2]))
    except ValueError:
        pass
    raise ValueError("Not a time of day: use 10:30.")


def kind_of(text: str) -> PackKind | None:
    """EMS, PT or Pilates (any case), or 1-3; empty: no kind."""
    text = text.strip()
    if not text:
        return None
    kinds = list(PackKind)
    if text.isdigit() and 1 <= int(text) <= len(kinds):
        return kinds[int(text) - 1]
    for kind in kinds:
        if text.casefold() == kind.value.casefold():
            return kind
    raise ValueError("EMS, PT or Pilates (or leave it empty).")


def read_booking_form(
    *, day: str, start: str, minutes: str, kind: str = "", today: date
) -> BookingForm:
    """The booking's start and end from a day, a time and a length; not on a day gone by."""
    problems: dict[str, str] = {}
    on: date | None = None
    at: time | None = None
    length = 0
    try:
        on = _day(day)
        if on < today:
            problems["day"] = "That day has gone by: a booking is for today or later."
    except ValueError as e:
        problems["day"] = str(e)
    try:
        at = _time(start)
    except ValueError as e:
        problems["start"] = str(e)
    text = minutes.strip()
    if text.isdigit() and MINUTES_MIN <= int(text) <= MINUTES_MAX:
        length = int(text)
    else:
        problems["minutes"] = f"Minutes: a whole number from {MINUTES_MIN} to {MINUTES_MAX}."
    found: PackKind | None = None
    try:
        found = kind_of(kind)
    except ValueError as e:
        problems["kind"] = str(e)
    if problems or on is None or at is None:
        return BookingForm(kind=found, problems=problems)
    begins = datetime.combine(on, at, tzinfo=LONDON)
    return BookingForm(begins, begins + timedelta(minutes=length), found)
