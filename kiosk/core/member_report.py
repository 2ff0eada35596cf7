"""Everything the kiosk holds about one member, in words a client can read (UK GDPR access).

The JSON export (kiosk/store/privacy.py member_record) is exact; this is the same records as
plain text, one section each: details, terms consent, packs, visits with their flags in words,
bookings and missed ones, refused check-ins, the health screening question by question, and what
each part is kept for and how long. Pure: the store gathers the records (kiosk/store/export_one.py).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from kiosk.core.bookings import Booking, BookingStatus, Missed, MissedReason
from kiosk.core.checkin import Attempt
from kiosk.core.members import Member, Pack, Screening, Visit
from kiosk.core.screening import Questions, asked_in
from kiosk.core.terms import Terms
from kiosk.core.trainer_flags import FLAG_WORDS, history

NONE = "  None."
WIDTH = 78  # columns: reads on any screen and prints on A4


@dataclass(frozen=True)
class Held:
    """The records about one member (any part may be empty: they may be half erased)."""

    code: str
    member: Member | None
    visits: Sequence[Visit] = ()
    attempts: Sequence[Attempt] = ()
    screening: Screening | None = None
    bookings: Sequence[Booking] = ()
    missed: Sequence[Missed] = ()


def _day(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d is not None else "not recorded"


def _when(t: datetime | None) -> str:
    return t.strftime("%d/%m/%Y %H:%M") if t is not None else "not recorded"


def _details(member: Member | None) -> list[str]:
    if member is None:
        return ["  No member record is held (it was erased); the records below remain."]
    lines = [
        f"  Name: {member.first_name} {member.last_name}",
        f"  Mobile: {member.phone}",
        f"  E-mail: {member.email or 'none given'}",
        f"  Member code: {member.code}",
        f"  Joined: {_day(member.joined)}",
        "  See your trainer before EMS: " + ("yes" if member.see_trainer else "no"),
    ]
    notes = history(member)
    if notes:
        lines.append("  Notes for your trainer (oldest first):")
        lines += [f"    {line}" for line in notes]
    return lines


def _terms(member: Member | None, terms: Terms) -> list[str]:
    if member is None or not member.terms_version:
        return ["  No agreement is recorded."]
    line = (
        f"  You agreed to version {member.terms_version} of our terms and privacy notice "
        f"on {_when(member.terms_agreed_at)}."
    )
    if terms.version and terms.version != member.terms_version:
        line += (
            f" The current version is {terms.version}; you will be asked to agree to it at "
            "your next visit."
        )
    return [line]


def _pack(p: Pack) -> str:
    bought = f", bought {_day(p.bought)}" if p.bought else ""
    expires = f", expires {_day(p.expires)}" if p.expires else ", no expiry date"
    return (
        f"  {p.kind} pack of {p.sessions_bought} session(s): {p.sessions_left} left"
        f"{bought}{expires} (pack {p.id})"
    )


def _visit(v: Visit) -> str:
    kind = str(v.kind) if v.kind is not None else "session"
    flags = ", ".join(FLAG_WORDS[f] for f in FLAG_WORDS if f in v.flags)
    line = f"  {_when(v.at)}  {kind}"
    if v.pack_id:
        line += f", from pack {v.pack_id}"
    if flags:
        line += f"; noted: {flags}"
    if v.note:
        line += f"; note: {v.note}"
    return line


def _booking(b: Booking) -> str:
    kind = str(b.kind) if b.kind is not None else "appointment"
    trainer = f" with {b.trainer}" if b.trainer else ""
    state = "booked"
    if b.status is BookingStatus.CANCELLED:
        state = f"cancelled {_when(b.cancelled_at)}" if b.cancelled_at else "cancelled"
    return f"  {_when(b.start)}-{b.end:%H:%M}  {kind}{trainer}: {state}"


def _missed(m: Missed) -> str:
    what = "did not come" if m.reason is MissedReason.NO_SHOW else "cancelled late"
    excused = " (excused by staff)" if m.excused else ""
    kind = f" {m.kind}" if m.kind is not None else ""
    return f"  {_when(m.start)}{kind}: {what}{excused}"


def _attempt(a: Attempt) -> str:
    why = "; ".join(a.reasons) or str(a.outcome).replace("_", " ")
    return f"  {_when(a.at)}  {a.kind}: not checked in - {why}"


def _screening(s: Screening | None, questions: Questions) -> list[str]:
    if s is None:
        return ["  None is held."]
    version = f" (questions version {s.version})" if s.version else ""
    lines = [
        f"  Answered on {_day(s.taken)}{version}; you agreed to us keeping these answers on "
        f"{_when(s.consent_at)}."
    ]
    words = {q.id: q.text for q in questions.screening}
    yes, no = asked_in(s)
    for answers, said in ((yes, "Yes"), (no, "No")):
        for a in answers:
            text = a.text if a.text and a.text != a.id else words.get(a.id, "")
            text = text or f'the question "{a.id}" (its words are no longer held)'
            more = f' - you added: "{a.detail}"' if a.detail else ""
            lines.append(f"  {said}: {text}{more}")
    if s.other:
        lines.append(f'  Anything else you told us: "{s.other}"')
    return lines


def member_report(
    held: Held,
    *,
    studio: str,
    terms: Terms,
    questions: Questions,
    about: Mapping[str, str],
    made: datetime,
) -> str:
    """The readable summary: plain text, one section per kind of record."""
    member = held.member
    visits = list(held.visits)
    sections: list[tuple[str, list[str]]] = [
        ("Your details", _details(member)),
        ("Terms and privacy notice", _terms(member, terms)),
        ("Your packs", [_pack(p) for p in member.packs] if member else []),
        (f"Your visits ({len(visits)})", [_visit(v) for v in visits]),
        ("Your bookings", [_booking(b) for b in held.bookings]),
        ("Bookings missed or cancelled late", [_missed(m) for m in held.missed]),
        ("Check-ins the kiosk refused", [_attempt(a) for a in held.attempts]),
        ("Your health screening", _screening(held.screening, questions)),
    ]
    title = f"Everything {studio} holds about member {held.code}"
    out = [title, "=" * len(title), f"Made on {_when(made)}.", ""]
    for heading, lines in sections:
        out += [heading, "-" * len(heading), *(lines or [NONE]), ""]
    heading = "What each part is, and how long we keep it"
    out += [heading, "-" * len(heading)]
    out += [f"  {text}" for text in about.values()]
    return "\n".join(_wrap(line) for line in out) + "\n"


def _wrap(line: str) -> str:
    """Lines kept to WIDTH columns, a long one continued under its first word."""
    indent = line[: len(line) - len(line.lstrip(" "))]
    if not line.strip():
        return ""
    return textwrap.fill(
        line,
        WIDTH,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )
