"""The questions a client answers: the EMS health screening at registration, and the readiness
check before each EMS session.

API:
    load_questions(directory, problems) -> Questions   # content/screening.toml, or SHIPPED
    SHIPPED: Questions          # the questions shipped with the kiosk: the fallback
    questions.screening / .readiness: tuple[Question, ...]; questions.version; .other_prompt
    take_screening(code, answers, other, now, questions=SHIPPED, details={}) -> Screening
    needs_trainer(screening) -> bool
    Readiness.of(answers, questions.readiness) -> Readiness   # an unanswered question is a yes
    readiness.stops / .concerns: the yes answers that stop EMS today / that the trainer hears of
    due_again(member, screening, terms_version, questions, today, valid_months) -> DueAgain
    due.terms / due.screening: agree to changed terms / answer the questions again at check-in
    flag_for(member, screening, consent, now) -> Member   # the see-trainer flag a screening sets

Every question asks one thing and "yes" always means "there is a problem". `blocks`: a yes
means no EMS until a trainer clears it (absolute contraindications; in the readiness check, no
EMS today). The answers keep each question's id and exact words, so editing the file later never
changes what an old screening says. A missing or broken file (or list) falls back to SHIPPED
and is a problem for `kiosk check` and staff: a client never skips a question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Fields, Problem
from kiosk.core.members import Answer, Member, Screening

SCREENING_FILE = "screening.toml"
ASKS_SHIPPED = "the kiosk asks its own shipped questions until fixed"
OTHER_MAX = 500  # "anything else" is a note for the trainer, not a medical history
DETAIL_MAX = 200
TEXT_MAX = 200
FOLLOW_UP_MAX = 120
VERSION_MAX = 40
VALID_MONTHS = 12  # a screening older than this is asked again (studio.toml screening_valid_months)
FLAG_LINES = 30  # the see-trainer history keeps this many lines (kiosk/core/trainer_flags.py)
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    blocks: bool = False  # a yes: no EMS until a trainer clears it
    follow_up: str = ""  # asked after a yes (screening only)


@dataclass(frozen=True)
class Questions:
    version: str
    screening: tuple[Question, ...]
    readiness: tuple[Question, ...]
    other_prompt: str
    shipped: bool = False  # the file could not be used: these are the kiosk's own

    @property
    def screening_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.screening)


def _q(qid: str, text: str, blocks: bool, follow_up: str = "") -> Question:
    return Question(qid, text, blocks, follow_up)


# The same as content/screening.toml as shipped (a test keeps them equal).
SHIPPED = Questions(
    version="2026-12-1",
    screening=(
        _q(
            "implant",
            "Do you have an electronic device inside your body, such as a pacemaker?",
            True,
        ),
        _q("pregnant", "Are you pregnant, or could you be?", True),
        _q("nerves", "Do you have epilepsy or another condition of the brain or nerves?", True),
        _q("heart", "Do you have a heart condition, such as an irregular heartbeat?", True),
        _q("arteries", "Do you have hardened or narrowed arteries, or poor circulation?", True),
        _q("blood_pressure", "Do you have high blood pressure that is not under control?", True),
        _q("bleeding", "Do you have a bleeding disorder, such as haemophilia?", True),
        _q("thrombosis", "Have you had a blood clot (thrombosis)?", True),
        _q("hernia", "Do you have a hernia in your tummy or groin?", True),
        _q(
            "surgery",
            "Have you had an operation in the last 6 months (a stent or bypass counts too)?",
            True,
            "What was the operation, and when?",
        ),
        _q("illness", "Are you ill at the moment, for example with a fever or an infection?", True),
        _q("diabetes", "Do you have diabetes?", False),
        _q(
            "cancer",
            "Do you have cancer, or are you being treated for it?",
            False,
            "What treatment are you having, if any?",
        ),
        _q("kidney", "Do you have kidney disease?", False),
        _q("blood_thinners", "Do you take medicine that thins your blood?", False),
        _q("disc", "Have you had a slipped disc?", False, "Where in your back, and when?"),
        _q("back_pain", "Do you have back pain that a doctor has not looked at?", False),
        _q(
            "metal",
            "Do you have metal in your body from an operation, such as a plate, screws or a "
            "new joint?",
            False,
            "Where is it?",
        ),
        _q("skin", "Do you have a wound, a rash or eczema on your body, arms or legs?", False),
    ),
    readiness=(
        _q("unwell", "Do you feel unwell today, for example with a cold or a fever?", True),
        _q("pregnant", "Are you pregnant, or could you be?", True),
        _q(
            "new_condition",
            "Since your last visit, has a doctor told you about a new health problem?",
            True,
        ),
        _q("operation", "Since your last visit, have you had an operation?", True),
        _q(
            "new_implant",
            "Since your last visit, have you had an implant fitted, such as a pacemaker or a "
            "stent?",
            True,
        ),
        _q("meal", "Have you eaten a big meal in the last 2 hours?", False),
        _q("no_drink", "Have you had little or nothing to drink today?", False),
    ),
    other_prompt="Anything else you think your trainer should know? (optional)",
    shipped=True,
)

# The shipped lists, for code that has no content at hand.
SCREENING_QUESTIONS = SHIPPED.screening
READINESS_QUESTIONS = SHIPPED.readiness
OTHER_PROMPT = SHIPPED.other_prompt
SCREENING_IDS = SHIPPED.screening_ids


# The questions asked before screening.toml (version 1): screenings kept then hold ids only.
VERSION_1: Mapping[str, str] = {
    "implant": "Do you have a pacemaker or any other implanted electronic device?",
    "pregnant": "Are you pregnant, or could you be?",
    "epilepsy": "Do you have epilepsy?",
    "heart": "Do you have heart disease or an irregular heartbeat (arrhythmia)?",
    "surgery": "Have you had an operation in the last 6 months?",
    "cancer": "Are you being treated for cancer?",
    "thrombosis": "Have you had thrombosis (a blood clot)?",
    "illness": "Are you ill or feverish at the moment?",
    "skin": "Do you have open wounds or a skin condition where the pads go (body, arms or legs)?",
}


def asked_in(screening: Screening) -> tuple[tuple[Answer, ...], tuple[Answer, ...]]:
    """(yes answers, no answers) with the words the client saw; for a screening kept before the
    words were stored, the version-1 words by id (or the id itself)."""
    if screening.asked:
        return screening.yes_answers, screening.no_answers

    def words(a: Answer) -> Answer:
        return Answer(a.id, VERSION_1.get(a.id, a.id), a.yes, a.blocks, a.detail)

    return (
        tuple(map(words, screening.yes_answers)),
        tuple(map(words, screening.no_answers)),
    )


# -- loading ------------------------------------------------------------------------------------


def load_questions(
    directory: Path, problems: list[Problem], sources: Sources | None = None
) -> Questions:
    """The questions in content/screening.toml. A missing or broken file gives its last good
    copy, else SHIPPED; a list with any problem is replaced whole by one of them (never a
    question left out)."""
    src = sources or Sources(directory, shipped=None)
    found = src.load(SCREENING_FILE, problems, _questions_from, whole=True, or_shipped=False)
    if found.shipped:  # not when the last good copy is asked
        problems.append(Problem(SCREENING_FILE, "", ASKS_SHIPPED))
    return found


def _questions_from(table: dict[str, Any] | None, problems: list[Problem]) -> Questions:
    if table is None:
        return SHIPPED
    fields = Fields(table, SCREENING_FILE, problems)
    before = len(problems)
    version = fields.text("version").strip()
    if len(version) > VERSION_MAX:
        fields.problem("version", f"is too long: at most {VERSION_MAX} characters")
    other = " ".join(fields.text("other_prompt", SHIPPED.other_prompt).split())
    if len(other) > TEXT_MAX:
        fields.problem("other_prompt", f"is too long: at most {TEXT_MAX} characters")
    header_ok = len(problems) == before
    screening = _load_list(fields, "screening", follow_ups=True)
    readiness = _load_list(fields, "readiness", follow_ups=False)
    for key in fields.unknown_keys():
        fields.problem(key, "is not a screening setting (spelling?)")
    if not header_ok or screening is None or readiness is None:
        return SHIPPED
    return Questions(version, screening, readiness, other)


def _load_list(fields: Fields, name: str, *, follow_ups: bool) -> tuple[Question, ...] | None:
    """One list of questions; None when anything in it is wrong."""
    before = len(fields.problems)
    found: list[Question] = []
    seen: set[str] = set()
    for part in fields.tables(name):
        qid = part.text("id").strip()
        if qid and not _ID.match(qid):
            part.problem("id", f"{qid!r}: use lower-case letters, digits and _ only")
        if qid in seen:
            part.problem("id", f"{qid!r} is used by another question")
        seen.add(qid)
        text = " ".join(part.text("text").split())
        if len(text) > TEXT_MAX:
            part.problem("text", f"is {len(text)} characters; keep it to {TEXT_MAX}")
        if text and not text.endswith("?"):
            part.problem("text", "must be a question (end it with ?)")
        blocks = part.flag("blocks")
        follow_up = " ".join(part.text("follow_up", "", allow_empty=True).split())
        if follow_up and not follow_ups:
            part.problem("follow_up", "only screening questions can ask for more")
        if len(follow_up) > FOLLOW_UP_MAX:
            part.problem("follow_up", f"is too long: at most {FOLLOW_UP_MAX} characters")
        for key in part.unknown_keys():
            part.problem(key, "is not a question setting (spelling?)")
        found.append(Question(qid, text, blocks, follow_up))
    if not found and len(fields.problems) == before:
        fields.problem(name, "has no questions")
    if len(fields.problems) > before:
        return None
    return tuple(found)


# -- answers ------------------------------------------------------------------------------------


def _clean(text: str, most: int) -> str:
    return " ".join(text.split())[:most]


def take_screening(
    member_code: str,
    answers: Mapping[str, bool],
    other: str,
    now: datetime,
    questions: Questions = SHIPPED,
    details: Mapping[str, str] | None = None,
) -> Screening:
    """A screening record from the client's answers. Every question must be answered."""
    ids = questions.screening_ids
    missing = ids - answers.keys()
    if missing:
        raise ValueError(f"unanswered screening questions: {', '.join(sorted(missing))}")
    unknown = answers.keys() - ids
    if unknown:
        raise ValueError(f"unknown screening questions: {', '.join(sorted(unknown))}")
    more = details or {}
    asked = tuple(
        Answer(
            q.id,
            q.text,
            bool(answers[q.id]),
            q.blocks,
            _clean(more.get(q.id, ""), DETAIL_MAX) if answers[q.id] else "",
        )
        for q in questions.screening
    )
    kept = {a.id: a.yes for a in asked}
    note = _clean(other, OTHER_MAX)
    return Screening(member_code, now.date(), now, kept, note, asked, questions.version)


