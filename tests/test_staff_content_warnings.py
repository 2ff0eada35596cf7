"""A broken content/screening.toml reaches staff mode as a start-up warning (and kiosk.log),
from `kiosk run` through to the staff home screen."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content, load_content
from kiosk.core.screening import SCREENING_FILE
from kiosk.store import Store
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff import StaffHome
from tests.staff_helpers import PIN, open_staff_mode, screen_text

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def broken(tmp_path: Path) -> Content:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT, directory)
    (directory / SCREENING_FILE).write_text('version = "2027-1"\n[[screening]]\nid = 3\n')
    return load_content(directory)


def test_kiosk_run_hands_staff_the_screening_warning(
    broken: Content, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.ui.app
    from kiosk.cli import main

    seen: dict[str, Any] = {}

    class App:
        return_code = 0
        start_error = None

        def __init__(self, **kwargs: Any) -> None:
            _store, seen["warnings"] = kwargs["store"]()  # what the kiosk's worker does

        def run(self) -> int:
            return 0

    monkeypatch.setattr(kiosk.ui.app, "KioskApp", App)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    args = ["--data", str(data_dir), "--content", str(broken.directory), "run"]
    assert main(args) == 0
    warning, *lines = seen["warnings"]
    assert [warning, *lines] == list(broken.staff_warnings)
    assert lines and all(line.startswith("problem: screening.toml: ") for line in lines)
    assert "content/screening.toml could not be used" in warning
    assert "could not be used" in (data_dir / "kiosk.log").read_text()


async def test_staff_home_shows_the_screening_warning(
    broken: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, PIN)
    app = KioskApp(broken, store, clock, warnings=broken.staff_warnings)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_staff_mode(app, pilot)
        assert isinstance(app.screen, StaffHome)
        text = screen_text(app)
        assert "Start-up warnings:" in text
        assert "asks its own shipped questions" in " ".join(text.split())
