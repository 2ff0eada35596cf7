"""After hours: when the front desk dims to its calm screen, until when, and where that screen
sits (it moves a few cells every few minutes, so nothing burns into the display).

Pure functions of the opening hours, the ``[after_hours]`` settings and the local wall time, so
they are tested without a terminal. Wall time is what the opening hours are written in: on a day
the clocks change, 07:00 is still 07:00.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kiosk.core.fields import Fields

if TYPE_CHECKING:  # studio.py holds these settings, so it imports this module
    from kiosk.core.studio import OpeningHours

SECTION = "after_hours"


@dataclass(frozen=True)
class AfterHoursPolicy:
    """``[after_hours]`` in studio.toml."""

    enabled: bool = True
    move_minutes: int = 3  # the calm screen moves this often
    start_after_minutes: int = 15  # after closing: staff finishing up are not dimmed
    wake_minutes: int = 2  # after a key wakes it, the front desk stays bright this long idle
    blank_after_hours: bool = False  # on the Linux console: let the console blank itself


MINIMUMS = {"move_minutes": 1, "start_after_minutes": 0, "wake_minutes": 1}
FLAGS = ("enabled", "blank_after_hours")


def load_after_hours(f: Fields) -> AfterHoursPolicy:
    """Each bad value is named by file and key and keeps its default."""
    default = AfterHoursPolicy()
    # Any: mypy would hold each number against the true/false fields too
    values: dict[str, Any] = {**f.settings(MINIMUMS, default), **f.switches(FLAGS, default)}
    for key in f.unknown_keys():
        f.problem(key, "is not a known setting (a typo?)")
    return AfterHoursPolicy(**values)


@dataclass(frozen=True)
class AfterHours:
    """The calm screen is due: since when, and until the studio opens (local wall times)."""

    since: datetime
    until: datetime


def after_hours(hours: OpeningHours, policy: AfterHoursPolicy, now: datetime) -> AfterHours | None:
    """Is it after hours at ``now``, and until when? None: the normal front desk.

    Never after hours when it is turned off or no hours are known (a studio whose hours failed
    to load must not look shut). A period closing at 24:00 and one opening at 00:00 the next day
    are one stretch of opening.
    """
    if not policy.enabled or not hours.known:
        return None
    wall = now.replace(tzinfo=None)  # the wall time the hours are written in
    midnight = datetime.combine(wall.date(), datetime.min.time())
    stretches: list[tuple[datetime, datetime]] = []
    for ahead in range(-8, 9):  # a week either side: some day in it has hours
        day = midnight + timedelta(days=ahead)
        for period in hours.days[day.weekday()]:
            opens = day + timedelta(minutes=period.opens)
            closes = day + timedelta(minutes=period.closes)
            if stretches and stretches[-1][1] >= opens:
                stretches[-1] = (stretches[-1][0], max(closes, stretches[-1][1]))
            else:
                stretches.append((opens, closes))
    closed_at = max((c for _, c in stretches if c <= wall), default=None)
    opens_at = min((o for o, _ in stretches if o > wall), default=None)
    if closed_at is None or opens_at is None or any(o <= wall < c for o, c in stretches):
        return None
    since = closed_at + timedelta(minutes=policy.start_after_minutes)
    if wall < since:
        return None
    return AfterHours(since.replace(tzinfo=now.tzinfo), opens_at.replace(tzinfo=now.tzinfo))


def _bounce(t: int, room: int) -> int:
    """0, 1, ... room, room - 1, ... 0, ...: a position that stays within 0..room."""
    if room <= 0:
        return 0
    t %= 2 * room
    return t if t <= room else 2 * room - t


STEP_COLUMNS = 3  # cells moved across at each move
STEP_ROWS = 1  # and down (cells are about twice as tall as wide)


def drift(now: datetime, policy: AfterHoursPolicy, room: tuple[int, int]) -> tuple[int, int]:
    """Where the calm screen's content sits (left, top) within ``room`` spare (columns, rows).

    Worked out from the time, not counted, so a restart or a moved clock lands in the same place:
    every ``move_minutes`` it moves a few cells, bouncing between the edges.
    """
    step = move_step(now, policy)
    columns, rows = room
    return _bounce(step * STEP_COLUMNS, max(0, columns)), _bounce(step * STEP_ROWS, max(0, rows))


def move_step(now: datetime, policy: AfterHoursPolicy) -> int:
    """Which move it is now: the screen redraws its place only when this changes."""
    return int(now.timestamp() // (policy.move_minutes * 60))