def needs_trainer(screening: Screening) -> bool:
    """Any yes, or anything written under "anything else": the trainer must see it."""
    return screening.needs_trainer


@dataclass(frozen=True)
class Readiness:
    """The answers to the readiness questions before an EMS session. Readiness() is all well."""

    answers: tuple[Answer, ...] = ()

    @property
    def stops(self) -> tuple[Answer, ...]:
        """Yes to a blocking question: no EMS today, see the trainer."""
        return tuple(a for a in self.answers if a.yes and a.blocks)

    @property
    def concerns(self) -> tuple[Answer, ...]:
        """Yes to a question that does not stop the session (a big meal, nothing to drink)."""
        return tuple(a for a in self.answers if a.yes and not a.blocks)

    @property
    def see_trainer(self) -> bool:
        return bool(self.stops)

    @property
    def prepared(self) -> bool:
        return not self.concerns

    @classmethod
    def of(
        cls, answers: Mapping[str, bool], questions: Sequence[Question] = READINESS_QUESTIONS
    ) -> Readiness:
        """From {question id: yes}; an unanswered question counts as yes, to be safe."""
        return cls(
            tuple(Answer(q.id, q.text, bool(answers.get(q.id, True)), q.blocks) for q in questions)
        )

    @classmethod
    def from_answers(cls, answers: Mapping[str, bool]) -> Readiness:
        return cls.of(answers)


