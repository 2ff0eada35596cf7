"""Bookings: the studio's appointments, read from its calendar (iCalendar, RFC 5545), matched to
members, and the rules check-in and staff mode apply to them.

API:
    bookings = parse_calendar(text, today, policy)      # CalendarError names the line or UID
    bookings = match_bookings(bookings, MemberDirectory(members), hand={key: code})
    check_booking(day_bookings, code, now, policy) -> BookingCheck   # at check-in
    booking_today(day_bookings, code, now) -> Booking | None          # closest to now
    free_slots(day_bookings, now, hours, policy) -> list[datetime]    # EMS slots still free
    free_slots_text(slots) -> "Free today: 14:00, 16:30"
    days_to_settle(now, hours, settled_through) -> list[date]         # no-shows due
    missed_on(day, bookings, visits, policy) -> list[Missed]          # no-shows, late cancels
    day_schedule(day_bookings, visits, now, hours, policy) -> list[ScheduleLine]
    new_booking(...), moved(booking, start, end), cancelled(booking, now)  # the kiosk's own

Parsing uses icalendar, recurring-ical-events (repeats, EXDATE, moved occurrences) and
x-wr-timezone (Google's X-WR-TIMEZONE), imported only when a calendar is parsed so the kiosk's
start does not pay for them. Times are kept as aware datetimes in Europe/London; floating times
are the studio's local time. Windows zone names (Outlook's "GMT Standard Time") are read from
the file's VTIMEZONE or, without one, mapped to their IANA zone by icalendar.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.lookup import code_key, fold, plain
from kiosk.core.members import Member, PackKind, Visit
from kiosk.core.phone import digits_of, normalise_phone
from kiosk.core.studio import BookingPolicy, OpeningHours

if TYPE_CHECKING:
    from icalendar import Calendar, Component

LONDON = ZoneInfo("Europe/London")
BACK_DAYS = 7  # bookings kept from this many days ago (for no-shows found at start-up)
AHEAD_DAYS = 60
SUMMARY_MAX = 120
PLACE_MAX = 60
FACTS_MAX = 40  # match facts kept per unmatched booking, at most
FREE_SLOTS_SHOWN = 4


class CalendarError(Exception):
    """A calendar that cannot be read: the message names the line or the event's UID."""


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class Source(StrEnum):
    CALENDAR = "calendar"  # from `kiosk bookings sync` or `import`: replaced by the next sync
    KIOSK = "kiosk"  # added by staff: no sync ever removes it


class MatchRule(StrEnum):
    NONE = ""
    CODE = "code"
    EMAIL = "email"
    PHONE = "phone"
    NAME = "name"
    HAND = "hand"  # matched by staff, remembered for the next sync
    KIOSK = "kiosk"  # a booking staff made for a member


@dataclass(frozen=True)
class Booking:
    """One appointment. `key` is stable across syncs: the UID, and for a repeat the original
    start of that occurrence (its RECURRENCE-ID), so a moved occurrence keeps its key."""

    key: str
    start: datetime  # aware, Europe/London
    end: datetime
    kind: PackKind | None = None  # None when the title names no kind
    summary: str = ""  # the event's title, for staff only: it may hold a client's name
    trainer: str = ""
    room: str = ""
    member_code: str | None = None
    status: BookingStatus = BookingStatus.BOOKED
    cancelled_at: datetime | None = None
    source: Source = Source.CALENDAR
    matched_by: MatchRule = MatchRule.NONE
    # what matching needs, kept only while the booking is unmatched
    code_keys: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def day(self) -> date:
        return self.start.astimezone(LONDON).date()

    @property
    def booked(self) -> bool:
        return self.status is BookingStatus.BOOKED

    def words(self) -> str:
        """ "Your EMS session at 10:30 with Tom, suit room 1" """
        what = f"Your {self.kind} session" if self.kind else "Your session"
        text = f"{what} at {self.start.astimezone(LONDON):%H:%M}"
        if self.trainer:
            text += f" with {self.trainer}"
        if self.room:
            text += f", {self.room}"
        return text


# -- reading a calendar ----------------------------------------------------------------------


