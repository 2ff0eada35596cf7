"""Shared fixtures: a frozen clock, the real content, a store in a temp directory, the app.

Tests never touch data/ in the checkout: every store lives under pytest's tmp_path.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content, load_content
from kiosk.store import Store

from .terminal import Terminal

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def clock() -> FakeClock:
    # Monday 23 November 2026, 10:00 in the studio: open, a normal weekday
    return FakeClock(datetime(2026, 11, 23, 10, 0, 0, tzinfo=LONDON))


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path) -> Iterator[Store]:
    with Store.open(data_dir) as s:
        yield s


@pytest.fixture
def kiosks() -> Iterator[list[Terminal]]:
    """Real kiosk processes a test starts on pseudo-terminals (tests/terminal.py): all stopped
    at the end, whatever happened."""
    started: list[Terminal] = []
    yield started
    for kiosk in started:
        kiosk.stop()
