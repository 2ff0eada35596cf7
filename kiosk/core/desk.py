"""What the check-in screens need from the core, until B1's modules land.

STAND-IN by B2 (check-in UI): B1 owns kiosk/core/{lookup,checkin,registration,screening}.py and
had not written them when the screens were built. Everything here is real and tested, and the
UI imports only from this module, so switching to B1's modules is a change of imports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from rapidfuzz import fuzz, process

from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag

# -- look-up -----------------------------------------------------------------------------------

NAME_CUTOFF = 70.0


def fold(text: str) -> str:
    """Lower case, accents off, only letters, digits and single spaces: "Zoë" -> "zoe"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def redacted(member: Member) -> str:
    """How a match is shown to the public: first name, last initial, last two phone digits."""
    initial = f" {member.last_name.strip()[:1]}." if member.last_name.strip() else ""
    digits = re.sub(r"\D", "", member.phone)
    ending = f" · phone ending {digits[-2:]}" if len(digits) >= 2 else ""
    return f"{member.first_name.strip()}{initial}{ending}"


class MemberIndex:
    """Members prepared once for searching, so a keystroke costs one fuzzy pass and no set-up."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.members = list(members)
        self._names = [fold(f"{m.first_name} {m.last_name}") for m in self.members]
        self._digits = [re.sub(r"\D", "", m.phone) for m in self.members]
        self._codes = {m.code.strip().casefold(): m for m in self.members if m.code.strip()}

    def by_code(self, text: str) -> Member | None:
        return self._codes.get(text.strip().casefold())

    def search(self, text: str, limit: int = 5) -> list[Member]:
        query = fold(text)
        digits = re.sub(r"\D", "", text)
        full = normalise_phone(text)
        if full:  # a whole number, in any format
            return [m for m in self.members if m.phone == full][:limit]
        if len(digits) >= 4 and digits == query.replace(" ", ""):
            return [
                m for m, d in zip(self.members, self._digits, strict=True) if d.endswith(digits)
            ][:limit]
        exact = self.by_code(text)
        if exact is not None:
            return [exact]
        if len(query) < 3:
            return []
        found = process.extract(
            query, self._names, scorer=fuzz.WRatio, limit=limit, score_cutoff=NAME_CUTOFF
        )
        return [self.members[n] for _, _, n in found]


# -- questions ---------------------------------------------------------------------------------

READINESS = (
    ("unwell", "Are you unwell or feverish today?"),
    (
        "changed",
        "Since your last visit: are you pregnant, or have you had a new medical condition, "
        "implant or operation?",
    ),
    ("prepared", "Have you had water, and no heavy meal, in the last 2 hours?"),
)
READINESS_STOP = frozenset({"unwell", "changed"})  # a yes here: see the trainer first

SCREENING = (
    ("implant", "Do you have a pacemaker or any other implanted electronic device?"),
    ("pregnant", "Are you pregnant, or could you be?"),
    ("epilepsy", "Do you have epilepsy?"),
    ("heart", "Do you have heart disease or an irregular heartbeat (arrhythmia)?"),
    ("surgery", "Have you had surgery in the last 6 months?"),
    ("cancer", "Are you being treated for cancer?"),
    ("thrombosis", "Have you had thrombosis (a blood clot)?"),
    ("illness", "Are you ill or feverish at the moment?"),
    ("skin", "Do you have open wounds or a skin condition where the pads go (body, arms, legs)?"),
)


# -- check-in decision -------------------------------------------------------------------------

MIN_EMS_GAP_DAYS = 4
FEW_SESSIONS = 2
EXPIRY_WARNING_DAYS = 14


class Status(StrEnum):
    CHECKED_IN = "checked-in"
    ALREADY = "already"
    PACK_USED_UP = "used-up"
    PACK_EXPIRED = "expired"
    SEE_TRAINER = "see-trainer"


@dataclass(frozen=True)
class Decision:
    status: Status
    kind: PackKind | None = None
    pack: Pack | None = None  # the pack after this visit's session is taken
    visit: Visit | None = None  # to record; None when nothing is recorded
    first_ems: bool = False
    days_since_ems: int | None = None
    unprepared: bool = False  # said no to water / no heavy meal
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def recorded(self) -> bool:
        return self.visit is not None


def kinds_left(member: Member, today: date) -> list[tuple[PackKind, int]]:
    """Kinds with sessions left on an unexpired pack, with how many, in PackKind order."""
    left = {kind: 0 for kind in PackKind}
    for p in member.packs:
        if p.sessions_left > 0 and (p.expires is None or p.expires >= today):
            left[p.kind] += p.sessions_left
    return [(kind, n) for kind, n in left.items() if n > 0]


def _usable(packs: Sequence[Pack], today: date) -> Pack | None:
    ok = [p for p in packs if p.sessions_left > 0 and (p.expires is None or p.expires >= today)]
    ok.sort(key=lambda p: p.expires or date.max)  # use the pack that runs out first
    return ok[0] if ok else None


def decide(
    member: Member,
    kind: PackKind | None,
    history: Sequence[Visit],
    now: datetime,
    readiness: dict[str, bool] | None,
    visit_id: str,
) -> Decision:
    """What happens when `member` checks in for a `kind` session at `now`."""
    today = now.date()
    if kind is None:  # no session left of any kind: report on their most recent pack
        kinds = [p.kind for p in member.packs]
        kind = kinds[-1] if kinds else None
    if any(v.at.date() == today and (v.kind == kind or v.kind is None) for v in history):
        return Decision(Status.ALREADY, kind)
    packs = [p for p in member.packs if p.kind == kind]
    pack = _usable(packs, today)
    if pack is None:
        expired = any(p.sessions_left > 0 for p in packs)
        return Decision(Status.PACK_EXPIRED if expired else Status.PACK_USED_UP, kind)
    flags: set[VisitFlag] = set()
    first_ems = False
    days: int | None = None
    unprepared = False
    see_trainer = False
    if kind is PackKind.EMS:
        ems = [v.at for v in history if v.kind is PackKind.EMS]
        if ems:
            days = (today - max(ems).date()).days
            if days < MIN_EMS_GAP_DAYS:
                flags.add(VisitFlag.SHORT_GAP)
        else:
            first_ems = True
            flags.add(VisitFlag.FIRST_EMS)
        answers = readiness or {}
        see_trainer = member.see_trainer or any(answers.get(q) for q in READINESS_STOP)
        unprepared = answers.get("prepared") is False
    if see_trainer:
        flags.add(VisitFlag.SEE_TRAINER)
    used = replace(pack, sessions_left=pack.sessions_left - 1)
    warnings: list[str] = []
    if used.sessions_left <= FEW_SESSIONS:
        n = used.sessions_left
        left = "No sessions" if n == 0 else f"{n} session" + ("" if n == 1 else "s")
        warnings.append(f"{left} left on your {kind} pack.")
    if used.expires is not None and used.expires - today <= timedelta(days=EXPIRY_WARNING_DAYS):
        warnings.append(f"Your {kind} pack expires on {used.expires:%-d %b %Y}.")
    visit = Visit(visit_id, member.code, now, kind, pack.id, frozenset(flags))
    return Decision(
        Status.SEE_TRAINER if see_trainer else Status.CHECKED_IN,
        kind,
        used,
        visit,
        first_ems,
        days,
        unprepared,
        tuple(warnings),
    )


def with_pack(member: Member, pack: Pack) -> Member:
    """The member with `pack` replacing the pack of the same id."""
    return replace(member, packs=tuple(pack if p.id == pack.id else p for p in member.packs))


# -- registration ------------------------------------------------------------------------------

NAME_MAX = 50
EMAIL_MAX = 120
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_phone(text: str) -> str:
    """UK or international number as E.164 ("07700 900123" -> "+447700900123"); "" if not one."""
    raw = re.sub(r"[\s\-().]", "", text.strip())
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    if re.fullmatch(r"0\d{10}", raw):
        raw = "+44" + raw[1:]
    if re.fullmatch(r"\+44\d{10}", raw) or re.fullmatch(r"\+[1-9]\d{7,14}", raw):
        return raw
    return ""


def field_problem(key: str, values: dict[str, str]) -> str:
    """The message to show under a registration field, or "" when it is fine."""
    value = values.get(key, "").strip()
    if any(unicodedata.category(c) == "Cc" for c in value):
        return "Please use letters, digits and spaces only."
    if key in ("first_name", "last_name"):
        word = "first" if key == "first_name" else "last"
        if not value:
            return f"Please enter your {word} name."
        if len(value) > NAME_MAX:
            return f"That is too long: at most {NAME_MAX} characters."
        return ""
    if key == "phone":
        if not value:
            return "Please enter your mobile number."
        if not normalise_phone(value):
            return "That does not look like a phone number: try 07700 900123 or +33 6 12 34 56 78."
        return ""
    if key == "email":
        if value and (len(value) > EMAIL_MAX or not _EMAIL.match(value)):
            return "That does not look like an email address (or leave it empty)."
        return ""
    return ""