def window(
    today: date, back_days: int = BACK_DAYS, ahead_days: int = AHEAD_DAYS
) -> tuple[datetime, datetime]:
    """The bookings kept: from midnight `back_days` ago to the end of `ahead_days` ahead."""
    first = today - timedelta(days=back_days)
    last = today + timedelta(days=ahead_days + 1)
    return (
        datetime.combine(first, time(), tzinfo=LONDON),
        datetime.combine(last, time(), tzinfo=LONDON),
    )


def parse_calendar(
    text: str,
    today: date,
    policy: BookingPolicy,
    *,
    back_days: int = BACK_DAYS,
    ahead_days: int = AHEAD_DAYS,
) -> list[Booking]:
    """Every timed booking in the window, sorted by start; all-day events are left out.

    All or nothing: any problem raises CalendarError naming the line or the event's UID."""
    event_lines = _check_structure(text)
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as e:  # icalendar raises ValueError and friends with its own words
        raise CalendarError(f"not a readable iCalendar file: {_first_line(e)}") from e
    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    if len(events) != len(event_lines):  # cannot happen after _check_structure; be sure
        raise CalendarError("the file's events could not be told apart")
    series: set[str] = set()
    for event, line in zip(events, event_lines, strict=True):
        uid = _check_event(event, line)
        if any(k in event for k in ("RRULE", "RDATE", "RECURRENCE-ID")):
            series.add(uid)
    floating = _floating_zone(calendar)
    start, end = window(today, back_days, ahead_days)
    reader = _Reader(policy, floating)
    found: dict[str, Booking] = {}
    for event in events:
        uid = str(event["UID"])
        if uid in series:
            continue
        booking = reader.booking(event, uid, None)
        if booking is not None and booking.start < end and booking.end > start:
            found[booking.key] = booking
    if series:
        for event in _occurrences(calendar, series, start, end, event_lines):
            uid = str(event["UID"])
            booking = reader.booking(event, uid, event.get("RECURRENCE-ID"))
            if booking is not None:
                found[booking.key] = booking
    return sorted(found.values(), key=lambda b: (b.start, b.key))


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:200] if text else type(error).__name__


def _check_structure(text: str) -> list[int]:
    """The line of each event's BEGIN:VEVENT; CalendarError for a file that is not iCalendar,
    is cut short, or has a line that is not NAME:value."""
    stack: list[tuple[str, int]] = []
    events: list[int] = []
    uid = ""
    seen_calendar = False
    logical = ""
    logical_no = 0

    def finish(line: str, number: int) -> None:
        nonlocal uid, seen_calendar
        if ":" not in line:
            raise CalendarError(
                f"line {number}: {line[:40]!r} is not an iCalendar line (NAME:value)"
                + ("" if seen_calendar else "; is this an .ics calendar file?")
            )
        head = line[:6].upper()
        if head.startswith("BEGIN:"):
            name = line[6:].strip().upper()
            if not stack:
                if name != "VCALENDAR" or seen_calendar:
                    why = "a second calendar" if seen_calendar else f"BEGIN:{name}"
                    raise CalendarError(
                        f"line {number}: {why} where the file should start with BEGIN:VCALENDAR"
                    )
                seen_calendar = True
            elif name == "VEVENT" and len(stack) == 1:
                events.append(number)
                uid = ""
            stack.append((name, number))
        elif head.startswith("END:"):
            name = line[4:].strip().upper()
            if not stack or stack[-1][0] != name:
                opened = (
                    f" (BEGIN:{stack[-1][0]} is open from line {stack[-1][1]})" if stack else ""
                )
                raise CalendarError(f"line {number}: END:{name} does not match{opened}")
            stack.pop()
        elif head.startswith("UID:") and len(stack) == 2 and stack[-1][0] == "VEVENT":
            uid = line[4:].strip()
        elif not stack:
            raise CalendarError(
                f"line {number}: {line[:40]!r} is outside BEGIN:VCALENDAR ... END:VCALENDAR"
            )

    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.removesuffix("\r")
        if line[:1] in (" ", "\t"):
            if not logical:
                raise CalendarError(f"line {number}: starts with a space but continues nothing")
            logical += line[1:]
            continue
        if logical:
            finish(logical, logical_no)
        logical, logical_no = line, number
        if not line.strip():
            logical = ""
    if logical:
        finish(logical, logical_no)
    if not seen_calendar:
        raise CalendarError("the file is empty: an iCalendar file starts with BEGIN:VCALENDAR")
    if stack:
        name, number = stack[-1]
        which = f" (UID {uid})" if name == "VEVENT" and uid else ""
        raise CalendarError(
            f"the file is cut short: BEGIN:{name} on line {number}{which} has no END:{name}"
        )
    return events


