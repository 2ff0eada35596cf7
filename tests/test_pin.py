"""The staff PIN: its rules, its hash, the back-off after wrong tries (kept across a restart, and
in memory when the disk cannot be written), what staff are shown, and `kiosk set-pin`."""

from __future__ import annotations

import errno
import io
import json
import logging
import math
import os
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from kiosk import cli
from kiosk.checkup import Level, staff_pin
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.pin import (
    FIRST_LOCK,
    LONGEST_LOCK,
    MAX_TRIES,
    Lockouts,
    PinHash,
    Result,
    Tries,
    guesses_in,
    hash_pin,
    lock_time,
    locked_for,
    pin_advice,
    pin_problem,
    try_pin,
    verify_pin,
    wait_text,
)
from kiosk.store import Store
from kiosk.store import pin as pin_store
from kiosk.store.log import LOG_NAME, start_log, stop_log
from kiosk.store.pin import (
    PIN_FILE,
    TRIES_FILE,
    DamagedPin,
    NoPin,
    PinGate,
    check_pin,
    lock_wait,
    pin_is_set,
    pin_warning,
    read_pin,
    read_tries,
    set_pin,
)
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.staff import StaffHome
from kiosk.ui.screens.staff_pin import CHECKING, NO_PIN, PinScreen
from tests.staff_helpers import busy, screen_text, settle, type_pin, until
from tests.waiting import wait_for, workers_ended

FAST = 2**8  # scrypt cost for the pure-rule tests: the rules, not the cost, are under test
NOW = datetime.fromisoformat("2026-11-23T10:00:00+00:00")
YEAR = timedelta(days=365)


@pytest.fixture(scope="module")
def hashed() -> PinHash:
    return hash_pin("2468", n=FAST)


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("2468", ""),
        ("12345678", ""),
        ("", "Please type a PIN."),
        ("123", "A PIN is 4 to 8 digits long."),
        ("123456789", "A PIN is 4 to 8 digits long."),
        ("12a4", "A PIN is digits only (0-9)."),
        ("١٢٣٤", "A PIN is digits only (0-9)."),  # Arabic-Indic digits: isdigit, not ASCII
        (" 1234", "A PIN is digits only (0-9)."),
    ],
)
def test_what_a_pin_may_be(pin: str, problem: str) -> None:
    assert pin_problem(pin) == problem


def test_hash_is_salted_scrypt_and_verifies(hashed: PinHash) -> None:
    again = hash_pin("2468", n=FAST)
    assert again.salt != hashed.salt and again.digest != hashed.digest  # random salt
    assert len(hashed.salt) == 16 and len(hashed.digest) == 32
    assert (hashed.n, hashed.r, hashed.p) == (FAST, 8, 1)
    assert verify_pin(hashed, "2468")
    assert verify_pin(again, "2468")
    for wrong in ("2469", "", "24680", "x" * 10_000):
        assert not verify_pin(hashed, wrong)
    with pytest.raises(ValueError, match="digits"):
        hash_pin("12")


def test_a_short_pin_is_allowed_with_advice() -> None:
    assert pin_advice("246813") == pin_advice("24681357") == ""
    four, five = pin_advice("2468"), pin_advice("24681")
    assert "6 or more digits is recommended" in four and "11 % of all 4-digit PINs" in four
    assert "1 % of all 5-digit PINs" in five


def test_five_wrong_tries_lock_for_thirty_seconds(hashed: PinHash) -> None:
    tries = Tries()
    for n in range(1, MAX_TRIES):
        attempt = try_pin(hashed, tries, "0000", NOW)
        assert attempt.result is Result.WRONG
        assert attempt.tries_left == MAX_TRIES - n
        assert f"{MAX_TRIES - n} more tr" in attempt.message
        assert "locks for 30 s" in attempt.message
        tries = attempt.tries
    attempt = try_pin(hashed, tries, "0000", NOW)
    assert attempt.result is Result.LOCKED and attempt.new_lockout
    assert attempt.locked_for == FIRST_LOCK == timedelta(seconds=30)
    assert "locked for 30 s" in attempt.message
    tries = attempt.tries
    # while locked even the right PIN is refused
    later = NOW + timedelta(seconds=29)
    assert try_pin(hashed, tries, "2468", later).result is Result.LOCKED
    assert locked_for(tries, later) == timedelta(seconds=1)
    # once the lock ends the right PIN opens; the back-off's level stays
    after = try_pin(hashed, tries, "2468", NOW + FIRST_LOCK)
    assert after.result is Result.RIGHT and after.tries.wrong == 0 and after.tries.level == 1
    assert after.lockouts == Lockouts(1, NOW, NOW)


