"""The owner's figures: visits per week, active members, who to call and why, busiest hours.

API:
    reading_from(today, since=None) -> date     # the first day of visits `insights` needs
    insights(members, visits, today, since=None, last_seen={}) -> Insights
    calls_csv(calls) -> str                     # name, phone, member code, why, what to say
    figure_lines(insights) -> list[str]         # the figures in words

Fed plain records (members, the visits from `reading_from` to today, and for members with no
visit among them, their latest visit before if known); the clock's `today` is passed in. Staff
mode (kiosk/ui/screens/staff_insights.py) and `kiosk report` (kiosk/cli.py) both show this.
"""

from __future__ import annotations

import csv
import io
from abc import abstractmethod
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from heapq import merge
from itertools import accumulate
from operator import itemgetter
from typing import NamedTuple, overload

from kiosk.core.csvcells import guard as formula_safe
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.phone import phone_for_excel

WEEKS = 26
ACTIVE_DAYS = 30  # a member with a visit in the last 30 days is active
LAPSED_DAYS = (30, 60, 90)
LOW_SESSIONS = 2
EXPIRY_DAYS = 14
FIRST_EMS_WAIT_DAYS = 7  # a first EMS client is "not back" only after a week without a visit
KINDS: tuple[str, ...] = (*(str(k) for k in PackKind), "Other")
# recorded at closing for a booking nobody came to: not a visit to the studio
NOT_THERE = frozenset({VisitFlag.NO_SHOW, VisitFlag.LATE_CANCEL})
CSV_COLUMNS = ("name", "phone", "member_code", "why", "what_to_say")


@dataclass(frozen=True)
class Week:
    start: date  # a Monday
    by_kind: Mapping[str, int]  # KINDS -> visits

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


class Call(NamedTuple):
    """One client to phone: who, why (for staff) and what to say (to the client). A named
    tuple: thousands are made each time Insights opens."""

    code: str
    name: str
    phone: str  # as a UK owner dials it: 07700 900123 (others +33 6 12 34 56 78)
    why: str
    say: str
    rank: int = 0  # lower first in the week's calls


@dataclass(frozen=True)
class Insights:
    today: date
    since: date  # the first day counted
    weeks: tuple[Week, ...]
    active: tuple[tuple[date, int], ...]  # (a week's last day, members active then)
    hours: tuple[int, ...]  # visits by hour of the day, 0 to 23
    visits: int  # visits counted (since `since`)
    lapsed: Lapsed
    packs: tuple[Call, ...]
    first_ems: tuple[Call, ...]

    def lists(self) -> dict[str, Sequence[Call]]:
        """Each list by its file-name-like title, the week's calls first."""
        return {
            "call-this-week": self.calls_this_week(),
            "lapsed": self.lapsed,
            "packs": self.packs,
            "first-ems-not-back": self.first_ems,
        }

    def calls_this_week(self) -> Sequence[Call]:
        """One line a member, most urgent first: first EMS not back, packs ending or running
        low, and members lapsed 30 to 59 days (still easy to win back); longer lapses are in
        `lapsed` only. The lapsed members' lines are worded when first read, as in `lapsed`:
        hundreds may be on the list, and a screen shows fifty."""
        lapsed = self.lapsed
        best: dict[str, Call] = {}
        for call in (*self.first_ems, *self.packs):
            _one_line(best, call)
        rest: list[int] = []  # lapsed members on no other list: their line as it is
        for n in range(lapsed.count_under(LAPSED_DAYS[1])):
            if lapsed.key(n)[2] in best:
                _one_line(best, lapsed[n])
            else:
                rest.append(n)
        first: list[Call | int] = [*sorted(best.values(), key=_urgency)]

        def urgency(row: Call | int) -> tuple[int, str, str]:
            return _urgency(row) if isinstance(row, Call) else lapsed.key(row)

        # both in order of urgency: merged by it, without wording the lapsed lines
        return WeekCalls(list(merge(first, rest, key=urgency)), lapsed)

    def busiest_hours(self, count: int = 3) -> list[tuple[int, int]]:
        """The busiest hours as (hour, visits), busiest first; hours with no visits left out."""
        ranked = sorted(((n, -h) for h, n in enumerate(self.hours) if n), reverse=True)
        return [(-h, n) for n, h in ranked[:count]]


