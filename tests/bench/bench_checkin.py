"""Check-in benchmarks (issue 4), each against a baseline measured in the same run.

- Check-in with history: decide + record_check_in (visit and pack on disk, fsync'd) for members
  of a studio with 100,000 visits of history, against the same studio with 1,000. Both have
  5,000 members and the same month of visits so far (about 1,000 a month, a busy studio):
  history grows by months, and a check-in rewrites only this month's file. Goal: ratio <= 1.3.
  Both studios are open side by side and their check-ins alternate, so the disk's slow moments
  (fsync on a shared machine) land on both. Also printed: how long opening each store takes,
  which is start-up time, not check-in time: the first open reads every month file to build
  visits-summary.json (kiosk/store/summary.py); later opens read only the current month.
- Keystroke look-up at 5,000 members: MemberIndex.search for each prefix of typed names,
  phone endings and codes. Goal: <= 12 ms per keystroke (median and 95th percentile printed),
  with the ratio against a bare substring scan over the same folded names as the baseline.
  (The staff's find-a-member search; the front desk lists nothing while a client types.)
- Desk look-up at 5,000 members: a name then its 3 digits, and 5 phone digits, per Enter
  (kiosk/core/desk_guard.py), against the staff's search of the same name. Goal: <= 12 ms.
"""

from __future__ import annotations

import json
import random
import shutil
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.core.checkin import decide_check_in, new_visit_id
from kiosk.core.lookup import MemberIndex, fold
from kiosk.core.members import Member, Pack, PackKind, Visit
from kiosk.core.screening import Readiness
from kiosk.store import Store
from kiosk.store.documents import visit_doc
from kiosk.store.store import month_of

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
MEMBERS = 5000
PER_MONTH = 1000
CHECK_INS = 40
ROUNDS = 3

FIRST = "Sarah Zoë James Olivia Amelia Jack Harry Isla Ava Noah Leo Mia Grace Ella Freya".split()  # noqa: SIM905
LAST = "Smith Jones Taylor Brown Williams Wilson Johnson Davies Kent Adams O'Neil Müller".split()  # noqa: SIM905
SYLLABLES = "ab al an ar bel ber bo ca cor da del en er fa fer ga gor ha hol in is ja ka ker la lin ma mor na nel o pa per ra ri ro sa sel ta ter u va wen wi ya zo".split()  # noqa: SIM905,E501


