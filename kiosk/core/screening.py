"""The questions a client answers: the EMS health screening at registration, and the readiness
check before each EMS session.

API:
    SCREENING_QUESTIONS: tuple[Question, ...]   # yes/no, by id; plus OTHER_PROMPT (free text)
    READINESS_QUESTIONS: tuple[Question, ...]   # "unwell", "changed", "prepared"
    take_screening(code, answers, other, now) -> Screening   # consent is given by taking it
    needs_trainer(screening) -> bool
    Readiness(unwell, changed, prepared); Readiness.from_answers({"unwell": False, ...})

A screening keeps only the yes/no answers by question id, the free text, the date and when the
client consented to us keeping it: special-category health data, stored apart from the member.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from kiosk.core.members import Screening

OTHER_MAX = 500  # "anything else" is a note for the trainer, not a medical history


@dataclass(frozen=True)
class Question:
    id: str
    text: str


SCREENING_QUESTIONS: tuple[Question, ...] = (
    Question("implant", "Do you have a pacemaker or any other implanted electronic device?"),
    Question("pregnant", "Are you pregnant, or could you be?"),
    Question("epilepsy", "Do you have epilepsy?"),
    Question("heart", "Do you have heart disease or an irregular heartbeat (arrhythmia)?"),
    Question("surgery", "Have you had an operation in the last 6 months?"),
    Question("cancer", "Are you being treated for cancer?"),
    Question("thrombosis", "Have you had thrombosis (a blood clot)?"),
    Question("illness", "Are you ill or feverish at the moment?"),
    Question(
        "skin",
        "Do you have open wounds or a skin condition where the pads go (body, arms or legs)?",
    ),
)
OTHER_PROMPT = "Anything else you think we should know? (optional)"
SCREENING_IDS = frozenset(q.id for q in SCREENING_QUESTIONS)

READINESS_QUESTIONS: tuple[Question, ...] = (
    Question("unwell", "Are you unwell or feverish today?"),
    Question(
        "changed",
        "Since your last visit, are you pregnant, or have you had a new medical condition, "
        "implant or operation?",
    ),
    Question("prepared", "Have you had water, and no heavy meal, in the last 2 hours?"),
)
READINESS_STOP = frozenset({"unwell", "changed"})  # a yes here: see your trainer first


@dataclass(frozen=True)
class Readiness:
    """The answers to the three readiness questions before an EMS session."""

    unwell: bool = False
    changed: bool = False
    prepared: bool = True

    @property
    def see_trainer(self) -> bool:
        return self.unwell or self.changed

    @classmethod
    def from_answers(cls, answers: Mapping[str, bool]) -> Readiness:
        """From {question id: yes}; an unanswered stop question counts as yes, to be safe."""
        return cls(
            unwell=bool(answers.get("unwell", True)),
            changed=bool(answers.get("changed", True)),
            prepared=bool(answers.get("prepared", False)),
        )


def take_screening(
    member_code: str, answers: Mapping[str, bool], other: str, now: datetime
) -> Screening:
    """A screening record from the client's answers. Every question must be answered."""
    missing = SCREENING_IDS - answers.keys()
    if missing:
        raise ValueError(f"unanswered screening questions: {', '.join(sorted(missing))}")
    unknown = answers.keys() - SCREENING_IDS
    if unknown:
        raise ValueError(f"unknown screening questions: {', '.join(sorted(unknown))}")
    note = " ".join(other.split())[:OTHER_MAX]
    kept = {q.id: bool(answers[q.id]) for q in SCREENING_QUESTIONS}
    return Screening(member_code, now.date(), now, kept, note)


def needs_trainer(screening: Screening) -> bool:
    """Any yes, or anything written under "anything else": see the trainer before EMS."""
    return screening.needs_trainer