_FIRST_EMS_RANK = 0
_PACK_RANK = 100
_LAPSED_RANK = 1000  # + days since the last visit


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def default_since(today: date) -> date:
    """The Monday WEEKS - 1 weeks before this week's: WEEKS weeks, this one included."""
    return week_start(today) - timedelta(weeks=WEEKS - 1)


def reading_from(today: date, since: date | None = None) -> date:
    """The first day of visits `insights` needs: the active count of the first week looks
    back ACTIVE_DAYS, and a lapse of up to 90 days is seen from the visits themselves."""
    first = since or default_since(today)
    return min(first - timedelta(days=ACTIVE_DAYS - 1), today - timedelta(days=LAPSED_DAYS[-1]))


def insights(
    members: Iterable[Member],
    visits: Iterable[Visit],
    today: date,
    since: date | None = None,
    last_seen: Mapping[str, datetime] | None = None,
) -> Insights:
    """Every figure, from the visits since `reading_from(today, since)` (older ones are
    ignored) and `last_seen`: members' latest visit before those (None: not known, so a
    member with none since is "not seen for over N days")."""
    since = since or default_since(today)
    first_read = reading_from(today, since)
    members = list(members)
    there: Dated = []  # the visits read, no-shows left out
    counted: Dated = []  # ... of them, those since `since`
    latest: dict[str, datetime] = dict(last_seen or {})
    for v in visits:  # one pass: tens of thousands of visits
        when = v.at
        day = when.date()
        if not first_read <= day <= today or (v.flags and v.flags & NOT_THERE):
            continue
        dated = (day, v)
        there.append(dated)
        if day >= since:
            counted.append(dated)
        code = v.member_code
        if code and (code not in latest or when > latest[code]):
            latest[code] = when
    return Insights(
        today=today,
        since=since,
        weeks=_weeks(counted, since, today),
        active=_active(there, since, today),
        hours=_hours(counted),
        visits=len(counted),
        lapsed=_lapsed(members, latest, today, None if last_seen is not None else first_read),
        packs=_packs(members, counted, today),
        first_ems=_first_ems(members, counted, latest, today),
    )


# a visit's kind as the figures name it (str() of an enum, thousands of times, is slow)
_KIND_NAMES: dict[PackKind | None, str] = {**{k: str(k) for k in PackKind}, None: "Other"}


Dated = list[tuple[date, Visit]]  # each visit with its (local) day, worked out once


