"""Members, their packs, their visits and their health screenings: the studio's records.

Plain frozen values. The store saves and loads them; kiosk/core/checkin.py decides with them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class PackKind(StrEnum):
    EMS = "EMS"
    PT = "PT"
    PILATES = "Pilates"


@dataclass(frozen=True)
class Pack:
    id: str
    kind: PackKind
    sessions_bought: int
    sessions_left: int
    expires: date | None = None
    bought: date | None = None


@dataclass(frozen=True)
class Member:
    code: str  # member code, printed on their QR card; what a scanner types
    first_name: str
    last_name: str
    phone: str  # normalised to E.164, e.g. "+447700900123"
    email: str = ""
    packs: tuple[Pack, ...] = ()
    see_trainer: bool = False  # set by a screening "yes" or by staff; cleared by staff
    see_trainer_note: str = ""
    joined: date | None = None
    terms_version: str = ""  # which terms and privacy notice they agreed to
    terms_agreed_at: datetime | None = None


class VisitFlag(StrEnum):
    FIRST_EMS = "first_ems"  # their first EMS session ever
    SHORT_GAP = "short_gap"  # under 4 days since their last EMS visit
    SEE_TRAINER = "see_trainer"  # readiness or screening answer the trainer must see
    OVERRIDE = "override"  # staff let a blocked check-in through
    IMPORTED = "imported"  # brought over from paper or other software
    NO_SHOW = "no_show"  # a booking nobody came to, recorded at closing (no kind of its own)
    LATE_CANCEL = "late_cancel"  # a booking cancelled too late, recorded the same way
    # the bookings at check-in (kiosk/core/bookings.py BookingFlag has the same values)
    TOO_EARLY = "too_early"  # checked in long before their booked session
    LATE = "late"  # checked in after their session had started
    NO_BOOKING = "no_booking"  # a walk-in: no booking today


@dataclass(frozen=True)
class Visit:
    id: str
    member_code: str  # "" once the member is erased (the visit stays, anonymised)
    at: datetime  # timezone-aware local time
    kind: PackKind | None = None
    pack_id: str | None = None
    flags: frozenset[VisitFlag] = field(default_factory=frozenset)
    note: str = ""


@dataclass(frozen=True)
class Answer:
    """One question as the client saw it, and their answer: later edits to the questions never
    change what an old screening or readiness check says."""

    id: str
    text: str  # the question's exact words on screen
    yes: bool
    blocks: bool = False  # a yes means no EMS until a trainer clears it
    detail: str = ""  # what they typed after a yes, when the question asks for more


@dataclass(frozen=True)
class Screening:
    """An EMS health screening: special-category data, kept apart from the member record."""

    member_code: str
    taken: date
    consent_at: datetime  # when they consented to us keeping these answers
    answers: Mapping[str, bool]  # question id -> answered yes
    other: str = ""  # "anything else you think we should know"
    asked: tuple[Answer, ...] = ()  # in order, as seen; () in screenings kept before v2
    version: str = ""  # of the questions (content/screening.toml); "" before v2

    @property
    def needs_trainer(self) -> bool:
        return any(self.answers.values()) or bool(self.other.strip())

    @property
    def blocks_ems(self) -> bool:
        """A yes that means no EMS until a trainer clears it. Without the questions as asked
        (an older screening), every yes counts, to be safe."""
        if not self.asked:
            return any(self.answers.values())
        return any(a.yes and a.blocks for a in self.asked)

    @property
    def yes_answers(self) -> tuple[Answer, ...]:
        """The questions answered yes, in the order asked (an older screening: by id only)."""
        if self.asked:
            return tuple(a for a in self.asked if a.yes)
        return tuple(Answer(k, "", True, True) for k, yes in self.answers.items() if yes)

    @property
    def no_answers(self) -> tuple[Answer, ...]:
        if self.asked:
            return tuple(a for a in self.asked if not a.yes)
        return tuple(Answer(k, "", False) for k, yes in self.answers.items() if not yes)
