"""The staff PIN: its rules, its hash, the lock-out after five wrong tries (kept across a restart),
and `kiosk set-pin`."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

from kiosk import cli
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.pin import (
    LOCK_TIME,
    MAX_TRIES,
    PinHash,
    Result,
    Tries,
    hash_pin,
    locked_for,
    pin_problem,
    try_pin,
    verify_pin,
)
from kiosk.store import Store
from kiosk.store import pin as pin_store
from kiosk.store.pin import (
    PIN_FILE,
    TRIES_FILE,
    DamagedPin,
    NoPin,
    PinGate,
    check_pin,
    lock_wait,
    pin_is_set,
    read_pin,
    read_tries,
    set_pin,
)
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.staff import StaffHome
from kiosk.ui.screens.staff_pin import CHECKING, NO_PIN, PinScreen
from tests.staff_helpers import busy, screen_text, settle, type_pin, until

FAST = 2**8  # scrypt cost for the pure-rule tests: the rules, not the cost, are under test
NOW = datetime.fromisoformat("2026-11-23T10:00:00+00:00")


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


def test_five_wrong_tries_lock_for_five_minutes(hashed: PinHash) -> None:
    tries = Tries()
    for n in range(1, MAX_TRIES):
        attempt = try_pin(hashed, tries, "0000", NOW)
        assert attempt.result is Result.WRONG
        assert attempt.tries_left == MAX_TRIES - n
        assert f"{MAX_TRIES - n} more tr" in attempt.message
        tries = attempt.tries
    attempt = try_pin(hashed, tries, "0000", NOW)
    assert attempt.result is Result.LOCKED
    assert attempt.locked_for == LOCK_TIME == timedelta(minutes=5)
    assert "locked for 5 min 00 s" in attempt.message
    tries = attempt.tries
    # while locked even the right PIN is refused
    later = NOW + timedelta(minutes=4, seconds=59)
    assert try_pin(hashed, tries, "2468", later).result is Result.LOCKED
    assert locked_for(tries, later) == timedelta(seconds=1)
    # once the five minutes are up the right PIN opens, and the count starts again
    after = try_pin(hashed, tries, "2468", NOW + LOCK_TIME)
    assert after.result is Result.RIGHT and after.tries == Tries()


def test_a_lock_ends_and_gives_five_fresh_tries(hashed: PinHash) -> None:
    locked = Tries(MAX_TRIES, NOW + LOCK_TIME)
    attempt = try_pin(hashed, locked, "1111", NOW + LOCK_TIME + timedelta(seconds=1))
    assert attempt.result is Result.WRONG and attempt.tries_left == MAX_TRIES - 1


def test_a_right_pin_clears_the_wrong_tries(hashed: PinHash) -> None:
    attempt = try_pin(hashed, Tries(3), "2468", NOW)
    assert attempt.result is Result.RIGHT and attempt.tries == Tries()


def test_a_clock_that_jumped_back_does_not_lock_for_days(hashed: PinHash) -> None:
    # locked "until" a time the wall clock is now a year behind (a Pi without a battery clock)
    tries = Tries(MAX_TRIES, NOW + timedelta(days=365))
    attempt = try_pin(hashed, tries, "2468", NOW)
    assert attempt.result is Result.LOCKED and attempt.locked_for == LOCK_TIME
    assert attempt.tries.locked_until == NOW + LOCK_TIME
    assert try_pin(hashed, attempt.tries, "2468", NOW + LOCK_TIME).result is Result.RIGHT


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
    assert read_tries(tmp_path) == Tries(MAX_TRIES, NOW + LOCK_TIME)
    assert lock_wait(tmp_path, NOW + timedelta(minutes=1)) == timedelta(minutes=4)
    assert check_pin(tmp_path, "2468", NOW).result is Result.LOCKED
    set_pin(tmp_path, "1357")  # the owner at the shell: a new PIN, no lock
    assert lock_wait(tmp_path, NOW) is None
    assert check_pin(tmp_path, "1357", NOW).result is Result.RIGHT


@pytest.mark.parametrize("contents", ["", "{", '{"algorithm": "md5"}', '{"algorithm": "scrypt"}'])
def test_a_damaged_pin_file_opens_nothing(tmp_path: Path, contents: str) -> None:
    (tmp_path / PIN_FILE).write_text(contents)
    assert not pin_is_set(tmp_path)
    with pytest.raises(DamagedPin, match="set-pin"):
        check_pin(tmp_path, "2468", NOW)


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
            assert "locked for 5 min 00 s" in screen_text(app)
    # the kiosk restarts (a new store and app on the same data directory) a minute later
    clock.advance(60)
    with Store.open(data_dir) as store:
        app = KioskApp(content, store, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("f12")
            await pilot.pause()
            assert "locked for 4 min 00 s" in screen_text(app)
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, PinScreen)
            clock.advance(60)
            # the screen looks at the clock a few times a second
            await until(pilot, lambda: "locked for 3 min 00 s" in screen_text(app))
            clock.advance(3 * 60)
            # idle for longer than staff's 120 s
            await until(pilot, lambda: isinstance(app.screen, FrontDeskScreen))
            await pilot.press("f12")
            await pilot.pause()
            assert "locked" not in screen_text(app)
            await type_pin(pilot, "2468")
            assert isinstance(app.screen, StaffHome)


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

    def read(data_dir: Path) -> Tries:
        reads.append(data_dir)
        return Tries()

    def write(data_dir: Path, tries: Tries) -> None:
        writes.append(tries)
        real_write(data_dir, tries)

    monkeypatch.setattr(pin_store, "read_tries", read)
    monkeypatch.setattr(pin_store, "_write_tries", write)
    for _ in range(100):
        assert gate.lock_wait(NOW) is None
    assert gate.check("2468", NOW).result is Result.RIGHT
    assert writes == []  # nothing changed: nothing written
    for _ in range(MAX_TRIES):
        gate.check("1111", NOW)
    assert gate.check("2468", NOW).result is Result.LOCKED  # still locked: no change
    assert len(writes) == MAX_TRIES and reads == []
    assert gate.lock_wait(NOW + timedelta(minutes=1)) == timedelta(minutes=4)
    # what is on disk is what a restart reads
    monkeypatch.undo()
    assert read_tries(tmp_path) == Tries(MAX_TRIES, NOW + LOCK_TIME)
    assert PinGate(tmp_path).lock_wait(NOW) == LOCK_TIME


def test_a_wrong_try_that_cannot_be_saved_still_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_pin(tmp_path, "2468", n=FAST)
    gate = PinGate(tmp_path)

    def full(data_dir: Path, tries: Tries) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pin_store, "_write_tries", full)
    with pytest.raises(OSError):
        gate.check("1111", NOW)
    assert gate.tries == Tries(1)


class Held:
    """Holds every PIN check in its worker thread until the test lets it go."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.started = 0

    def __call__(self, *args: object) -> object:
        self.started += 1
        self.go.wait(20)
        return REAL_TRY(*args)  # type: ignore[arg-type]


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
        await app.workers.wait_for_complete()
        await pilot.pause()
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
