"""Wall clock and monotonic clock, injected everywhere so tests can freeze and move time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Local wall time, timezone-aware."""
        ...

    def monotonic(self) -> float:
        """Seconds from an arbitrary start; never goes backwards. For timers."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when told to. Wall and monotonic time move together."""

    def __init__(self, start: datetime, monotonic_start: float = 1000.0) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start
        self._mono = monotonic_start

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._mono += seconds
        self._now += timedelta(seconds=seconds)

    def set(self, when: datetime) -> None:
        """Jump the wall clock (e.g. to another day); the monotonic clock moves by the same."""
        self.advance(max(0.0, (when - self._now).total_seconds()))
        self._now = when
