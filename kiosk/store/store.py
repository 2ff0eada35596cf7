"""The kiosk's data directory: members and their packs, visits, health screenings.

API (everything returns plain values from kiosk/core/members.py):
    Store.open(directory) -> Store       # takes the lock (DataDirLocked), reads what the front
                                         # desk needs (DamagedFile(path, reason) if unreadable)
    store.close(); with Store.open(d) as store: ...; store.directory; store.open_seconds
  members (members.json):
    members() -> list[Member]; member(code) -> Member | None; member_count()
    member_index() -> MemberIndex   # for look-up (kiosk/core/lookup.py), cached until a change
    members_with_phone(e164) -> list[Member]; find_by_phone_digits(digits) -> list[Member]
    new_member_code() -> str; add_member(m) (DuplicateMember if the code is taken)
    add_members(ms) (all or nothing, one write); save_member(m) (insert or replace by code)
    delete_member(code) -> bool; delete_members(codes) -> int (one write)
  visits (visits/YYYY-MM.json, one small file per month):
    add_visit(v) (on disk, fsync'd, when it returns)
    add_visits(vs) (import: its month files replaced together, all or none; kiosk/store/switch.py)
    record_check_in(result: CheckIn) -> Member | None   # visit + session taken: ONE write
    last_visit(code, kind=None) -> Visit | None; visit_count()     # from memory: instant
    latest_visit_month(code) -> str | None                         # cheaper still
  history (reads month files: can take a while on a Pi, so call it from a worker in the kiosk):
    all_visits() -> list[Visit]   # every month (export)
    remove_visit(visit_id, give_back=False) -> Visit | None; visits_on(day)
    visits_between(first_day, last_day); visits_of(code); anonymise_visits(code) -> int;
    anonymise_visits_of(codes) -> int   # many members: one write per month
    month_visits(month) -> list[Visit]   # one month file, unsorted (kiosk/store/insights.py)
  screenings (screenings.json, apart from members: special-category data):
    screening(code) -> Screening | None; save_screening(s); delete_screening(code) -> bool;
    delete_screenings(codes) -> int (one write);
    screenings() -> list[Screening]
  bookings (bookings/, kiosk/store/bookings.py): store.bookings, made on first use

Every write goes through TinyDB on AtomicJSONStorage (temp file, fsync, rename, fsync dir), so
a file is always whole. A check-in rewrites one month's visits, not the whole history, nor the
members file: the visit records which of its pack's sessions it took (the pack's nth check-in)
and the members file catches up on close or open, counting each such visit exactly once.

Opening costs the same with years of history as with a month: it reads the members, the
screenings, the newest month of visits and visits-summary.json (kiosk/store/summary.py), which
holds what the older months add up to and is checked against those files (stat, then hash) and
brought up to date when one changed. Each member's latest visit of each kind ("already checked
in today?", "days since the last EMS session") comes from the newest month and the summary,
the summary's part parsed the first time that member is looked up; the months each member
visited in are decoded the first time a history method needs them. `open_seconds` says how long
opening took.
"""

from __future__ import annotations

import contextlib
import gc
import re
import time
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

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
from kiosk.store.files import StorageProblem, disk_problem, problem_of
from kiosk.store.lock import DataDirLock
from kiosk.store.log import log
from kiosk.store.storage import DamagedFile, DamagedRecords, encode, open_db, read_json_file
from kiosk.store.summary import SUMMARY_FILE, MonthScan, Summary, scan_month
from kiosk.store.switch import finish, replace_together

if TYPE_CHECKING:
    from kiosk.store.bookings import Bookings

MEMBERS_FILE = "members.json"
SCREENINGS_FILE = "screenings.json"
VISITS_DIR = "visits"
_MONTH_FILE = re.compile(r"^(\d{4})-(\d{2})\.json$")
_VISIT_ID_MONTH = re.compile(r"^(\d{4})(\d{2})\d{2}T")
T = TypeVar("T")
OPEN_MONTHS = 3  # month files kept in memory: this month, last month, one more
ROOM_TO_SPARE = 64 * 1024  # free space beyond the files a check-in and closing rewrite


class DuplicateMember(ValueError):
    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"member code {code} is already taken")


def month_of(when: date) -> str:
    return f"{when.year:04d}-{when.month:02d}"