def test_every_burst_after_a_lock_out_locks_twice_as_long_up_to_eight_hours(
    hashed: PinHash,
) -> None:
    tries, now = Tries(), NOW
    locks: list[str] = []
    while len(locks) < 14:
        attempt = try_pin(hashed, tries, "1111", now)
        tries = attempt.tries
        if attempt.result is Result.LOCKED:
            locks.append(wait_text(attempt.locked_for))
            now += attempt.locked_for  # the guesser tries again the moment it ends
    assert locks == [
        "30 s",
        "1 min 00 s",
        "2 min 00 s",
        "4 min 00 s",
        "8 min 00 s",
        "16 min 00 s",
        "32 min 00 s",
        "1 h 04 min",
        "2 h 08 min",
        "4 h 16 min",
        "8 h",
        "8 h",
        "8 h",
        "8 h",
    ]
    assert lock_time(1000) == LONGEST_LOCK
    assert tries.lockouts.count == 14 and tries.lockouts.first == NOW


def test_waiting_does_not_reset_the_back_off(hashed: PinHash) -> None:
    # three lock-outs: level 3, the last one (2 min) ended at `ended`
    ended = NOW + timedelta(minutes=2)
    tries = Tries(0, 3, ended)
    # the old rule forgot everything after 5 minutes; now, 23 hours on, one wrong try locks 4 min
    attempt = try_pin(hashed, tries, "1111", ended + timedelta(hours=23))
    assert attempt.result is Result.LOCKED and attempt.locked_for == timedelta(minutes=4)
    # the level wears off one step a day: a day on, the next lock is what level 3 gives
    attempt = try_pin(hashed, tries, "1111", ended + timedelta(days=1, hours=1))
    assert attempt.locked_for == timedelta(minutes=2)
    # only after three quiet days are five tries back
    attempt = try_pin(hashed, tries, "1111", ended + timedelta(days=2, hours=23))
    assert attempt.result is Result.LOCKED
    attempt = try_pin(hashed, tries, "1111", ended + timedelta(days=3))
    assert attempt.result is Result.WRONG and attempt.tries_left == MAX_TRIES - 1


def test_a_right_pin_clears_the_burst_but_keeps_the_level(hashed: PinHash) -> None:
    attempt = try_pin(hashed, Tries(3), "2468", NOW)
    assert attempt.result is Result.RIGHT and attempt.tries == Tries()
    # staff logging in between a guesser's bursts hand them one try, not five
    high = Tries(0, 11, NOW - timedelta(minutes=1), Lockouts(11, NOW - timedelta(days=1), NOW))
    attempt = try_pin(hashed, high, "2468", NOW)
    assert attempt.result is Result.RIGHT
    assert attempt.tries == Tries(0, 11, NOW - timedelta(minutes=1))  # the lock-outs were shown
    assert attempt.lockouts.text == (
        "11 PIN lock-outs since 22 Nov 10:00, the last at 23 Nov 10:00. See kiosk.log."
    )
    wrong = try_pin(hashed, attempt.tries, "1111", NOW)
    assert wrong.result is Result.LOCKED and wrong.locked_for == LONGEST_LOCK


def test_a_clock_that_jumped_back_does_not_lock_for_days(hashed: PinHash) -> None:
    # locked "until" a time the wall clock is now a year behind (a Pi without a battery clock)
    tries = Tries(0, 2, NOW + timedelta(days=365))
    attempt = try_pin(hashed, tries, "2468", NOW)
    assert attempt.result is Result.LOCKED and attempt.locked_for == lock_time(2)
    assert attempt.tries.locked_until == NOW + lock_time(2)
    assert try_pin(hashed, attempt.tries, "2468", NOW + lock_time(2)).result is Result.RIGHT


