"""Kill a bookings sync with SIGKILL at random moments: the bookings in force are always one
whole sync (the old or the new, never half), an acknowledged sync is never lost, and the
kiosk's own bookings are never touched. Like tests/test_kill_checkin.py, with a control case
that lets the child finish, to prove the kill test tests real work."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.core.bookings import LONDON, new_booking
from kiosk.core.members import Member, PackKind
from kiosk.store import Store
from kiosk.store.bookings import Bookings

from .children import kill_after_lines

ROOT = Path(__file__).resolve().parent.parent
CALENDARS = ROOT / "tests" / "data" / "calendars"
KILLS = 16
SYNCS = 12

CHILD = """
import sys
from datetime import datetime
from pathlib import Path

from kiosk.core.bookings import LONDON
from kiosk.core.studio import BookingPolicy
from kiosk.store.bookings import sync_calendar

directory, calendars = Path(sys.argv[1]), Path(sys.argv[2])
runs = [
    ("google", (calendars / "google.ics").read_bytes().decode(), datetime(2026, 10, 13, 8, 0)),
    ("outlook", (calendars / "outlook.ics").read_bytes().decode(), datetime(2026, 3, 20, 8, 0)),
]
print("ready", flush=True)
for n in range(int(sys.argv[3])):
    name, text, now = runs[n % 2]
    sync_calendar(directory, text, name, now.replace(tzinfo=LONDON), BookingPolicy())
    print(name, flush=True)
print("done", flush=True)
"""


def seed(directory: Path) -> bytes:
    with Store.open(directory) as store:
        store.add_members(
            [Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121", "sarah.kent@example.com")]
        )
    start = datetime(2026, 10, 13, 9, 0, tzinfo=LONDON)
    own = new_booking(start, start + timedelta(minutes=30), "FT-7K3Q9M", PackKind.EMS)
    Bookings(directory).add(own)
    return (directory / "bookings" / "kiosk.json").read_bytes()


def run_and_kill(directory: Path, rng: random.Random) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(directory), str(CALENDARS), "1000"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    # after "ready" and a few syncs: in the middle of the next one
    out, err = kill_after_lines(child, 1 + rng.randrange(12))
    assert b"Traceback" not in err, err.decode(errors="replace")
    lines = out.decode().split("\n")[:-1]  # a line cut off by the kill was never acknowledged
    return [line for line in lines if line in ("google", "outlook")]


def in_force(directory: Path) -> str | None:
    """Which calendar's bookings are in force, checking the file holds all of them."""
    path = directory / "bookings" / "calendar.json"
    if not path.exists():
        return None
    data = json.loads(path.read_bytes())
    count = len(data["bookings"])
    expected = {"google": 13, "outlook": 5}[data["source"]]
    assert count == expected, (data["source"], count)
    assert len(Bookings(directory).calendar()) == expected
    return str(data["source"])


def test_sigkill_during_syncs_loses_nothing(data_dir: Path) -> None:
    rng = random.Random(os.environ.get("KILL_SEED", "13"))
    own = seed(data_dir)
    acknowledged: list[str] = []
    for _ in range(KILLS):
        acknowledged += run_and_kill(data_dir, rng)
        source = in_force(data_dir)  # whole: every booking of one sync
        if acknowledged:
            # the last acknowledged sync, or the next one when the kill came after its rename
            assert source in ("google", "outlook")
        assert (data_dir / "bookings" / "kiosk.json").read_bytes() == own
    assert acknowledged, "no sync was acknowledged: the kills came too early to test"
    # the next sync clears what a killed one left behind
    with Bookings(data_dir).sync_lock():
        pass
    assert not list((data_dir / "bookings").glob(".*.tmp"))


def test_the_kill_child_really_syncs(data_dir: Path) -> None:
    own = seed(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), str(CALENDARS), str(SYNCS)],
        capture_output=True,
        timeout=300,
        cwd=ROOT,
        check=True,
    )
    lines = done.stdout.decode().split()
    assert lines[0] == "ready" and lines[-1] == "done" and len(lines) == SYNCS + 2
    assert in_force(data_dir) == "outlook"
    assert (data_dir / "bookings" / "kiosk.json").read_bytes() == own
