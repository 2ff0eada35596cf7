"""Members and visits in CSV files: reading them for an import, writing them for an export.

API (pure: text in, values out; kiosk/store/transfer.py reads and writes the files):
    read_members_csv(text, today, taken_codes=set(), taken_phones=set()) -> MembersFile
    read_visits_csv(text, tz, today, known_codes, existing=set(), taken_ids=set()) -> VisitsFile
    members_csv(members, excel=False) -> str;  visits_csv(visits, excel=False) -> str
    MembersFile.members / VisitsFile.visits: the good rows; .problems: [LineProblem(line, text)]
    .defaulted: "" or one line naming the columns the file lacks and what they were set to

Lossless: export, import into an empty data directory and export again gives the same bytes,
and the same members and visits in the store (tests/test_csv_roundtrip.py).

Members: first_name, last_name, phone (required); email, member_code, pack_kind, pack_sessions,
pack_expires, pack_sessions_bought, pack_id, pack_bought, see_trainer, see_trainer_note, joined,
terms_version, terms_agreed_at (optional). One row per pack: a member with two packs is two rows
with the same code, name and phone (the member's other columns are read from the first). A code
or phone already used by a different person, in the file or in the store, is a problem.

Visits: member_code, date (2026-11-23 or 23/11/2026) required; time (24-hour, 12:00 when left
out), kind (EMS, PT or Pilates; EMS when empty, so imported EMS history counts for the 4-day
rule and the first-EMS flag, except a missed booking's visit, which has no kind), flags (the
kiosk's flag names; "imported" when the column is left out), utc_offset (UTC+01:00; this
kiosk's time zone when left out), id, pack_id, note. An empty member_code is an erased
member's visit, read only from a row with its id (a kiosk export).

`excel=True` writes a byte-order mark first (Excel then reads UTF-8) and UK phone numbers the UK
way (07700 900123); the default is plain UTF-8 with phones in E.164 (+447700900123). Import
reads both. Line numbers are the file's own, the header being line 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TypeVar

from kiosk.core.checkin import new_visit_id
from kiosk.core.csvcells import (
    BadCell,
    LineProblem,
    Table,
    clock_text,
    guard,
    parse_clock,
    parse_day,
    parse_moment,
    parse_yes,
    read_rows,
    write_rows,
    yes_text,
)
from kiosk.core.lookup import code_key, plain
from kiosk.core.member_details import tidy_code, tidy_email, tidy_name
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.packs import SESSIONS_MAX, new_pack_id, pack_problem, sessions_of
from kiosk.core.phone import normalise_phone, phone_for_excel
from kiosk.core.registration import email_problem, name_problem, new_member_code

__all__ = [
    "LineProblem",
    "MembersFile",
    "VisitsFile",
    "members_csv",
    "parse_day",
    "read_members_csv",
    "read_visits_csv",
    "visits_csv",
]

# what an import sets a column to when the file does not have it (older exports, hand-made files)
MEMBER_DEFAULTS = {
    "email": "none",
    "member_code": "new codes",
    "pack_kind": "no packs",
    "pack_sessions": "no packs",
    "pack_expires": "never",
    "pack_sessions_bought": "as pack_sessions",
    "pack_id": "new ids",
    "pack_bought": "not known",
    "see_trainer": "no",
    "see_trainer_note": "empty",
    "joined": "today",
    "terms_version": "none",
    "terms_agreed_at": "not agreed",
}
MEMBER_REQUIRED = ("first_name", "last_name", "phone")
MEMBER_COLUMNS = (*MEMBER_REQUIRED, *MEMBER_DEFAULTS)
VISIT_DEFAULTS = {
    "time": "12:00",
    "kind": "EMS",
    "flags": "imported",
    "utc_offset": "this kiosk's time zone",
    "id": "new ids",
    "pack_id": "none",
    "note": "empty",
}
VISIT_REQUIRED = ("member_code", "date")
VISIT_COLUMNS = (*VISIT_REQUIRED, *VISIT_DEFAULTS)
EXACT = frozenset({"see_trainer_note", "terms_version", "note"})  # free text, spaces kept
CODE_MAX = 20
ID_MAX = 64
TEXT_MAX = 20_000  # far longer than 30 lines of trainer notes
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")
_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{2}):(\d{2})$", re.IGNORECASE)
NOON = parse_clock("12:00")  # a visit from paper with no time
_FLAGS = {str(f): f for f in VisitFlag}
T = TypeVar("T")


@dataclass
class MembersFile:
    members: list[Member] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def defaulted(self) -> str:
        return defaulted_text(self.missing_columns, MEMBER_DEFAULTS)


@dataclass
class VisitsFile:
    visits: list[Visit] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)
    missing_columns: list[str] = field(default_factory=list)

    @property
    def defaulted(self) -> str:
        return defaulted_text(self.missing_columns, VISIT_DEFAULTS)


def defaulted_text(missing: Sequence[str], defaults: Mapping[str, str]) -> str:
    """ "columns not in the file, set to: joined (today), see_trainer (no)"; "" for none."""
    if not missing:
        return ""
    said = ", ".join(f"{c} ({defaults[c]})" for c in missing)
    return f"column(s) not in the file, so set to their defaults: {said}"


def _missing(table: Table, columns: Sequence[str]) -> list[str]:
    if not table.columns:
        return []  # no header read: the problems say why
    return [c for c in columns if c not in table.columns]


class _Keys:
    """Codes in use, compared as code_key gives them."""

    def __init__(self, *sets: Set[str]) -> None:
        self._sets = sets

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and any(code_key(code) in s for s in self._sets)


def _in_column(column: str, read: Callable[[str], T], text: str) -> T:
    """`read(text)`, a BadCell's message prefixed with the column's name."""
    try:
        return read(text)
    except BadCell as e:
        raise BadCell(f"{column}: {e}") from None


def _day_or_none(row: Mapping[str, str], column: str) -> date | None:
    text = row.get(column, "")
    if not text:
        return None
    try:
        return parse_day(text)
    except BadCell as e:
        raise BadCell(f"{column}: {e}") from None


def _kind(text: str) -> PackKind:
    for kind in PackKind:
        if text.casefold() == kind.value.casefold():
            return kind
    raise BadCell(f"{plain(text, 30)!r} is not a pack kind (EMS, PT or Pilates)")


def _sessions(text: str, column: str) -> int:
    sessions = sessions_of(text)
    if sessions is None:
        shown = plain(text, 30)
        raise BadCell(f"{column}: {shown!r} is not a number of sessions (0 to {SESSIONS_MAX})")
    return sessions


def _an_id(text: str, column: str) -> str:
    if len(text) > ID_MAX or not _ID.match(text):
        shown = plain(text, 30)
        raise BadCell(f"{column}: {shown!r} must be letters, digits and - _ . : (at most {ID_MAX})")
    return text


def _free_text(text: str, column: str) -> str:
    if len(text) > TEXT_MAX:
        raise BadCell(f"{column}: longer than {TEXT_MAX} characters")
    return text


def _pack(row: Mapping[str, str]) -> Pack | None:
    kind_text = row.get("pack_kind", "")
    sessions_text = row.get("pack_sessions", "")
    others = ("pack_expires", "pack_sessions_bought", "pack_id", "pack_bought")
    if not kind_text:
        if sessions_text or any(row.get(c) for c in others):
            raise BadCell("pack_kind: missing, but the row has other pack columns")
        return None
    try:
        kind = _kind(kind_text)
    except BadCell as e:
        raise BadCell(f"pack_kind: {e}") from None
    if not sessions_text:
        raise BadCell("pack_sessions: missing (how many sessions are left on the pack)")
    left = _sessions(sessions_text, "pack_sessions")
    bought_text = row.get("pack_sessions_bought", "")
    bought = _sessions(bought_text, "pack_sessions_bought") if bought_text else left
    if pack_problem(bought, left, new=False):
        raise BadCell(f"pack_sessions_bought ({bought}) is less than pack_sessions ({left})")
    pack_id = _an_id(row["pack_id"], "pack_id") if row.get("pack_id") else new_pack_id()
    expires = _day_or_none(row, "pack_expires")
    return Pack(pack_id, kind, bought, left, expires, _day_or_none(row, "pack_bought"))


def _person(member: Member) -> tuple[str, str, str]:
    return (member.first_name.casefold(), member.last_name.casefold(), member.phone)


def read_members_csv(
    text: str,
    today: date,
    taken_codes: Set[str] = frozenset(),
    taken_phones: Set[str] = frozenset(),
) -> MembersFile:
    """The members in a CSV file, and every problem with its line number.

    `taken_codes` (as code_key gives them) and `taken_phones` (E.164) are already in the store.
    """
    out = MembersFile()
    table = Table(out.problems)
    by_code: dict[str, tuple[int, Member]] = {}  # code_key -> first line, member so far
    by_phone: dict[str, tuple[int, str]] = {}  # phone -> first line, code_key
    pack_lines: dict[tuple[str, str], int] = {}  # (code_key, pack id) in the file -> its line
    new_codes: set[str] = set()
    order: list[str] = []
    rows = read_rows(text, MEMBER_COLUMNS, MEMBER_REQUIRED, EXACT, table)
    for line, row in rows:
        out.rows += 1
        try:
            member, pack = _member_row(row, today, "joined" in table.columns)
        except BadCell as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
        given = code_key(member.code) if member.code else ""
        try:
            if given and given in taken_codes:
                raise BadCell(f"member_code: {member.code} is already in the store")
            if member.phone in taken_phones:
                raise BadCell(f"phone: {member.phone} already belongs to a member in the store")
            seen = by_code.get(given) if given else None
            if seen is not None and _person(seen[1]) != _person(member):
                raise BadCell(
                    f"member_code: {member.code} is already used on line {seen[0]} "
                    "for a different person"
                )
            phone_seen = by_phone.get(member.phone)
            if phone_seen is not None and (not given or phone_seen[1] != given):
                raise BadCell(
                    f"phone: {member.phone} is already used on line {phone_seen[0]} "
                    "(each member needs their own number)"
                )
            # a member's packs are told apart by id (check-ins, staff edits)
            pack_line = pack_lines.get((given, pack.id)) if pack is not None else None
            if pack is not None and pack_line is not None:
                raise BadCell(f"pack_id: {pack.id} is already used on line {pack_line}")
        except BadCell as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
        if pack is not None and given:
            pack_lines[(given, pack.id)] = line
        if seen is not None:  # another pack for a member already read
            earlier = seen[1]
            packs = (*earlier.packs, pack) if pack is not None else earlier.packs
            by_code[given] = (seen[0], replace(earlier, packs=packs))
            continue
        if not given:
            code = new_member_code(_Keys(taken_codes, new_codes))
            given = code_key(code)
            member = replace(member, code=code)
        new_codes.add(given)
        if pack is not None:
            member = replace(member, packs=(pack,))
        by_code[given] = (line, member)
        by_phone[member.phone] = (line, given)
        order.append(given)
    out.members = [by_code[key][1] for key in order]
    out.missing_columns = _missing(table, MEMBER_COLUMNS)
    return out


def _member_row(
    row: Mapping[str, str], today: date, has_joined: bool
) -> tuple[Member, Pack | None]:
    """One row as a member and their pack; BadCell naming every problem the row has."""
    problems: list[str] = []
    first, last = row["first_name"], row["last_name"]
    for column, value, which in (("first_name", first, "first"), ("last_name", last, "last")):
        problem = name_problem(value, which)
        if problem:
            problems.append(f"{column}: {problem}")
    phone = normalise_phone(row["phone"])
    if phone is None:
        shown = plain(row["phone"], 30) or "empty"
        problems.append(f"phone: {shown!r} is not a phone number (UK 07..., or +country code)")
    email = row.get("email", "")
    if email_problem(email):
        problems.append(f"email: {plain(email, 40)!r} does not look like an email address")
    code = row.get("member_code", "")
    if code and (len(code) > CODE_MAX or not _CODE.match(code)):
        problems.append(
            f"member_code: {plain(code, 30)!r} must be letters, digits and dashes "
            f"(at most {CODE_MAX})"
        )
    pack = None
    see_trainer, note, joined, terms = False, "", None, ""
    agreed: datetime | None = None
    try:
        pack = _pack(row)
    except BadCell as e:
        problems.append(str(e))
    try:
        see_trainer = _in_column("see_trainer", parse_yes, row.get("see_trainer", ""))
        note = _free_text(row.get("see_trainer_note", ""), "see_trainer_note")
        # an older file has no joined column: they join today; an empty cell is "not known"
        joined = _day_or_none(row, "joined") if has_joined else today
        terms = _free_text(row.get("terms_version", ""), "terms_version")
        agreed_text = row.get("terms_agreed_at", "")
        if agreed_text:
            agreed = _in_column("terms_agreed_at", parse_moment, agreed_text)
    except BadCell as e:
        problems.append(str(e))
    if problems or phone is None:
        raise BadCell("; ".join(problems))
    member = Member(
        code=tidy_code(code),
        first_name=tidy_name(first),
        last_name=tidy_name(last),
        phone=phone,
        email=tidy_email(email),
        see_trainer=see_trainer,
        see_trainer_note=note,
        joined=joined,
        terms_version=terms,
        terms_agreed_at=agreed,
    )
    return member, pack


def read_visits_csv(
    text: str,
    tz: tzinfo,
    today: date,
    known_codes: Set[str],
    existing: Set[tuple[str, datetime]] = frozenset(),
    taken_ids: Set[str] = frozenset(),
) -> VisitsFile:
    """Visits brought over from paper, other software or another kiosk's export.

    `known_codes` are the store's member codes; `existing` is (code, time) of visits already
    recorded and `taken_ids` their ids, so importing the same file twice is refused rather than
    doubling history.
    """
    out = VisitsFile()
    table = Table(out.problems)
    seen: dict[tuple[str, datetime], int] = {}
    seen_ids: dict[str, int] = {}
    by_key = {code_key(c): c for c in known_codes}
    for line, row in read_rows(text, VISIT_COLUMNS, VISIT_REQUIRED, EXACT, table):
        out.rows += 1
        try:
            visit = _visit_row(row, tz, today, by_key, "flags" in table.columns)
            key = (visit.member_code, visit.at)
            given_id = row.get("id", "")
            if (visit.member_code and key in existing) or (given_id and given_id in taken_ids):
                raise BadCell("this visit is already in the store (same member, same time)")
            if visit.member_code and key in seen:
                raise BadCell(f"the same visit as line {seen[key]}")
            if given_id and given_id in seen_ids:
                raise BadCell(f"id: {given_id} is already used on line {seen_ids[given_id]}")
        except BadCell as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
        seen[key] = line
        if given_id:
            seen_ids[given_id] = line
        out.visits.append(visit)
    out.missing_columns = _missing(table, VISIT_COLUMNS)
    return out


def _offset(text: str) -> tzinfo:
    m = _OFFSET.match(text)
    if m is None or int(m[3]) > 59 or int(m[2]) > 23:
        raise BadCell(f"utc_offset: {plain(text, 20)!r} is not an offset (UTC+01:00)")
    minutes = int(m[2]) * 60 + int(m[3])
    return timezone(timedelta(minutes=-minutes if m[1] == "-" else minutes))


def _offset_text(at: datetime) -> str:
    offset = at.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _flags(text: str) -> frozenset[VisitFlag]:
    flags: set[VisitFlag] = set()
    for name in text.split():
        flag = _FLAGS.get(name.casefold())
        if flag is None:
            known = ", ".join(_FLAGS)
            raise BadCell(f"flags: {plain(name, 30)!r} is not a visit flag ({known})")
        flags.add(flag)
    return frozenset(flags)


def _visit_row(
    row: Mapping[str, str], tz: tzinfo, today: date, codes: dict[str, str], has_flags: bool
) -> Visit:
    from kiosk.core.no_shows import MISSED_FLAGS  # here: it loads the bookings rules

    given = row["member_code"]
    visit_id = _an_id(row["id"], "id") if row.get("id") else ""
    if given:
        code = codes.get(code_key(given))
        if code is None:
            raise BadCell(f"member_code: no member {plain(given, 30)!r} in the store")
    elif visit_id:
        code = ""  # an erased member's visit, kept without their name
    else:
        raise BadCell("member_code: missing")
    if not row["date"]:
        raise BadCell("date: missing")
    day = _day_or_none(row, "date")
    assert day is not None
    if day > today:
        raise BadCell(f"date: {day.isoformat()} is in the future")
    at_time = _in_column("time", parse_clock, row["time"]) if row.get("time") else NOON
    flags = _flags(row.get("flags", "")) if has_flags else frozenset({VisitFlag.IMPORTED})
    kind: PackKind | None
    try:
        if row.get("kind"):
            kind = _kind(row["kind"])
        else:
            # most history brought over is EMS sessions: without a kind it counts as one; a
            # missed booking's visit has none, so it never counts as their last EMS session
            kind = None if flags & MISSED_FLAGS else PackKind.EMS
    except BadCell as e:
        raise BadCell(f"kind: {e}") from None
    zone = _offset(row["utc_offset"]) if row.get("utc_offset") else tz
    at = datetime.combine(day, at_time).replace(tzinfo=zone)
    at = at.astimezone(zone)  # a ZoneInfo gives the right summer/winter offset for that day
    pack_id = _an_id(row["pack_id"], "pack_id") if row.get("pack_id") else None
    note = _free_text(row.get("note", ""), "note")
    return Visit(visit_id or new_visit_id(at), code, at, kind, pack_id, flags, note)


def members_csv(members: Iterable[Member], *, excel: bool = False) -> str:
    """One row per pack (a member without a pack: one row with no pack), importable again."""
    rows: list[list[str]] = []
    for m in members:
        phone = phone_for_excel(m.phone) if excel else m.phone
        agreed = m.terms_agreed_at.isoformat() if m.terms_agreed_at else ""
        person = [guard(m.first_name), guard(m.last_name), phone, guard(m.email), guard(m.code)]
        about = [
            yes_text(m.see_trainer),
            guard(m.see_trainer_note),
            _day_text(m.joined),
            guard(m.terms_version),
            agreed,
        ]
        for p in m.packs or (None,):
            if p is None:
                rows.append([*person, "", "", "", "", "", "", *about])
                continue
            pack = [str(p.kind), str(p.sessions_left), _day_text(p.expires)]
            pack += [str(p.sessions_bought), guard(p.id), _day_text(p.bought)]
            rows.append([*person, *pack, *about])
    return write_rows(MEMBER_COLUMNS, rows, excel=excel)


def _day_text(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def visits_csv(visits: Iterable[Visit], *, excel: bool = False) -> str:
    """One row per visit: code (empty once erased), local date and time, kind, flags, the UTC
    offset of that time, and the visit's id, pack and note."""
    rows = [
        [
            guard(v.member_code),
            v.at.date().isoformat(),
            clock_text(v.at.time()),
            str(v.kind) if v.kind else "",
            " ".join(sorted(str(f) for f in v.flags)),
            _offset_text(v.at),
            guard(v.id),
            guard(v.pack_id or ""),
            guard(v.note),
        ]
        for v in visits
    ]
    return write_rows(VISIT_COLUMNS, rows, excel=excel)
