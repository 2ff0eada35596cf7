"""The "see trainer before EMS" flag's history, and the health answers in words for staff.

The member record keeps every setting and clearing of the flag, one line each, oldest first, in
`see_trainer_note` ("set 01/12/2026: health screening answer ...", "cleared 02/12/2026: GP
letter seen"), so the trainer sees how it came to be. Only staff mode shows any of it.

API:
    set_or_clear(member, note, now) -> Member      # flips the flag, adds a line to the history
    history(member) -> list[str]; latest_note(member.see_trainer_note) (kiosk/core/checkin.py)
    screening_lines(screening) -> list[str]        # the screening as staff read it
    visit_reasons(visit) -> list[str]; attempt_line(attempt) -> str
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kiosk.core.checkin import Attempt
from kiosk.core.members import Member, Screening, Visit, VisitFlag
from kiosk.core.screening import asked_in

HISTORY_LINES = 30  # the oldest go first: the member record must stay small

# every visit flag in staff's words (a test checks none is missing)
FLAG_WORDS = {
    VisitFlag.FIRST_EMS: "first EMS",
    VisitFlag.SHORT_GAP: "under 4 days since the last EMS",
    VisitFlag.SEE_TRAINER: "see trainer",
    VisitFlag.OVERRIDE: "override",
    VisitFlag.IMPORTED: "imported",
    VisitFlag.NO_SHOW: "no-show",
    VisitFlag.LATE_CANCEL: "late cancel",
    VisitFlag.TOO_EARLY: "too early",
    VisitFlag.LATE: "late",
    VisitFlag.NO_BOOKING: "no booking",
}


def flag_words(visit: Visit) -> str:
    """A visit's flags in a few words: "first EMS, see trainer"."""
    return ", ".join(FLAG_WORDS[f] for f in VisitFlag if f in visit.flags)


def history(member: Member) -> list[str]:
    return [line.strip() for line in member.see_trainer_note.splitlines() if line.strip()]


def set_or_clear(member: Member, note: str, now: datetime) -> Member:
    """The member with the flag flipped and "set/cleared <date>: <note>" added to its history."""
    word = "cleared" if member.see_trainer else "set"
    lines = [*history(member), f"{word} {now:%d/%m/%Y}: {' '.join(note.split())}"]
    return replace(
        member,
        see_trainer=not member.see_trainer,
        see_trainer_note="\n".join(lines[-HISTORY_LINES:]),
    )


def screening_lines(screening: Screening) -> list[str]:
    """Each yes in full words (with what they added), their note, the date and consent, and the
    no answers folded into one line."""
    yes, no = asked_in(screening)
    version = f", questions {screening.version}" if screening.version else ""
    lines = [
        f"Health screening {screening.taken:%d/%m/%Y}{version}; answers kept with their "
        f"consent ({screening.consent_at:%d/%m/%Y %H:%M})"
    ]
    for answer in yes:
        how = "YES, no EMS until cleared" if answer.blocks else "YES, trainer decides"
        more = f' - they added: "{answer.detail}"' if answer.detail else ""
        lines.append(f"  {how}: {answer.text}{more}")
    if screening.other:
        lines.append(f'  Their note: "{screening.other}"')
    if no:
        lines.append(f"  No to the other {len(no)}: " + ", ".join(a.id for a in no))
    if not yes and not screening.other:
        lines.append("  Nothing for the trainer.")
    return lines


def visit_reasons(visit: Visit) -> list[str]:
    """Why a visit is flagged, in words: what the check-in noted, else its flags."""
    if visit.note:
        return [part.strip() for part in visit.note.split(";") if part.strip()]
    return [FLAG_WORDS[f] for f in VisitFlag if f in visit.flags]


def attempt_line(attempt: Attempt) -> str:
    return "NOT CHECKED IN: " + (attempt.reasons[0] if attempt.reasons else str(attempt.outcome))
