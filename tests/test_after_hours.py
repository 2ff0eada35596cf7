"""After hours, without a terminal: when the calm screen is due and until when, where it sits,
and the `[after_hours]` settings named by file and key when wrong."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk.core.after_hours import AfterHoursPolicy, after_hours, drift, move_step
from kiosk.core.fields import Problem
from kiosk.core.studio import OpeningHours, Period, load_studio

from .conftest import CONTENT_DIR, LONDON

POLICY = AfterHoursPolicy(start_after_minutes=0)


def hours(*days: tuple[tuple[int, int], ...]) -> OpeningHours:
    """Seven days, Monday first; each a tuple of (opens, closes) in hours."""
    return OpeningHours(tuple(tuple(Period(o * 60, c * 60) for o, c in d) for d in days))


OPEN = ((7, 20),)
WEEK = hours(OPEN, OPEN, OPEN, OPEN, ((7, 19),), ((8, 13),), ())  # the studio's, Sunday closed


def at(day: int, hh: int, mm: int = 0) -> datetime:
    # 2026-11-23 is a Monday; day 0..6 = Monday..Sunday
    return datetime(2026, 11, 23, hh, mm, tzinfo=LONDON) + timedelta(days=day)


def test_open_is_never_after_hours() -> None:
    assert after_hours(WEEK, POLICY, at(0, 7)) is None
    assert after_hours(WEEK, POLICY, at(0, 19, 59)) is None


def test_evening_until_the_next_morning() -> None:
    late = after_hours(WEEK, POLICY, at(0, 20))
    assert late is not None
    assert late.since == at(0, 20) and late.until == at(1, 7)


def test_past_midnight_and_before_opening() -> None:
    for when in (at(1, 0), at(1, 0, 1), at(1, 6, 59)):
        found = after_hours(WEEK, POLICY, when)
        assert found is not None and found.until == at(1, 7) and found.since == at(0, 20)
    assert after_hours(WEEK, POLICY, at(1, 7)) is None


def test_closed_day_runs_from_saturday_to_monday() -> None:
    found = after_hours(WEEK, POLICY, at(6, 12))  # Sunday noon
    assert found is not None and found.since == at(5, 13) and found.until == at(7, 7)


def test_a_day_with_two_periods_dims_over_lunch() -> None:
    split = hours(((7, 12), (14, 20)), *[OPEN] * 6)
    found = after_hours(split, POLICY, at(0, 13))
    assert found is not None and found.since == at(0, 12) and found.until == at(0, 14)
    assert after_hours(split, POLICY, at(0, 14)) is None
    # a lunch shorter than the wait after closing never dims
    slow = AfterHoursPolicy(start_after_minutes=120)
    assert after_hours(split, slow, at(0, 13, 59)) is None


def test_open_through_midnight_is_one_stretch() -> None:
    night = hours(((18, 24),), ((0, 2), (7, 20)), *[OPEN] * 5)
    assert after_hours(night, POLICY, at(0, 23, 59)) is None
    assert after_hours(night, POLICY, at(1, 0, 30)) is None
    found = after_hours(night, POLICY, at(1, 3))
    assert found is not None and found.since == at(1, 2) and found.until == at(1, 7)


def test_staff_finishing_up_are_not_dimmed() -> None:
    policy = AfterHoursPolicy(start_after_minutes=15)
    assert after_hours(WEEK, policy, at(0, 20, 14)) is None
    found = after_hours(WEEK, policy, at(0, 20, 15))
    assert found is not None and found.since == at(0, 20, 15)
    # and still after midnight, counted from the evening's closing
    assert after_hours(WEEK, policy, at(1, 0, 5)) is not None


def test_no_hours_known_never_dims() -> None:
    assert after_hours(OpeningHours(), POLICY, at(0, 3)) is None


def test_turned_off_never_dims() -> None:
    assert after_hours(WEEK, AfterHoursPolicy(enabled=False), at(6, 3)) is None


def test_only_one_day_a_week() -> None:
    once = hours((), (), (), (), (), ((9, 12),), ())
    found = after_hours(once, POLICY, at(0, 10))
    assert found is not None and found.since == at(-2, 12) and found.until == at(5, 9)


@pytest.mark.parametrize(
    ("when", "closed"),
    [
        # Sunday 29 March 2026: the clocks go forward at 01:00 GMT; the hours are wall time
        (datetime(2026, 3, 29, 0, 30, tzinfo=LONDON), True),
        (datetime(2026, 3, 29, 3, 30, tzinfo=LONDON), True),
        (datetime(2026, 3, 29, 8, 0, tzinfo=LONDON), False),
        (datetime(2026, 3, 29, 10, 0, tzinfo=LONDON), True),
        # Sunday 25 October 2026: back at 02:00 BST; 01:30 comes twice
        (datetime(2026, 10, 25, 1, 30, tzinfo=LONDON), True),
        (datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON), True),
        (datetime(2026, 10, 25, 8, 30, tzinfo=LONDON), False),
    ],
)
def test_days_the_clocks_change(when: datetime, closed: bool) -> None:
    sundays = hours(*[OPEN] * 6, ((8, 9),))
    found = after_hours(sundays, POLICY, when)
    assert (found is not None) is closed
    if found is not None and when.hour < 8:
        assert found.until.replace(tzinfo=None) == datetime(when.year, when.month, when.day, 8)


def test_wall_time_of_a_fixed_offset_clock() -> None:
    # SystemClock gives datetime.now().astimezone(): a fixed offset, the local wall time
    summer = datetime(2026, 3, 29, 7, 30, tzinfo=LONDON).astimezone(LONDON)
    fixed = summer.astimezone(summer.tzinfo).replace(tzinfo=summer.tzinfo)
    found = after_hours(WEEK, POLICY, fixed)
    assert found is not None and found.until.hour == 7 and found.until.day == 30


# --- where the calm screen sits ----------------------------------------------------------------


def test_drift_moves_every_move_minutes_and_stays_in_the_room() -> None:
    policy = AfterHoursPolicy(move_minutes=3)
    start = at(0, 22)
    places = []
    for n in range(200):
        when = start + timedelta(minutes=3 * n)
        x, y = drift(when, policy, (10, 4))
        assert 0 <= x <= 10 and 0 <= y <= 4
        places.append((x, y))
    assert all(a != b for a, b in itertools.pairwise(places))  # moves every time
    assert {x for x, _ in places} >= {0, 10} and {y for _, y in places} == {0, 1, 2, 3, 4}
    # within one move it stays put
    assert drift(start, policy, (10, 4)) == drift(start + timedelta(seconds=59), policy, (10, 4))


def test_drift_without_room_stays_at_the_corner() -> None:
    assert drift(at(0, 22), AfterHoursPolicy(), (0, 0)) == (0, 0)
    assert drift(at(0, 22), AfterHoursPolicy(), (-3, -1)) == (0, 0)


def test_move_step_changes_each_move() -> None:
    policy = AfterHoursPolicy(move_minutes=5)
    base = datetime(2026, 11, 23, 22, 0, tzinfo=LONDON)
    assert move_step(base + timedelta(minutes=5), policy) == move_step(base, policy) + 1


# --- the settings -------------------------------------------------------------------------------


def load(tmp_path: Path, section: str) -> tuple[AfterHoursPolicy, list[str]]:
    text = (CONTENT_DIR / "studio.toml").read_text()
    start = text.index("[after_hours]")
    end = text.index("\n\n", start)
    (tmp_path / "studio.toml").write_text(text[:start] + section + text[end:])
    problems: list[Problem] = []
    studio = load_studio(tmp_path, problems)
    return studio.after_hours, [str(p) for p in problems]


def test_shipped_settings() -> None:
    problems: list[Problem] = []
    real = load_studio(CONTENT_DIR, problems)
    assert problems == []
    assert real.after_hours == AfterHoursPolicy(
        enabled=True, move_minutes=3, start_after_minutes=15, wake_minutes=2
    )


def test_missing_section_keeps_the_defaults(tmp_path: Path) -> None:
    policy, problems = load(tmp_path, "")
    assert policy == AfterHoursPolicy() and problems == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("move_minutes = 0", "after_hours.move_minutes: must be at least 1, not 0; using 3"),
        ('wake_minutes = "two"', "after_hours.wake_minutes: must be a whole number"),
        ("start_after_minutes = -5", "after_hours.start_after_minutes: must be at least 0"),
        ('enabled = "no"', "after_hours.enabled: must be true or false"),
        ("blank_after_hour = true", "after_hours.blank_after_hour: is not a known setting"),
    ],
)
def test_bad_settings_are_named_and_fall_back(tmp_path: Path, line: str, message: str) -> None:
    policy, problems = load(tmp_path, f"[after_hours]\nblank_after_hours = true\n{line}")
    assert len(problems) == 1 and problems[0].startswith("studio.toml: " + message)
    # the bad key keeps its default; the good ones stand
    assert policy.move_minutes == 3 and policy.wake_minutes == 2
    assert policy.enabled is True and policy.blank_after_hours is True


def test_not_a_table(tmp_path: Path) -> None:
    text = (CONTENT_DIR / "studio.toml").read_text().replace("[after_hours]", "[after_hourz]")
    text = "after_hours = 3\n" + text
    (tmp_path / "studio.toml").write_text(text)
    problems: list[Problem] = []
    studio = load_studio(tmp_path, problems)
    assert studio.after_hours == AfterHoursPolicy()
    assert any(str(p).startswith("studio.toml: after_hours: must be a table") for p in problems)


def test_kiosk_check_names_a_bad_setting(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    for f in CONTENT_DIR.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    for d in CONTENT_DIR.iterdir():
        if d.is_dir():
            (tmp_path / d.name).mkdir()
            for f in d.iterdir():
                (tmp_path / d.name / f.name).write_bytes(f.read_bytes())
    text = (tmp_path / "studio.toml").read_text().replace("move_minutes = 3", "move_minutes = 0")
    (tmp_path / "studio.toml").write_text(text)
    assert main(["--content", str(tmp_path), "check"]) == 1
    assert "studio.toml: after_hours.move_minutes: must be at least 1" in capsys.readouterr().out
