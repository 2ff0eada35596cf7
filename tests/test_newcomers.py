"""A new developer's `make run` is no trap, and a failed backup is seen (issue 15): while no staff
PIN is set the front desk says how to set one and Ctrl+Q leaves; with one set Ctrl+Q does
nothing; a failed `kiosk backup` shows in the front desk's staff corner and in staff mode until
a backup succeeds; `kiosk run --data DIR` works; leaving through staff mode ends `make run`
cleanly."""

from __future__ import annotations

import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Static

from kiosk.cli import build_parser, main
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.store.backup import make_backup
from kiosk.store.backup_status import last_failure, record_failure
from kiosk.store.pin import PIN_FILE, set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.desk_notes import BACKUP_PROBLEM, NO_PIN
from kiosk.ui.screens.front_desk import FrontDeskScreen

from .staff_helpers import PIN, add_members, open_staff_mode, screen_text, until
from .terminal import ROOT


def staff_corner(app: KioskApp) -> str:
    desk = app.screen_stack[1]
    assert isinstance(desk, FrontDeskScreen)
    note = desk.query_one("#staff-note", Static)
    return str(note.render()) if note.display else ""


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    return KioskApp(content=content, store=store, clock=clock)


async def test_without_a_pin_the_desk_says_how_to_set_one_and_ctrl_q_leaves(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: NO_PIN in staff_corner(app), "the no-PIN note")
        assert "kiosk set-pin" in staff_corner(app)
        assert BACKUP_PROBLEM not in staff_corner(app)  # no backup yet is no problem here
        await pilot.press("ctrl+q")
        await until(pilot, lambda: not app.is_running, "the kiosk to leave")
    assert app.return_code == 0  # not the staff exit's 10: systemd starts it again on the Pi


async def test_with_a_pin_set_ctrl_q_stays_locked_down(app: KioskApp, data_dir: Path) -> None:
    set_pin(data_dir, PIN)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.desk_notes_shown > 0, "the notes to be read")
        assert staff_corner(app) == ""
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_a_pin_set_while_the_kiosk_runs_locks_ctrl_q_at_once(
    app: KioskApp, data_dir: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: NO_PIN in staff_corner(app), "the no-PIN note")
        set_pin(data_dir, PIN)  # `kiosk set-pin` at the Pi's shell
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert staff_corner(app) == ""  # and the note went with it


async def test_a_damaged_pin_file_is_not_an_open_door(app: KioskApp, data_dir: Path) -> None:
    (data_dir / PIN_FILE).write_text("{not json")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert NO_PIN not in staff_corner(app)


async def test_a_failed_backup_shows_at_the_desk_and_in_staff_mode_until_one_succeeds(
    app: KioskApp, data_dir: Path, clock: FakeClock, store: Store
) -> None:
    set_pin(data_dir, PIN)
    add_members(store)
    record_failure(data_dir, clock.now(), "members.json is damaged (not JSON)")
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: BACKUP_PROBLEM in staff_corner(app), "the backup note")
        await open_staff_mode(app, pilot)
        shown = screen_text(app)
        assert "The backup of 23 Nov 2026 10:00 failed" in shown
        assert "members.json is damaged (not JSON)" in shown
        clock.advance(60)
        make_backup(data_dir, clock.now(), keep=3)  # staff mode's "Back up now", or the next night
        app.back_to_front_desk()
        app.read_desk_notes()
        await until(pilot, lambda: staff_corner(app) == "", "the note to go")


def test_kiosk_backup_records_a_failure_and_a_success_clears_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert main(["--data", str(data), "backup"]) == 5  # nothing to back up yet
    failure = last_failure(data)
    assert failure is not None and "no data files" in failure.problem
    with Store.open(data):
        pass
    (data / "members.json").write_text("{}")  # a data file, whatever Store.open left
    assert main(["backup", "--data", str(data)]) == 0  # the options after the command too
    assert last_failure(data) is None
    capsys.readouterr()


def test_a_backup_failure_record_that_cannot_be_read_still_shows(data_dir: Path) -> None:
    (data_dir / ".backup-failed.json").write_text("garbage")
    failure = last_failure(data_dir)
    assert failure is not None and "cannot be read" in failure.words()


def test_options_go_before_or_after_the_command() -> None:
    parser, _ = build_parser()
    for argv in (["run", "--data", "D"], ["--data", "D", "run"]):
        args = parser.parse_args(argv)
        assert (args.command, args.data) == ("run", "D")
    args = parser.parse_args(["--data", "D", "run", "--content", "C"])
    assert (args.data, args.content) == ("D", "C")
    assert parser.parse_args(["run"]).data is None


@pytest.mark.parametrize(("status", "make_fails"), [(0, False), (10, False), (1, True)])
def test_make_run_ends_quietly_when_staff_exit_the_kiosk(
    tmp_path: Path, status: int, make_fails: bool
) -> None:
    kiosk = tmp_path / "kiosk"  # stands in for .venv/bin/kiosk
    kiosk.write_text(f"#!/bin/sh\nexit {status}\n")
    kiosk.chmod(0o755)
    ran = subprocess.run(
        ["make", "-s", "run", f"BIN={tmp_path}", f"STAMP={kiosk}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (ran.returncode != 0) is make_fails, ran.stderr
    assert ("Error" in ran.stderr) is make_fails, ran.stderr


def test_a_backup_failure_has_a_time(data_dir: Path) -> None:
    when = datetime.fromisoformat("2026-11-24T02:30:00+00:00")
    record_failure(data_dir, when, "disk full")
    failure = last_failure(data_dir)
    assert failure is not None and failure.when == when


def test_backups_that_cannot_be_listed_are_a_note_not_a_crash(
    data_dir: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.store import backup
    from kiosk.ui.desk_notes import read_notes

    record_failure(data_dir, clock.now(), "disk full")

    def unreadable(directory: Path) -> list[Path]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(backup, "list_backups", unreadable)
    notes = read_notes(data_dir, clock.now())
    assert notes.backup_problem is not None and "cannot be read" in notes.backup_problem
    assert notes.no_pin  # and the PIN was still looked at


async def test_a_backup_older_than_two_days_shows_as_the_timer_not_running(
    app: KioskApp, data_dir: Path, clock: FakeClock, store: Store
) -> None:
    set_pin(data_dir, PIN)
    add_members(store)
    make_backup(data_dir, clock.now(), keep=3)
    clock.advance(3 * 24 * 3600)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: BACKUP_PROBLEM in staff_corner(app), "the backup note")
        await open_staff_mode(app, pilot)
        assert "No backup since 23 Nov 2026 10:00: is the nightly backup running?" in (
            screen_text(app)
        )
