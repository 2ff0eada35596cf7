"""Deciding a check-in: which pack it uses, whether it is allowed, what the trainer must know.

API:
    result = decide_check_in(member, kind, now, last=store.last_visit(code, kind),
                             readiness=Readiness(...), override=False,
                             screening=store.screening(code), at_kiosk=True)
    store.record_check_in(result)      # writes result.visit and result.pack, durably
    result.attempt: Attempt | None     # a refused check-in, to record (attempts.json)
    result.reasons: tuple[str, ...]    # for staff only: why refused or flagged, in words
    result.outcome: Outcome            # CHECKED_IN, ALREADY_TODAY, PACK_USED_UP, PACK_EXPIRED,
                                       # NO_PACK, SEE_TRAINER
    result.recorded -> bool            # True when result.visit is to be recorded
    result.first_ems, result.days_since_last_ems, result.short_gap, result.unprepared
    result.sessions_left, result.expires_soon, result.warnings (plain sentences)
    kinds_available(member, today) -> list[tuple[PackKind, int]]   # for "which session today?"
    kind_without_choice(member, today, last_any) -> PackKind         # when none is available
    prep_card(kind) -> tuple[str, ...]                              # after a check-in
    with_pack(member, pack) -> Member

Rules (issue 4):
- One visit per member, per kind, per day: a second check-in is ALREADY_TODAY, nothing recorded.
- The pack used is the member's pack of that kind with sessions left and not expired, the one
  that expires first. None of that kind at all: NO_PACK (see the front desk). Packs only used up
  or only expired: PACK_USED_UP / PACK_EXPIRED, not recorded unless staff override (then the
  visit is flagged OVERRIDE and takes a session from an expired pack that still has some).
- EMS only: a yes to a readiness question that blocks (unwell, pregnant, new condition,
  operation or implant since the last visit) gives SEE_TRAINER with nothing recorded and no
  session used; so does the member's "see trainer before EMS" flag at the kiosk (`at_kiosk`).
  Both are attempts. A trainer checks them in from staff mode (override; staff checking in a
  flagged member is recorded, flagged SEE_TRAINER, as they have talked to them).
- EMS only: a screening with a yes or a note that does not block (the trainer decides) flags
  the first EMS visit since that screening SEE_TRAINER: checked in, "see your trainer first".
- A refused check-in (no pack, pack used up or expired, see trainer) is an Attempt: time,
  member, reasons. It uses no session.
- EMS only: first EMS visit ever is flagged FIRST_EMS; under 4 days since the last EMS visit is
  checked in all the same, with advice, and flagged SHORT_GAP.
- Warnings when 2 or fewer sessions are left after this one, or the pack expires within 14 days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.core.members import Member, Pack, PackKind, Screening, Visit, VisitFlag
from kiosk.core.screening import Readiness

if TYPE_CHECKING:  # only the type: the bookings module is loaded where bookings are read
    from kiosk.core.bookings import BookingCheck

MIN_EMS_GAP_DAYS = 4
FEW_SESSIONS = 2
EXPIRY_WARNING_DAYS = 14


class Outcome(StrEnum):
    """How a check-in went: the one list, decided here and shown by the result screen."""

    CHECKED_IN = "checked_in"
    ALREADY_TODAY = "already_today"
    PACK_USED_UP = "pack_used_up"
    PACK_EXPIRED = "pack_expired"
    NO_PACK = "no_pack"  # a member who has never had a pack
    SEE_TRAINER = "see_trainer"
    # not decided from a member's packs, but a check-in can end this way too
    NOT_FOUND = "not_found"  # no member by that name, phone or code
    NOT_SAVED = "not_saved"  # the disk refused the visit: nothing was recorded


@dataclass(frozen=True)
class Attempt:
    """A check-in refused at the kiosk, for staff to follow up. It used no session."""

    id: str
    member_code: str
    at: datetime
    kind: PackKind
    outcome: Outcome  # PACK_USED_UP, PACK_EXPIRED, NO_PACK or SEE_TRAINER
    reasons: tuple[str, ...] = ()  # in words, for staff only (may hold a readiness answer)


REFUSED = frozenset({Outcome.PACK_USED_UP, Outcome.PACK_EXPIRED, Outcome.NO_PACK})
REFUSAL_WORDS = {
    Outcome.PACK_USED_UP: "{kind} pack used up",
    Outcome.PACK_EXPIRED: "{kind} pack expired",
    Outcome.NO_PACK: "no {kind} pack",
    Outcome.SEE_TRAINER: "not checked in: see the trainer before EMS",
}


@dataclass(frozen=True)
class CheckIn:
    """What a check-in decided. Nothing is on disk until `store.record_check_in(result)`."""

    outcome: Outcome
    member_code: str
    kind: PackKind
    visit: Visit | None = None  # to record; None when nothing is recorded
    pack: Pack | None = None  # the pack after this visit's session is taken; None if none charged
    first_ems: bool = False
    days_since_last_ems: int | None = None
    short_gap: bool = False
    unprepared: bool = False  # said no to "water, and no heavy meal in the last 2 hours"
    sessions_left: int | None = None  # on the pack used, after this visit
    expires: date | None = None  # of the pack used
    expires_soon: bool = False
    override: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)
    reasons: tuple[str, ...] = ()  # staff only: why refused or flagged, in words
    attempt: Attempt | None = None  # a refused check-in, to record for staff
    booked: str = ""  # "Your EMS session at 10:30 with Tom, suit room 1." for the client

    @property
    def recorded(self) -> bool:
        return self.visit is not None

    @property
    def refused_without_booking(self) -> bool:
        """Refused because there is no booking today and the studio takes no walk-ins."""
        return self.attempt is not None and BOOKING_WORDS["no_booking"] in self.reasons

    @property
    def few_sessions_left(self) -> bool:
        return self.sessions_left is not None and self.sessions_left <= FEW_SESSIONS


def new_visit_id(now: datetime) -> str:
    """Sortable by time, unique, and naming its month: "20261123T100000-3f9a1c2b"."""
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def usable(pack: Pack, today: date) -> bool:
    return pack.sessions_left > 0 and not expired(pack, today)


def expired(pack: Pack, today: date) -> bool:
    return pack.expires is not None and pack.expires < today


def pack_for(member: Member, kind: PackKind, today: date) -> Pack | None:
    """The pack a `kind` session uses: sessions left, not expired, the soonest to expire."""
    ok = [p for p in member.packs if p.kind == kind and usable(p, today)]
    ok.sort(key=lambda p: p.expires or date.max)
    return ok[0] if ok else None


def kinds_available(member: Member, today: date) -> list[tuple[PackKind, int]]:
    """Kinds the member has sessions for today, with how many, in PackKind order."""
    left = dict.fromkeys(PackKind, 0)
    for p in member.packs:
        if usable(p, today):
            left[p.kind] += p.sessions_left
    return [(kind, n) for kind, n in left.items() if n > 0]


def kind_without_choice(member: Member, today: date, last: Visit | None) -> PackKind:
    """The kind a check-in is about when the member has no sessions left of any kind.

    `last` is their latest visit of any kind: one today means "already checked in" for that
    kind. Otherwise their newest pack's kind, so the result names the pack that ran out; with
    no pack at all, EMS (the result is "no pack" whatever the kind).
    """
    if last is not None and last.kind is not None and last.at.date() == today:
        return last.kind
    return member.packs[-1].kind if member.packs else PackKind.EMS


def with_pack(member: Member, pack: Pack) -> Member:
    """The member with `pack` in place of their pack of the same id."""
    return replace(member, packs=tuple(pack if p.id == pack.id else p for p in member.packs))


def _expires_text(expires: date, today: date) -> str:
    if expires == today:
        return "expires today"
    if expires == today + timedelta(days=1):
        return "expires tomorrow"
    return f"expires on {expires:%-d %B %Y}"


def _sessions(n: int) -> str:
    return "No sessions" if n == 0 else f"{n} session" + ("" if n == 1 else "s")


def _refused(
    outcome: Outcome, member: Member, kind: PackKind, now: datetime, reasons: list[str]
) -> CheckIn:
    why = (REFUSAL_WORDS[outcome].format(kind=kind), *reasons)
    attempt = Attempt(new_visit_id(now), member.code, now, kind, outcome, why)
    return CheckIn(outcome, member.code, kind, reasons=why, attempt=attempt)


def flag_note(member: Member) -> str:
    """The member's see-trainer flag in words, for staff: "see-trainer flag: <note>"."""
    note = latest_note(member.see_trainer_note)
    return f"see-trainer flag: {note}" if note else "see-trainer flag set"


