"""What years of visits cost at start-up (issue 16), each against a baseline in the same run.

Two studios with 5,000 members, 500 health screenings and the same month of visits so far (about
1,000, a busy studio), generated up to today as the kiosk's clock sees it; the big one also has
99 months before that: 100,000 visits in all. Each studio is opened once first, as a kiosk that
has run before has (the first open after years of history builds visits-summary.json).

- Store open: Store.open + close with 100k visits against the same with 1k. Goal: <= 1.2.
- One visit recorded by the CLI: `kiosk visits import` of a one-row CSV, the whole process
  (start, open, check, write, fsync, close), 100k against 1k. Goal: <= 1.2.
- Kiosk cold start to first paint (the studio's name on a real pseudo-terminal, kiosk/
  byte-compiled as installed): the 100k studio against an empty data directory. Goal: <= 1.2.
  Also printed: the kiosk's CPU time at first paint, which other work on a shared machine
  does not stretch.

Each round runs both sides back to back and the ratio is the median of the rounds' ratios, so
a busy moment on a shared machine (other sessions' tests) lands on both sides of a round.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from kiosk.core.members import Screening
from kiosk.store import Store
from kiosk.store.summary import SUMMARY_FILE

from ..terminal import ROOT, Terminal, kiosk_argv
from .bench_checkin import make_studio
from .bench_front_desk import first_paint

ROUNDS = 9
COLD_ROUNDS = 15  # the closest of the three to its goal: more rounds, a steadier median
COLS, ROWS = 120, 40


def studio(months: int, now: datetime) -> Path:
    directory = make_studio(months, seed=months, now=now)
    with Store.open(directory) as store:
        for i in range(0, 5000, 10):
            consent = now.replace(year=now.year - 1)
            store.save_screening(
                Screening(f"FT-B{i:05d}", consent.date(), consent, {"pacemaker": False})
            )
    return directory


def settle(directory: Path) -> None:
    """Open until an open changes nothing (the first builds the summary; one more may record
    fingerprints of files that were too new to trust a moment ago)."""
    summary = directory / SUMMARY_FILE

    def written() -> tuple[int, int] | None:
        return (summary.stat().st_ino, summary.stat().st_mtime_ns) if summary.exists() else None

    for _ in range(100):
        before = written()
        Store.open(directory).close()
        if written() == before:
            return
    raise AssertionError(f"{directory}: the summary is written again at every open")


@pytest.fixture(scope="module")
def studios() -> Iterator[tuple[Path, Path]]:
    now = datetime.now().astimezone()
    big = studio(100, now)
    small = studio(1, now)
    try:
        settle(big)
        settle(small)
        with Store.open(big) as store:
            assert store.visit_count() == 100_000
        yield small, big
    finally:
        shutil.rmtree(small, ignore_errors=True)
        shutil.rmtree(big, ignore_errors=True)


def test_store_open_does_not_grow_with_history(studios: tuple[Path, Path]) -> None:
    small, big = studios
    times: dict[Path, list[float]] = {small: [], big: []}
    for _ in range(ROUNDS * 3):  # an open is short: more rounds
        for directory in (small, big):
            started = time.perf_counter()
            Store.open(directory).close()
            times[directory].append(time.perf_counter() - started)
    ratio = median_ratio(times[big], times[small])
    print(
        f"\nstore open (5,000 members, 500 screenings): "
        f"{statistics.median(times[small]) * 1000:.0f} ms with 1k visits, "
        f"{statistics.median(times[big]) * 1000:.0f} ms with 100k visits (medians of "
        f"{ROUNDS * 3}): ratio {ratio:.2f} (goal <= 1.2)"
    )
    assert ratio <= 1.2


def test_one_visit_recorded_by_the_cli_does_not_grow_with_history(
    studios: tuple[Path, Path], tmp_path: Path
) -> None:
    compile_kiosk()
    small, big = studios
    today = date.today().isoformat()
    times: dict[Path, list[float]] = {small: [], big: []}
    for n in range(ROUNDS + 1):
        for directory in (small, big):
            row = tmp_path / f"visit-{n}.csv"  # a different time each run: never a duplicate
            row.write_text(f"member_code,date,time\nFT-B00007,{today},05:{n:02d}\n")
            argv = kiosk_argv("--data", str(directory), "visits", "import", str(row))
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
            took = time.perf_counter() - started
            assert done.returncode == 0 and "imported 1 visit" in done.stdout, done
            if n:  # the first pair only warms the disk cache
                times[directory].append(took)
    small_s, big_s = statistics.median(times[small]), statistics.median(times[big])
    ratio = median_ratio(times[big], times[small])
    print(
        f"\none visit recorded by `kiosk visits import` (whole process): "
        f"{small_s * 1000:.0f} ms with 1k visits of history, {big_s * 1000:.0f} ms with 100k "
        f"(medians of {ROUNDS}): ratio {ratio:.2f} (goal <= 1.2)"
    )
    assert ratio <= 1.2


def test_cold_start_to_first_paint_does_not_grow_with_history(
    studios: tuple[Path, Path], tmp_path: Path
) -> None:
    compile_kiosk()
    _, big = studios
    times: dict[str, list[float]] = {"empty": [], "100k": []}
    cpu: dict[str, list[float]] = {"empty": [], "100k": []}
    for n in range(COLD_ROUNDS + 1):
        empty = tmp_path / f"empty{n}"
        empty.mkdir()
        for name, directory in (("empty", empty), ("100k", big)):
            kiosk = Terminal(kiosk_argv("--data", str(directory), "run"), size=(COLS, ROWS))
            try:
                painted = kiosk.wait_for(first_paint()) - kiosk.started
                worked = kiosk.cpu_seconds()
            finally:
                kiosk.stop()
            if n:  # the first pair only warms the disk cache
                times[name].append(painted)
                cpu[name].append(worked)
    empty_s, big_s = statistics.median(times["empty"]), statistics.median(times["100k"])
    ratio = median_ratio(times["100k"], times["empty"])
    print(
        f"\nkiosk cold start to first paint: {empty_s * 1000:.0f} ms on an empty data "
        f"directory, {big_s * 1000:.0f} ms with 5,000 members and 100k visits (medians of "
        f"{COLD_ROUNDS}): ratio {ratio:.2f} (goal <= 1.2); CPU time by then "
        f"{statistics.median(cpu['empty']) * 1000:.0f} ms and "
        f"{statistics.median(cpu['100k']) * 1000:.0f} ms: ratio "
        f"{median_ratio(cpu['100k'], cpu['empty']):.2f}"
    )
    assert ratio <= 1.2


def median_ratio(measured: list[float], baseline: list[float]) -> float:
    """The median of each round's ratio (both sides of a round ran back to back)."""
    return statistics.median(m / b for m, b in zip(measured, baseline, strict=True))


def compile_kiosk() -> None:
    """As installed: `pip install .` byte-compiles (a read-only /opt on the Pi could not later)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "kiosk")], check=True)
