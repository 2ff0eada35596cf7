"""Members import benchmark (issue 10): the time must grow linearly with the file.

The whole `kiosk members import FILE.csv` process (start-up, reading and checking every row,
new member codes for members without one, one write) into an empty data directory, for made-up
files of 5,000 and 20,000 members without codes (tests/data/make_members.py). The baseline is
the 5,000-row import in the same run: four times the rows may take at most 4.5x the time
(quadratic work took 9x). Runs interleaved, median of ROUNDS each.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..terminal import ROOT, kiosk_argv

SMALL, BIG = 5000, 20000
ROUNDS = 3


def make_csv(directory: Path, count: int) -> Path:
    path = directory / f"members-{count}.csv"
    with path.open("w") as out:
        subprocess.run(
            [sys.executable, str(ROOT / "tests" / "data" / "make_members.py"), str(count)],
            stdout=out,
            check=True,
        )
    return path


def import_seconds(csv_file: Path, data: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        kiosk_argv("--data", str(data), "members", "import", str(csv_file)),
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert "imported" in done.stdout, done.stdout
    return elapsed


def test_members_import_grows_linearly() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        files = {n: make_csv(tmp, n) for n in (SMALL, BIG)}
        times: dict[int, list[float]] = {SMALL: [], BIG: []}
        for round_ in range(ROUNDS):
            for n, csv_file in files.items():
                data = tmp / f"data-{n}-{round_}"
                times[n].append(import_seconds(csv_file, data))
                shutil.rmtree(data)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    small, big = statistics.median(times[SMALL]), statistics.median(times[BIG])
    ratio = big / small
    print(
        f"\nkiosk members import (no codes, new ones made): {SMALL:,} rows {small:.2f} s,"
        f" {BIG:,} rows {big:.2f} s (medians of {ROUNDS}) -> ratio {ratio:.2f}x for"
        f" {BIG // SMALL}x the rows (goal <= 4.5x)"
    )
    assert ratio <= 4.5
