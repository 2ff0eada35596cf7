"""Waiting on state in Pilot tests, never for a fixed time.

A loaded machine (or a Pi) may take longer to get there, never a different way: each helper
returns as soon as what it waits for has happened, and fails with a message after a generous
limit instead of hanging.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerState

from kiosk.ui.screens.idle import IdleScreen

LIMIT = 60.0  # seconds; only reached when the thing never happens
POLL = 0.01  # seconds between looks at the state


async def wait_for(pilot: Pilot[int], condition: Callable[[], object], what: str) -> None:
    """Let the app run until `condition()` is true."""
    deadline = time.monotonic() + LIMIT
    while True:
        await pilot.pause()
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {LIMIT:.0f} s for {what}")
        await asyncio.sleep(POLL)  # let real-time timers (the idle looks) come round


async def workers_ended(pilot: Pilot[int]) -> None:
    """Every worker of the app has ended: done, failed or cancelled.

    `app.workers.wait_for_complete()` raises WorkerCancelled for a worker cancelled with its
    screen (staff left while a thread worker ran), which on a loaded machine is still listed
    when the test asks. A cancelled thread worker's thread may still be running: a test that
    needs what it does waits on that first (e.g. a `done` event of the held job).
    """
    await wait_for(
        pilot, lambda: all(w.is_finished for w in pilot.app.workers), "the workers to end"
    )
    await pilot.pause()
    failed = [w for w in pilot.app.workers if w.state is WorkerState.ERROR]
    assert not failed, failed  # as wait_for_complete would have raised


async def idle_looked(pilot: Pilot[int]) -> None:
    """Wait until the screen on top has looked at the (fake) clock since this call.

    After `clock.advance(...)`, this is the moment by which an idle screen has either gone back
    to the front desk or decided to stay.
    """
    screen = pilot.app.screen
    assert isinstance(screen, IdleScreen), type(screen)
    before = screen.looks
    await wait_for(
        pilot,
        lambda: screen.looks > before or pilot.app.screen is not screen,
        "the screen to look at the clock",
    )
    await pilot.pause()


def on_top(app: App[int], kind: type[Screen[Any]]) -> bool:
    """The screen on top is a `kind`, composed and mounted: its widgets can be queried.

    A screen is on top a moment before its widgets are there; a test that queried it then
    failed now and again on a loaded machine (NoMatches).
    """
    screen = app.screen
    return isinstance(screen, kind) and screen.is_mounted


def wait_until(condition: Callable[[], object], what: str) -> None:
    """Outside an app (a real kiosk process, a file): until `condition()` is true."""
    deadline = time.monotonic() + LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {LIMIT:.0f} s for {what}")
        time.sleep(POLL)
