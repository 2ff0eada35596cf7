"""Loads everything in content/ into typed objects, with every problem named by file and key.

Each part has its own module and loader; this module only puts them together. A broken part
never stops the kiosk: its loader falls back to something safe and notes the problem, which
`kiosk check` prints and staff mode shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core.fields import Problem
from kiosk.core.programmes import WarmupLibrary, load_warmups
from kiosk.core.retention import notice_problems
from kiosk.core.screening import SCREENING_FILE, SHIPPED, Questions, load_questions
from kiosk.core.studio import Slide, Studio, load_slides, load_studio
from kiosk.core.terms import Terms, load_terms


@dataclass(frozen=True)
class Content:
    directory: Path
    studio: Studio
    slides: tuple[Slide, ...]
    warmups: WarmupLibrary
    terms: Terms
    problems: tuple[Problem, ...]
    questions: Questions = SHIPPED  # the screening and readiness questions

    @property
    def staff_warnings(self) -> tuple[str, ...]:
        """Content problems staff must hear of at once: the health questions are the kiosk's own."""
        if not self.questions.shipped:
            return ()
        found = [str(p) for p in self.problems if p.file == SCREENING_FILE]
        return (
            "The health questions file content/screening.toml could not be used, so the kiosk "
            "asks its own shipped questions. `kiosk check` says what is wrong: " + "; ".join(found),
        )


def load_content(directory: Path) -> Content:
    problems: list[Problem] = []
    if not directory.is_dir():
        problems.append(Problem(str(directory), "", "content directory does not exist"))
    studio = load_studio(directory, problems)
    slides = load_slides(directory, problems)
    warmups = load_warmups(directory, problems)
    terms = load_terms(directory, problems)
    questions = load_questions(directory, problems)
    wanted = studio.check_in_warmup
    if wanted and warmups.programme(wanted) is None:
        # the check-in result then simply offers no warm-up; staff should still hear of it
        message = f"no programme has id {wanted!r}"
        problems.append(Problem("studio.toml", "check_in_warmup", message))
    problems += notice_problems(terms, studio.staff)  # the privacy notice keeps the code's word
    return Content(directory, studio, slides, warmups, terms, tuple(problems), questions)