def _later(a: Visit, b: Visit | None) -> bool:
    return b is None or (a.at, a.id) > (b.at, b.id)


def _code_key(code: str) -> str:
    """code_key, without a regular expression for the usual FT-XXXXXX codes (opening is faster)."""
    plain = code.upper().replace("-", "")
    return plain if plain.isascii() and plain.isalnum() else code_key(code)


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
        # the months the summary covers: what they add up to, decoded member by member on need
        self._summary = Summary()
        # each member's latest visit of each kind (and of any kind, None) known so far: from
        # the months the summary does not cover, visits since, and members in _merged
        self._last: dict[tuple[str, PackKind | None], Visit] = {}
        self._merged: set[str] = set()  # members whose summarised latest visits are in _last
        self._months_of: dict[str, set[str]] = defaultdict(set)
        self._months_merged: set[str] = set()  # ... whose summarised months are in _months_of
        self._visit_count = 0
        self._month_dbs: OrderedDict[str, TinyDB] = OrderedDict()
        self._members_db: TinyDB | None = None
        self._screenings_db: TinyDB | None = None
        self.thaw_on_close = False  # open_store froze the heap this store is part of (gc.freeze)
        # full or read-only: from the last write's outcome, or asked of the disk at opening
        self.storage_problem: StorageProblem | None = None
        self.storage_watch: Callable[[], None] | None = None  # called when that changes

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, directory: Path) -> Store:
        """Take the data directory's lock (DataDirLocked if another kiosk has it) and open it.

        Raises DamagedFile (naming the file) when a data file cannot be read; the lock is
        released first, so recovery from a backup can run.
        """
        store = cls(directory)
        store._lock.acquire()
        collecting = gc.isenabled()
        # Tens of thousands of records, and no reference cycles among them: the cyclic
        # collector would only walk them (and the whole heap, Textual's too) again and again,
        # a third of the time opening takes in the kiosk. Paused, it walks them once later.
        gc.disable()
        try:
            store._load()
        except BaseException:
            store._lock.release()
            raise
        finally:
            if collecting:
                gc.enable()
        return store

    def close(self) -> None:
        try:
            if self._members_db is not None:
                self._catch_up_members("on closing")
            for db in self._dbs():
                db.close()
            self._month_dbs.clear()
        finally:
            self._lock.release()
            if self.thaw_on_close:
                self.thaw_on_close = False
                gc.unfreeze()

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
        # Opening never needs to write (a full or read-only disk must not stop the kiosk):
        # what it would tidy or write here is done when it can be, or at the next opening.
        with contextlib.suppress(OSError):
            self.visits_dir.mkdir(exist_ok=True)
        for stale in [*self.directory.glob(".*.tmp"), *self.visits_dir.glob(".*.tmp")]:
            with contextlib.suppress(OSError):
                stale.unlink()  # a temp file a killed kiosk left: never renamed, so never data
        self._finish_import()
        self._members_db = open_db(self.directory / MEMBERS_FILE, wrote=self._wrote)
        members, ids, codes, paid = self._members, self._member_ids, self._codes, self._charged
        for doc_id, (member, charged) in self._rows(
            self._members_db, self.directory / MEMBERS_FILE, member_of
        ):
            code = member.code  # _remember_member, inline: thousands of members
            members[code], ids[code], codes[_code_key(code)] = member, doc_id, code
            if charged:
                paid.update(charged)
        self._screenings_db = open_db(self.directory / SCREENINGS_FILE, wrote=self._wrote)
        for doc_id, screening in self._rows(
            self._screenings_db, self.directory / SCREENINGS_FILE, screening_of
        ):
            self._screenings[screening.member_code] = screening
            self._screening_ids[screening.member_code] = doc_id
        self._read_visits()
        self.storage_problem = disk_problem(self.directory, self._room_needed())
        self._catch_up_members("on opening")
        self.open_seconds = time.perf_counter() - started

    def _finish_import(self) -> None:
        """An import killed while switching month files: completed if it had switched (its
        marker is on disk), else dropped; never left half. Renames only: a full disk can."""
        try:
            done = finish(self.directory)
        except (OSError, ValueError) as e:  # read-only: the old files stay in force till then
            log.warning("an import cut short could not be finished yet: %s", e)
            return
        if done:
            log.warning("an import cut short (the process was killed) was %s", done)

    def _room_needed(self) -> int:
        """Free space a check-in and closing need: a new copy of this month's visits and of
        the members file, each written beside the old one before it replaces it."""
        months = self.months()
        files = [self.directory / MEMBERS_FILE, *(self._month_path(m) for m in months[-1:])]
        need = ROOM_TO_SPARE
        for path in files:
            with contextlib.suppress(OSError):
                need += path.stat().st_size
        return need

    def _wrote(self, error: BaseException | None) -> None:
        """Each data file write's outcome: a full or read-only disk is shown until one works."""
        problem = None if error is None else problem_of(error)
        if error is not None and problem is None:
            return  # some other failure: it says nothing about the room on the disk
        if problem is not self.storage_problem:
            self.storage_problem = problem
            if self.storage_watch is not None:
                self.storage_watch()

    def _catch_up_members(self, when: str) -> None:
        """Write the packs check-ins moved on, if the disk lets us: until then they are counted
        in memory, and from the visits files at the next opening, so nothing is lost."""
        try:
            self._save_unsaved()
        except OSError as e:
            log.warning("the members file could not be brought up to date %s: %s", when, e)

    def _read_visits(self) -> None:
        """Bring the summary up to date, read the months it does not cover, settle check-ins
        the members file does not count yet (after a crash, or a members file from a backup)."""
        months = self.months()
        folder = str(self.visits_dir)
        files = {m: f"{folder}/{m}.json" for m in months}  # strings: years of months, cheaply
        summary_path = self.directory / SUMMARY_FILE
        summary = Summary.read(summary_path)
        if summary is None:
            summary = Summary()
            summary.dirty = summary_path.exists()  # damaged or of an older kiosk: replace it
        scans = summary.update(files, months[-1] if months else None)
        summary.check({c for s in scans.values() for c in s.latest}, files)
        self._summary = summary
        self._write_summary()
        self._visit_count = summary.count
        charges: dict[str, set[tuple[int, str]]] = defaultdict(set)
        for month in months:
            if month not in summary.months:
                scan = scans.get(month) or scan_month(self._month_path(month), month)
                if scan is not None:
                    self._take_in(scan, charges)
        # packs whose summarised check-ins the members file does not count (it was restored)
        behind = [p for p, top in summary.pack_max.items() if top > self._charged.get(p, 0)]
        if behind:  # (or packs of members deleted since, which have nothing to settle)
            held = {p.id for m in self._members.values() for p in m.packs}
            behind = [p for p in behind if p in held]
        if behind:
            for pack_id, taken in summary.charges_for(behind).items():
                charges[pack_id] |= taken
        self._settle(charges)

    def _write_summary(self, *, or_remove: bool = False) -> None:
        """Write the summary if it changed; it is only a cache, so a failure is logged (and
        with `or_remove`, the old file removed: the next open then reads every month)."""
        if not self._summary.dirty:
            return
        try:
            self._summary.write(self.directory / SUMMARY_FILE)
        except OSError as e:
            log.warning("the visits summary could not be written: %s", e)
            if or_remove:
                with contextlib.suppress(OSError):
                    (self.directory / SUMMARY_FILE).unlink(missing_ok=True)

    def _take_in(self, scan: MonthScan, charges: dict[str, set[tuple[int, str]]]) -> None:
        """Count a month the summary does not cover: its visits, charges, latest visits."""
        path = self._month_path(scan.month)
        self._visit_count += scan.print.count
        for pack_id, by_code in scan.charges.items():
            for code, numbers in by_code.items():
                charges[pack_id].update((n, code) for n in numbers)
        for code, kinds in scan.latest.items():
            self._months_of[code].add(scan.month)
            for doc in {id(e[2]): e[2] for e in kinds.values()}.values():  # each visit once
                try:
                    self._put_last(visit_of(doc))
                except BadDocument as e:
                    raise DamagedFile(path, f"visit {doc.get('id')!r}: {e}") from e
        if scan.month not in self._month_dbs:  # the check-ins to come write to it: keep it
            self._month_dbs[scan.month] = open_db(path, scan.data, self._wrote)
            while len(self._month_dbs) > OPEN_MONTHS:
                _, old = self._month_dbs.popitem(last=False)
                old.close()

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

    def _rows(self, db: TinyDB, path: Path, parse: Callable[[Any], T]) -> Iterator[tuple[int, T]]:
        """Each document id of the file's table with its parsed value; after the last good one,
        DamagedRecords naming every bad one (start-up moves them aside: kiosk/store/recovery.py).

        Parses the table TinyDB holds in memory, without copying each document first."""
        table = (db.storage.read() or {}).get(db.default_table_name, {})
        try:
            ids = [int(key) for key in table]
        except (TypeError, ValueError) as e:
            raise DamagedFile(path, "not a table of records") from e
        bad: dict[str, str] = {}
        for doc_id, doc in zip(ids, table.values(), strict=True):
            try:
                yield doc_id, parse(doc)
            except (BadDocument, TypeError, AttributeError, ValueError) as e:
                bad[str(doc_id)] = str(e)
        if bad:
            raise DamagedRecords(path, bad)

    # -- members ---------------------------------------------------------------------------

    @cached_property
    def bookings(self) -> Bookings:
        """The bookings in this data directory, one object for the kiosk's life (it caches
        what it read until a file changes); imported on first use, not at start-up."""
        from kiosk.store.bookings import Bookings

        return Bookings(self.directory)

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
        self._codes[_code_key(member.code)] = member.code

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
        return self.delete_members([code]) > 0

    def delete_members(self, codes: Iterable[str]) -> int:
        """Remove these member records in one write; returns how many there were."""
        found = {m.code: m for m in map(self.member, codes) if m is not None}
        if not found:
            return 0
        self._members_table().remove(doc_ids=[self._member_ids[c] for c in found])
        for member in found.values():
            del self._members[member.code], self._member_ids[member.code]
            del self._codes[code_key(member.code)]
            self._unsaved.discard(member.code)
            for pack in member.packs:
                self._charged.pop(pack.id, None)
        self._index = None
        return len(found)

    # -- visits ----------------------------------------------------------------------------

    def months(self) -> list[str]:
        """Months with a visits file, oldest first ("2026-11")."""
        if not self.visits_dir.is_dir():
            return []  # a new data directory on a disk that could not be written
        found = (_MONTH_FILE.match(p.name) for p in self.visits_dir.iterdir())
        return sorted(f"{m[1]}-{m[2]}" for m in found if m)

    def _month_path(self, month: str) -> Path:
        return self.visits_dir / f"{month}.json"

    def _month_db(self, month: str) -> TinyDB:
        db = self._month_dbs.get(month)
        if db is None:
            db = open_db(self._month_path(month), wrote=self._wrote)
            self._month_dbs[month] = db
            while len(self._month_dbs) > OPEN_MONTHS:
                _, old = self._month_dbs.popitem(last=False)
                old.close()
        self._month_dbs.move_to_end(month)
        return db

    def _visits_table(self, month: str) -> Any:
        db = self._month_db(month)
        return db.table(db.default_table_name)

    def _month_docs(self, month: str) -> dict[str, Any]:
        """A month's visit documents by id, as on disk; read without keeping it open, so
        reading history does not push this month's file out of memory."""
        db = self._month_dbs.get(month)
        data = db.storage.read() if db is not None else read_json_file(self._month_path(month))
        table = (data or {}).get("_default", {})
        return table if isinstance(table, dict) else {}

    def _parse_visits(self, month: str, docs: Iterable[tuple[str, Any]]) -> Iterator[Visit]:
        for key, doc in docs:
            try:
                yield visit_of(doc)
            except (BadDocument, TypeError, AttributeError, ValueError) as e:
                # start-up moved every bad record aside: this one came since, behind the
                # kiosk's back. Staff screens and exports go on without it; the next start
                # moves it aside and tells staff.
                log.warning("%s: record %s left out: %s", self._month_path(month), key, e)

    def _month_visits(self, month: str, code: str | None = None) -> list[Visit]:
        """A month's visits (only this member's when `code` is given)."""
        # a copy taken in one step: a worker reading history while a check-in writes this
        # month must not iterate the dict TinyDB is changing
        docs: Iterable[tuple[str, Any]] = list(self._month_docs(month).items())
        if code is not None:
            docs = [(k, d) for k, d in docs if isinstance(d, dict) and d.get("member_code") == code]
        return list(self._parse_visits(month, docs))

    def _put_last(self, visit: Visit) -> None:
        for key in ((visit.member_code, visit.kind), (visit.member_code, None)):
            if _later(visit, self._last.get(key)):
                self._last[key] = visit

    def _note_visit(self, visit: Visit, month: str) -> None:
        self._visit_count += 1
        if not visit.member_code:
            return
        self._months_of[visit.member_code].add(month)
        self._put_last(visit)

    def _merge_latest(self, code: str) -> None:
        """Bring this member's latest visits in the summarised months into _last (once)."""
        if code in self._merged:
            return
        self._merged.add(code)
        try:
            found = [visit_of(doc) for doc, _ in self._summary.latest_docs(code)]
        except (BadDocument, ValueError, TypeError, KeyError, AttributeError):
            # the summary was checked when written, so this is not expected: read their months
            log.warning("visits summary: %s's latest visits unreadable, reading their months", code)
            self._forget_member_visits(code)
            return
        for visit in found:
            self._put_last(visit)

    def _member_months(self, code: str) -> set[str]:
        """The months this member visited in (decodes the summary's list on first need)."""
        if code not in self._months_merged:
            self._months_merged.add(code)
            months = self._summary.member_months(code)
            if months:
                self._months_of[code] |= months
        return self._months_of.get(code) or set()

    def add_visit(self, visit: Visit) -> None:
        """Record a visit. It is on disk (fsync'd) when this returns."""
        self._insert_visits([visit])

    def add_visits(self, visits: Iterable[Visit]) -> None:
        """Record many visits (an import): every month file they fall in is replaced at once
        (kiosk/store/switch.py), so a kill or a full disk leaves all of them or none."""
        by_month = self._by_month(list(visits))
        files: dict[str, bytes] = {}
        for month, group in by_month.items():
            path = self._month_path(month)
            db = self._month_dbs.get(month)
            data = dict((db.storage.read() if db is not None else read_json_file(path)) or {})
            table = dict(data.get("_default") or {})
            next_id = max((int(k) for k in table), default=0) + 1
            for n, v in enumerate(group):
                table[str(next_id + n)] = visit_doc(v)
            data["_default"] = table
            files[f"{VISITS_DIR}/{month}.json"] = encode(data)
        if not files:
            return
        with contextlib.suppress(FileExistsError):
            self.visits_dir.mkdir()
        try:
            replace_together(self.directory, files)
        except BaseException as e:
            self._wrote(e)
            raise
        self._wrote(None)
        for month, group in by_month.items():
            old = self._month_dbs.pop(month, None)
            if old is not None:
                old.close()  # read again when next needed: the file on disk is the new one
            for v in group:
                self._note_visit(v, month)

    def _by_month(self, visits: list[Visit]) -> dict[str, list[Visit]]:
        by_month: dict[str, list[Visit]] = defaultdict(list)
        for v in visits:
            if v.at.tzinfo is None or v.at.utcoffset() is None:
                raise ValueError(f"visit {v.id}: its time needs a time zone (use clock.now())")
            by_month[month_of(v.at.date())].append(v)
        return dict(sorted(by_month.items()))

    def _insert_visits(self, visits: list[Visit], *, charge: int = 0) -> None:
        for month, group in self._by_month(visits).items():
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

        The pack recorded is the core's `result.pack` (kiosk/core/checkin.py chose it and took
        the session). Only if that pack changed after the decision (it was made on a stale
        member) is the one session taken from the pack as it is now, so nothing is undone.
        """
        visit = result.visit
        if visit is None:
            return None
        try:
            return self._record(result, visit)
        except Exception as e:
            # refused on screen (the client is sent to staff); staff find why in kiosk.log
            log.error("check-in of %s (visit %s) not saved: %s", result.member_code, visit.id, e)
            raise

    def _record(self, result: CheckIn, visit: Visit) -> Member | None:
        member = self.member(result.member_code)
        if member is None:
            raise KeyError(f"no member {result.member_code}")
        decided = result.pack
        pack = next((p for p in member.packs if decided and p.id == decided.id), None)
        if decided is None or pack is None:
            self._insert_visits([visit])  # nothing to take: an override with no pack
            return member
        if replace(pack, sessions_left=pack.sessions_left - 1) != decided:
            decided = replace(pack, sessions_left=pack.sessions_left - 1)  # a stale decision
        charge = self._charged.get(pack.id, 0) + 1
        self._insert_visits([visit], charge=charge)
        updated = with_pack(member, decided)
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
            docs_here = self._month_docs(month).values()
            if not any(isinstance(d, dict) and d.get("id") == visit_id for d in docs_here):
                continue  # not in this month: its file is not kept open for nothing
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
        self._merged.add(code)  # what the summary says of them is out of date
        for key in [k for k in self._last if k[0] == code]:
            del self._last[key]
        months = set(self._member_months(code))
        self._months_of.pop(code, None)
        for month in sorted(months):
            for v in self._month_visits(month, code):
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

    def month_visits(self, month: str) -> list[Visit]:
        """One month's visits ("2026-11") in file order, unsorted (sorting thousands of
        timezone-aware times costs more than reading them); DamagedFile if unreadable."""
        if not self._month_path(month).exists():
            return []
        return self._month_visits(month)

    def all_visits(self) -> list[Visit]:
        """Every visit, oldest first (export; reads every month file)."""
        out = [v for month in self.months() for v in self._month_visits(month)]
        return sorted(out, key=lambda v: (v.at, v.id))

    def visits_of(self, code: str) -> list[Visit]:
        """One member's visits, oldest first: reads only the months they visited in."""
        months = sorted(self._member_months(code))
        out = [v for m in months for v in self._month_visits(m, code)]
        return sorted(out, key=lambda v: (v.at, v.id))

    def last_visit(self, code: str, kind: PackKind | None = None) -> Visit | None:
        """Their latest visit of this kind (of any kind when None), from memory."""
        self._merge_latest(code)
        return self._last.get((code, kind))

    def latest_visit_month(self, code: str) -> str | None:
        """The newest month they visited in ("2026-11"), without reading any visit: cheaper
        than last_visit when only "not for months?" is asked (retention)."""
        if code in self._months_merged:
            return max(self._member_months(code), default=None)
        found = [*self._months_of.get(code, ()), self._summary.newest_month(code) or ""]
        return max(found) or None  # the summary's newest, or a month it does not cover

    def visit_count(self) -> int:
        return self._visit_count

    def anonymise_visits(self, code: str) -> int:
        """Blank the member code, pack and note on all their visits (erasure); returns how
        many. Kind, time and flags stay: the studio's counts still add up."""
        return self.anonymise_visits_of([code])

    def anonymise_visits_of(self, codes: Iterable[str]) -> int:
        """anonymise_visits for many members: one write per month any of them visited in."""
        wanted = {c for c in codes if c}
        if not wanted:
            return 0
        months: set[str] = set()
        for code in wanted:
            self._merged.add(code)  # what the summary says of them no longer holds
            months |= self._member_months(code)
        q = Query()
        count = 0
        for month in sorted(months):
            theirs = q.member_code.test(wanted.__contains__)  # a set: one_of scans a list
            changed = self._visits_table(month).update(_anonymous, theirs)
            count += len(changed)
        for code in wanted:
            self._months_of.pop(code, None)
            self._summary.forget(code)  # so that no file names them any more
        for key in [k for k in self._last if k[0] in wanted]:
            del self._last[key]
        self._write_summary(or_remove=True)
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
        return self.delete_screenings([code]) > 0

    def delete_screenings(self, codes: Iterable[str]) -> int:
        """Remove these members' screenings in one write; returns how many there were."""
        ids = {c: self._screening_ids.pop(c) for c in set(codes) if c in self._screening_ids}
        if ids:
            self._screenings_table().remove(doc_ids=list(ids.values()))
            for code in ids:
                del self._screenings[code]
        return len(ids)


def _anonymous(doc: dict[str, Any]) -> None:
    """A visit with nothing left that names the member or ties their visits together."""
    doc.update(member_code="", note="", pack_id=None)  # a note may name their health
    doc.pop("charge", None)


class _Taken:
    """Member codes in use, compared as code_key does (so "ft-abc" clashes with "FT-ABC")."""

    def __init__(self, codes: dict[str, str]) -> None:
        self._codes = codes

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code_key(code) in self._codes