def test_a_guesser_gets_about_three_tries_a_day() -> None:
    assert guesses_in(timedelta(days=1), NOW) == 16  # 5, then 11 lock-outs climbing to 8 h
    year = guesses_in(YEAR, NOW)
    # worked out by hand: 5 tries, then one at the end of each lock-out; the first ten lock-outs
    # (30 s to 4 h 16 min) take 30 s * (2**10 - 1), then one try every 8 hours
    ramp = FIRST_LOCK * (2**10 - 1)
    assert year == 5 + 9 + math.ceil((YEAR - ramp) / LONGEST_LOCK) == 1108
    assert year < 1_200  # of the 10,000 4-digit PINs
    # staff logging in every day (when it is not locked) give nothing away
    for every in (timedelta(days=1), timedelta(hours=1), timedelta(minutes=7)):
        assert guesses_in(YEAR, NOW, staff_every=every) == year
    # waiting 11 days for the level to wear off, then climbing again (15 tries in 9 hours),
    # gives fewer than half the tries of going on all those 12 days
    assert guesses_in(timedelta(days=12), NOW) > 2 * guesses_in(timedelta(hours=9), NOW)


# -- on disk ----------------------------------------------------------------------------------


def test_no_pin_set(tmp_path: Path) -> None:
    assert not pin_is_set(tmp_path)
    assert read_pin(tmp_path) is None
    with pytest.raises(NoPin, match="No staff PIN set: run kiosk set-pin"):
        check_pin(tmp_path, "2468", NOW)


def test_set_pin_stores_only_a_scrypt_hash(tmp_path: Path) -> None:
    set_pin(tmp_path / "data", "2468")
    assert pin_is_set(tmp_path / "data")
    raw = (tmp_path / "data" / PIN_FILE).read_text()
    assert "2468" not in raw
    doc = json.loads(raw)
    assert doc["algorithm"] == "scrypt" and doc["n"] == 2**14 and doc["r"] == 8 and doc["p"] == 1
    assert (tmp_path / "data" / PIN_FILE).stat().st_mode & 0o077 == 0  # only the kiosk user
    assert check_pin(tmp_path / "data", "2468", NOW).result is Result.RIGHT
    with pytest.raises(ValueError):
        set_pin(tmp_path, "12")


def test_lock_out_is_on_disk_and_a_new_pin_lifts_it(tmp_path: Path) -> None:
    set_pin(tmp_path, "2468")
    for _ in range(MAX_TRIES):
        check_pin(tmp_path, "1357", NOW)
    assert read_tries(tmp_path) == Tries(0, 1, NOW + FIRST_LOCK, Lockouts(1, NOW, NOW))
    assert lock_wait(tmp_path, NOW + timedelta(seconds=10)) == timedelta(seconds=20)
    assert check_pin(tmp_path, "2468", NOW).result is Result.LOCKED
    # the owner at the shell: a new PIN, no lock, no back-off; told of the lock-out it lifts
    assert set_pin(tmp_path, "1357") == Lockouts(1, NOW, NOW)
    assert lock_wait(tmp_path, NOW) is None
    assert read_tries(tmp_path) == Tries()
    assert check_pin(tmp_path, "1357", NOW).result is Result.RIGHT


def test_a_tries_file_from_before_the_back_off_still_counts(tmp_path: Path) -> None:
    set_pin(tmp_path, "2468", n=FAST)
    (tmp_path / TRIES_FILE).write_text('{"wrong": 3, "locked_until": null}\n')
    assert read_tries(tmp_path) == Tries(3)
    assert check_pin(tmp_path, "1111", NOW).result is Result.WRONG


@pytest.mark.parametrize("contents", ["", "{", '{"algorithm": "md5"}', '{"algorithm": "scrypt"}'])
def test_a_damaged_pin_file_opens_nothing_and_is_a_warning(tmp_path: Path, contents: str) -> None:
    assert pin_warning(tmp_path) == ""  # not set: the front desk says so; no warning here
    (tmp_path / PIN_FILE).write_text(contents)
    assert not pin_is_set(tmp_path)
    with pytest.raises(DamagedPin, match="set-pin"):
        check_pin(tmp_path, "2468", NOW)
    # at start-up (kiosk run adds it to the warnings and the log) and in `kiosk check`
    warning = pin_warning(tmp_path)
    assert "pin.json cannot be read" in warning and "kiosk set-pin" in warning
    finding = staff_pin(tmp_path)
    assert finding.level is Level.PROBLEM and "cannot be read" in str(finding)
    set_pin(tmp_path, "246813", n=FAST)
    assert pin_warning(tmp_path) == "" and staff_pin(tmp_path).level is not Level.PROBLEM


