"""Exercises and programmes in content/, and each kind of broken programme named by file and key."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.content import Content, load_content
from kiosk.core.exercises import Kind, load_exercises
from kiosk.core.fields import Problem
from kiosk.core.programmes import Phase, load_warmups

from .conftest import CONTENT_DIR

LEAFLET_FIVE = {"skydive", "hip-hinge", "single-leg-hinge", "glute-bridge", "bird-dog"}


# --- the real content --------------------------------------------------------------------------


def test_the_content_has_no_warmup_problems(content: Content) -> None:
    mine = [p for p in content.problems if p.file.startswith(("exercises", "programmes"))]
    assert mine == []
    assert content.warmups.left_out == ()


def test_the_library_has_the_leaflet_five_and_at_least_five_stretches(content: Content) -> None:
    exercises = content.warmups.exercises
    assert set(exercises) >= LEAFLET_FIVE
    assert all(exercises[i].kind is Kind.STRENGTH for i in LEAFLET_FIVE)
    easy = [e for e in exercises.values() if e.kind in (Kind.STRETCH, Kind.MOBILITY)]
    assert len(easy) >= 5
    for e in exercises.values():
        assert e.name and e.start and e.safety and e.muscles, e.id
        assert 2 <= len(e.steps) <= 4, e.id
        assert (e.timing.hold or 0) > 0 or ((e.timing.reps or 0) > 0 and e.timing.tempo > 0)


def test_the_three_programmes_and_their_stated_lengths(content: Content) -> None:
    by_id = {p.id: p for p in content.warmups.programmes}
    assert {"ems-pre-session", "lower-back-care", "quick-mobility"} <= set(by_id)
    assert by_id["ems-pre-session"].minutes == 5
    assert by_id["lower-back-care"].minutes == 10
    assert by_id["quick-mobility"].minutes == 3
    for p in by_id.values():
        assert p.seconds == p.minutes * 60, p.id
        assert p.get_ready > 0
    used = {s.exercise.id for s in by_id["lower-back-care"].steps}
    assert used >= LEAFLET_FIVE
    assert any(content.warmups.exercises[i].kind is not Kind.STRENGTH for i in used)
    # the EMS warm-up comes first in the menu: the check-in screen offers it
    assert content.warmups.programmes[0].id == "ems-pre-session"


def test_every_exercise_is_used_by_some_programme(content: Content) -> None:
    used = {s.exercise.id for p in content.warmups.programmes for s in p.steps}
    assert used == set(content.warmups.exercises)


# --- broken content ----------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, out)
    return out


GOOD = """
id = "{id}"
name = "Short one"
minutes = 1
get_ready = 10
rest = 0
[[steps]]
exercise = "childs-pose"
[[steps]]
exercise = "glute-bridge"
reps = 5
"""


def write(folder: Path, name: str, text: str) -> None:
    (folder / "programmes" / name).write_text(text)


def load(folder: Path) -> tuple[list[Problem], list[str], list[str]]:
    problems: list[Problem] = []
    library = load_warmups(folder, problems)
    return problems, [p.id for p in library.programmes], [x.file for x in library.left_out]


def test_a_good_extra_programme_is_in_the_menu(folder: Path) -> None:
    write(folder, "short.toml", GOOD.format(id="short"))
    problems, ids, left_out = load(folder)
    assert problems == [] and "short" in ids and left_out == []


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (('"childs-pose"', '"childs-pos"'), "steps[0].exercise", "unknown exercise 'childs-pos'"),
        (("reps = 5", "reps = 0"), "steps[1].reps", "at least 1"),
        (("reps = 5", "hold = -5"), "steps[1].hold", "at least 1"),
        (("reps = 5", "tempo = 0"), "steps[1].tempo", "more than 0"),
        (("get_ready = 10", "get_ready = 0"), "get_ready", "at least 1"),
        (("rest = 0", "rest = -1"), "rest", "at least 0"),
        (("reps = 5", "reps = 5\nsets = 0"), "steps[1].sets", "at least 1"),
        (('"Short one"', '""'), "name", "must not be empty"),
        (("reps = 5", "reps = 5\nhold = 20"), "steps[1].hold", "not both"),
    ],
)
def test_a_broken_programme_is_left_out_with_its_file_and_key(
    folder: Path, change: tuple[str, str], key: str, words: str
) -> None:
    text = GOOD.format(id="short")
    assert change[0] in text
    write(folder, "short.toml", text.replace(change[0], change[1], 1))
    problems, ids, left_out = load(folder)
    assert "short" not in ids
    assert left_out == ["programmes/short.toml"]
    assert any(
        p.file == "programmes/short.toml" and p.key == key and words in p.message for p in problems
    ), problems
    assert {"ems-pre-session", "lower-back-care", "quick-mobility"} <= set(ids)


def test_an_empty_programme_is_left_out(folder: Path) -> None:
    write(folder, "empty.toml", 'id = "empty"\nname = "Empty"\nminutes = 1\nsteps = []\n')
    write(folder, "none.toml", 'id = "none"\nname = "No steps"\nminutes = 1\n')
    problems, ids, left_out = load(folder)
    assert "empty" not in ids and "none" not in ids
    assert sorted(left_out) == ["programmes/empty.toml", "programmes/none.toml"]
    assert (
        Problem("programmes/empty.toml", "steps", "is empty: a programme needs at least one step")
        in problems
    )
    assert any(p.file == "programmes/none.toml" and p.key == "steps" for p in problems)


def test_bad_toml_is_left_out_and_named(folder: Path) -> None:
    write(folder, "broken.toml", 'id = "broken"\nname = "Oops\n')
    problems, _, left_out = load(folder)
    assert left_out == ["programmes/broken.toml"]
    assert any(
        p.file == "programmes/broken.toml" and "not valid TOML" in p.message for p in problems
    )


def test_a_duplicate_programme_id_keeps_the_first(folder: Path) -> None:
    write(folder, "zz-copy.toml", GOOD.format(id="ems-pre-session"))
    problems, ids, left_out = load(folder)
    assert ids.count("ems-pre-session") == 1
    assert left_out == ["programmes/zz-copy.toml"]
    assert (
        Problem(
            "programmes/zz-copy.toml",
            "id",
            "'ems-pre-session' is already used by another programme",
        )
        in problems
    )


def test_a_wrong_stated_length_is_a_problem_but_still_plays(folder: Path) -> None:
    write(folder, "short.toml", GOOD.format(id="short").replace("minutes = 1", "minutes = 2"))
    problems, ids, _ = load(folder)
    assert "short" in ids
    assert (
        Problem("programmes/short.toml", "minutes", "says 2 min but the steps add up to 1:00")
        in problems
    )


def test_a_misspelt_key_is_noted(folder: Path) -> None:
    write(
        folder,
        "short.toml",
        GOOD.format(id="short").replace("get_ready = 10", "get_ready = 10\nget_redy = 5"),
    )
    problems, ids, _ = load(folder)
    assert "short" in ids
    assert any(p.key == "get_redy" and "spelling" in p.message for p in problems)


def test_broken_exercises_are_named_and_their_programmes_left_out(folder: Path) -> None:
    path = folder / "exercises.toml"
    text = path.read_text()
    text = text.replace('id = "skydive"', 'id = "bird-dog"', 1)  # a duplicate id
    text = text.replace("hold = 30", "hold = 0", 1)  # child's pose
    path.write_text(text)
    problems: list[Problem] = []
    exercises = load_exercises(folder, problems)
    assert "childs-pose" not in exercises
    assert (
        Problem("exercises.toml", "exercises[9].hold", "must be at least 1 second, not 0")
        in problems
    )
    assert (
        Problem("exercises.toml", "exercises[4].id", "'bird-dog' is used by an earlier exercise")
        in problems
    )
    problems = []
    library = load_warmups(folder, problems)
    ids = [p.id for p in library.programmes]
    assert "lower-back-care" not in ids and "quick-mobility" not in ids  # both use child's pose
    assert "ems-pre-session" in ids
    assert any("unknown exercise 'childs-pose'" in p.message for p in problems)


def test_an_exercise_needs_two_to_four_steps_and_a_timing(folder: Path) -> None:
    path = folder / "exercises.toml"
    path.write_text(
        '[[exercises]]\nid = "x"\nname = "X"\nstart = "Stand."\nsteps = ["One."]\n'
        'muscles = ["glutes"]\nsafety = "Care."\n'
    )
    problems: list[Problem] = []
    assert load_exercises(folder, problems) == {}
    keys = {(p.key, p.message) for p in problems}
    assert ("exercises[0].steps", "must have 2 to 4 steps, not 1") in keys
    assert any(k == "exercises[0].hold" and "give hold" in m for k, m in keys)


def test_no_programmes_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems: list[Problem] = []
    library = load_warmups(tmp_path, problems)
    assert library.programmes == ()
    assert {p.file for p in problems} == {"exercises.toml", "programmes"}


def test_kiosk_check_reports_a_broken_programme(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(folder, "short.toml", GOOD.format(id="short").replace("reps = 5", "reps = -2"))
    assert main(["--content", str(folder), "check"]) == 1
    out = capsys.readouterr().out
    assert "programmes/short.toml: steps[1].reps: must be at least 1, not -2" in out
    content = load_content(folder)
    assert [x.file for x in content.warmups.left_out] == ["programmes/short.toml"]


def test_the_plan_phases_alternate_pauses_and_work(content: Content) -> None:
    for p in content.warmups.programmes:
        plan = p.plan()
        assert plan[0].phase is Phase.GET_READY
        assert plan[-1].phase is Phase.WORK
        for a, b in itertools.pairwise(plan):
            assert Phase.WORK in (a.phase, b.phase), p.id