def _check_event(event: Component, line: int) -> str:
    """The event's UID; CalendarError naming it (or its line) when the event is broken."""
    uid = str(event.get("UID", "")).strip()
    where = f"event {uid} (line {line})" if uid else f"the event on line {line}"
    if not uid:
        raise CalendarError(f"{where} has no UID")
    for name, message in event.errors:
        raise CalendarError(f"{where}: {name} cannot be read: {_first_line(Exception(message))}")
    if "DTSTART" not in event:
        raise CalendarError(f"{where} has no start (DTSTART)")
    start = event.decoded("DTSTART")
    if "DTEND" in event:
        end = event.decoded("DTEND")
        if type(start) is not type(end) and not (
            isinstance(start, datetime) and isinstance(end, datetime)
        ):
            raise CalendarError(f"{where}: DTSTART and DTEND are not both dates or both times")
        if _comparable(end) < _comparable(start):
            raise CalendarError(f"{where} ends before it starts")
    return uid


def _comparable(value: date) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=LONDON)
    return datetime.combine(value, time(), tzinfo=LONDON)


def _floating_zone(calendar: Calendar) -> tzinfo:
    """Floating times mean the calendar's own zone (Google's X-WR-TIMEZONE), else London."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return LONDON


def _occurrences(
    calendar: Calendar, series: set[str], start: datetime, end: datetime, lines: list[int]
) -> list[Component]:
    """Each occurrence of the repeating events in the window, with EXDATEs and moves applied.

    Only the repeats go through recurring-ical-events: a single event needs no expanding, and
    leaving the thousands of them out is most of the speed of an import."""
    import icalendar
    import recurring_ical_events

    part = icalendar.Calendar()
    part.update(calendar)  # the calendar's properties, X-WR-TIMEZONE among them
    part.subcomponents = [
        c
        for c in calendar.subcomponents
        if c.name == "VTIMEZONE" or (c.name == "VEVENT" and str(c["UID"]) in series)
    ]
    try:
        return list(recurring_ical_events.of(part).between(start, end))
    except Exception as e:
        culprit = _bad_series(calendar, series, start, end, lines)
        raise CalendarError(f"{culprit}: its repeats cannot be worked out: {_first_line(e)}") from e


def _bad_series(
    calendar: Calendar, series: set[str], start: datetime, end: datetime, lines: list[int]
) -> str:
    """Which repeating event broke the expansion (only on the error path: one at a time)."""
    import icalendar
    import recurring_ical_events

    events = [c for c in calendar.subcomponents if c.name == "VEVENT"]
    zones = [c for c in calendar.subcomponents if c.name == "VTIMEZONE"]
    for uid in sorted(series):
        part = icalendar.Calendar()
        part.subcomponents = zones + [e for e in events if str(e["UID"]) == uid]
        try:
            recurring_ical_events.of(part).between(start, end)
        except Exception:
            line = next(n for e, n in zip(events, lines, strict=True) if str(e["UID"]) == uid)
            return f"event {uid} (line {line})"
    return "a repeating event"


_SEPARATORS = re.compile(r"[-\u2013\u2014:|/()\[\],;+&]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ()\-.]{8,20}\d")
_TOKEN = re.compile(r"[^\s,;()\[\]<>\"'|/:]+")


class _Reader:
    """Turns one event (or one occurrence of a repeat) into a Booking."""

    def __init__(self, policy: BookingPolicy, floating: tzinfo) -> None:
        self.floating = floating
        self.kinds = [
            (PackKind.EMS, [fold(w) for w in policy.ems_words]),
            (PackKind.PT, [fold(w) for w in policy.pt_words]),
            (PackKind.PILATES, [fold(w) for w in policy.pilates_words]),
        ]
        self.kind_words = {w for _, words in self.kinds for w in words if w}
        trainer = "|".join(re.escape(w) for w in policy.trainer_words if w.strip())
        self.trainer_at = re.compile(
            rf"(?:^|\s)(?:{trainer})\s+([^\-\u2013\u2014,;:()/|@\d\[\]]+)", re.IGNORECASE
        )
        self.trainer_fold = {fold(w) for w in policy.trainer_words if fold(w)}

    def local(self, value: datetime) -> datetime:
        if value.tzinfo is None:  # floating: the calendar's own local time
            value = value.replace(tzinfo=self.floating)
        return value.astimezone(LONDON)

    def booking(self, event: Component, uid: str, recurrence: Any) -> Booking | None:
        start = event.decoded("DTSTART")
        if not isinstance(start, datetime):
            return None  # all-day: a holiday or a note, not an appointment
        begins = self.local(start)
        if "DTEND" in event:
            ends = self.local(event.decoded("DTEND"))
        elif "DURATION" in event:
            ends = begins + event.decoded("DURATION")
        else:
            ends = begins
        key = uid if recurrence is None else f"{uid}/{_instant(recurrence.dt)}"
        summary = plain(str(event.get("SUMMARY", "")), SUMMARY_MAX)
        description = str(event.get("DESCRIPTION", ""))
        status = str(event.get("STATUS", "")).strip().upper()
        cancelled_at = None
        if status == "CANCELLED":
            modified = event.decoded("LAST-MODIFIED", None)
            if isinstance(modified, datetime):
                cancelled_at = self.local(modified)
        organiser = event.get("ORGANIZER")
        organiser_email = _address(organiser)[1] if organiser is not None else ""
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        room = plain(str(event.get("LOCATION", "")), PLACE_MAX)
        emails: list[str] = []
        phones: list[str] = []
        names: list[str] = []
        texts = [summary, description]
        for person in attendees:
            params = getattr(person, "params", {})
            kind_of = str(params.get("CUTYPE", "INDIVIDUAL")).upper()
            cn = str(params.get("CN", "")).strip()
            scheme, value = _address(person)
            if kind_of in ("ROOM", "RESOURCE"):
                room = room or plain(cn, PLACE_MAX)
                continue
            if scheme == "mailto" and value:
                if value == organiser_email:
                    continue
                emails.append(value)
            elif scheme == "tel" and value:
                phones.append(value)
            if cn and "@" not in cn:
                names.append(fold(cn))
            texts.append(cn)
        for text in texts[:2]:
            emails += [e.lower() for e in _EMAIL.findall(text) if e.lower() != organiser_email]
        found_phones = [normalise_phone(p) for p in phones]
        for text in texts[:2]:
            for run in _PHONE.findall(text):
                if len(digits_of(run)) >= 10:
                    found_phones.append(normalise_phone(run))
        return Booking(
            key=key,
            start=begins,
            end=ends,
            kind=self.kind(summary),
            summary=summary,
            trainer=self.trainer(summary, organiser),
            room=room,
            status=BookingStatus.CANCELLED if status == "CANCELLED" else BookingStatus.BOOKED,
            cancelled_at=cancelled_at,
            code_keys=_unique(_code_keys(texts + emails))[:FACTS_MAX],
            emails=_unique(emails)[:FACTS_MAX],
            phones=_unique(p for p in found_phones if p)[:FACTS_MAX],
            names=_unique(names + self.summary_names(summary))[:FACTS_MAX],
        )

    def kind(self, summary: str) -> PackKind | None:
        words = f" {fold(summary)} "
        for kind, kind_words in self.kinds:
            if any(w and f" {w} " in words for w in kind_words):
                return kind
        return None

    def trainer(self, summary: str, organiser: Any) -> str:
        found = self.trainer_at.search(summary)
        if found:
            name = " ".join(found.group(1).split()[:3])
            if name and fold(name) not in self.kind_words:
                return plain(name, PLACE_MAX)
        if organiser is not None:
            cn = str(getattr(organiser, "params", {}).get("CN", "")).strip()
            if cn and "@" not in cn:
                return plain(cn, PLACE_MAX)
        return ""

    def summary_names(self, summary: str) -> list[str]:
        """The client's name as a title may hold it: "EMS - Sarah Kent with Tom" -> sarah kent."""
        out = []
        for part in _SEPARATORS.split(summary):
            words = fold(part).split()
            for i, w in enumerate(words):
                if w in self.trainer_fold:
                    words = words[:i]
                    break
            words = [w for w in words if w not in self.kind_words]
            if len(words) >= 2:
                out.append(" ".join(words))
        return out


