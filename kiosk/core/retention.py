"""How long the kiosk keeps a member, and the privacy notice's promise about it.

A member is "last seen" on the latest of: their last visit, the day they joined, the day they
last bought a pack, and the expiry of a pack they have not used up (they may still come until
then). Once more than `member_retention_months` have passed since then, they are anonymised
(kiosk/store/retention.py): their record, packs, health screening and refused check-ins go, and
their visits stay only as anonymous counts. Staff see who is due in the next DUE_DAYS days.

The privacy notice (content/terms.toml) must state the same periods as content/studio.toml;
`kiosk check` names the notice when it does not (notice_problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.core.fields import Problem
from kiosk.core.members import Member
from kiosk.core.screening import months_before
from kiosk.core.studio import StaffPolicy
from kiosk.core.terms import TERMS_FILE, Terms

DUE_DAYS = 30  # staff see who will be anonymised this many days ahead
NOTICE_HEADING = "How long we keep it"


def last_seen(member: Member, last_visit: date | None) -> date | None:
    """The day retention counts from; None when nothing about them has a date."""
    days = [d for d in (last_visit, member.joined) if d is not None]
    for pack in member.packs:
        if pack.bought is not None:
            days.append(pack.bought)
        if pack.expires is not None and pack.sessions_left > 0:
            days.append(pack.expires)
    if not days and member.terms_agreed_at is not None:
        days.append(member.terms_agreed_at.date())
    return max(days) if days else None


def past_retention(seen: date, today: date, months: int) -> bool:
    """True when more than `months` months have passed since `seen` (the screenings' rule)."""
    return seen < months_before(today, months)


def anonymised_on(seen: date, months: int) -> date:
    """The first day `seen` is past retention (past_retention, so the two always agree)."""
    total = seen.year * 12 + seen.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    # the same day `months` later (or that month's last) is never past it: step from there
    day = date(year, month, min(seen.day, (next_month - timedelta(days=1)).day))
    while not past_retention(seen, day, months):  # a few steps at most
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class Due:
    """A member the kiosk will anonymise on `on` (today or earlier: at the next start)."""

    code: str
    name: str
    seen: date
    on: date


def due_within(
    members: Iterable[tuple[Member, date | None]], today: date, months: int, days: int = DUE_DAYS
) -> list[Due]:
    """Members (with their last visit's day) who are anonymised by `today + days`, soonest
    first. A member with no date at all is never anonymised by this rule."""
    until = today + timedelta(days=days)
    found: list[Due] = []
    for member, visited in members:
        seen = last_seen(member, visited)
        if seen is not None and past_retention(seen, until, months):
            on = anonymised_on(seen, months)
            name = f"{member.first_name} {member.last_name}".strip()
            found.append(Due(member.code, name, seen, on))
    return sorted(found, key=lambda d: (d.on, d.code))


def notice_problems(terms: Terms, staff: StaffPolicy) -> list[Problem]:
    """Where the privacy notice does not state the periods the kiosk keeps data for."""
    if not terms.sections:
        return []  # no notice at all is already a problem of its own
    section = next((s for s in terms.sections if s.heading == NOTICE_HEADING), None)
    if section is None:
        return [Problem(TERMS_FILE, "sections", f'has no "{NOTICE_HEADING}" section')]
    wanted = {
        f"{staff.member_retention_months} months": "member_retention_months",
        f"{staff.screening_retention_months} months": "screening_retention_months",
        f"{staff.backup_generations} days": "backup_generations",
    }
    return [
        Problem(
            TERMS_FILE,
            NOTICE_HEADING,
            f'must say "{words}" as studio.toml [staff] {key} does, so the notice and the '
            "kiosk keep the same promise",
        )
        for words, key in wanted.items()
        if words not in section.text
    ]
