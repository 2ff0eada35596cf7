"""The [staff] table of studio.toml: defaults, and every bad value named with a safe fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.content import Content
from kiosk.core.fields import Problem
from kiosk.core.studio import StaffPolicy, Studio, load_studio

_MINIMAL = (
    'name = "Studio"\naddress = "1 Road"\n[hours]\n'
    + "".join(
        f'{d} = "07:00-20:00"\n'
        for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
    + '[[links]]\nid = "web"\ntitle = "Web"\ncaption = "Our site"\nurl = "https://example.com"\n'
)


def load(tmp_path: Path, staff: str | None) -> tuple[Studio, list[Problem]]:
    text = _MINIMAL if staff is None else _MINIMAL + "[staff]\n" + staff
    (tmp_path / "studio.toml").write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_studio(tmp_path, problems), problems


def test_real_content_staff_policy(content: Content) -> None:
    assert content.studio.staff == StaffPolicy(120, 14, 24, 12)


def test_no_staff_table_means_defaults_and_no_problem(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, None)
    assert problems == []
    assert studio.staff == StaffPolicy(
        idle_seconds=120, backup_generations=14, screening_retention_months=24
    )


def test_values_are_read(tmp_path: Path) -> None:
    studio, problems = load(
        tmp_path, "idle_seconds = 300\nbackup_generations = 30\nscreening_retention_months = 12\n"
    )
    assert problems == []
    assert studio.staff == StaffPolicy(300, 30, 12)


def test_screening_valid_months_is_read_and_defaults_to_12(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, "screening_valid_months = 6\n")
    assert problems == [] and studio.staff.screening_valid_months == 6
    assert StaffPolicy().screening_valid_months == 12


def test_partial_table_keeps_other_defaults(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, "backup_generations = 7\n")
    assert problems == []
    assert studio.staff == StaffPolicy(120, 7, 24)


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("idle_seconds = 0", "staff.idle_seconds", "at least 10, not 0; using 120"),
        ("idle_seconds = 5", "staff.idle_seconds", "at least 10"),
        ("backup_generations = 0", "staff.backup_generations", "at least 1, not 0; using 14"),
        ("backup_generations = -3", "staff.backup_generations", "at least 1"),
        ("screening_retention_months = 0", "staff.screening_retention_months", "at least 1"),
        ("screening_valid_months = 0", "staff.screening_valid_months", "not 0; using 12"),
        ("screening_valid_months = 'a year'", "staff.screening_valid_months", "whole number"),
        ("backup_generations = 2.5", "staff.backup_generations", "must be a whole number"),
        ("idle_seconds = 'two minutes'", "staff.idle_seconds", "must be a whole number"),
        ("screening_retention_months = true", "staff.screening_retention_months", "true/false"),
        ("backups = 3", "staff.backups", "not a known setting"),
    ],
)
def test_bad_value_is_named_and_the_default_kept(
    tmp_path: Path, line: str, key: str, words: str
) -> None:
    studio, problems = load(tmp_path, line + "\n")
    assert [(p.file, p.key) for p in problems] == [("studio.toml", key)]
    assert words in problems[0].message
    assert studio.staff == StaffPolicy()


def test_staff_not_a_table(tmp_path: Path) -> None:
    (tmp_path / "studio.toml").write_text("staff = 3\n" + _MINIMAL, encoding="utf-8")
    problems: list[Problem] = []
    studio = load_studio(tmp_path, problems)
    assert [(p.file, p.key) for p in problems] == [("studio.toml", "staff")]
    assert "must be a table" in problems[0].message
    assert studio.staff == StaffPolicy()