def _address(person: Any) -> tuple[str, str]:
    """("mailto", "sam@example.com") from an ATTENDEE or ORGANIZER value."""
    value = str(person).strip()
    scheme, colon, rest = value.partition(":")
    if not colon:
        return "", value.lower()
    scheme = scheme.lower()
    return scheme, rest.strip().lower() if scheme == "mailto" else rest.strip()


def _instant(value: date) -> str:
    """A RECURRENCE-ID as a stable text: UTC for times, the date for all-day ones."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=LONDON)
        return value.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
    return value.strftime("%Y%m%d")


def _code_keys(texts: Iterable[str]) -> list[str]:
    """Every word (and two neighbours run together: "FT 7K3Q9M") that could be a member code."""
    keys: list[str] = []
    for text in texts:
        tokens = [code_key(t) for t in _TOKEN.findall(text)]
        for i, token in enumerate(tokens):
            if 3 <= len(token) <= 20 and any(c.isdigit() for c in token):
                keys.append(token)
            # a prefix typed apart from the rest of the code: "FT 7K3Q9M"
            after = tokens[i + 1] if i + 1 < len(tokens) else ""
            if 1 <= len(token) <= 4 and token.isalpha() and any(c.isdigit() for c in after):
                keys.append(token + after)
    return keys


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


# -- matching bookings to members ------------------------------------------------------------


class MemberDirectory:
    """Members prepared for matching bookings: by code, e-mail, phone and full name."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.codes: dict[str, str] = {}
        self.emails: dict[str, set[str]] = {}
        self.phones: dict[str, set[str]] = {}
        self.names: dict[str, set[str]] = {}
        for m in members:
            self.codes.setdefault(code_key(m.code), m.code)
            if m.email.strip():
                self.emails.setdefault(m.email.strip().lower(), set()).add(m.code)
            if m.phone:
                self.phones.setdefault(m.phone, set()).add(m.code)
            name = fold(f"{m.first_name} {m.last_name}")
            if len(name.split()) >= 2:
                self.names.setdefault(name, set()).add(m.code)

    def find(self, booking: Booking) -> tuple[tuple[str, ...], MatchRule]:
        """The members this booking is for, and the rule that found them (in the order: code,
        e-mail, phone, full name). A value shared by several members matches none of them."""
        codes = [self.codes[k] for k in booking.code_keys if k in self.codes]
        if codes:
            return _unique(codes), MatchRule.CODE
        for values, table, rule in (
            (booking.emails, self.emails, MatchRule.EMAIL),
            (booking.phones, self.phones, MatchRule.PHONE),
            (booking.names, self.names, MatchRule.NAME),
        ):
            found = []
            for value in values:
                members = table.get(value, set())
                if len(members) == 1:
                    found.append(next(iter(members)))
            if found:
                return _unique(found), rule
        return (), MatchRule.NONE


