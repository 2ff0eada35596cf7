"""Kill `kiosk visits import` with SIGKILL: afterwards the store holds the whole import or none
of it, never some months of it, and the next opening leaves no staging folder behind.

The child is the real command. It dies at chosen points, at each kind of step of the import's
write (the n-th fsync, rename, removal ... counted from the start of the process: every step
of the switch, in a spread), and at random steps. A control case lets it finish, to prove
the test tests real work. Like tests/test_kill_checkin.py and tests/test_bookings_kill.py.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.csvio import visits_csv
from kiosk.core.members import Member, PackKind, Visit
from kiosk.store import Store
from kiosk.store.switch import STAGING

ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
MEMBERS = 20
MONTHS = 6
ROWS = 1200  # over MONTHS months: one file each
KILL_POINTS = 24  # at most this many of the counted steps, spread over all of them
RANDOM_KILLS = 4

# Each file-system step the store takes is counted; at the chosen one the process kills itself
# (SIGKILL: no clean-up, no flush, as on a power cut). 0: never, and print the count at the end.
CHILD = """
import os, signal, sys

die_at, steps = int(sys.argv[3]), 0


def counted(real):
    def step(*args, **kwargs):
        global steps
        steps += 1
        if steps == die_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return step


for name in ("fsync", "replace", "rename", "unlink", "rmdir", "mkdir"):
    setattr(os, name, counted(getattr(os, name)))

from kiosk.cli import main

code = main(["--data", sys.argv[1], "visits", "import", sys.argv[2]])
print("steps", steps, flush=True)
sys.exit(code)
"""


def seed(directory: Path) -> tuple[set[tuple[str, datetime]], Path]:
    """Members, one visit already in a month the import also writes, and the CSV to import."""
    members = [
        Member(f"FT-KILL{n:02d}", "Member", f"N{n}", f"+4477009{n:05d}") for n in range(MEMBERS)
    ]
    first = datetime(2025, 1, 1, 7, 0, tzinfo=LONDON)
    before = Visit("old-visit", members[0].code, first + timedelta(days=40), PackKind.EMS)
    with Store.open(directory) as store:
        store.add_members(members)
        store.add_visit(before)
    step = timedelta(days=MONTHS * 30) / ROWS
    visits = [
        Visit(f"v{n}", members[n % MEMBERS].code, first + n * step, PackKind.EMS)
        for n in range(ROWS)
    ]
    csv = directory.parent / "visits.csv"
    csv.write_text(visits_csv(visits))
    return {(before.member_code, before.at)}, csv


def held(directory: Path) -> set[tuple[str, datetime]]:
    """What the store holds after opening (which finishes or drops a cut-short import)."""
    with Store.open(directory) as store:
        found = {(v.member_code, v.at) for v in store.all_visits()}
        assert store.visit_count() == len(found)
    assert not (directory / STAGING).exists()
    return found


def run(directory: Path, csv: Path, die_at: int) -> str:
    env = {**os.environ, "TZ": "Europe/London"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(directory), str(csv), str(die_at)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    out, err = child.communicate(timeout=120)
    assert b"Traceback" not in err, err.decode(errors="replace")
    return out.decode()


def test_a_killed_visits_import_is_all_or_nothing(tmp_path: Path) -> None:
    seeded = tmp_path / "seeded"
    seeded.mkdir()
    old, csv = seed(seeded)
    # the control: left alone, the child imports everything and says how many steps it took
    control = tmp_path / "control"
    shutil.copytree(seeded, control)
    said = run(control, csv, 0)
    assert f"imported {ROWS} visit(s)" in said
    steps = int(re.findall(r"steps (\d+)", said)[0])
    whole = held(control)
    assert len(whole) == ROWS + 1 and old <= whole
    rng = random.Random(os.environ.get("KILL_SEED", "10"))
    points = sorted({1 + (steps - 1) * n // (KILL_POINTS - 1) for n in range(KILL_POINTS)})
    kills = points + [rng.randint(1, steps) for _ in range(RANDOM_KILLS)]
    outcomes = set()
    for n, die_at in enumerate(kills):
        directory = tmp_path / f"kill-{n}"
        shutil.copytree(seeded, directory)
        said = run(directory, csv, die_at)
        found = held(directory)
        # never a part of the import
        assert found in (old, whole), f"killed at step {die_at}: {len(found)} visits"
        if "imported" in said:  # acknowledged: it must all be there
            assert found == whole
        outcomes.add(found == whole)
        # what is left after a kill imports again, once: a second import adds nothing more
        run(directory, csv, 0)
        assert held(directory) == whole
    # the spread of kill points reaches both sides of the switch (each point is a fixed step)
    assert outcomes == {True, False}


def test_the_kill_child_counts_the_steps_it_takes(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    _, csv = seed(directory)
    said = run(directory, csv, 0)
    assert f"imported {ROWS} visit(s)" in said
    assert int(re.findall(r"steps (\d+)", said)[0]) >= 2 * MONTHS  # written, then moved in
