"""No-shows at the end of the day: at closing time (the studio's hours) and at start-up for
the days before, the bookings nobody came to are recorded (kiosk/core/no_shows.py, the rules
in kiosk/core/bookings.py), and with `no_show_uses_session` each new one takes its session.

The bookings and visits are read in a thread; the few writes happen on the UI thread, like
every other store write. The order makes a settlement cut short safe to run again: a missed
booking's visit (its id is the same every time) is written before the day is marked settled,
and one already written is never written, nor charged, twice.

    DayEnd(app).start()        # from KioskApp.on_mount
    excuse(store, missed)      # staff excuse one: its visit goes, its session goes back
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from kiosk.core.bookings import Booking, Missed, days_to_settle
from kiosk.core.members import Visit
from kiosk.core.no_shows import charge_for, missed_days, missed_visit_id, next_closing
from kiosk.store import Store
from kiosk.store.log import log

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

CHECK_EVERY = 1.0  # seconds of real time between looks at the (injected) clock
WORK_GROUP = "day-end"


@dataclass(frozen=True)
class Settlement:
    """What a settlement read: the days, their missed bookings, the visits already there."""

    days: tuple[date, ...]
    missed: tuple[Missed, ...]
    visit_ids: frozenset[str]


class DayEnd:
    """Settles the days due at start-up, then at each closing time on the app's clock."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.due: datetime | None = None  # the next closing time
        self.running = False
        self.runs = 0  # settlements finished (tests wait on this)

    def start(self) -> None:
        self.app.set_interval(CHECK_EVERY, self.tick, name="day end")
        self.settle()

    def tick(self) -> None:
        if not self.running and self.due is not None and self.app.clock.now() >= self.due:
            self.settle()

    def settle(self) -> None:
        if self.running:
            return
        self.running = True
        self.app.run_worker(self._settle(), name="day end", group=WORK_GROUP, exit_on_error=False)

    async def _settle(self) -> None:
        app = self.app
        now = app.clock.now()
        try:
            found = await asyncio.to_thread(self.read, now)
            if found is not None:
                self.write(found)
        except Exception:  # a bad disk or file: logged, and tried again at the next closing
            log.exception("day end: the no-shows could not be settled")
        finally:
            self.due = next_closing(now, app.content.studio.hours)
            self.running = False
            self.runs += 1

    def read(self, now: datetime) -> Settlement | None:
        """The days due and what was missed on them (reads files: runs in a thread). None
        when the studio keeps no bookings at all: then nothing is written either."""
        store = self.app.store
        studio = self.app.content.studio
        bookings = store.bookings
        if not bookings.directory.exists():
            return None
        bookings.on(now.date())  # read here, in a thread: the first check-in finds them cached
        days = days_to_settle(now, studio.hours, bookings.settled_through())
        if not days:
            return None
        visits = store.visits_between(days[0], days[-1])
        by_day: dict[date, list[Booking]] = defaultdict(list)
        for day in days:
            by_day[day] = bookings.on(day)
        missed = missed_days(days, lambda d: by_day[d], visits, studio.bookings)
        return Settlement(tuple(days), tuple(missed), frozenset(v.id for v in visits))

    def write(self, found: Settlement) -> None:
        """Record the missed bookings (on the UI thread, like every store write)."""
        store = self.app.store
        bookings = store.bookings
        known = {m.booking_key for m in bookings.missed()}
        new = [m for m in found.missed if m.booking_key not in known]
        if self.app.content.studio.bookings.no_show_uses_session:
            for missed in new:
                if missed_visit_id(missed) not in found.visit_ids:
                    record_missed_visit(store, missed)
        bookings.record_missed(found.missed, found.days[-1])
        if new:
            log.info("day end: %d no-shows or late cancels recorded", len(new))


def record_missed_visit(store: Store, missed: Missed) -> Visit | None:
    """The missed booking's visit, with the session it takes when there is a pack for it."""
    member = store.member(missed.member_code)
    if member is None:
        return None  # erased, or a code no member has: nobody to charge
    visit, check_in = charge_for(member, missed)
    if check_in is not None:
        store.record_check_in(check_in)
    else:
        store.add_visit(visit)
    return visit


def excuse(store: Store, missed: Missed) -> Missed:
    """Staff excuse a no-show or late cancel: its visit goes and the session it took goes
    back first, then it is marked excused (cut short between, excusing again is harmless)."""
    store.remove_visit(missed_visit_id(missed), give_back=True)
    return store.bookings.excuse(missed.booking_key)
