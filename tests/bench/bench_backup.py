"""Backup and start-up recovery benchmarks (issue 6), each against a baseline in the same run.

A studio of 5,000 members and 100,000 visits (100 month files of 1,000), with 500 screenings.
- `make_backup` (copy, fsync, re-read and parse every record, manifest, rename) against a bare
  `shutil.copytree` of the same files with no fsync and no checks. It runs in staff mode's
  "Back up now", so its time is how long that button holds the screen. Goal: under 5 s.
- Start-up with a truncated members file (move aside, restore from the newest backup, open)
  against opening the same store undamaged. Goal: recovery under 3x a normal open.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from kiosk.core.members import Screening
from kiosk.store import Store
from kiosk.store.backup import list_backups, make_backup
from kiosk.store.recovery import open_store

from .bench_checkin import NOW, make_studio

ROUNDS = 3


def studio() -> Path:
    directory = make_studio(100, seed=7)
    with Store.open(directory) as store:
        for i in range(0, 5000, 10):
            store.save_screening(
                Screening(f"FT-B{i:05d}", date(2026, 1, 1), NOW, {"pacemaker": False})
            )
    return directory


def test_backup_and_recovery_times() -> None:
    directory = studio()
    size = sum(p.stat().st_size for p in directory.rglob("*.json"))
    ours: list[float] = []
    bare: list[float] = []
    for n in range(ROUNDS):
        t0 = time.perf_counter()
        make_backup(directory, NOW + timedelta(minutes=n), keep=2)
        t1 = time.perf_counter()
        target = Path(tempfile.mkdtemp(prefix="bench-copy-")) / "copy"
        shutil.copytree(directory, target, ignore=shutil.ignore_patterns("backups", ".*"))
        t2 = time.perf_counter()
        shutil.rmtree(target.parent)
        ours.append(t1 - t0)
        bare.append(t2 - t1)
    assert len(list_backups(directory)) == 2
    backup_s, copy_s = statistics.median(ours), statistics.median(bare)

    opens: list[float] = []
    recoveries: list[float] = []
    members = directory / "members.json"
    good = members.read_bytes()
    for n in range(ROUNDS):
        t0 = time.perf_counter()
        Store.open(directory).close()
        t1 = time.perf_counter()
        members.write_bytes(good[: len(good) // 2])
        t2 = time.perf_counter()
        store, warnings = open_store(directory, NOW + timedelta(hours=n + 1))
        t3 = time.perf_counter()
        with store:
            assert store.member_count() == 5000 and len(warnings) == 1
        opens.append(t1 - t0)
        recoveries.append(t3 - t2)
    open_s, recover_s = statistics.median(opens), statistics.median(recoveries)
    print(
        f"\nbackup of {size / 1e6:.1f} MB (5,000 members, 100,000 visits, 500 screenings): "
        f"{backup_s * 1000:.0f} ms verified and fsync'd, {copy_s * 1000:.0f} ms for a bare copy: "
        f"ratio {backup_s / copy_s:.1f} (goal: under 5 s)\n"
        f"start-up with a truncated members file: {recover_s * 1000:.0f} ms, a normal open "
        f"{open_s * 1000:.0f} ms: ratio {recover_s / open_s:.1f} (goal <= 3)"
    )
    shutil.rmtree(directory)
    assert backup_s < 5.0
    assert recover_s <= 3 * open_s