def _weeks(visits: Dated, since: date, today: date) -> tuple[Week, ...]:
    first = week_start(since)
    starts = [first + timedelta(weeks=n) for n in range((today - first).days // 7 + 1)]
    counts: list[Counter[str]] = [Counter() for _ in starts]
    base = first.toordinal()
    for day, v in visits:
        counts[(day.toordinal() - base) // 7][_KIND_NAMES[v.kind]] += 1
    return tuple(Week(s, {k: c[k] for k in KINDS}) for s, c in zip(starts, counts, strict=True))


def _active(visits: Dated, since: date, today: date) -> tuple[tuple[date, int], ...]:
    """For each week from `since`: members with a visit in the ACTIVE_DAYS up to its last day
    (today for this week)."""
    first = week_start(since)
    ends = [
        min(first + timedelta(weeks=n, days=6), today) for n in range((today - first).days // 7 + 1)
    ]
    last_days = [end.toordinal() for end in ends]  # whole numbers: compared thousands of times
    days: dict[str, list[int]] = defaultdict(list)
    for day, v in visits:
        if v.member_code:
            days[v.member_code].append(day.toordinal())
    # the first week ending on or after each day a visit can be on, and ACTIVE_DAYS after it:
    # looked up, not searched for, thousands of times
    base = min((d for seen in days.values() for d in seen), default=last_days[0])
    week_from = [
        bisect_left(last_days, d) for d in range(base, today.toordinal() + ACTIVE_DAYS + 1)
    ]
    # each member adds 1 to the weeks whose last day is within ACTIVE_DAYS after a visit of
    # theirs: runs of weeks, added as +1 at a run's start and -1 after its end
    change = [0] * (len(ends) + 1)
    for seen in days.values():
        counted = 0  # weeks before this one already count this member
        for number in sorted(seen):
            first_week = max(week_from[number - base], counted)
            after = week_from[number - base + ACTIVE_DAYS]
            if after > first_week:
                change[first_week] += 1
                change[after] -= 1
                counted = after
    active = list(accumulate(change))[:-1]
    return tuple(zip(ends, active, strict=True))


def _hours(visits: Dated) -> tuple[int, ...]:
    counts = [0] * 24
    for _, v in visits:
        counts[v.at.hour] += 1
    return tuple(counts)


def usable(pack: Pack, today: date) -> bool:
    return pack.sessions_left > 0 and (pack.expires is None or pack.expires >= today)


def _name(member: Member) -> str:
    return f"{member.first_name} {member.last_name}"


def _call(member: Member, why: str, say: str, rank: int) -> Call:
    return Call(member.code, _name(member), phone_for_excel(member.phone), why, say, rank)


@cache  # thousands of calls, a few hundred days: strftime is slow
def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _sessions(n: int) -> str:
    return f"{n} session{'' if n == 1 else 's'}"


def _left_on(packs: list[Pack]) -> str:
    """ "6 EMS sessions left (until Mon 1 Mar)" for each pack with sessions left."""
    return ", ".join(_pack_left(p.sessions_left, p.kind, p.expires) for p in packs)


@cache  # many members hold the same pack: the same words
def _pack_left(left: int, kind: PackKind, expires: date | None) -> str:
    until = f" (until {_day(expires)})" if expires else ""
    return f"{left} {kind} session{'' if left == 1 else 's'} left{until}"


_urgency = itemgetter(5, 1, 0)  # a Call's rank, name and code


def _one_line(best: dict[str, Call], call: Call) -> None:
    """The call added to `best`, one line a member with every reason on it."""
    had = best.get(call.code)
    if had is None:
        best[call.code] = call
    elif call.why not in had.why:
        first, second = sorted((had, call), key=lambda c: c.rank)
        best[call.code] = Call(
            first.code,
            first.name,
            first.phone,
            f"{first.why}; {second.why}",
            f"{first.say} {second.say}",
            first.rank,
        )


# rank, name, code, member, their usable packs, last visit or joining day (None: unknown),
# whether that day is their joining day
Lapse = tuple[int, str, str, Member, list[Pack], date | None, bool]


class LazyCalls(Sequence[Call]):
    """Calls read as a list's items (an index from the end, a slice), each line got by
    `_row` only when read."""

    @overload
    def __getitem__(self, n: int) -> Call: ...

    @overload
    def __getitem__(self, n: slice) -> Sequence[Call]: ...

    def __getitem__(self, n: int | slice) -> Call | Sequence[Call]:
        if isinstance(n, slice):
            return [self._row(k) for k in range(*n.indices(len(self)))]
        if n < 0:  # from the end, as a list's
            n += len(self)
            if n < 0:
                raise IndexError("index out of range")
        return self._row(n)

    @abstractmethod
    def _row(self, n: int) -> Call:
        """The line at `n`, not negative; IndexError past the end."""


class Lapsed(LazyCalls):
    """The lapsed members as calls, shortest lapse first. Each line's words are made when it
    is first read: thousands of members may have lapsed, and a screen shows a hundred."""

    def __init__(self, found: list[Lapse]) -> None:
        self._found = sorted(found, key=itemgetter(0, 1, 2))
        self._made: dict[int, Call] = {}
        self.history: date | None = None  # the first day of the visits given, if not all

    def __len__(self) -> int:
        return len(self._found)

    def _row(self, n: int) -> Call:
        made = self._made.get(n)
        if made is None:
            made = self._made[n] = self._words(*self._found[n])
        return made

    def lapsed_under(self, days: int) -> Sequence[Call]:
        """The calls of members lapsed fewer than `days` days."""
        return self[: self.count_under(days)]

    def count_under(self, days: int) -> int:
        """How many members lapsed fewer than `days` days (the first ones)."""
        return bisect_left(self._found, _LAPSED_RANK + days, key=itemgetter(0))

    def key(self, n: int) -> tuple[int, str, str]:
        """The nth line's rank, name and code (its place in a list), without its words."""
        return self._found[n][:3]

    def _words(
        self,
        rank: int,
        _: str,
        __: str,
        m: Member,
        packs: list[Pack],
        known: date | None,
        joined: bool,
    ) -> Call:
        days = rank - _LAPSED_RANK
        if known is None and self.history is None:
            for_days, since = "on record", "for a while"
        elif known is None:  # their last visit, if any, is before the visits given
            for_days, since = f"for over {days} days", "for a while"
        elif joined:
            for_days, since = f"for {days} days", f"since joining on {_day(known)}"
        else:
            for_days, since = f"for {days} days", f"since {_day(known)}"
        step = next(s for s in reversed(LAPSED_DAYS) if days >= s)
        left = _left_on(packs)
        why = f"no visit {for_days} ({step}+), {left}"
        say = f"We have not seen you {since}. You have {left}: shall we book your next one?"
        return _call(m, why, say, rank)


class WeekCalls(LazyCalls):
    """The week's calls: rows made already, or the number of a line of `lapsed`."""

    def __init__(self, rows: list[Call | int], lapsed: Lapsed) -> None:
        self._rows = rows
        self._lapsed = lapsed

    def __len__(self) -> int:
        return len(self._rows)

    def _row(self, n: int) -> Call:
        row = self._rows[n]
        return row if isinstance(row, Call) else self._lapsed[row]


def _lapsed(
    members: list[Member], latest: Mapping[str, datetime], today: date, history: date | None
) -> Lapsed:
    """Members with sessions left on a pack they can use and no visit for 30 days or more.
    `history`: the first day of the visits given, when earlier ones are unknown."""
    found: list[Lapse] = []
    for m in members:
        packs = [
            p
            for p in m.packs
            if p.sessions_left > 0 and (p.expires is None or p.expires >= today)  # usable()
        ]
        if not packs:
            continue
        last = latest.get(m.code)
        known: date | None
        if last is not None:
            known = last.date()
        elif m.joined is not None and (history is None or m.joined >= history):
            known = m.joined
        else:
            known = None
        if known is not None:
            days = (today - known).days
        else:
            days = (today - history).days if history is not None else LAPSED_DAYS[-1]
        if days >= LAPSED_DAYS[0]:
            joined = last is None and known is not None
            found.append((_LAPSED_RANK + days, _name(m), m.code, m, packs, known, joined))
    lapsed = Lapsed(found)
    lapsed.history = history
    return lapsed


def _packs(members: list[Member], visits: Dated, today: date) -> tuple[Call, ...]:
    """Packs ending within EXPIRY_DAYS with sessions left, running low (LOW_SESSIONS or
    fewer), or used up in the period; not when the member already has another pack of that
    kind to go on with."""
    used: dict[str, date] = {}  # pack id -> the day of its last session
    for day, v in visits:
        if v.pack_id and day >= used.get(v.pack_id, day):
            used[v.pack_id] = day
    soon = today + timedelta(days=EXPIRY_DAYS)
    out: list[Call] = []
    for m in members:
        for p in m.packs:
            if p.expires is not None and p.expires < today:
                continue
            if p.sessions_left > LOW_SESSIONS and (p.expires is None or p.expires > soon):
                continue  # nothing to say about it (most packs: checked before the others)
            if any(
                o.id != p.id
                and o.kind == p.kind
                and usable(o, today)
                and o.sessions_left > LOW_SESSIONS
                and (o.expires is None or o.expires > soon)
                for o in m.packs
            ):
                continue
            ending = p.sessions_left > 0 and p.expires is not None and p.expires <= soon
            if ending:
                assert p.expires is not None
                left = _sessions(p.sessions_left)
                why = f"{p.kind} pack ends {_day(p.expires)} with {left} left"
                say = (
                    f"Your {p.kind} pack ends on {_day(p.expires)} with {left} left: "
                    "let's book them in before then."
                )
                rank = _PACK_RANK + (p.expires - today).days
            elif 0 < p.sessions_left <= LOW_SESSIONS:
                left = _sessions(p.sessions_left)
                why = f"{left} left on {p.kind} pack"
                say = f"You have {left} left on your {p.kind} pack: would you like to renew it?"
                rank = _PACK_RANK + EXPIRY_DAYS + p.sessions_left
            elif p.sessions_left == 0 and p.id in used:
                why = f"{p.kind} pack used up (last session {_day(used[p.id])})"
                say = f"Your {p.kind} pack is used up: shall we set up a new one?"
                rank = _PACK_RANK + EXPIRY_DAYS
            else:
                continue
            out.append(_call(m, why, say, rank))
    return tuple(sorted(out, key=_urgency))


def _first_ems(
    members: list[Member], visits: Dated, latest: Mapping[str, datetime], today: date
) -> tuple[Call, ...]:
    """Clients whose first EMS session was in the period, a week or more ago, with no visit
    since."""
    by_code = {m.code: m for m in members}
    cutoff = today - timedelta(days=FIRST_EMS_WAIT_DAYS)
    out: list[Call] = []
    for day, v in visits:
        if VisitFlag.FIRST_EMS not in v.flags or day > cutoff:
            continue
        member = by_code.get(v.member_code)
        if member is None:
            continue
        if latest.get(v.member_code, v.at) > v.at:
            continue  # they came back
        days = (today - day).days
        why = f"first EMS on {_day(day)}, not back since ({days} days)"
        say = (
            f"How did you feel after your first EMS session on {day}? Shall we book your next one?"
        )
        out.append(_call(member, why, say, _FIRST_EMS_RANK + days))
    return tuple(sorted(out, key=_urgency))


def figure_lines(found: Insights) -> list[str]:
    """The figures in words, under the charts (and in `kiosk report`)."""
    weeks = found.weeks
    this = weeks[-1] if weeks else None
    lines = [f"{found.visits} visits from {found.since:%d %b %Y} to {found.today:%d %b %Y}."]
    if this is not None:
        kinds = ", ".join(f"{k} {n}" for k, n in this.by_kind.items() if n)
        lines.append(f"This week so far: {this.total} visits" + (f" ({kinds})." if kinds else "."))
    if len(weeks) > 1:
        lines.append(f"Last week: {weeks[-2].total} visits.")
    if found.active:
        lines.append(f"Active members now (a visit in the last 30 days): {found.active[-1][1]}.")
    busiest = found.busiest_hours()
    if busiest:
        hours = ", ".join(f"{h:02d}:00-{h + 1:02d}:00 ({n})" for h, n in busiest)
        lines.append(f"Busiest hours: {hours}.")
    return lines


def calls_csv(calls: Iterable[Call]) -> str:
    """A list to phone from, as CSV (UTF-8, a header row; no cell runs as a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in calls:
        writer.writerow([formula_safe(cell) for cell in (c.name, c.phone, c.code, c.why, c.say)])
    return buffer.getvalue()