def made_up(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def person(rng: random.Random) -> tuple[str, str]:
    """A studio's names: common ones often, and a long tail of rarer ones."""
    first = rng.choice(FIRST) if rng.random() < 0.6 else made_up(rng, 2)
    last = rng.choice(LAST) if rng.random() < 0.3 else made_up(rng, rng.randint(2, 3))
    return first, last


def members(rng: random.Random) -> list[Member]:
    far = date(2028, 1, 1)
    out = []
    for i in range(MEMBERS):
        first, last = person(rng)
        pack = Pack(f"pack-{i}", PackKind.EMS, 20, 20, far)
        out.append(Member(f"FT-B{i:05d}", first, last, f"+4477009{i:05d}", packs=(pack,)))
    return out


def write_history(directory: Path, months: int, rng: random.Random, now: datetime = NOW) -> None:
    """`months` months of visits, PER_MONTH each, ending with this month up to yesterday."""
    visits_dir = directory / "visits"
    visits_dir.mkdir(parents=True, exist_ok=True)
    first = now.date().replace(day=1)
    for back in range(months):
        year, month = first.year, first.month - back
        while month < 1:
            year, month = year - 1, month + 12
        docs = {}
        for n in range(PER_MONTH):
            last_day = max(1, now.day - 1) if back == 0 else 28
            at = datetime(year, month, rng.randint(1, last_day), 9, 0, tzinfo=LONDON)
            at += timedelta(minutes=rng.randint(0, 600))
            code = f"FT-B{rng.randrange(MEMBERS):05d}"
            docs[str(n + 1)] = visit_doc(Visit(new_visit_id(at), code, at, PackKind.EMS))
        path = visits_dir / f"{month_of(date(year, month, 1))}.json"
        path.write_text(json.dumps({"_default": docs}))


def make_studio(months: int, seed: int, now: datetime = NOW) -> Path:
    rng = random.Random(seed)
    directory = Path(tempfile.mkdtemp(prefix=f"bench-checkin-{months}-"))
    with Store.open(directory) as store:
        store.add_members(members(rng))
    write_history(directory, months, rng, now)
    return directory


def check_in(store: Store, code: str) -> float:
    """Seconds for one check-in of this member at NOW: look up, decide, record (fsync'd)."""
    t0 = time.perf_counter()
    member = store.member(code)
    assert member is not None
    last = store.last_visit(code, PackKind.EMS)
    result = decide_check_in(member, PackKind.EMS, NOW, last=last, readiness=Readiness())
    store.record_check_in(result)
    took = time.perf_counter() - t0
    assert result.recorded
    return took


def test_check_in_does_not_slow_down_as_history_grows() -> None:
    small = make_studio(1, seed=1)
    big = make_studio(100, seed=2)
    try:
        compare_check_ins(small, big)
    finally:
        shutil.rmtree(small)
        shutil.rmtree(big)


def compare_check_ins(small: Path, big: Path) -> None:
    started = time.perf_counter()
    with Store.open(big) as store:  # reads every month, writes the summary
        assert store.visit_count() == 100 * PER_MONTH
    first_open = time.perf_counter() - started
    rng = random.Random(5)
    small_times: list[float] = []
    big_times: list[float] = []
    opens: dict[str, list[float]] = {"1k": [], "100k": []}
    for _ in range(ROUNDS):
        # different members each round (each checks in once a day); both studios open side by
        # side and their check-ins alternate, so a slow moment of the disk lands on both
        codes = [f"FT-B{i:05d}" for i in rng.sample(range(MEMBERS), CHECK_INS * 2)]
        stores = []
        for name, directory in (("1k", small), ("100k", big)):
            t0 = time.perf_counter()
            stores.append(Store.open(directory))
            opens[name].append(time.perf_counter() - t0)
        try:
            for a, b in zip(codes[:CHECK_INS], codes[CHECK_INS:], strict=True):
                small_times.append(check_in(stores[0], a))
                big_times.append(check_in(stores[1], b))
        finally:
            for store in stores:
                store.close()
    small_ms = statistics.median(small_times) * 1000
    big_ms = statistics.median(big_times) * 1000
    ratio = big_ms / small_ms
    print(
        f"\ncheck-in (visit + pack, fsync'd), 5,000 members: {small_ms:.1f} ms with 1k visits, "
        f"{big_ms:.1f} ms with 100k visits: ratio {ratio:.2f} (goal <= 1.3)\n"
        f"opening the store: the first with 100k visits (reads every month, writes the "
        f"summary) {first_open * 1000:.0f} ms; later opens (summary + this month) "
        f"{statistics.median(opens['1k']) * 1000:.0f} ms with 1k visits and "
        f"{statistics.median(opens['100k']) * 1000:.0f} ms with 100k"
    )
    assert ratio <= 1.3


def keystrokes(ms: list[Member]) -> list[str]:
    """What clients type, one keystroke at a time: names (with typos), phone endings, codes."""
    typed = ["sara kent", "zoe adams", "jmaes taylor", "o'neil", "ella davies", "Müller"]
    typed += [f"{m.first_name} {m.last_name}" for m in ms[100:105]]
    typed += [m.phone[-4:] for m in ms[:20:4]] + ["07700 900123"] + [ms[7].code]
    return [text[:n] for text in typed for n in range(1, len(text) + 1)]


def test_keystroke_look_up_at_5000_members() -> None:
    ms = members(random.Random(3))
    started = time.perf_counter()
    index = MemberIndex(ms)
    build_ms = (time.perf_counter() - started) * 1000
    names = [fold(f"{m.first_name} {m.last_name}") for m in ms]
    words = len({w for n in names for w in n.split()})
    queries = keystrokes(ms)
    ours: dict[int, list[float]] = {}
    bare: dict[int, list[float]] = {}
    for _ in range(ROUNDS):
        for n, q in enumerate(queries):
            t0 = time.perf_counter()
            index.search(q)
            t1 = time.perf_counter()
            folded = fold(q)
            _ = [name for name in names if folded in name][:5]  # baseline: a substring scan
            t2 = time.perf_counter()
            ours.setdefault(n, []).append(t1 - t0)
            bare.setdefault(n, []).append(t2 - t1)
    # best of the rounds for each keystroke: a shared machine's pauses are not the search's
    best = [min(ts) for ts in ours.values()]
    best_bare = [min(ts) for ts in bare.values()]
    median_ms = statistics.median(best) * 1000
    p95_ms = statistics.quantiles(best, n=20)[-1] * 1000
    worst_ms = max(best) * 1000
    raw_worst_ms = max(max(ts) for ts in ours.values()) * 1000
    ratio = statistics.median(best) / statistics.median(best_bare)
    print(
        f"\nlook-up at {MEMBERS:,} members, {len(queries)} keystrokes: median {median_ms:.2f} ms, "
        f"95th percentile {p95_ms:.2f} ms, worst {worst_ms:.2f} ms (best of {ROUNDS}; worst "
        f"single try {raw_worst_ms:.1f} ms) per keystroke (goal <= 12 ms); {ratio:.1f}x a bare "
        f"substring scan ({statistics.median(best_bare) * 1000:.2f} ms); index of {words:,} "
        f"different name words built in {build_ms:.0f} ms"
    )
    assert p95_ms <= 12.0


def test_desk_look_up_at_5000_members() -> None:
    """The front desk's look-up (a name and 3 digits, or 5 digits) per Enter, against the
    staff's tolerant search of the same name as the baseline. Goal: <= 12 ms, as a keystroke."""
    from kiosk.core.desk_guard import DeskGuard, DeskLookUp

    ms = members(random.Random(3))
    index = MemberIndex(ms)
    desk = DeskLookUp(index, DeskGuard())
    tries = [(f"{m.first_name} {m.last_name[0]}", m.phone[-3:], m.phone[-5:]) for m in ms[::97]]
    ours: list[float] = []
    bare: list[float] = []
    for _ in range(ROUNDS):
        for name, digits, phone in tries:
            t0 = time.perf_counter()
            desk.query(name, 0.0)
            desk.answer(name, digits, 0.0)
            desk.query(phone, 0.0)
            t1 = time.perf_counter()
            index.search(name)
            t2 = time.perf_counter()
            ours.append(t1 - t0)
            bare.append(t2 - t1)
    median_ms = statistics.median(ours) * 1000
    p95_ms = statistics.quantiles(ours, n=20)[-1] * 1000
    ratio = statistics.median(ours) / statistics.median(bare)
    print(
        f"\ndesk look-up at {MEMBERS:,} members ({len(tries)} members, name + digits + phone): "
        f"median {median_ms:.2f} ms, 95th percentile {p95_ms:.2f} ms (goal <= 12 ms); "
        f"{ratio:.2f}x the staff's search of the same name"
    )
    assert p95_ms <= 12.0