def match_bookings(
    bookings: Iterable[Booking], directory: MemberDirectory, hand: Mapping[str, str]
) -> list[Booking]:
    """Bookings with their member. A hand match (booking key -> code) wins; an event for two
    members becomes two bookings ("KEY#CODE"). The facts used for matching are dropped once
    a booking is matched: only an unmatched one keeps them, to be matched later."""
    out: list[Booking] = []
    for booking in bookings:
        if booking.source is Source.KIOSK:
            out.append(booking)
            continue
        if booking.key in hand:
            out.append(_matched(booking, hand[booking.key], MatchRule.HAND))
            continue
        codes, rule = directory.find(booking)
        if len(codes) == 1:
            out.append(_matched(booking, codes[0], rule))
        elif codes:
            out += [_matched(replace(booking, key=f"{booking.key}#{c}"), c, rule) for c in codes]
        else:
            out.append(replace(booking, member_code=None, matched_by=MatchRule.NONE))
    return out


def _matched(booking: Booking, code: str, rule: MatchRule) -> Booking:
    return replace(
        booking,
        member_code=code,
        matched_by=rule,
        code_keys=(),
        emails=(),
        phones=(),
        names=(),
    )


# -- the kiosk's own bookings ----------------------------------------------------------------


def new_booking(
    start: datetime,
    end: datetime,
    member_code: str,
    kind: PackKind | None,
    *,
    trainer: str = "",
    room: str = "",
    summary: str = "",
) -> Booking:
    """A booking staff make at the kiosk (for studios without a calendar)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("a booking needs timezone-aware times")
    if end <= start:
        raise ValueError("a booking must end after it starts")
    return Booking(
        key=f"kiosk-{uuid.uuid4().hex[:12]}",
        start=start.astimezone(LONDON),
        end=end.astimezone(LONDON),
        kind=kind,
        summary=plain(summary, SUMMARY_MAX),
        trainer=plain(trainer, PLACE_MAX),
        room=plain(room, PLACE_MAX),
        member_code=member_code,
        source=Source.KIOSK,
        matched_by=MatchRule.KIOSK,
    )


def moved(booking: Booking, start: datetime, end: datetime) -> Booking:
    if end <= start:
        raise ValueError("a booking must end after it starts")
    return replace(booking, start=start.astimezone(LONDON), end=end.astimezone(LONDON))


def cancelled(booking: Booking, now: datetime) -> Booking:
    return replace(booking, status=BookingStatus.CANCELLED, cancelled_at=now.astimezone(LONDON))


# -- at check-in -----------------------------------------------------------------------------


class Timing(StrEnum):
    ON_TIME = "on_time"
    TOO_EARLY = "too_early"
    LATE = "late"


class BookingFlag(StrEnum):
    """What the trainer is told about a check-in, beside the visit's own flags."""

    TOO_EARLY = "too_early"
    LATE = "late"
    NO_BOOKING = "no_booking"


