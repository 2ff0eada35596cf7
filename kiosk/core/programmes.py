"""Warm-up programmes from ``content/programmes/*.toml``, and the plan of phases each one plays.

A programme is a get-ready time and a list of steps; a step names an exercise from
``content/exercises.toml`` with its sets, its timing (the exercise's own unless the step says
otherwise) and the rest after each set. A programme with a problem that would stop it playing
(bad TOML, no steps, an unknown exercise, a zero or negative time, an id used twice) is left out
of the menu; its problems are noted for `kiosk check` and staff, and the kiosk keeps running.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.core.exercises import ID_PATTERN, Exercise, Timing, load_exercises, read_timing
from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Fields, Problem

PROGRAMMES_DIR = "programmes"
MAX_SETS = 10
MAX_PAUSE = 300  # seconds: longest get-ready, rest or side switch
DEFAULT_GET_READY = 10
DEFAULT_REST = 10
DEFAULT_SWITCH = 5
DEFAULT_ORDER = 100
LEFT_OUT = "left out of the warm-up menu until the problems above are fixed"

# One screen before every programme (kiosk/ui/screens/warmup_safety.py), confirmed with Enter.
BEFORE_YOU_START = (
    "Move slowly and only as far as feels comfortable. A warm-up should never hurt.",
    "Stop at once if you feel pain, numbness or tingling, or pain that spreads down a leg, "
    "and tell your trainer.",
    "Stop too if you feel dizzy, sick or short of breath, and sit down.",
    "Breathe all the way through: never hold your breath to push harder.",
)


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class Phase(StrEnum):
    GET_READY = "get ready"
    WORK = "work"
    REST = "rest"
    DONE = "done"


@dataclass(frozen=True)
class Step:
    exercise: Exercise
    timing: Timing
    sets: int = 1
    rest: int = DEFAULT_REST  # after each set (nothing after the programme's last set)

    @property
    def sides(self) -> tuple[Side | None, ...]:
        return (Side.LEFT, Side.RIGHT) if self.exercise.per_side else (None,)


@dataclass(frozen=True)
class Segment:
    """One phase of a programme's plan. A get-ready or rest belongs to the work that follows it."""

    phase: Phase
    step: int  # index into Programme.steps
    set_no: int  # 1-based
    side: Side | None
    seconds: float  # planned length; for a set that waits for "done", the expected length
    until_done: bool = False
    switch_sides: bool = False  # a rest that is only the change to the other side


@dataclass(frozen=True)
class Programme:
    id: str
    name: str
    about: str
    minutes: int  # the length the content states; `kiosk check` compares it with the plan
    get_ready: int
    switch: int
    steps: tuple[Step, ...]
    file: str = ""
    order: int = DEFAULT_ORDER

    def plan(self) -> tuple[Segment, ...]:
        segments: list[Segment] = []
        previous: tuple[int, int] | None = None  # (step, set) of the work before
        for index, step in enumerate(self.steps):
            for set_no in range(1, step.sets + 1):
                for side in step.sides:
                    if previous is None:
                        pause, phase, switch = self.get_ready, Phase.GET_READY, False
                    elif previous == (index, set_no):
                        pause, phase, switch = self.switch, Phase.REST, True
                    else:
                        pause, phase, switch = self.steps[previous[0]].rest, Phase.REST, False
                    if pause > 0:
                        segments.append(Segment(phase, index, set_no, side, pause, False, switch))
                    segments.append(
                        Segment(
                            Phase.WORK,
                            index,
                            set_no,
                            side,
                            step.timing.seconds,
                            step.timing.until_done,
                        )
                    )
                    previous = (index, set_no)
        return tuple(segments)

    @property
    def seconds(self) -> float:
        """The whole length, counting sets that wait for "done" at their expected length."""
        return sum(s.seconds for s in self.plan())


@dataclass(frozen=True)
class LeftOut:
    """A programme file that is not in the menu, and why (for staff)."""

    file: str
    reason: str


@dataclass(frozen=True)
class WarmupLibrary:
    exercises: Mapping[str, Exercise] = field(default_factory=dict)
    programmes: tuple[Programme, ...] = ()
    left_out: tuple[LeftOut, ...] = ()

    def programme(self, programme_id: str) -> Programme | None:
        return next((p for p in self.programmes if p.id == programme_id), None)


