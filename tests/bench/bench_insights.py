"""Opening Insights against opening today's visits, in staff mode (issue 14).

One studio: 5,000 members and 100,000 visits (100 months of about 1,000, this month's up to
yesterday, as tests/bench/bench_checkin.py makes them), and 40 check-ins today. In one running
kiosk (Pilot, 120x40), each round opens Today's visits until its list shows today's visits,
goes back, then opens Insights until its figures and charts show (reading 7 months of visits
in a worker, computing, drawing three charts), and goes back. Both sides of a round run back
to back, so a busy moment on a shared machine lands on both; the ratio is the median of the
rounds' ratios. Goal: <= 2. The first Insights of the run (which also decodes the summary's
latest visits of members not seen for 26 weeks) is printed apart.
"""

from __future__ import annotations

import asyncio
import gc
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from textual.pilot import Pilot
from textual.widgets import OptionList

from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock
from kiosk.core.content import load_content
from kiosk.core.members import PackKind
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff_insights import InsightsScreen
from kiosk.ui.screens.staff_visits import TodayScreen

from ..conftest import CONTENT_DIR
from .bench_checkin import MEMBERS, NOW, make_studio

ROUNDS = 9
POLL = 0.002  # seconds: both sides are seen done within this of each other
TODAY_VISITS = 40


async def until(pilot: Pilot[int], condition: Callable[[], bool]) -> None:
    """As tests/waiting.py waits: the app's messages handled, then a short look away, so the
    waiting does not itself keep the event loop (and the GIL, from a worker) busy."""
    deadline = time.monotonic() + 120
    while True:
        await pilot.pause()
        if condition():
            return
        assert time.monotonic() < deadline, "never got there"
        await asyncio.sleep(POLL)


async def open_today(app: KioskApp, pilot: Pilot[int]) -> float:
    gc.collect()  # neither side pays for the other's garbage
    started = time.perf_counter()
    screen = TodayScreen(app)
    app.push_screen(screen)

    def shown() -> bool:
        listing = screen.query("#visits").results(OptionList)
        return app.screen is screen and any(o.option_count == TODAY_VISITS for o in listing)

    await until(pilot, shown)
    took = time.perf_counter() - started
    app.pop_screen()
    await pilot.pause()
    return took


async def open_insights(app: KioskApp, pilot: Pilot[int]) -> float:
    gc.collect()  # (Insights pauses the collector while it works: its debt is paid here)
    started = time.perf_counter()
    screen = InsightsScreen(app)
    app.push_screen(screen)
    await until(pilot, lambda: screen.figures is not None)
    took = time.perf_counter() - started
    assert screen.figures is not None and screen.figures.insights.visits > 5_000
    app.pop_screen()
    await pilot.pause()
    return took


def test_opening_insights_within_2x_of_opening_todays_visits() -> None:
    directory = make_studio(100, seed=14, now=NOW)
    clock = FakeClock(NOW - timedelta(hours=1))
    try:
        with Store.open(directory) as store:
            for n in range(TODAY_VISITS):
                clock.advance(60)
                member = store.member(f"FT-B{(n * 97) % MEMBERS:05d}")
                assert member is not None
                store.record_check_in(decide_check_in(member, PackKind.EMS, clock.now(), last=None))
        with Store.open(directory) as store:
            assert store.visit_count() == 100_000 + TODAY_VISITS
            app = KioskApp(load_content(CONTENT_DIR), store, clock)
            times = asyncio.run(measure(app))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    first, today, insight = times
    ratio = statistics.median(i / t for i, t in zip(insight, today, strict=True))
    print(
        f"\nopening Insights (5,000 members, 100k visits): first {first * 1000:.0f} ms, then "
        f"{statistics.median(insight) * 1000:.0f} ms; opening today's visits "
        f"{statistics.median(today) * 1000:.0f} ms (medians of {ROUNDS}): "
        f"ratio {ratio:.2f} (goal <= 2); rounds' ratios "
        f"{' '.join(f'{i / t:.1f}' for i, t in zip(insight, today, strict=True))}; "
        f"the first Insights against the median today's visits: "
        f"{first / statistics.median(today):.2f}"
    )
    assert ratio <= 2


async def measure(app: KioskApp) -> tuple[float, list[float], list[float]]:
    today: list[float] = []
    insight: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        gc.freeze()  # as the kiosk does once started: what is loaded by now lives as long
        first = await open_insights(app, pilot)
        for _ in range(ROUNDS):
            today.append(await open_today(app, pilot))
            insight.append(await open_insights(app, pilot))
    gc.unfreeze()
    return first, today, insight
