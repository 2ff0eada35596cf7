"""Staff PIN benchmark (issue 10): the check off the event loop, each figure against a baseline
measured in the same run.

The real kiosk on a pseudo-terminal, its PIN hashed with 4x the default scrypt cost, so one check
takes about what the default takes on a Raspberry Pi (hundreds of ms).
- From Enter to "Wrong PIN" (or to staff mode's menu) on the terminal, against the bare scrypt
  check of the same hash in this process just after it (the same load on the machine).
  Goal: median at most 1.5x (the UI adds little to the hash).
- A key pressed while the check runs ("Checking..." on screen) is answered on the terminal
  ("One moment, please."), against a digit typed into the idle PIN box appearing as a dot.
  Goal: every one within 100 ms, the median within 50 ms: the event loop is not held.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from kiosk.core.pin import SCRYPT_N, verify_pin
from kiosk.store.pin import read_pin, set_pin

from ..terminal import ENTER, Terminal, kiosk_argv

PIN = "2468"
WRONG = "1357"
SLOW_N = SCRYPT_N * 4  # the default's time on a Pi, about 8x slower than this machine
F12 = b"\x1b[24~"
DOT = "•".encode()  # a typed PIN digit, as the box shows it
ESCAPE = b"\x1b"
KIOSKS = 2
ROUNDS = 8  # per kiosk


def size(term: Terminal) -> int:
    with term.lock:
        return sum(len(chunk) for _, chunk in term.chunks)


def arrival(term: Terminal, marker: bytes, start: int, timeout: float = 15.0) -> float:
    """When `marker` was first whole on the terminal, looking from byte `start` on."""
    deadline = time.monotonic() + timeout
    while True:
        with term.lock:
            chunks = list(term.chunks)
        data = b"".join(chunk for _, chunk in chunks)
        where = data.find(marker, start)
        if where >= 0:
            end = 0
            for t, chunk in chunks:
                end += len(chunk)
                if end >= where + len(marker):
                    return t
        if term.proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"{marker!r} never appeared: {data[-1500:]!r}")
        time.sleep(0.002)


def press(term: Terminal, key: bytes) -> tuple[float, int]:
    """Type a key; when it was typed and how much the terminal had shown by then."""
    start = size(term)
    at = time.monotonic()
    term.type(key)
    return at, start


def test_pin_check_keeps_the_event_loop_answering() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-pin-"))
    data = tmp / "data"
    data.mkdir()
    set_pin(data, PIN, n=SLOW_N)
    hashed = read_pin(data)
    assert hashed is not None
    wrong: list[float] = []  # Enter to the result on the terminal, over the bare check then
    right: list[float] = []
    bare: list[float] = []
    echo: list[float] = []
    answered: list[float] = []
    try:
        for _ in range(KIOSKS):
            term = Terminal(kiosk_argv("--data", str(data), "run"))
            try:
                term.wait_for(b"Fast Track EMS")
                for n in range(ROUNDS):
                    at, start = press(term, F12)
                    arrival(term, b"Type the staff PIN", start)
                    pin = WRONG if n % 2 == 0 else PIN  # a right PIN after each wrong one
                    at, start = press(term, pin[0].encode())
                    echo.append(arrival(term, DOT, start) - at)
                    term.type(pin[1:].encode())
                    time.sleep(0.05)  # the digits in the box before Enter, as a person types
                    entered, start = press(term, ENTER)
                    arrival(term, b"Checking...", start)
                    at, busy_start = press(term, b"5")
                    answered.append(arrival(term, b"One moment, please.", busy_start) - at)
                    marker = b"Wrong PIN." if pin == WRONG else b"Today's visits"
                    took = arrival(term, marker, start) - entered
                    # the bare check right after, so both see the same load on the machine
                    t0 = time.perf_counter()
                    assert not verify_pin(hashed, WRONG)
                    bare.append(time.perf_counter() - t0)
                    (wrong if pin == WRONG else right).append(took / bare[-1])
                    at, start = press(term, ESCAPE)  # back to the front desk
                    arrival(term, b"Fast Track EMS", start)
                    time.sleep(0.1)  # let the front desk settle before the next round
            finally:
                term.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    check = statistics.median(bare)
    wrong_ratio = statistics.median(wrong)
    right_ratio = statistics.median(right)
    idle_key = statistics.median(echo)
    busy_key, worst_key = statistics.median(answered), max(answered)
    print(
        f"\nstaff PIN check (scrypt n={SLOW_N}, a Pi's time): bare check {check * 1000:.0f} ms;"
        f" Enter to 'Wrong PIN' {wrong_ratio:.2f}x it, Enter to staff mode {right_ratio:.2f}x it"
        f" (medians of {len(wrong)} and {len(right)}, each against the bare check just after;"
        f" goal <= 1.5x)\n"
        f"a key during the check answered in {busy_key * 1000:.0f} ms (median), worst"
        f" {worst_key * 1000:.0f} ms of {len(answered)} (goal: all <= 100 ms); an idle key echoed"
        f" in {idle_key * 1000:.0f} ms: ratio {busy_key / idle_key:.2f}x"
    )
    assert wrong_ratio <= 1.5
    assert right_ratio <= 1.5
    assert worst_key <= 0.100
    assert busy_key <= 0.050
