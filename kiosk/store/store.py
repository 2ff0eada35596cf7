"""The kiosk's data directory: members and their packs, visits, health screenings.

API (everything returns plain values from kiosk/core/members.py):
    Store.open(directory) -> Store       # takes the lock (DataDirLocked), reads every file
                                         # (DamagedFile(path, reason) if one is unreadable)
    store.close(); with Store.open(d) as store: ...; store.directory; store.open_seconds
  members (members.json):
    members() -> list[Member]; member(code) -> Member | None; member_count()
    member_index() -> MemberIndex   # for look-up (kiosk/core/lookup.py), cached until a change
    members_with_phone(e164) -> list[Member]; find_by_phone_digits(digits) -> list[Member]
    new_member_code() -> str; add_member(m) (DuplicateMember if the code is taken)
    add_members(ms) (all or nothing, one write); save_member(m) (insert or replace by code)
    delete_member(code) -> bool
  visits (visits/YYYY-MM.json, one small file per month):
    add_visit(v) (on disk, fsync'd, when it returns); add_visits(vs) (import, one write per month)
    record_check_in(result: CheckIn) -> Member | None   # visit + session taken: ONE write
    all_visits() -> list[Visit]   # every month (export)
    remove_visit(visit_id, give_back=False) -> Visit | None; visits_on(day)
    visits_between(first_day, last_day)
    visits_of(code); last_visit(code, kind=None) -> Visit | None; visit_count()
    anonymise_visits(code) -> int
  screenings (screenings.json, apart from members: special-category data):
    screening(code) -> Screening | None; save_screening(s); delete_screening(code) -> bool;
    screenings() -> list[Screening]

Every write goes through TinyDB on AtomicJSONStorage (temp file, fsync, rename, fsync dir), so
a file is always whole. A check-in rewrites one month's visits, not the whole history, nor the
members file: the visit records which of its pack's sessions it took (the pack's nth check-in)
and the members file catches up on close or open, counting each such visit exactly once.
An in-memory summary (each member's latest visit of each kind, and the months they visited
in), built when the store opens, answers "already checked in today?" and "days since the last
EMS session" without reading history; past months come from visits-summary.json, a cache
(kiosk/store/summary.py). `open_seconds` says how long opening took.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from tinydb import Query, TinyDB

from kiosk.core.checkin import CheckIn, with_pack
from kiosk.core.lookup import MemberIndex, code_key
from kiosk.core.members import Member, PackKind, Screening, Visit
from kiosk.core.phone import digits_of
from kiosk.core.registration import new_member_code
from kiosk.store.documents import (
    BadDocument,
    member_doc,
    member_of,
    screening_doc,
    screening_of,
    visit_doc,
    visit_of,
)
from kiosk.store.lock import DataDirLock
from kiosk.store.storage import DamagedFile, open_db, read_json_file
from kiosk.store.summary import (
    SUMMARY_FILE,
    Latest,
    Summary,
    fingerprint,
    read_summary,
    write_summary,
)

MEMBERS_FILE = "members.json"
SCREENINGS_FILE = "screenings.json"
VISITS_DIR = "visits"
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")
_VISIT_ID_MONTH = re.compile(r"^(\d{4})(\d{2})\d{2}T")
T = TypeVar("T")
OPEN_MONTHS = 3  # month files kept in memory: this month, last month, one more


class DuplicateMember(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"member code {code} is already taken")


def month_of(when: date) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def _later(a: Visit, b: Visit | None) -> bool:
    return b is None or (a.at, a.id) > (b.at, b.id)


class Store:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.open_seconds = 0.0
        self._lock = DataDirLock(self.directory)
        self._members: dict[str, Member] = {}
        self._member_ids: dict[str, int] = {}  # member code -> TinyDB document id
        self._codes: dict[str, str] = {}  # code_key -> code, for codes typed in any case
        # pack id -> how many recorded check-ins it has paid (its "charge" sequence number)
        self._charged: dict[str, int] = {}
        self._unsaved: set[str] = set()  # members whose packs in memory are ahead of the file
        self._screenings: dict[str, Screening] = {}
        self._index: MemberIndex | None = None
        self._screening_ids: dict[str, int] = {}
        self._last: dict[tuple[str, PackKind | None], Visit] = {}
        self._months_of: dict[str, set[str]] = defaultdict(set)
        self._visit_count = 0
        self._month_dbs: OrderedDict[str, TinyDB] = OrderedDict()
        self._members_db: TinyDB | None = None
        self._screenings_db: TinyDB | None = None

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path) -> Store:
        """Take the data directory's lock (DataDirLocked if another kiosk has it) and open it.

        Raises DamagedFile (naming the file) when a data file cannot be read; the lock is
        released first, so recovery from a backup can run.
        """
        store = cls(directory)
        store._lock.acquire()
        try:
            store._load()
        except BaseException:
            store._lock.release()
            raise
        return store

    def close(self) -> None:
        if self._members_db is not None:
            self._save_unsaved()
        for db in self._dbs():
            db.close()
        self._month_dbs.clear()
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _dbs(self) -> Iterator[TinyDB]:
        yield from self._month_dbs.values()
        if self._members_db is not None:
            yield self._members_db
        if self._screenings_db is not None:
            yield self._screenings_db

    def _load(self) -> None:
        started = time.perf_counter()
        self.visits_dir.mkdir(exist_ok=True)
        for stale in [*self.directory.glob(".*.tmp"), *self.visits_dir.glob(".*.tmp")]:
            stale.unlink()  # a temp file a killed kiosk left: never renamed, so never data
        self._members_db = open_db(self.directory / MEMBERS_FILE)
        for doc, (member, charged) in self._rows(
            self._members_db, self.directory / MEMBERS_FILE, member_of
        ):
            self._remember_member(member, doc.doc_id)
            self._charged.update(charged)
        self._screenings_db = open_db(self.directory / SCREENINGS_FILE)
        for doc, screening in self._rows(
            self._screenings_db, self.directory / SCREENINGS_FILE, screening_of
        ):
            self._screenings[screening.member_code] = screening
            self._screening_ids[screening.member_code] = doc.doc_id
        latest = self._read_visits()
        for (code, kind), (_, _, doc, month) in latest.items():
            try:
                visit = doc if isinstance(doc, Visit) else visit_of(doc)
            except BadDocument as e:
                raise DamagedFile(self._month_path(month), f"visit {doc.get('id')!r}: {e}") from e
            self._last[code, visit.kind if kind is not None else None] = visit
        self._save_unsaved()
        self.open_seconds = time.perf_counter() - started

    def _read_visits(self) -> Latest:
        """Count visits, find each member's latest, settle check-ins the members file lacks.

        Months the summary cache covers (unchanged since) are not read again; the summary
        is rewritten when more months than the newest have been read.
        """
        months = self.months()
        files = {m: self._month_path(m) for m in months}
        summary_path = self.directory / SUMMARY_FILE
        cached = read_summary(summary_path, files)
        latest: Latest = {}
        if cached is not None:
            latest = dict(cached.latest)
            self._months_of.update(cached.months_of)
            self._visit_count = cached.count
        covered = cached.months if cached is not None else {}
        charges: dict[str, set[tuple[int, str]]] = defaultdict(set)
        fresh: Summary | None = None
        for month in months:
            if month in covered:
                continue  # its charges were settled when the summary was written
            if month == months[-1]:
                fresh = self._summary_so_far(months[:-1], latest)
            self._scan_month(month, charges, latest)
        self._settle(charges)
        if months and months[-1] not in covered and set(months[:-1]) != set(covered):
            self._save_unsaved()  # the summary is only right once the members file is
            write_summary(summary_path, fresh or self._summary_so_far(months[:-1], latest))
        return latest

    def _summary_so_far(self, months: list[str], latest: Latest) -> Summary:
        return Summary(
            {m: fingerprint(self._month_path(m)) for m in months},
            self._visit_count,
            dict(latest),
            {code: set(ms) for code, ms in self._months_of.items()},
        )

    def _scan_month(
        self,
        month: str,
        charges: dict[str, set[tuple[int, str]]],
        latest: Latest,
    ) -> None:
        """Note a month's visits: count them, their check-in charges, each member's latest.

        Reads the raw JSON and only the fields the summary needs, so opening a store with
        years of history takes a moment; only each member's latest visits are parsed in full
        (and so checked) by the caller. The rest is checked when a screen reads that month.
        """
        path = self._month_path(month)
        data = read_json_file(path) or {}
        table = data.get("_default", {})
        months_of = self._months_of
        try:
            for doc in table.values():
                at = datetime.fromisoformat(doc["at"])
                code, kind, vid = doc["member_code"], doc["kind"], doc["id"]
                charge = doc.get("charge")
                if charge:
                    pack_id = doc["pack_id"]
                    if not isinstance(charge, int) or not isinstance(pack_id, str):
                        raise TypeError("charge or pack_id of the wrong type")
                    charges[pack_id].add((charge, code))
                self._visit_count += 1
                if not code:
                    continue
                months_of[code].add(month)
                for key in ((code, kind), (code, None)):
                    seen = latest.get(key)
                    if seen is None or (at, vid) > seen[:2]:
                        latest[key] = (at, vid, doc, month)
        except KeyError as e:
            raise DamagedFile(path, f"a visit has no {e.args[0]}") from e
        except ValueError as e:
            raise DamagedFile(path, f"a visit's time is not a date and time ({e})") from e
        except (TypeError, AttributeError) as e:
            raise DamagedFile(path, f"a visit is not as the kiosk writes them ({e})") from e

    def _settle(self, charges: dict[str, set[tuple[int, str]]]) -> None:
        """Take the sessions of check-ins the members file does not count yet (after a crash)."""
        for pack_id, taken in charges.items():
            counted = self._charged.get(pack_id, 0)
            new = sorted(c for c in taken if c[0] > counted)
            if not new:
                continue
            code = new[-1][1]
            member = self._members.get(code)
            pack = next((p for p in member.packs if p.id == pack_id), None) if member else None
            if member is None or pack is None:
                continue  # the member or the pack was removed since: nothing to take from
            left = replace(pack, sessions_left=pack.sessions_left - len(new))
            self._members[code] = with_pack(member, left)
            self._charged[pack_id] = new[-1][0]
            self._unsaved.add(code)

    def _save_unsaved(self) -> None:
        """Write members whose packs moved on by check-ins, all in one write."""
        if not self._unsaved:
            return
        docs = {c: member_doc(self._members[c], self._charged) for c in self._unsaved}

        def rewrite(doc: dict[str, Any]) -> None:
            new = docs[doc["code"]]
            doc.clear()
            doc.update(new)

        self._members_table().update(rewrite, doc_ids=[self._member_ids[c] for c in docs])
        self._unsaved.clear()

    def _rows(self, db: TinyDB, path: Path, parse: Callable[[Any], T]) -> Iterator[tuple[Any, T]]:
        """Each document of the file's table with its parsed value; DamagedFile if one is bad."""
        table = db.table(db.default_table_name)
        try:
            docs = table.all()
        except (TypeError, ValueError, AttributeError) as e:
            raise DamagedFile(path, "not a table of records") from e
        for doc in docs:
            try:
                yield doc, parse(doc)
            except (BadDocument, TypeError, AttributeError) as e:
                raise DamagedFile(path, f"record {doc.doc_id}: {e}") from e

    # -- members ---------------------------------------------------------------------------

    @property
    def visits_dir(self) -> Path:
        return self.directory / VISITS_DIR

    def _members_table(self) -> Any:
        assert self._members_db is not None, "the store is not open"
        return self._members_db.table(self._members_db.default_table_name)

    def _remember_member(self, member: Member, doc_id: int) -> None:
        self._index = None
        self._members[member.code] = member
        self._member_ids[member.code] = doc_id
        self._codes[code_key(member.code)] = member.code

    def members(self) -> list[Member]:
        return list(self._members.values())

    def member_index(self) -> MemberIndex:
        """The look-up index of all members, built once and again only after members change."""
        if self._index is None:
            self._index = MemberIndex(self._members.values())
        return self._index

    def member_count(self) -> int:
        return len(self._members)

    def member(self, code: str) -> Member | None:
        """The member with this code; case, spaces and dashes in `code` do not matter."""
        found = self._members.get(code)
        if found is None:
            exact = self._codes.get(code_key(code))
            found = self._members.get(exact) if exact is not None else None
        return found

    def members_with_phone(self, phone: str) -> list[Member]:
        """Members whose phone is exactly `phone` (E.164)."""
        return [m for m in self._members.values() if m.phone == phone]

    def find_by_phone_digits(self, digits: str) -> list[Member]:
        """Members whose phone number ends with these digits (at least 4)."""
        digits = digits_of(digits)
        if len(digits) < 4:
            return []
        return [m for m in self._members.values() if digits_of(m.phone).endswith(digits)]

    def new_member_code(self) -> str:
        return new_member_code(_Taken(self._codes))

    def add_member(self, member: Member) -> None:
        """Add a new member; DuplicateMember if the code is taken. On disk when it returns."""
        self.add_members([member])

    def add_members(self, members: Iterable[Member]) -> None:
        """Add new members in one write: all of them, or none if any code is taken."""
        new = list(members)
        keys = [code_key(m.code) for m in new]
        seen: set[str] = set()  # a set, not keys.count(): linear for a 20,000-row import
        for m, key in zip(new, keys, strict=True):
            if not key or key in self._codes or key in seen:
                raise DuplicateMember(m.code)
            seen.add(key)
        ids = self._members_table().insert_multiple([member_doc(m, {}) for m in new])
        for m, doc_id in zip(new, ids, strict=True):
            self._remember_member(m, doc_id)

    def save_member(self, member: Member) -> None:
        """Insert, or replace the member with the same code. On disk when it returns."""
        doc_id = self._member_ids.get(member.code)
        if doc_id is None:
            self.add_member(member)
            return
        doc = member_doc(member, self._charged)
        self._members_table().update(doc, doc_ids=[doc_id])
        self._members[member.code] = member
        self._unsaved.discard(member.code)
        self._index = None

    def delete_member(self, code: str) -> bool:
        """Remove the member record (not their visits or screening: see anonymise_visits)."""
        member = self.member(code)
        if member is None:
            return False
        self._members_table().remove(doc_ids=[self._member_ids[member.code]])
        del self._members[member.code], self._member_ids[member.code]
        del self._codes[code_key(member.code)]
        self._index = None
        self._unsaved.discard(member.code)
        for pack in member.packs:
            self._charged.pop(pack.id, None)
        return True

    # -- visits ----------------------------------------------------------------------------

    def months(self) -> list[str]:
        """Months with a visits file, oldest first ("2026-11")."""
        found = (_MONTH_FILE.match(p.name) for p in self.visits_dir.iterdir())
        return sorted(f"{m[1]}-{m[2]}" for m in found if m)

    def _month_path(self, month: str) -> Path:
        return self.visits_dir / f"{month}.json"

    def _month_db(self, month: str) -> TinyDB:
        db = self._month_dbs.get(month)
        if db is None:
            db = open_db(self._month_path(month))
            self._month_dbs[month] = db
            while len(self._month_dbs) > OPEN_MONTHS:
                _, old = self._month_dbs.popitem(last=False)
                old.close()
        self._month_dbs.move_to_end(month)
        return db

    def _visits_table(self, month: str) -> Any:
        db = self._month_db(month)
        return db.table(db.default_table_name)

    def _month_visits(self, month: str) -> list[Visit]:
        if not self._month_path(month).exists():
            return []
        db = self._month_db(month)
        return [visit for _, visit in self._rows(db, self._month_path(month), visit_of)]

    def _note_visit(self, visit: Visit, month: str) -> None:
        self._visit_count += 1
        if not visit.member_code:
            return
        self._months_of[visit.member_code].add(month)
        for key in ((visit.member_code, visit.kind), (visit.member_code, None)):
            if _later(visit, self._last.get(key)):
                self._last[key] = visit

    def add_visit(self, visit: Visit) -> None:
        """Record a visit. It is on disk (fsync'd) when this returns."""
        self._insert_visits([visit])

    def add_visits(self, visits: Iterable[Visit]) -> None:
        """Record many visits (an import): one write per month they fall in."""
        self._insert_visits(list(visits))

    def _insert_visits(self, visits: list[Visit], *, charge: int = 0) -> None:
        by_month: dict[str, list[Visit]] = defaultdict(list)
        for v in visits:
            if v.at.tzinfo is None or v.at.utcoffset() is None:
                raise ValueError(f"visit {v.id}: its time needs a time zone (use clock.now())")
            by_month[month_of(v.at.date())].append(v)
        for month, group in sorted(by_month.items()):
            self._visits_table(month).insert_multiple([visit_doc(v, charge) for v in group])
            for v in group:
                self._note_visit(v, month)

    def record_check_in(self, result: CheckIn) -> Member | None:
        """Put a decided check-in on disk: one write of one month's visits file.

        The visit carries the session it takes from its pack (the pack's nth check-in), so
        visit and charge are on disk together or not at all: a crash can neither lose an
        acknowledged visit nor take a session twice. The members file catches up later (on
        close, on open, or when that member is next saved); until then the store counts the
        session in memory, and an open after a crash counts it from the visits file.
        Returns the member as they now are (None when nothing was to be recorded).
        """
        visit = result.visit
        if visit is None:
            return None
        member = self.member(result.member_code)
        if member is None:
            raise KeyError(f"no member {result.member_code}")
        pack = next((p for p in member.packs if p.id == visit.pack_id), None)
        if pack is None or result.pack is None:
            self._insert_visits([visit])  # nothing to take: an override with no pack
            return member
        charge = self._charged.get(pack.id, 0) + 1
        self._insert_visits([visit], charge=charge)
        # take the session from the pack as it is now, not as the caller last saw it
        updated = with_pack(member, replace(pack, sessions_left=pack.sessions_left - 1))
        self._charged[pack.id] = charge
        self._members[member.code] = updated
        self._unsaved.add(member.code)
        return updated

    def remove_visit(self, visit_id: str, *, give_back: bool = False) -> Visit | None:
        """Remove one visit (staff correcting a mistake). Its pack session is not given back,
        unless `give_back` (staff undoing a check-in): then a session it took returns to its
        pack, written after the visit is gone, so a crash between can only keep it taken."""
        guess = _VISIT_ID_MONTH.match(visit_id)
        months = self.months()
        if guess:
            month = f"{guess[1]}-{guess[2]}"
            months = [month] + [m for m in months if m != month]
        q = Query()
        for month in months:
            if not self._month_path(month).exists():
                continue
            table = self._visits_table(month)
            docs = table.search(q.id == visit_id)
            if docs:
                visit = visit_of(docs[0])
                took_session = bool(docs[0].get("charge"))
                if visit.member_code in self._unsaved:
                    # write the session it took first: removing it must not give it back
                    self.save_member(self._members[visit.member_code])
                table.remove(doc_ids=[d.doc_id for d in docs])
                self._visit_count -= len(docs)
                self._forget_member_visits(visit.member_code)
                if give_back and took_session:
                    self._give_session_back(visit)
                return visit
        return None

    def _give_session_back(self, visit: Visit) -> None:
        member = self._members.get(visit.member_code)
        pack = next((p for p in member.packs if p.id == visit.pack_id), None) if member else None
        if member is None or pack is None:
            return  # the member or the pack was removed since: nothing to give back to
        self.save_member(with_pack(member, replace(pack, sessions_left=pack.sessions_left + 1)))

    def _forget_member_visits(self, code: str) -> None:
        """Rebuild one member's summary from their month files (after a removal)."""
        if not code:
            return
        for key in [k for k in self._last if k[0] == code]:
            del self._last[key]
        months = self._months_of.pop(code, set())
        for month in sorted(months):
            for v in self._month_visits(month):
                if v.member_code == code:
                    self._visit_count -= 1  # _note_visit counts it again
                    self._note_visit(v, month)

    def visits_on(self, day: date) -> list[Visit]:
        return self.visits_between(day, day)

    def visits_between(self, first_day: date, last_day: date) -> list[Visit]:
        """Visits from `first_day` to `last_day`, both included, oldest first."""
        first, last = month_of(first_day), month_of(last_day)
        out = [
            v
            for month in self.months()
            if first <= month <= last
            for v in self._month_visits(month)
            if first_day <= v.at.date() <= last_day
        ]
        return sorted(out, key=lambda v: (v.at, v.id))

    def all_visits(self) -> list[Visit]:
        """Every visit, oldest first (export; reads every month file)."""
        out = [v for month in self.months() for v in self._month_visits(month)]
        return sorted(out, key=lambda v: (v.at, v.id))

    def visits_of(self, code: str) -> list[Visit]:
        """One member's visits, oldest first: reads only the months they visited in."""
        months = sorted(self._months_of.get(code, ()))
        out = [v for m in months for v in self._month_visits(m) if v.member_code == code]
        return sorted(out, key=lambda v: (v.at, v.id))

    def last_visit(self, code: str, kind: PackKind | None = None) -> Visit | None:
        """Their latest visit of this kind (of any kind when None), from memory."""
        return self._last.get((code, kind))

    def visit_count(self) -> int:
        return self._visit_count

    def anonymise_visits(self, code: str) -> int:
        """Blank the member code on all their visits (erasure); returns how many."""
        if not code:
            return 0
        q = Query()
        count = 0
        for month in sorted(self._months_of.get(code, ())):
            changed = self._visits_table(month).update({"member_code": ""}, q.member_code == code)
            count += len(changed)
        self._months_of.pop(code, None)
        for key in [k for k in self._last if k[0] == code]:
            del self._last[key]
        return count

    # -- screenings ------------------------------------------------------------------------

    def _screenings_table(self) -> Any:
        assert self._screenings_db is not None, "the store is not open"
        return self._screenings_db.table(self._screenings_db.default_table_name)

    def screening(self, code: str) -> Screening | None:
        return self._screenings.get(code)

    def screenings(self) -> list[Screening]:
        return list(self._screenings.values())

    def save_screening(self, screening: Screening) -> None:
        """Insert or replace the member's screening (one per member: the latest answers)."""
        doc = screening_doc(screening)
        doc_id = self._screening_ids.get(screening.member_code)
        table = self._screenings_table()
        if doc_id is None:
            self._screening_ids[screening.member_code] = table.insert(doc)
        else:
            table.update(doc, doc_ids=[doc_id])
        self._screenings[screening.member_code] = screening

    def delete_screening(self, code: str) -> bool:
        doc_id = self._screening_ids.pop(code, None)
        if doc_id is None:
            return False
        self._screenings_table().remove(doc_ids=[doc_id])
        del self._screenings[code]
        return True


class _Taken:
    """Member codes in use, compared as code_key does (so "ft-abc" clashes with "FT-ABC")."""

    def __init__(self, codes: dict[str, str]) -> None:
        self._codes = codes

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code_key(code) in self._codes
