"""Retention on a kiosk that runs for months without a restart: once a day, on the first look
after the date changes (at night, when nobody is at the desk), it does what the start-up did.

Who is due is worked out in a thread (it reads every member's latest visit); anonymising them,
deleting old screenings and pruning files set aside happen on the UI thread, like every other
store write: a few members a day (the start-up worker took any backlog). A failure is logged and
tried again the next day.

    DailyRetention(app).start()    # from KioskApp.store_ready
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from kiosk.store.log import log

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

CHECK_EVERY = 60.0  # seconds of real time between looks at the (injected) clock's date
WORK_GROUP = "retention"


class DailyRetention:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.day = app.clock.now().date()  # the start-up did today's
        self.running = False
        self.runs = 0  # daily runs finished (tests wait on this)

    def start(self) -> None:
        self.app.set_interval(CHECK_EVERY, self.tick, name="daily retention")

    def tick(self) -> None:
        today = self.app.clock.now().date()
        if not self.running and today != self.day:
            self.running = True
            self.app.run_worker(self._run(today), name="retention", group=WORK_GROUP)

    async def _run(self, today: date) -> None:
        from kiosk.store.retention import due, maintain

        app = self.app
        staff = app.content.studio.staff
        store = app.store
        try:
            found = await asyncio.to_thread(due, store, today, staff.member_retention_months, 0)
            done = maintain(store, app.clock.now(), staff, [d.code for d in found])
            for line in done.lines(staff):
                log.info("daily retention: %s", line)
        except Exception:  # a bad disk or file: logged, and tried again tomorrow
            log.exception("daily retention could not be applied")
        finally:
            self.day = today
            self.running = False
            self.runs += 1