def test_a_damaged_tries_file_leaves_one_try(tmp_path: Path) -> None:
    set_pin(tmp_path, "2468")
    (tmp_path / TRIES_FILE).write_text("garbage")
    assert check_pin(tmp_path, "0000", NOW).result is Result.LOCKED


# -- in the kiosk -----------------------------------------------------------------------------


async def test_no_pin_set_no_staff_mode(content: Content, store: Store, clock: FakeClock) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, PinScreen)
        assert NO_PIN in screen_text(app)
        await type_pin(pilot, "0000")
        await type_pin(pilot, "1234")
        assert isinstance(app.screen, PinScreen)
        assert not any(isinstance(s, StaffHome) for s in app.screen_stack)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_the_lock_out_survives_a_restart(
    content: Content, data_dir: Path, clock: FakeClock
) -> None:
    set_pin(data_dir, "2468")
    with Store.open(data_dir) as store:
        app = KioskApp(content, store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            await pilot.pause()
            for n in range(MAX_TRIES - 1):
                await type_pin(pilot, "1111")
                assert f"{MAX_TRIES - 1 - n} more tr" in screen_text(app)
            await type_pin(pilot, "1111")
            assert "locked for 30 s" in screen_text(app)
    # the kiosk restarts (a new store and app on the same data directory) 10 seconds later
    clock.advance(10)
    with Store.open(data_dir) as store:
        app = KioskApp(content, store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            await pilot.pause()
            assert "locked for 20 s" in screen_text(app)
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, PinScreen)
            clock.advance(10)
            # the screen looks at the clock a few times a second
            await until(pilot, lambda: "locked for 10 s" in screen_text(app))
            clock.advance(10)
            await until(pilot, lambda: "locked" not in screen_text(app))
            # one try now, not five: a wrong one locks for a minute
            await type_pin(pilot, "1111")
            assert "locked for 1 min 00 s" in screen_text(app)
            clock.advance(60)
            await until(pilot, lambda: "locked" not in screen_text(app))
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, StaffHome)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
async def test_leaving_the_pin_screen_on_a_full_disk_keeps_the_lock_out(
    content: Content, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    # the probe's finding: 12 wrong PINs, then the right one let the tester in
    set_pin(store.directory, "2468")
    cannot_write(monkeypatch, code)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        for _ in range(MAX_TRIES - 1):
            await type_pin(pilot, "1111")
        assert f"Cannot save to the data directory ({os.strerror(code)})" in screen_text(app)
        await type_pin(pilot, "1111")
        assert "locked for 30 s" in screen_text(app)
        for _ in range(3):  # Esc and F12 again: a new PIN screen, the same gate
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
            await pilot.press("f12")
            await until(pilot, lambda: isinstance(app.screen, PinScreen))
            await until(pilot, lambda: "locked for 30 s" in screen_text(app))
            await type_pin(pilot, "1111")
        await type_pin(pilot, "2468")
        assert isinstance(app.screen, PinScreen) and "locked for 30 s" in screen_text(app)
        assert app.screen.query_one("#pin", Input).is_disabled
        clock.advance(30)
        await until(pilot, lambda: "locked" not in screen_text(app))
        await type_pin(pilot, "2468")
        assert isinstance(app.screen, StaffHome)
        assert "1 PIN lock-out (too many wrong PINs) at 23 Nov 10:00" in screen_text(app)


async def test_lock_outs_are_logged_and_shown_to_staff_once(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, "2468")
    handler = start_log(store.directory)
    try:
        app = KioskApp(content, store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            await pilot.pause()
            for _ in range(MAX_TRIES):
                await type_pin(pilot, "1111")
            clock.advance(30)
            await until(pilot, lambda: "locked" not in screen_text(app))
            await type_pin(pilot, "1111")
            assert "locked for 1 min 00 s" in screen_text(app)
            clock.advance(60)
            await until(pilot, lambda: "locked" not in screen_text(app))
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, StaffHome)
            shown = "2 PIN lock-outs since 23 Nov 10:00, the last at 23 Nov 10:00. See kiosk.log."
            assert shown in screen_text(app)
            # seen once: the next log-in shows none
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
            await pilot.press("f12")
            await until(pilot, lambda: isinstance(app.screen, PinScreen))
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, StaffHome) and "lock-out" not in screen_text(app)
    finally:
        stop_log(handler)
    logged = (store.directory / LOG_NAME).read_text()
    assert logged.count("staff mode locked for") == 2
    assert (
        "locked for 30 s (lock-out 1)" in logged and "locked for 1 min 00 s (lock-out 2)" in logged
    )
    assert "were shown: 2 PIN lock-outs" in logged
    assert "1111" not in logged and "2468" not in logged