def length_text(seconds: float) -> str:
    """``5:00``, ``12:30``: minutes and seconds, rounded up to the second."""
    whole = int(-(-seconds // 1))
    return f"{whole // 60}:{whole % 60:02d}"


def _step(f: Fields, exercises: Mapping[str, Exercise], default_rest: int) -> Step | None:
    before = len(f.problems)
    exercise_id = f.text("exercise").strip()
    exercise = exercises.get(exercise_id)
    if exercise_id and exercise is None:
        f.problem("exercise", f"unknown exercise {exercise_id!r} (not in exercises.toml)")
    sets = f.integer("sets", 1, minimum=1)
    if sets > MAX_SETS:
        f.problem("sets", f"must be at most {MAX_SETS}, not {sets}")
    rest = f.integer("rest", default_rest, minimum=0)
    if rest > MAX_PAUSE:
        f.problem("rest", f"must be at most {MAX_PAUSE} seconds, not {rest}")
    timing = read_timing(f, exercise.timing) if exercise is not None else None
    broken = exercise is None or timing is None or len(f.problems) > before
    for key in f.unknown_keys():
        if exercise is not None:
            f.problem(key, "is not a step setting (spelling?)")
    if broken or exercise is None or timing is None:
        return None
    return Step(exercise, timing, sets, rest)


def _pause(f: Fields, name: str, default: object, minimum: int) -> int:
    value = f.integer(name, default, minimum=minimum)
    if value > MAX_PAUSE:
        f.problem(name, f"must be at most {MAX_PAUSE} seconds, not {value}")
    return value


def load_programme(
    path: Path,
    exercises: Mapping[str, Exercise],
    problems: list[Problem],
    sources: Sources | None = None,
) -> Programme | None:
    """One programme file, or None (problems noted) when it cannot be played (and has no
    last good copy)."""
    label = f"{PROGRAMMES_DIR}/{path.name}"

    def build(table: dict[str, Any] | None, problems: list[Problem]) -> Programme | None:
        return _programme_from(table, label, exercises, problems)

    src = sources or Sources(path.parent.parent, shipped=None)
    return src.load(label, problems, build, whole=True)


def _programme_from(
    table: dict[str, Any] | None,
    label: str,
    exercises: Mapping[str, Exercise],
    problems: list[Problem],
) -> Programme | None:
    if table is None:
        return None
    before = len(problems)
    f = Fields(table, label, problems)
    programme_id = f.text("id").strip()
    if programme_id and not ID_PATTERN.match(programme_id):
        f.problem("id", f"must be lower-case letters, digits and dashes, not {programme_id!r}")
    name = " ".join(f.text("name").split())
    about = " ".join(f.text("about", "", allow_empty=True).split())
    minutes = f.integer("minutes", minimum=1)
    order = f.integer("order", DEFAULT_ORDER)
    get_ready = _pause(f, "get_ready", DEFAULT_GET_READY, 1)
    switch = _pause(f, "switch", DEFAULT_SWITCH, 0)
    default_rest = _pause(f, "rest", DEFAULT_REST, 0)
    steps = [_step(s, exercises, default_rest) for s in f.tables("steps")]
    if "steps" in table and not steps:
        f.problem("steps", "is empty: a programme needs at least one step")
    broken = len(problems) > before or not steps or None in steps
    for key in f.unknown_keys():
        f.problem(key, "is not a programme setting (spelling?)")
    if broken:
        return None
    programme = Programme(
        programme_id,
        name,
        about,
        minutes,
        get_ready,
        switch,
        tuple(s for s in steps if s is not None),
        label,
        order,
    )
    if abs(programme.seconds - minutes * 60) >= 0.5:
        f.problem(
            "minutes",
            f"says {minutes} min but the steps add up to {length_text(programme.seconds)}",
        )
    return programme


def load_warmups(
    directory: Path, problems: list[Problem], sources: Sources | None = None
) -> WarmupLibrary:
    exercises = load_exercises(directory, problems, sources)
    folder = directory / PROGRAMMES_DIR
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        problems.append(Problem(PROGRAMMES_DIR, "", "no programme files (*.toml)"))
    programmes: list[Programme] = []
    left_out: list[LeftOut] = []
    for path in files:
        label = f"{PROGRAMMES_DIR}/{path.name}"
        before = len(problems)
        programme = load_programme(path, exercises, problems, sources)
        if programme is not None and any(p.id == programme.id for p in programmes):
            problems.append(
                Problem(label, "id", f"{programme.id!r} is already used by another programme")
            )
            programme = None
        if programme is None:
            reasons = "; ".join(
                f"{p.key}: {p.message}" if p.key else p.message for p in problems[before:]
            )
            left_out.append(LeftOut(label, reasons or "cannot be played"))
            problems.append(Problem(label, "", LEFT_OUT))
        else:
            programmes.append(programme)
    programmes.sort(key=lambda p: (p.order, p.name))
    return WarmupLibrary(exercises, tuple(programmes), tuple(left_out))
