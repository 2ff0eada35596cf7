"""The exercise library for the warm-ups, read from ``content/exercises.toml``.

Each exercise says how to do it (starting position, a few short steps, one safety note), what it
works, and how it is timed: held for some seconds, or a number of reps at a tempo. A rep-based
exercise can also wait for the client to say they are done instead of counting for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Fields, Problem

EXERCISES_FILE = "exercises.toml"
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MIN_STEPS, MAX_STEPS = 2, 4
MAX_TEMPO = 30.0  # seconds for one rep; more is surely a typo for a hold


class Kind(StrEnum):
    STRENGTH = "strength"
    STRETCH = "stretch"
    MOBILITY = "mobility"


@dataclass(frozen=True)
class Timing:
    """How one set is timed: a hold of ``hold`` seconds, or ``reps`` at ``tempo`` seconds each."""

    hold: int | None = None
    reps: int | None = None
    tempo: float = 0.0
    until_done: bool = False  # reps at the client's own pace: the set ends when they say so

    @property
    def seconds(self) -> float:
        """The length of one set (for a set that waits for "done", the expected length)."""
        if self.hold is not None:
            return float(self.hold)
        return (self.reps or 0) * self.tempo

    def describe(self) -> str:
        if self.hold is not None:
            return f"hold {self.hold} s"
        reps = f"{self.reps} reps"
        if self.until_done:
            return f"{reps} at your own pace"
        return f"{reps}, {self.tempo:g} s each"


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    kind: Kind
    start: str  # the starting position
    steps: tuple[str, ...]
    muscles: tuple[str, ...]
    safety: str
    timing: Timing
    per_side: bool


def read_timing(f: Fields, base: Timing | None = None) -> Timing | None:
    """Read ``hold`` or ``reps``/``tempo``/``until_done``; keys left out come from ``base``.

    Returns None (with a problem noted) when the timing cannot be used.
    """
    has_hold, has_reps = "hold" in f.table, "reps" in f.table
    if has_hold and has_reps:
        f.problem("hold", "give either hold (seconds) or reps, not both")
        return None
    if has_hold:
        hold = f.integer("hold")
        if hold < 1:
            f.problem("hold", f"must be at least 1 second, not {hold}")
            return None
        for key in ("tempo", "until_done"):
            if key in f.table:
                f.problem(key, "only goes with reps, not with hold")
        return Timing(hold=hold)
    if not has_reps and base is None:
        f.problem("hold", "is missing: give hold (seconds) or reps and tempo")
        return None
    if not has_reps and base is not None and base.hold is not None:
        if "tempo" in f.table or "until_done" in f.table:
            f.problem("reps", "is missing: tempo and until_done need reps here")
            return None
        return base
    reps = f.integer("reps") if has_reps else (base.reps if base else None) or 0
    if reps < 1:
        f.problem("reps", f"must be at least 1, not {reps}")
        return None
    base_tempo = base.tempo if base is not None and base.reps is not None else None
    if "tempo" in f.table or base_tempo is None:
        before = len(f.problems)
        tempo = f.number("tempo")
        if len(f.problems) > before:
            return None
        if tempo <= 0:
            f.problem("tempo", f"must be more than 0 seconds a rep, not {tempo:g}")
            return None
        if tempo > MAX_TEMPO:
            f.problem("tempo", f"must be at most {MAX_TEMPO:g} seconds a rep, not {tempo:g}")
            return None
    else:
        tempo = base_tempo
    until_done = f.flag("until_done", base.until_done if base is not None else False)
    return Timing(reps=reps, tempo=tempo, until_done=until_done)


def _exercise(f: Fields) -> Exercise | None:
    before = len(f.problems)
    exercise_id = f.text("id").strip()
    if exercise_id and not ID_PATTERN.match(exercise_id):
        f.problem("id", f"must be lower-case letters, digits and dashes, not {exercise_id!r}")
    name = " ".join(f.text("name").split())
    kind_text = f.text("kind", "strength").strip()
    try:
        kind = Kind(kind_text)
    except ValueError:
        f.problem("kind", f"must be one of {', '.join(k.value for k in Kind)}, not {kind_text!r}")
        kind = Kind.STRENGTH
    start = " ".join(f.text("start").split())
    steps = tuple(" ".join(s.split()) for s in f.texts("steps"))
    if not MIN_STEPS <= len(steps) <= MAX_STEPS:
        f.problem("steps", f"must have {MIN_STEPS} to {MAX_STEPS} steps, not {len(steps)}")
    muscles = tuple(" ".join(m.split()) for m in f.texts("muscles"))
    if not muscles:
        f.problem("muscles", "must name at least one muscle")
    safety = " ".join(f.text("safety").split())
    per_side = f.flag("per_side", False)
    timing = read_timing(f)
    broken = timing is None or len(f.problems) > before or not exercise_id
    for key in f.unknown_keys():
        f.problem(key, "is not an exercise setting (spelling?)")
    if broken or timing is None:
        return None
    return Exercise(exercise_id, name, kind, start, steps, muscles, safety, timing, per_side)


def load_exercises(
    directory: Path, problems: list[Problem], sources: Sources | None = None
) -> dict[str, Exercise]:
    """Every usable exercise by id. A broken exercise is left out, with its problems noted
    (or the whole file is its last good copy, when there is one)."""
    return (sources or Sources(directory, shipped=None)).load(
        EXERCISES_FILE, problems, _exercises_from, whole=True
    )


def _exercises_from(table: dict[str, Any] | None, problems: list[Problem]) -> dict[str, Exercise]:
    if table is None:
        return {}
    top = Fields(table, EXERCISES_FILE, problems)
    exercises: dict[str, Exercise] = {}
    seen: set[str] = set()
    for f in top.tables("exercises"):
        exercise = _exercise(f)
        exercise_id = f.table.get("id")
        if isinstance(exercise_id, str) and exercise_id.strip() in seen:
            f.problem("id", f"{exercise_id.strip()!r} is used by an earlier exercise")
            continue
        if isinstance(exercise_id, str):
            seen.add(exercise_id.strip())
        if exercise is not None:
            exercises[exercise.id] = exercise
    if not seen:
        problems.append(Problem(EXERCISES_FILE, "exercises", "has no exercises"))
    for key in top.unknown_keys():
        top.problem(key, "is not an exercises setting (spelling?)")
    return exercises