# -- asked again at check-in ----------------------------------------------------------------------


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day when that month is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


@dataclass(frozen=True)
class DueAgain:
    """What a returning member is asked again before their check-in goes on."""

    terms: bool = False  # the terms changed since they agreed
    screening: bool = False  # the questions changed, or their answers are too old
    why: tuple[str, ...] = ()  # in words, for staff

    @property
    def any(self) -> bool:
        return self.terms or self.screening


def due_again(
    member: Member,
    screening: Screening | None,
    *,
    terms_version: str,
    questions: Questions,
    today: date,
    valid_months: int = VALID_MONTHS,
) -> DueAgain:
    """Does this member agree to the terms again / answer the health questions again now?

    Terms: only a member who agreed to another version at the kiosk (one added by staff or
    imported agreed on paper, and has no version). Questions: only a kept screening (without
    consent nothing is kept, and the see-trainer flag already sends them to the trainer), when
    its version is not the file's (the shipped fallback, used while the file is broken, never
    counts as a change) or it was taken more than `valid_months` ago.
    """
    why: list[str] = []
    terms = bool(terms_version and member.terms_version and member.terms_version != terms_version)
    if terms:
        why.append(f"terms agreed: {member.terms_version}; now {terms_version}")
    rescreen = False
    if screening is not None:
        if not questions.shipped and screening.version != questions.version:
            rescreen = True
            was = screening.version or "before versions"
            why.append(f"health questions changed: answered {was}; now {questions.version}")
        if screening.taken < months_before(today, max(1, valid_months)):
            rescreen = True
            why.append(
                f"health screening of {screening.taken:%d/%m/%Y} is over {valid_months} months old"
            )
    return DueAgain(terms, rescreen, tuple(why))


def flag_for(member: Member, screening: Screening, consent: bool, now: datetime) -> Member:
    """The member with the see-trainer flag a screening sets, and a line in its history: a yes
    that blocks EMS, or answers not kept (no consent) that the trainer must ask in person."""
    if screening.blocks_ems:
        why = "health screening answer: no EMS until a trainer clears it"
    elif not consent:
        why = "screening answers not kept (no consent): ask them before EMS"
    else:
        return member
    lines = [line.strip() for line in member.see_trainer_note.splitlines() if line.strip()]
    lines.append(f"set {now:%d/%m/%Y}: {why}")
    return replace(member, see_trainer=True, see_trainer_note="\n".join(lines[-FLAG_LINES:]))