def latest_note(history: str) -> str:
    """The newest line of a see-trainer note history (kiosk/core/trainer_flags keeps them all)."""
    lines = [line for line in history.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _days_words(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


# what staff read about a check-in against the bookings
BOOKING_WORDS = {
    "no_booking": "no booking today (walk-in)",
    "too_early": "{minutes} min early for the {at} session",
    "late": "{minutes} min late for the {at} session",
}


def _booking_reason(flag: str, booking: BookingCheck) -> str:
    start = booking.booking.start.strftime("%H:%M") if booking.booking is not None else ""
    return BOOKING_WORDS[flag].format(minutes=booking.minutes, at=start)


def decide_check_in(
    member: Member,
    kind: PackKind,
    now: datetime,
    *,
    last: Visit | None,
    readiness: Readiness | None = None,
    override: bool = False,
    visit_id: str | None = None,
    screening: Screening | None = None,
    at_kiosk: bool = False,
    booking: BookingCheck | None = None,
) -> CheckIn:
    """Decide `member`'s check-in for a `kind` session at `now`.

    `last` is their latest visit of this kind (store.last_visit(code, kind)); for EMS it also
    gives the days since the last EMS session. `readiness` is asked for EMS only (None counts
    as all well). `override` is staff letting a blocked check-in through. `screening` is the
    member's (store.screening(code)). `at_kiosk`: the client checking in themselves, where the
    see-trainer flag refuses EMS (staff checking a flagged member in have talked to them).
    `booking` is what today's bookings say (kiosk/core/bookings.py check_booking), or None when
    the studio keeps no bookings: early, late and walk-in visits are flagged for the trainer,
    and a walk-in where the studio takes none is sent to the trainer.
    """
    today = now.date()
    code = member.code
    if last is not None and last.at.date() == today:
        return CheckIn(Outcome.ALREADY_TODAY, code, kind)

    flags: set[VisitFlag] = set()
    reasons: list[str] = []
    if booking is not None:
        if booking.see_trainer and not override:
            return _refused(Outcome.SEE_TRAINER, member, kind, now, [BOOKING_WORDS["no_booking"]])
        for flag in sorted(booking.flags):
            flags.add(VisitFlag(flag.value))  # the same values: a booking's flag on the visit
            reasons.append(_booking_reason(flag.value, booking))
    pack = pack_for(member, kind, today)
    if pack is None:
        of_kind = [p for p in member.packs if p.kind == kind]
        if not of_kind:
            blocked = Outcome.NO_PACK
        elif any(p.sessions_left > 0 for p in of_kind):
            blocked = Outcome.PACK_EXPIRED
        else:
            blocked = Outcome.PACK_USED_UP
        if not override:
            return _refused(blocked, member, kind, now, [])
        flags.add(VisitFlag.OVERRIDE)
        left = [p for p in of_kind if p.sessions_left > 0]
        left.sort(key=lambda p: p.expires or date.max, reverse=True)
        pack = left[0] if left else None  # an expired pack with sessions still pays

    first_ems = False
    days: int | None = None
    short_gap = False
    see_trainer = False
    unprepared = False
    if kind is PackKind.EMS:
        answers = readiness or Readiness()
        stops = [f"said yes: {a.text}" for a in answers.stops]
        flagged = member.see_trainer
        if flagged and (at_kiosk or override):
            stops.append(flag_note(member))
        if stops and not override:
            return _refused(Outcome.SEE_TRAINER, member, kind, now, stops)
        if stops:  # staff letting it through after talking to them
            flags.add(VisitFlag.OVERRIDE)
        reasons += stops
        if last is None:
            first_ems = True
            flags.add(VisitFlag.FIRST_EMS)
            reasons.append("first EMS session")
        else:
            days = (today - last.at.date()).days
            short_gap = days < MIN_EMS_GAP_DAYS
            if short_gap:
                flags.add(VisitFlag.SHORT_GAP)
                reasons.append(f"{_days_words(days)} since the last EMS session")
        if flagged and not stops:
            reasons.append(flag_note(member))
        if (
            not flagged
            and screening is not None
            and screening.needs_trainer
            and (last is None or last.at.date() <= screening.taken)
        ):  # the first EMS session since a screening the trainer must see
            flagged = True
            reasons.append(
                f"health screening of {screening.taken:%d/%m/%Y}: answers for the trainer"
            )
        unprepared = not answers.prepared
        reasons += [f"said yes: {a.text}" for a in answers.concerns]
        see_trainer = flagged or bool(stops)
        if see_trainer:
            flags.add(VisitFlag.SEE_TRAINER)
    if override and VisitFlag.OVERRIDE in flags:
        reasons.insert(0, "checked in by staff (override)")

    used = replace(pack, sessions_left=pack.sessions_left - 1) if pack is not None else None
    warnings: list[str] = [booking.advice] if booking is not None and booking.advice else []
    if short_gap:
        warnings.append(
            f"At least {MIN_EMS_GAP_DAYS} days between EMS sessions is recommended, "
            "so your muscles can recover. Your trainer will know."
        )
    expires_soon = False
    if used is not None:
        if used.sessions_left <= FEW_SESSIONS:
            warnings.append(f"{_sessions(used.sessions_left)} left on your {kind} pack.")
        if used.expires is not None and used.expires - today <= timedelta(EXPIRY_WARNING_DAYS):
            expires_soon = used.expires >= today
            if expires_soon:
                warnings.append(f"Your {kind} pack {_expires_text(used.expires, today)}.")
    visit = Visit(
        visit_id or new_visit_id(now),
        code,
        now,
        kind,
        pack.id if pack is not None else None,
        frozenset(flags),
        "; ".join(reasons),
    )
    return CheckIn(
        Outcome.SEE_TRAINER if see_trainer else Outcome.CHECKED_IN,
        code,
        kind,
        visit,
        used,
        first_ems=first_ems,
        days_since_last_ems=days,
        short_gap=short_gap,
        unprepared=unprepared,
        sessions_left=used.sessions_left if used is not None else None,
        expires=used.expires if used is not None else None,
        expires_soon=expires_soon,
        override=override and VisitFlag.OVERRIDE in flags,
        warnings=tuple(warnings),
        reasons=tuple(reasons),
        booked=booking.words if booking is not None and booking.booking is not None else "",
    )


PREP_CARD: tuple[str, ...] = (
    "Drink a glass of water before you start.",
    "No heavy meal in the 2 hours before your session.",
    "No body lotion or oil today: the pads need clean, dry skin.",
    "Your trainer will call you when your session is ready to start.",
)
PREP_CARD_OTHER: tuple[str, ...] = (
    "Have some water to hand.",
    "Your trainer will call you when your session is ready to start.",
)


def prep_card(kind: PackKind) -> tuple[str, ...]:
    """What to do before the session. No booking system: no start time is made up."""
    return PREP_CARD if kind is PackKind.EMS else PREP_CARD_OTHER