async def test_kiosk_set_pin_lifts_the_lock_out_of_the_running_kiosk(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, "2468")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        for _ in range(MAX_TRIES):
            await type_pin(pilot, "1111")
        assert "locked for 30 s" in screen_text(app) and "kiosk set-pin" in screen_text(app)
        set_pin(store.directory, "135791")  # the owner at the Pi's shell
        await until(pilot, lambda: "locked" not in screen_text(app))
        assert not app.screen.query_one("#pin", Input).is_disabled
        await type_pin(pilot, "135791")
        assert isinstance(app.screen, StaffHome)


async def test_a_damaged_pin_file_says_so_and_opens_nothing(
    content: Content, store: Store, clock: FakeClock
) -> None:
    (store.directory / PIN_FILE).write_text('{"algorithm": "scrypt"}')
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        shown = screen_text(app)
        assert "pin.json cannot be read" in shown and "kiosk set-pin" in shown
        assert NO_PIN not in shown
        await type_pin(pilot, "2468")
        assert isinstance(app.screen, PinScreen)


# -- the tries in memory; the check in a worker --------------------------------------------


def test_the_gate_reads_the_tries_once_and_writes_only_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_pin(tmp_path, "2468", n=FAST)
    gate = PinGate(tmp_path)
    (tmp_path / TRIES_FILE).unlink()  # from now on the gate answers from memory
    reads: list[Path] = []
    writes: list[Tries] = []
    real_write = pin_store._write_tries

    def read(data_dir: Path) -> tuple[Tries, str | None]:
        reads.append(data_dir)
        return Tries(), None

    def write(data_dir: Path, tries: Tries, pin: str | None) -> None:
        writes.append(tries)
        real_write(data_dir, tries, pin)

    monkeypatch.setattr(pin_store, "_read_tries", read)
    monkeypatch.setattr(pin_store, "_write_tries", write)
    for _ in range(100):
        assert gate.lock_wait(NOW) is None
    assert gate.check("2468", NOW).result is Result.RIGHT
    assert writes == []  # nothing changed: nothing written
    for _ in range(MAX_TRIES):
        gate.check("1111", NOW)
    assert gate.check("2468", NOW).result is Result.LOCKED  # still locked: no change
    assert len(writes) == MAX_TRIES and reads == []
    assert gate.lock_wait(NOW + timedelta(seconds=10)) == timedelta(seconds=20)
    # what is on disk is what a restart reads
    monkeypatch.undo()
    assert read_tries(tmp_path) == Tries(0, 1, NOW + FIRST_LOCK, Lockouts(1, NOW, NOW))
    assert PinGate(tmp_path).lock_wait(NOW) == FIRST_LOCK


def cannot_write(monkeypatch: pytest.MonkeyPatch, code: int) -> list[Path]:
    """Every write of the tries fails as on a full (ENOSPC) or read-only (EROFS) disk."""
    tried: list[Path] = []

    def fail(path: Path, text: str) -> None:
        tried.append(path)
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(pin_store, "write_text_atomic", fail)
    return tried


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_disk_that_cannot_be_written_never_lifts_the_lock_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    set_pin(tmp_path, "2468", n=FAST)
    gate = PinGate(tmp_path)
    tried = cannot_write(monkeypatch, code)
    for _ in range(MAX_TRIES - 1):
        assert gate.check("1111", NOW).result is Result.WRONG
    assert gate.check("1111", NOW).result is Result.LOCKED
    assert gate.not_saved == os.strerror(code) and len(tried) == MAX_TRIES
    # the tester's 12 wrong PINs during the lock-out, then the right one: refused
    later = NOW + timedelta(seconds=5)
    for _ in range(12):
        assert gate.check("1111", later).result is Result.LOCKED
    assert gate.check("2468", later).result is Result.LOCKED
    assert gate.lock_wait(later) == timedelta(seconds=25)
    assert read_tries(tmp_path) == Tries()  # nothing reached the disk: memory holds it all
    # after the lock, one try; the right PIN opens, and is not lost on the full disk either
    after = NOW + FIRST_LOCK
    assert gate.check("1111", after).result is Result.LOCKED
    assert gate.lock_wait(after) == timedelta(minutes=1)
    assert gate.check("2468", after + timedelta(minutes=1)).result is Result.RIGHT


