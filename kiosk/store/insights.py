"""The records the owner's figures (kiosk/core/insights.py) are computed from, read month by
month so that a damaged month file is named and the rest still counted.

API:
    records_from_store(store, first_day, today, progress=None) -> Records   # the open kiosk;
        # past months parsed once, kept while their files are unchanged
    records_from_files(directory, first_day, today, progress=None) -> Records
        # `kiosk report`: reads the files without the data directory's lock (beside a
        # running kiosk; every kiosk write is an atomic rename), and even when a file is
        # damaged, which Store.open refuses
`progress(done, total)` is called after each month read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from kiosk.core.checkin import with_pack
from kiosk.core.members import Member, Visit
from kiosk.store.documents import BadDocument, member_of, visit_of
from kiosk.store.storage import DamagedFile, read_json_file
from kiosk.store.store import MEMBERS_FILE, VISITS_DIR, Store, month_of
from kiosk.store.summary import stat_print, trusted_print

Progress = Callable[[int, int], object]


@dataclass
class Records:
    members: list[Member] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)  # from first_day to today
    # each member's latest visit before first_day; None when not looked up (the kiosk)
    last_seen: dict[str, datetime] | None = None
    damaged: list[str] = field(default_factory=list)  # "visits/2026-09.json: not valid JSON"


def _months(first_day: date, today: date) -> list[str]:
    out, day = [], first_day.replace(day=1)
    while day <= today:
        out.append(month_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return out


def _damage(directory: Path, error: DamagedFile) -> str:
    try:
        name = str(error.path.relative_to(directory))
    except ValueError:
        name = str(error.path)
    return f"{name}: {error.reason}"


def records_from_store(
    store: Store, first_day: date, today: date, progress: Progress | None = None
) -> Records:
    """From the open store: its members as they are now (check-ins counted) and the visits
    from `first_day`. No earlier visits (`last_seen` stays empty): looking each lapsed member
    up in the visits summary would cost more than everything else here."""
    found = Records(members=store.members())
    kept = set(store.months())
    months = [m for m in _months(first_day, today) if m in kept]
    for n, month in enumerate(months, 1):
        try:
            visits, read = _month_visits(store, month)
        except DamagedFile as e:
            found.damaged.append(_damage(store.directory, e))
            visits, read = [], True
        if month == months[0] or month == months[-1]:
            visits = [v for v in visits if first_day <= v.at.date() <= today]
        found.visits.extend(visits)
        if progress is not None and read:  # a month from memory is not worth a redraw
            progress(n, len(months))
    return found


# Past months' visits as read before, by store and month, with the file's fingerprint: every
# write replaces a month file (a new inode, new times), so a file that still has the print
# is the file read. A print taken just after a change is not kept (summary.trusted_print).
_read: WeakKeyDictionary[Store, dict[str, tuple[tuple[int, ...], list[Visit]]]] = (
    WeakKeyDictionary()
)


def _month_visits(store: Store, month: str) -> tuple[list[Visit], bool]:
    """The month's visits, and whether its file had to be read for them."""
    try:
        before = (store.visits_dir / f"{month}.json").stat()
    except FileNotFoundError:
        return [], False
    known = _read.setdefault(store, {})
    had = known.get(month)
    if had is not None and had[0] == stat_print(before):
        return had[1], False
    visits = store.month_visits(month)
    fingerprint = trusted_print(before)
    if fingerprint is not None:
        known[month] = (fingerprint, visits)
    return visits, True


def records_from_files(
    directory: Path, first_day: date, today: date, progress: Progress | None = None
) -> Records:
    """From the files: every month is read (a member's latest visit may be years back); a
    damaged one is named in `damaged` and left out."""
    directory = Path(directory)
    last_seen: dict[str, datetime] = {}
    found = Records(last_seen=last_seen)
    charged: dict[str, int] = {}
    try:
        table = _table(read_json_file(directory / MEMBERS_FILE))
        for doc in table.values():
            member, counted = member_of(doc)
            found.members.append(member)
            charged.update(counted)
    except DamagedFile as e:
        found.damaged.append(_damage(directory, e))
    except (BadDocument, TypeError, ValueError, AttributeError) as e:
        found.damaged.append(f"{MEMBERS_FILE}: {e}")
    visits_dir = directory / VISITS_DIR
    months = sorted(p.stem for p in visits_dir.glob("[0-9][0-9][0-9][0-9]-[0-9][0-9].json"))
    charges: dict[str, set[int]] = defaultdict(set)
    for n, month in enumerate(months, 1):
        path = visits_dir / f"{month}.json"
        try:
            docs = list(_table(read_json_file(path)).items())
            visits = []
            for key, doc in docs:
                try:
                    visits.append(visit_of(doc))
                except (BadDocument, TypeError, ValueError, AttributeError) as e:
                    raise DamagedFile(path, f"record {key}: {e}") from e
        except DamagedFile as e:
            found.damaged.append(_damage(directory, e))
            visits, docs = [], []
        for (_, doc), v in zip(docs, visits, strict=True):
            day = v.at.date()
            if first_day <= day <= today:
                found.visits.append(v)
            elif day < first_day and v.member_code:
                had = last_seen.get(v.member_code)
                if had is None or v.at > had:
                    last_seen[v.member_code] = v.at
            if v.pack_id and isinstance(doc.get("charge"), int):
                charges[v.pack_id].add(doc["charge"])
        if progress is not None:
            progress(n, len(months))
    found.members = [_settled(m, charged, charges) for m in found.members]
    found.visits.sort(key=lambda v: (v.at, v.id))
    return found


def _table(data: dict[str, Any] | None) -> dict[str, Any]:
    table = (data or {}).get("_default", {})
    return table if isinstance(table, dict) else {}


def _settled(member: Member, charged: dict[str, int], charges: dict[str, set[int]]) -> Member:
    """The member with the sessions of check-ins the members file does not count yet (the
    running kiosk writes them there later; Store.open counts them the same way)."""
    for pack in member.packs:
        taken = len({n for n in charges.get(pack.id, ()) if n > charged.get(pack.id, 0)})
        if taken:
            member = with_pack(member, replace(pack, sessions_left=pack.sessions_left - taken))
    return member
