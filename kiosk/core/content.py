"""Loads everything in content/ into typed objects, with every problem named by file and key.

Each part has its own module and loader; this module only puts them together. A broken part
never stops the kiosk: its loader falls back to something safe and notes the problem, which
`kiosk check` prints and staff mode shows.

The front desk needs only the studio and the slides. The warm-ups, terms and health questions
are read the first time they are asked for (`kiosk run` asks from a worker after the first
paint): parsing them, and importing their modules, was a fifth of the kiosk's start on top of
Textual's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.fallbacks import SHIPPED_CONTENT, LastGoodReader, Sources
from kiosk.core.fields import Problem
from kiosk.core.studio import Slide, Studio, load_slides, load_studio

if TYPE_CHECKING:
    from kiosk.core.programmes import WarmupLibrary
    from kiosk.core.screening import Questions
    from kiosk.core.terms import Terms


@dataclass(frozen=True)
class Content:
    """`dataclasses.replace(content, studio=...)` gives a copy whose later parts load afresh."""

    directory: Path
    studio: Studio
    slides: tuple[Slide, ...]
    front_problems: tuple[Problem, ...] = ()  # found reading the studio and the slides
    # what each file fell back to, and the bytes of each that parsed (for the last good copies)
    sources: Sources = field(default_factory=lambda: Sources(Path(), shipped=None), compare=False)

    # A cached_property writes the instance's __dict__ directly, so it works on a frozen
    # dataclass. Two threads asking at once both parse the same files and get equal answers.
    @cached_property
    def _later(self) -> _LaterParts:
        return _load_later(self.directory, self.studio, self.sources)

    def with_later(self, **changes: Any) -> Content:
        """A copy whose warm-ups, terms or questions are the ones given, the rest as here."""
        copy = replace(self)
        copy.__dict__["_later"] = replace(self._later, **changes)  # where cached_property keeps it
        return copy

    @property
    def warmups(self) -> WarmupLibrary:
        return self._later.warmups

    @property
    def terms(self) -> Terms:
        return self._later.terms

    @property
    def questions(self) -> Questions:
        """The screening and readiness questions."""
        return self._later.questions

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.front_problems + self._later.problems

    @property
    def problem_lines(self) -> tuple[str, ...]:
        """Each problem, then what each file falls back to: as `kiosk check` prints them."""
        return tuple(p.line for p in self.problems + self.fallback_notes)

    @property
    def staff_warnings(self) -> tuple[str, ...]:
        """Content problems staff must hear of at once, each worded as `kiosk check` words it;
        first, when the health questions are the kiosk's own, that."""
        lines = self.problem_lines
        if not self.questions.shipped:
            return lines
        return (
            "The health questions file content/screening.toml could not be used, so the kiosk "
            "asks its own shipped questions. `kiosk check` says what is wrong:",
            *lines,
        )

    @property
    def fallback_notes(self) -> tuple[Problem, ...]:
        """What each file with a mistake is shown from instead, for `kiosk check` and staff."""
        return tuple(self.sources.fallbacks.values())

    @property
    def fallback_in_use(self) -> bool:
        """A file (or some of its keys) is shown from its last good or shipped copy. Only what is
        loaded so far counts: asking never reads the later parts."""
        return bool(self.sources.fallbacks)

    def clean_copies(self) -> dict[str, bytes]:
        """Each file read so far that loaded with no problem at all, as it was read: to be kept
        as its last good copy."""
        troubled = {p.file for p in self.problems}
        return {n: b for n, b in self.sources.loaded.items() if n not in troubled}


@dataclass(frozen=True)
class _LaterParts:
    warmups: WarmupLibrary
    terms: Terms
    questions: Questions
    problems: tuple[Problem, ...]


def _load_later(directory: Path, studio: Studio, sources: Sources) -> _LaterParts:
    from kiosk.core.programmes import load_warmups
    from kiosk.core.retention import notice_problems
    from kiosk.core.screening import load_questions
    from kiosk.core.terms import load_terms

    problems: list[Problem] = []
    warmups = load_warmups(directory, problems, sources)
    terms = load_terms(directory, problems, sources)
    questions = load_questions(directory, problems, sources)
    wanted = studio.check_in_warmup
    if wanted and warmups.programme(wanted) is None:
        # the check-in result then simply offers no warm-up; staff should still hear of it
        message = f"no programme has id {wanted!r}"
        problems.append(Problem("studio.toml", "check_in_warmup", message))
    problems += notice_problems(terms, studio.staff)  # the privacy notice keeps the code's word
    return _LaterParts(warmups, terms, questions, tuple(problems))


def load_content(
    directory: Path, last_good: LastGoodReader | None = None, shipped: Path | None = SHIPPED_CONTENT
) -> Content:
    """Reads the studio and slides now; the rest when first asked for (see the module's note).
    A file with a mistake falls back to its last good copy, else to the shipped one
    (kiosk/core/fallbacks.py); ``shipped=None`` turns the shipped copies off."""
    problems: list[Problem] = []
    if not directory.is_dir():
        problems.append(Problem(str(directory), "", "content directory does not exist"))
    sources = Sources(directory, last_good, shipped)
    studio = load_studio(directory, problems, sources)
    slides = load_slides(directory, problems, sources)
    return Content(directory, studio, slides, tuple(problems), sources)
