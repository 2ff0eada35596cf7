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
class Screening:
    """An EMS health screening: special-category data, kept apart from the member record."""

    member_code: str
    taken: date
    consent_at: datetime  # when they consented to us keeping these answers
    answers: Mapping[str, bool]  # question id -> answered yes
    other: str = ""  # "anything else you think we should know"

    @property
    def needs_trainer(self) -> bool:
        return any(self.answers.values()) or bool(self.other.strip())