def guess_for(gate: PinGate, clock: FakeClock, span: timedelta, right: str) -> int:
    """The attacker at the desk: a new PIN the moment the gate takes one, and the right PIN
    (as if they had seen it typed) during every lock-out. Counts the PINs checked."""
    end = clock.now() + span
    guesses = 0
    while clock.now() < end:
        wait = gate.lock_wait(clock.now())
        if wait is not None:
            assert gate.check(right, clock.now()).result is Result.LOCKED
            clock.advance(min(wait, end - clock.now()).total_seconds())
            continue
        attempt = gate.check(f"{guesses:04d}", clock.now())  # 0000, 0001 ...: never the PIN
        assert attempt.result is not Result.RIGHT
        guesses += 1
    return guesses


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_year_of_guessing_at_the_desk_tries_few_pins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, code: int
) -> None:
    # on a disk that cannot be written, the worst case: everything rests on the gate's memory
    caplog.set_level(logging.ERROR, logger="kiosk")  # 1,104 lock-outs logged: tested elsewhere
    set_pin(tmp_path, "9999", n=16)  # the rules, not the hash's cost, are under test
    cannot_write(monkeypatch, code)
    clock = FakeClock(NOW)
    guesses = guess_for(PinGate(tmp_path), clock, YEAR, "9999")
    # the real gate, clock and hash agree with the rule's own count, far below 10,000
    assert guesses == guesses_in(YEAR, NOW) == 1108
    assert clock.now() == NOW + YEAR


def test_restarting_the_kiosk_gives_a_guesser_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="kiosk")
    set_pin(tmp_path, "9999", n=16)
    clock = FakeClock(NOW)
    # a new gate (a restart, reading pin-tries.json) every 4 hours for 3 days
    span = timedelta(hours=4)
    guesses = sum(guess_for(PinGate(tmp_path), clock, span, "9999") for _ in range(18))
    assert guesses == guesses_in(timedelta(days=3), NOW) == 22
    tries = PinGate(tmp_path).tries
    assert tries.level == 11 and tries.lockouts.count == 18 and tries.lockouts.first == NOW


