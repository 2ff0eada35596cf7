"""Members and visits in CSV files: reading them for an import, writing them for an export.

API (pure: text in, values out; kiosk/cli.py reads and writes the files):
    read_members_csv(text, today, taken_codes=set(), taken_phones=set()) -> MembersFile
    read_visits_csv(text, tz, today, known_codes, existing=set()) -> VisitsFile
    members_csv(members) -> str;  visits_csv(visits) -> str
    MembersFile.members / VisitsFile.visits: the good rows; .problems: [LineProblem(line, text)]

Members: first_name, last_name, phone (required); email, member_code, pack_kind, pack_sessions,
pack_expires (optional; pack_sessions_bought too, which export writes). One row per pack: a
member with two packs is two rows with the same code, name and phone. A code or phone already
used by a different person, in the file or in the store, is a problem. Visits: member_code, date
(2026-11-23 or 23/11/2026), time (optional, 24-hour), kind (optional: EMS, PT or Pilates; EMS
when the column or the cell is empty, so imported EMS history counts for the 4-day rule and the
first-EMS flag); flags is export-only.
Line numbers are the file's own, the header being line 1.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, tzinfo

from kiosk.core.checkin import new_visit_id
from kiosk.core.lookup import code_key, plain
from kiosk.core.member_details import tidy_code, tidy_email, tidy_name
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.packs import SESSIONS_MAX, new_pack_id, pack_problem, sessions_of
from kiosk.core.phone import normalise_phone
from kiosk.core.registration import email_problem, name_problem, new_member_code

MEMBER_COLUMNS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "member_code",
    "pack_kind",
    "pack_sessions",
    "pack_expires",
    "pack_sessions_bought",
)
MEMBER_REQUIRED = ("first_name", "last_name", "phone")
VISIT_COLUMNS = ("member_code", "date", "time", "kind", "flags")
VISIT_REQUIRED = ("member_code", "date")
CODE_MAX = 20
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
NOON = time(12, 0)  # a visit from paper with no time


@dataclass(frozen=True)
class LineProblem:
    line: int  # 0: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class MembersFile:
    members: list[Member] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)


@dataclass
class VisitsFile:
    visits: list[Visit] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)
    rows: int = 0
    skipped_lines: list[int] = field(default_factory=list)


class _BadRow(ValueError):
    pass


class _Keys:
    """Codes in use, compared as code_key gives them."""

    def __init__(self, *sets: Set[str]) -> None:
        self._sets = sets

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and any(code_key(code) in s for s in self._sets)


def _rows(
    text: str, known: tuple[str, ...], required: tuple[str, ...], problems: list[LineProblem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) per data row; header problems stop the file."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as e:
        problems.append(LineProblem(1, f"cannot read the header: {e}"))
        return
    if header is None:
        problems.append(LineProblem(0, "the file is empty (it needs a header line)"))
        return
    names = [h.strip().lower() for h in header]
    unknown = [plain(n, 30) for n in names if n not in known]
    missing = [n for n in required if n not in names]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if unknown:
        problems.append(
            LineProblem(
                1,
                f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(known)}",
            )
        )
    if missing:
        problems.append(LineProblem(1, f"missing column(s) {', '.join(missing)}"))
    if doubled:
        problems.append(LineProblem(1, f"column(s) {', '.join(doubled)} given twice"))
    if unknown or missing or doubled:
        return
    while True:
        line = reader.line_num + 1  # where this row starts: a quoted value may span lines
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(LineProblem(line, f"cannot read this line: {e}"))
            return
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not rows
        if len(row) != len(names):
            problems.append(LineProblem(line, f"has {len(row)} values for {len(names)} columns"))
            continue
        yield line, {n: cell.strip() for n, cell in zip(names, row, strict=True)}


def parse_day(text: str) -> date:
    """2026-11-23 or 23/11/2026 (the UK order)."""
    uk = _UK_DATE.match(text)
    try:
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise _BadRow(f"{plain(text, 30)!r} is not a date (use 2026-11-23 or 23/11/2026)") from None


def _parse_time(text: str) -> time:
    m = _TIME.match(text)
    try:
        if m:
            return time(int(m[1]), int(m[2]), int(m[3] or 0))
    except ValueError:
        pass
    raise _BadRow(f"time: {plain(text, 30)!r} is not a time of day (use 14:30)")


def _kind(text: str) -> PackKind:
    for kind in PackKind:
        if text.casefold() == kind.value.casefold():
            return kind
    raise _BadRow(f"{plain(text, 30)!r} is not a pack kind (EMS, PT or Pilates)")


def _sessions(text: str, column: str) -> int:
    sessions = sessions_of(text)
    if sessions is None:
        shown = plain(text, 30)
        raise _BadRow(f"{column}: {shown!r} is not a number of sessions (0 to {SESSIONS_MAX})")
    return sessions


def _pack(row: dict[str, str]) -> Pack | None:
    kind_text = row.get("pack_kind", "")
    sessions_text = row.get("pack_sessions", "")
    expires_text = row.get("pack_expires", "")
    bought_text = row.get("pack_sessions_bought", "")
    if not kind_text:
        if sessions_text or expires_text or bought_text:
            raise _BadRow("pack_kind: missing, but the row has other pack columns")
        return None
    try:
        kind = _kind(kind_text)
    except _BadRow as e:
        raise _BadRow(f"pack_kind: {e}") from None
    if not sessions_text:
        raise _BadRow("pack_sessions: missing (how many sessions are left on the pack)")
    left = _sessions(sessions_text, "pack_sessions")
    bought = _sessions(bought_text, "pack_sessions_bought") if bought_text else left
    if pack_problem(bought, left, new=False):
        raise _BadRow(f"pack_sessions_bought ({bought}) is less than pack_sessions ({left})")
    try:
        expires = parse_day(expires_text) if expires_text else None
    except _BadRow as e:
        raise _BadRow(f"pack_expires: {e}") from None
    return Pack(new_pack_id(), kind, bought, left, expires)


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
    by_code: dict[str, tuple[int, Member]] = {}  # code_key -> first line, member so far
    by_phone: dict[str, tuple[int, str]] = {}  # phone -> first line, code_key
    new_codes: set[str] = set()
    order: list[str] = []
    for line, row in _rows(text, MEMBER_COLUMNS, MEMBER_REQUIRED, out.problems):
        out.rows += 1
        try:
            member, pack = _member_row(row, today)
        except _BadRow as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
        given = code_key(member.code) if member.code else ""
        try:
            if given and given in taken_codes:
                raise _BadRow(f"member_code: {member.code} is already in the store")
            if member.phone in taken_phones:
                raise _BadRow(f"phone: {member.phone} already belongs to a member in the store")
            seen = by_code.get(given) if given else None
            if seen is not None and _person(seen[1]) != _person(member):
                raise _BadRow(
                    f"member_code: {member.code} is already used on line {seen[0]} "
                    "for a different person"
                )
            phone_seen = by_phone.get(member.phone)
            if phone_seen is not None and (not given or phone_seen[1] != given):
                raise _BadRow(
                    f"phone: {member.phone} is already used on line {phone_seen[0]} "
                    "(each member needs their own number)"
                )
        except _BadRow as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
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
    return out


def _member_row(row: dict[str, str], today: date) -> tuple[Member, Pack | None]:
    """One row as a member and their pack; _BadRow naming every problem the row has."""
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
    try:
        pack = _pack(row)
    except _BadRow as e:
        problems.append(str(e))
    if problems or phone is None:
        raise _BadRow("; ".join(problems))
    member = Member(
        code=tidy_code(code),
        first_name=tidy_name(first),
        last_name=tidy_name(last),
        phone=phone,
        email=tidy_email(email),
        joined=today,
    )
    return member, pack


def read_visits_csv(
    text: str,
    tz: tzinfo,
    today: date,
    known_codes: Set[str],
    existing: Set[tuple[str, datetime]] = frozenset(),
) -> VisitsFile:
    """Visits brought over from paper or other software, flagged IMPORTED.

    `known_codes` are the store's member codes; `existing` is (code, time) of visits already
    recorded, so importing the same file twice is refused rather than doubling history.
    """
    out = VisitsFile()
    seen: dict[tuple[str, datetime], int] = {}
    by_key = {code_key(c): c for c in known_codes}
    for line, row in _rows(text, VISIT_COLUMNS, VISIT_REQUIRED, out.problems):
        out.rows += 1
        try:
            visit = _visit_row(row, tz, today, by_key)
            key = (visit.member_code, visit.at)
            if key in existing:
                raise _BadRow("this visit is already in the store (same member, same time)")
            if key in seen:
                raise _BadRow(f"the same visit as line {seen[key]}")
        except _BadRow as e:
            out.problems.append(LineProblem(line, str(e)))
            out.skipped_lines.append(line)
            continue
        seen[key] = line
        out.visits.append(visit)
    return out


def _visit_row(row: dict[str, str], tz: tzinfo, today: date, codes: dict[str, str]) -> Visit:
    given = row["member_code"]
    if not given:
        raise _BadRow("member_code: missing")
    code = codes.get(code_key(given))
    if code is None:
        raise _BadRow(f"member_code: no member {plain(given, 30)!r} in the store")
    if not row["date"]:
        raise _BadRow("date: missing")
    try:
        day = parse_day(row["date"])
    except _BadRow as e:
        raise _BadRow(f"date: {e}") from None
    if day > today:
        raise _BadRow(f"date: {day.isoformat()} is in the future")
    at_time = _parse_time(row["time"]) if row.get("time") else NOON
    try:
        # most history brought over is EMS sessions: without a kind it counts as one
        kind = _kind(row["kind"]) if row.get("kind") else PackKind.EMS
    except _BadRow as e:
        raise _BadRow(f"kind: {e}") from None
    at = datetime.combine(day, at_time).replace(tzinfo=tz)
    at = at.astimezone(tz)  # a ZoneInfo gives the right summer/winter offset for that day
    return Visit(new_visit_id(at), code, at, kind, None, frozenset({VisitFlag.IMPORTED}))


def _write(header: tuple[str, ...], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _cell(text: str) -> str:
    # a cell starting = + - @ is a formula to a spreadsheet: a name must never run as one
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def members_csv(members: Iterable[Member]) -> str:
    """One row per pack (a member without a pack: one row with no pack), importable again."""
    rows: list[list[str]] = []
    for m in members:
        person = [_cell(m.first_name), _cell(m.last_name), m.phone, _cell(m.email), m.code]
        for p in m.packs or (None,):
            if p is None:
                rows.append([*person, "", "", "", ""])
                continue
            expires = p.expires.isoformat() if p.expires else ""
            left, bought = str(p.sessions_left), str(p.sessions_bought)
            rows.append([*person, str(p.kind), left, expires, bought])
    return _write(MEMBER_COLUMNS, rows)


def visits_csv(visits: Iterable[Visit]) -> str:
    """One row per visit: code (empty once erased), local date and time, kind, flags."""
    rows = [
        [
            v.member_code,
            v.at.date().isoformat(),
            v.at.strftime("%H:%M:%S"),
            str(v.kind) if v.kind else "",
            " ".join(sorted(str(f) for f in v.flags)),
        ]
        for v in visits
    ]
    return _write(VISIT_COLUMNS, rows)
