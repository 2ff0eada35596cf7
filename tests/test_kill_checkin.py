"""Kill a checking-in kiosk with SIGKILL at random moments: no acknowledged visit is lost, every
file stays readable JSON, and no pack is charged twice or left uncharged.

The child opens the store (settling any check-in a previous kill interrupted), then checks
members in as fast as it can, printing each visit id only after `record_check_in` returned:
that is the moment the screen would say "Checked in". The parent kills it at a random point,
sometimes before it is even ready, and does that again on the same data directory.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.members import Member, Pack, PackKind
from kiosk.store import Store

from .children import kill_after_lines

ROOT = Path(__file__).resolve().parent.parent
KILLS = 24
MEMBERS = 60
SESSIONS = 1000

CHILD = """
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.checkin import decide_check_in
from kiosk.core.members import PackKind
from kiosk.core.screening import Readiness
from kiosk.store import Store

directory, run = Path(sys.argv[1]), int(sys.argv[2])
day = datetime(2026, 9, 1, 7, 0, tzinfo=ZoneInfo("Europe/London")) + timedelta(days=3 * run)
print("opening", flush=True)
store = Store.open(directory)
print("ready", flush=True)
for n, member in enumerate(store.members()):
    now = day + timedelta(minutes=n)
    last = store.last_visit(member.code, PackKind.EMS)
    result = decide_check_in(member, PackKind.EMS, now, last=last, readiness=Readiness())
    store.record_check_in(result)
    if result.visit is not None:
        print(result.visit.id, flush=True)
print("done", flush=True)
"""


def seed(directory: Path) -> None:
    with Store.open(directory) as store:
        store.add_members(
            Member(
                f"FT-K{i:04d}",
                "Kim",
                f"Test{i}",
                f"+4477009{i:05d}",
                packs=(Pack(f"pack-{i}", PackKind.EMS, SESSIONS, SESSIONS, date(2030, 1, 1)),),
            )
            for i in range(MEMBERS)
        )


def run_and_kill(directory: Path, run: int, rng: random.Random) -> list[str]:
    """One child, killed at a random point of its work; the visit ids it acknowledged."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(directory), str(run)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    # now and then kill during start-up and the settling of an interrupted check-in (right
    # after "opening"), otherwise after "ready" and a few check-ins: in the middle of the next
    out, err = kill_after_lines(child, 1 if rng.random() < 0.2 else 2 + rng.randrange(20))
    assert b"Traceback" not in err, err.decode(errors="replace")
    # a line cut off by the kill was never acknowledged: only whole lines count
    lines = out.decode().split("\n")[:-1]
    return [line for line in lines if line not in ("opening", "ready", "done")]


def test_sigkill_at_random_points_loses_no_acknowledged_visit(data_dir: Path) -> None:
    rng = random.Random(os.environ.get("KILL_SEED", "4"))
    seed(data_dir)
    acknowledged: list[str] = []
    for run in range(KILLS):
        acknowledged += run_and_kill(data_dir, run, rng)
    assert acknowledged, "no check-in was acknowledged: the kills came too early to test"

    for path in data_dir.rglob("*.json"):
        json.loads(path.read_bytes())  # every file whole

    with Store.open(data_dir) as store:
        assert not list(data_dir.rglob("*.tmp"))  # a killed writer's temp file is cleared
        visits = store.all_visits()
        ids = {v.id for v in visits}
        missing = [v for v in acknowledged if v not in ids]
        assert missing == []
        assert len(ids) == len(visits)  # no visit written twice
        for member in store.members():
            charged = sum(1 for v in visits if v.member_code == member.code and v.pack_id)
            # exactly one session per recorded visit: none lost, none taken twice
            assert member.packs[0].sessions_left == SESSIONS - charged, member.code
            days = [v.at.date() for v in visits if v.member_code == member.code]
            assert len(days) == len(set(days))  # never two visits on one day


def test_the_kill_child_really_checks_in(data_dir: Path) -> None:
    """The child, left to finish, checks everyone in: the kill test is testing real work."""
    seed(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), "0"],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
        check=True,
    )
    lines = done.stdout.decode().split()
    assert lines[:2] == ["opening", "ready"] and lines[-1] == "done" and len(lines) == MEMBERS + 3
    with Store.open(data_dir) as store:
        assert store.visit_count() == MEMBERS
        start = datetime(2026, 9, 1, 7, 0, tzinfo=ZoneInfo("Europe/London"))
        assert store.visits_on(start.date())[0].at == start
        assert all(m.packs[0].sessions_left == SESSIONS - 1 for m in store.members())
        assert store.visits_on(start.date() + timedelta(days=1)) == []
