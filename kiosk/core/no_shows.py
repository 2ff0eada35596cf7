"""No-shows and late cancels after the day: when the day is over, which are new, and the
visit (and session) each one costs when the studio says so (`no_show_uses_session`).

API:
    next_closing(now, hours) -> datetime | None    # when the next day's no-shows are due
    missed_days(days, bookings_on, visits, policy) -> list[Missed]   # missed_on for each day
    missed_visit_id(missed) -> str                 # the same id every time: recorded once
    is_missed_visit(visit) -> bool                 # a no-show's visit is not a check-in
    charge_for(member, missed) -> (Visit, CheckIn | None)
        # the visit to record, flagged no-show or late cancel; with a session to take from
        # the matching pack: store.record_check_in(check_in), else store.add_visit(visit)

A missed visit has no kind of its own (the booking's kind is in its note and its pack): it
must not count as the member's last EMS session (first EMS, the days between sessions).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from kiosk.core.bookings import LONDON, Booking, Missed, MissedReason, closing_time, missed_on
from kiosk.core.checkin import CheckIn, Outcome, pack_for
from kiosk.core.members import Member, Visit, VisitFlag
from kiosk.core.studio import BookingPolicy, OpeningHours

MISSED_FLAGS = frozenset({VisitFlag.NO_SHOW, VisitFlag.LATE_CANCEL})
REASON_FLAG = {
    MissedReason.NO_SHOW: VisitFlag.NO_SHOW,
    MissedReason.LATE_CANCEL: VisitFlag.LATE_CANCEL,
}
REASON_WORDS = {MissedReason.NO_SHOW: "no-show", MissedReason.LATE_CANCEL: "late cancel"}


def next_closing(now: datetime, hours: OpeningHours) -> datetime | None:
    """The first closing time after `now` (today's or a later day's); None: never open."""
    today = now.astimezone(LONDON).date()
    for ahead in range(8):
        closes = closing_time(hours, today + timedelta(days=ahead))
        if closes is not None and closes > now:
            return closes
    return None


def missed_days(
    days: Iterable[date],
    bookings_on: Callable[[date], Sequence[Booking]],
    visits: Sequence[Visit],
    policy: BookingPolicy,
) -> list[Missed]:
    """The no-shows and late cancels of each day; a missed booking's own visit is no check-in."""
    came = [v for v in visits if not is_missed_visit(v)]
    return [m for day in days for m in missed_on(day, bookings_on(day), came, policy)]


def is_missed_visit(visit: Visit) -> bool:
    return not MISSED_FLAGS.isdisjoint(visit.flags)


def missed_visit_id(missed: Missed) -> str:
    """Sortable and naming its month like a check-in's id, and the same for the same booking,
    so a settlement cut short and run again finds the visit it already recorded."""
    digest = hashlib.sha256(missed.booking_key.encode("utf-8")).hexdigest()[:10]
    return f"{missed.start.astimezone(LONDON):%Y%m%dT%H%M%S}-ns{digest}"


def charge_for(member: Member, missed: Missed) -> tuple[Visit, CheckIn | None]:
    """The missed booking as a visit, and the check-in that takes its session from the member's
    pack of the booking's kind (usable on the booking's day, the soonest to expire). No such
    pack, or a booking of no known kind: the visit only, so it still shows in history."""
    start = missed.start.astimezone(LONDON)
    words = REASON_WORDS[missed.reason]
    kind = missed.kind
    pack = pack_for(member, kind, start.date()) if kind is not None else None
    booked = f"{kind} session" if kind is not None else "session"
    note = f"{words}: {booked} booked for {start:%H:%M}"
    if pack is None:
        note += ", no session taken (no pack to take it from)"
    visit = Visit(
        missed_visit_id(missed),
        member.code,
        start,
        None,
        pack.id if pack is not None else None,
        frozenset({REASON_FLAG[missed.reason]}),
        note,
    )
    if pack is None or kind is None:
        return visit, None
    used = replace(pack, sessions_left=pack.sessions_left - 1)
    return visit, CheckIn(Outcome.CHECKED_IN, member.code, kind, visit, used)
