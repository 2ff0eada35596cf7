from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from kiosk.core.clock import FakeClock, SystemClock


def test_fake_clock_moves_wall_and_monotonic_together(clock: FakeClock) -> None:
    start, mono = clock.now(), clock.monotonic()
    clock.advance(90.5)
    assert clock.now() - start == timedelta(seconds=90.5)
    assert clock.monotonic() - mono == pytest.approx(90.5)


def test_fake_clock_refuses_naive_time_and_going_backwards() -> None:
    with pytest.raises(ValueError):
        FakeClock(datetime(2026, 1, 1))
    c = FakeClock(datetime(2026, 1, 1).astimezone())
    with pytest.raises(ValueError):
        c.advance(-1)


def test_system_clock_is_aware() -> None:
    assert SystemClock().now().tzinfo is not None