class Held:
    """Holds every PIN check in its worker thread until the test lets it go."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.done = threading.Event()  # the real check has returned (or failed)
        self.started = 0

    def __call__(self, *args: object) -> object:
        self.started += 1
        self.go.wait(20)
        try:
            return REAL_TRY(*args)  # type: ignore[arg-type]
        finally:
            self.done.set()


REAL_TRY = try_pin


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[Held]:
    hold = Held()
    monkeypatch.setattr(pin_store, "try_pin", hold)
    yield hold
    hold.go.set()  # never leave a worker thread waiting


@pytest.mark.parametrize(("pin", "after"), [("2468", StaffHome), ("1111", PinScreen)])
async def test_the_check_runs_in_a_worker_with_the_box_off(
    content: Content, store: Store, clock: FakeClock, held: Held, pin: str, after: type
) -> None:
    set_pin(store.directory, "2468")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*pin, "enter")
        await until(pilot, lambda: busy(app) == CHECKING)
        box = app.screen.query_one("#pin", Input)
        assert CHECKING in screen_text(app)
        assert box.is_disabled and not box.has_focus
        # the event loop answers keys meanwhile, and a second Enter checks nothing
        await pilot.press(*pin, "enter", "5")
        await until(pilot, lambda: "One moment, please." in screen_text(app))
        assert box.value == "" and held.started == 1 and isinstance(app.screen, PinScreen)
        held.go.set()
        await settle(pilot)
        assert isinstance(app.screen, after)
        assert held.started == 1
        if after is PinScreen:
            assert "Wrong PIN. 4 more tries" in screen_text(app)
            assert not box.is_disabled and box.has_focus  # ready for the next try
            assert read_tries(store.directory) == Tries(1)


async def test_esc_during_the_check_goes_back_and_the_try_still_counts(
    content: Content, store: Store, clock: FakeClock, held: Held
) -> None:
    set_pin(store.directory, "2468")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        pin_screen = app.screen
        await pilot.press(*"1111", "enter")
        await until(pilot, lambda: busy(app) == CHECKING)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
        held.go.set()
        await wait_for(pilot, held.done.is_set, "the PIN check to finish")
        await workers_ended(pilot)  # cancelled with its screen: that is no error
        # the result reached no screen: the front desk stays, nothing crashed
        assert isinstance(app.screen, FrontDeskScreen) and not pin_screen.is_attached
        assert "Wrong PIN" not in screen_text(app)
        assert read_tries(store.directory) == Tries(1)
        await pilot.press("f12")
        await pilot.pause()
        await type_pin(pilot, "1111")
        assert "Wrong PIN. 3 more tries" in screen_text(app)


async def test_a_pin_set_while_the_kiosk_runs_counts_at_the_next_check(
    content: Content, store: Store, clock: FakeClock
) -> None:
    set_pin(store.directory, "2468")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        set_pin(store.directory, "1357")  # `kiosk set-pin` from a shell
        await type_pin(pilot, "2468")
        assert "Wrong PIN" in screen_text(app)
        await type_pin(pilot, "1357")
        assert isinstance(app.screen, StaffHome)


# -- kiosk set-pin ----------------------------------------------------------------------------


class Typed(io.StringIO):
    def __init__(self, text: str, tty: bool) -> None:
        super().__init__(text)
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_set_pin_from_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", Typed("97531\n", tty=False))
    assert cli.main(["--data", str(tmp_path / "d"), "set-pin"]) == 0
    assert "Staff PIN set" in capsys.readouterr().out
    assert check_pin(tmp_path / "d", "97531", NOW).result is Result.RIGHT


def test_set_pin_asks_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", Typed("", tty=True))
    answers = iter(["2468", "2469"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 1
    assert "not the same" in capsys.readouterr().err
    assert not pin_is_set(tmp_path)
    answers = iter(["2468", "2468"])
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 0
    assert check_pin(tmp_path, "2468", NOW).result is Result.RIGHT


@pytest.mark.parametrize("typed", ["12", "abcd", "", "123456789"])
def test_set_pin_refuses_a_bad_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], typed: str
) -> None:
    monkeypatch.setattr("sys.stdin", Typed(typed + "\n", tty=False))
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 1
    err = capsys.readouterr().err
    assert "PIN" in err and "not changed" in err and "Traceback" not in err
    assert not pin_is_set(tmp_path)


@pytest.mark.parametrize(("typed", "warned"), [("2468", True), ("24681", True), ("246813", False)])
def test_set_pin_recommends_six_digits(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    typed: str,
    warned: bool,
) -> None:
    monkeypatch.setattr("sys.stdin", Typed(typed + "\n", tty=False))
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 0  # short, but taken
    err = capsys.readouterr().err
    assert ("warning: A PIN of 6 or more digits is recommended" in err) is warned
    assert check_pin(tmp_path, typed, NOW).result is Result.RIGHT


def test_set_pin_asks_for_six_digits_at_the_prompt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", Typed("", tty=True))
    prompts: list[str] = []

    def ask(prompt: str = "") -> str:
        prompts.append(prompt)
        return "246813"

    monkeypatch.setattr("getpass.getpass", ask)
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 0
    assert "6 or more recommended" in prompts[0]


def test_set_pin_lifts_a_lock_out_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    set_pin(tmp_path, "2468", n=FAST)
    for _ in range(MAX_TRIES):
        check_pin(tmp_path, "1111", NOW)
    assert lock_wait(tmp_path, NOW) == FIRST_LOCK
    monkeypatch.setattr("sys.stdin", Typed("135791\n", tty=False))
    assert cli.main(["--data", str(tmp_path), "set-pin"]) == 0
    out = capsys.readouterr().out
    assert "Any PIN lock-out is lifted. 1 PIN lock-out (too many wrong PINs) at 23 Nov 10:00" in out
    assert lock_wait(tmp_path, NOW) is None and read_tries(tmp_path) == Tries()
    assert "staff PIN set with kiosk set-pin" in (tmp_path / LOG_NAME).read_text()
