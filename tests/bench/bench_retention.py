"""What the privacy notice's retention costs at each kiosk start (issue 14), against opening the
store in the same run.

bench_checkin's big studio (5,000 members, 100,000 visits over 100 months), with no packs and no
joining dates, so whether a member is due rests on their visits alone (the slow case). At each
start the kiosk's store worker opens the store, then looks for members past
`member_retention_months` (kiosk/store/retention.py maintain): with nobody due, as on almost
every start, that look must cost less than the open itself, so a check-in waits little longer
for the store. Goal: maintain / open <= 1.0.
"""

from __future__ import annotations

import random
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from kiosk.core.studio import StaffPolicy
from kiosk.store import Store
from kiosk.store.retention import maintain

from .bench_checkin import members, write_history
from .bench_store import ROUNDS, median_ratio, settle


def studio(now: datetime) -> Path:
    """bench_checkin's big studio, but nobody has a pack or a joining date: whether each
    member is due rests on their visits alone (the slow case)."""
    rng = random.Random(14)
    directory = Path(tempfile.mkdtemp(prefix="bench-retention-"))
    with Store.open(directory) as store:
        store.add_members([replace(m, packs=()) for m in members(rng)])
    write_history(directory, 100, rng, now)
    return directory


def test_retention_at_start_costs_less_than_opening_the_store() -> None:
    now = datetime.now().astimezone()
    big = studio(now)
    try:
        settle(big)
        with Store.open(big) as store:
            backlog = maintain(store, now, StaffPolicy()).anonymised  # the first start only
            assert backlog and maintain(store, now, StaffPolicy()).anonymised == 0
        opens: list[float] = []
        looks: list[float] = []
        for _ in range(ROUNDS * 3):
            started = time.perf_counter()
            store = Store.open(big)
            opens.append(time.perf_counter() - started)
            started = time.perf_counter()
            maintain(store, now, StaffPolicy())
            looks.append(time.perf_counter() - started)
            store.close()
        ratio = median_ratio(looks, opens)
        print(
            f"\nretention at start (5,000 members, 100k visits; {backlog} anonymised at the "
            "first start, nobody due after): "
            f"{statistics.median(looks) * 1000:.0f} ms against "
            f"{statistics.median(opens) * 1000:.0f} ms to open the store (medians of "
            f"{ROUNDS * 3}): ratio {ratio:.2f} (goal <= 1.0)"
        )
        assert ratio <= 1.0
    finally:
        shutil.rmtree(big, ignore_errors=True)