@dataclass(frozen=True)
class BookingCheck:
    """What a member's bookings say about checking in now."""

    booking: Booking | None  # today's booking closest to now; None: no booking today
    timing: Timing | None  # None without a booking
    minutes: int  # how early (before the start) or late (after it); 0 on time
    kind: PackKind | None  # the session kind from the booking: the client need not choose
    flags: frozenset[BookingFlag]
    see_trainer: bool  # no booking and walk-ins are not taken
    words: str  # "Your EMS session at 10:30 with Tom, suit room 1"
    advice: str  # "You are early: ..." in plain words; "" when there is nothing to add


def _today(now: datetime) -> date:
    return now.astimezone(LONDON).date()


def booking_today(bookings: Iterable[Booking], member_code: str, now: datetime) -> Booking | None:
    """The member's booking today (not cancelled) whose start is closest to now."""
    today = _today(now)
    mine = [b for b in bookings if b.member_code == member_code and b.booked and b.day == today]
    return min(mine, key=lambda b: (abs(b.start - now), b.start)) if mine else None


def _duration_words(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours > 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)


def check_booking(
    bookings: Iterable[Booking], member_code: str, now: datetime, policy: BookingPolicy
) -> BookingCheck:
    booking = booking_today(bookings, member_code, now)
    if booking is None:
        words = "We have no booking for you today."
        if policy.walk_ins:
            advice = "You are welcome as a walk-in: your trainer will fit you in."
        else:
            advice = "Please see your trainer before your session."
        return BookingCheck(
            None,
            None,
            0,
            None,
            frozenset({BookingFlag.NO_BOOKING}),
            not policy.walk_ins,
            words,
            advice,
        )
    at = f"{booking.start.astimezone(LONDON):%H:%M}"
    before = int((booking.start - now).total_seconds() // 60)
    timing, minutes, advice, flags = Timing.ON_TIME, 0, "", frozenset[BookingFlag]()
    if before > policy.early_minutes:
        timing, minutes = Timing.TOO_EARLY, before
        advice = (
            f"You are early: your session starts at {at}, in {_duration_words(before)}. "
            "Please take a seat; your trainer will come for you."
        )
        flags = frozenset({BookingFlag.TOO_EARLY})
    elif -before > policy.late_minutes:
        timing, minutes = Timing.LATE, -before
        advice = (
            f"Your session started at {at}, {_duration_words(-before)} ago. "
            "Your trainer has been told you are here."
        )
        flags = frozenset({BookingFlag.LATE})
    return BookingCheck(
        booking, timing, minutes, booking.kind, flags, False, booking.words() + ".", advice
    )


def _at(day: date, minutes: int) -> datetime:
    """Wall time `minutes` after the start of `day` in London (24:00 is the next midnight)."""
    return datetime.combine(day, time(), tzinfo=LONDON) + timedelta(minutes=minutes)


def free_slots(
    bookings: Iterable[Booking], now: datetime, hours: OpeningHours, policy: BookingPolicy
) -> list[datetime]:
    """Today's EMS slots that start after now with a suit (or room) free for all of it."""
    today = _today(now)
    ems = [
        (b.start, max(b.end, b.start + timedelta(minutes=1)))
        for b in bookings
        if b.kind is PackKind.EMS and b.booked and b.day == today
    ]
    length = timedelta(minutes=policy.slot_minutes)
    out = []
    for period in hours.days[today.weekday()]:
        slot, closes = _at(today, period.opens), _at(today, period.closes)
        while slot + length <= closes:
            if slot > now:
                busy = sum(1 for s, e in ems if s < slot + length and e > slot)
                if busy < policy.ems_suits:
                    out.append(slot)
            slot += length
    return out


def free_slots_text(slots: Sequence[datetime], most: int = FREE_SLOTS_SHOWN) -> str:
    """ "Free today: 14:00, 16:30" for the front desk; "" when none is left."""
    if not slots:
        return ""
    return "Free today: " + ", ".join(f"{s.astimezone(LONDON):%H:%M}" for s in slots[:most])


# -- after the day ---------------------------------------------------------------------------


class MissedReason(StrEnum):
    NO_SHOW = "no_show"
    LATE_CANCEL = "late_cancel"


@dataclass(frozen=True)
class Missed:
    """A no-show or a late cancel: recorded once, and staff may excuse it."""

    booking_key: str
    member_code: str
    start: datetime
    kind: PackKind | None
    reason: MissedReason
    excused: bool = False


def closing_time(hours: OpeningHours, day: date) -> datetime | None:
    periods = hours.days[day.weekday()]
    return _at(day, periods[-1].closes) if periods else None


def days_to_settle(
    now: datetime, hours: OpeningHours, settled_through: date | None, back_days: int = BACK_DAYS
) -> list[date]:
    """The days whose no-shows are due: every day since the last one settled (at most
    `back_days` back), and today once the studio has closed."""
    today = _today(now)
    first = today - timedelta(days=back_days)
    if settled_through is not None:
        first = max(first, settled_through + timedelta(days=1))
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    closes = closing_time(hours, today)
    if closes is not None and now >= closes and first <= today:
        days.append(today)
    return days


def is_late_cancel(booking: Booking, policy: BookingPolicy) -> bool:
    """Cancelled less than `late_cancel_hours` before the start (or after it)."""
    if booking.booked or booking.cancelled_at is None:
        return False
    return booking.start - booking.cancelled_at < timedelta(hours=policy.late_cancel_hours)


def _came(booking: Booking, visits: Iterable[Visit]) -> Visit | None:
    day = booking.day
    same = [
        v
        for v in visits
        if v.member_code == booking.member_code and v.at.astimezone(LONDON).date() == day
    ]
    kind = [v for v in same if booking.kind is None or v.kind in (None, booking.kind)]
    return next(iter(kind or same), None)


def missed_on(
    day: date, bookings: Iterable[Booking], visits: Sequence[Visit], policy: BookingPolicy
) -> list[Missed]:
    """The day's no-shows (booked, matched, no check-in that day) and late cancels. An
    unmatched booking is neither: nobody can tell who it was for (staff see it as unmatched)."""
    out = []
    for b in bookings:
        if b.day != day or b.member_code is None:
            continue
        if b.booked and _came(b, visits) is None:
            out.append(Missed(b.key, b.member_code, b.start, b.kind, MissedReason.NO_SHOW))
        elif is_late_cancel(b, policy):
            out.append(Missed(b.key, b.member_code, b.start, b.kind, MissedReason.LATE_CANCEL))
    return out


class Attendance(StrEnum):
    BOOKED = "booked"
    ARRIVED = "arrived"
    LATE = "late"  # not here yet, and more than late_minutes past the start
    NO_SHOW = "no_show"
    WALK_IN = "walk_in"
    CANCELLED = "cancelled"
    LATE_CANCEL = "late_cancel"


@dataclass(frozen=True)
class ScheduleLine:
    """One line of the day's schedule in staff mode."""

    at: datetime  # the booking's start, or a walk-in's arrival
    attendance: Attendance
    booking: Booking | None
    visit: Visit | None  # the check-in, with its safety flags
    words: str  # "arrived 10:24", "late: 15 minutes", "no-show"

    @property
    def member_code(self) -> str | None:
        if self.booking is not None:
            return self.booking.member_code
        return self.visit.member_code if self.visit is not None else None


def day_schedule(
    bookings: Iterable[Booking],
    visits: Sequence[Visit],
    now: datetime,
    hours: OpeningHours,
    policy: BookingPolicy,
    day: date | None = None,
) -> list[ScheduleLine]:
    """Booked, arrived (time), late, no-show, walk-in and cancelled, in time order."""
    day = day or _today(now)
    closes = closing_time(hours, day)
    over = day < _today(now) or (closes is not None and now >= closes)
    todays = sorted((b for b in bookings if b.day == day), key=lambda b: (b.start, b.key))
    used: set[str] = set()
    lines = []
    for b in todays:
        visit = None
        if b.booked and b.member_code is not None:
            left = [v for v in visits if v.id not in used]
            visit = _came(b, left)
        if visit is not None:
            used.add(visit.id)
            words = f"arrived {visit.at.astimezone(LONDON):%H:%M}"
            lines.append(ScheduleLine(b.start, Attendance.ARRIVED, b, visit, words))
        elif not b.booked:
            late = is_late_cancel(b, policy)
            state = Attendance.LATE_CANCEL if late else Attendance.CANCELLED
            lines.append(ScheduleLine(b.start, state, b, None, state.replace("_", " ")))
        elif over:
            lines.append(ScheduleLine(b.start, Attendance.NO_SHOW, b, None, "no-show"))
        elif now - b.start > timedelta(minutes=policy.late_minutes):
            minutes = int((now - b.start).total_seconds() // 60)
            words = f"late: {_duration_words(minutes)}"
            lines.append(ScheduleLine(b.start, Attendance.LATE, b, None, words))
        else:
            lines.append(ScheduleLine(b.start, Attendance.BOOKED, b, None, "booked"))
    for v in visits:
        if v.id not in used and v.at.astimezone(LONDON).date() == day:
            words = f"walk-in {v.at.astimezone(LONDON):%H:%M}"
            lines.append(ScheduleLine(v.at, Attendance.WALK_IN, None, v, words))
    return sorted(lines, key=lambda line: line.at)


# -- export ----------------------------------------------------------------------------------

CSV_HEADER = (
    "date",
    "start",
    "end",
    "kind",
    "trainer",
    "room",
    "member_code",
    "status",
    "cancelled_at",
    "source",
    "matched_by",
    "summary",
    "key",
)


def _cell(text: str) -> str:
    # a cell starting = + - @ is a formula to a spreadsheet: a title must never run as one
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def bookings_csv(bookings: Iterable[Booking]) -> str:
    """CSV with a header row; a byte-order mark first so Excel reads "Zoë" as UTF-8."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for b in bookings:
        start, end = b.start.astimezone(LONDON), b.end.astimezone(LONDON)
        cancelled_at = b.cancelled_at.astimezone(LONDON) if b.cancelled_at else None
        writer.writerow(
            [
                start.date().isoformat(),
                f"{start:%H:%M}",
                f"{end:%H:%M}",
                str(b.kind or ""),
                _cell(b.trainer),
                _cell(b.room),
                b.member_code or "",
                str(b.status),
                f"{cancelled_at:%Y-%m-%d %H:%M}" if cancelled_at else "",
                str(b.source),
                str(b.matched_by),
                _cell(b.summary),
                _cell(b.key),
            ]
        )
    return "\ufeff" + buffer.getvalue()
