"""Studio content: opening-hours wording, and every kind of broken file named by file and key."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.core.content import Content, load_content
from kiosk.core.fields import Problem
from kiosk.core.studio import (
    OpeningHours,
    Period,
    Studio,
    load_slides,
    load_studio,
)

from .conftest import CONTENT_DIR, LONDON


def at(day: int, hh: int, mm: int = 0) -> datetime:
    # 2026-11-23 is a Monday; day 0..6 = Monday..Sunday, 7 = the next Monday
    return datetime(2026, 11, 23 + day, hh, mm, tzinfo=LONDON)


def week(*days: str) -> OpeningHours:
    problems: list[Problem] = []
    text = "\n".join(f'{n} = "{d}"' for n, d in zip(_NAMES, days, strict=True))
    path = Path(_TMP[0]) / "studio.toml"
    path.write_text(_MINIMAL.replace("[hours]\n", "[hours]\n" + text + "\n", 1).replace(_HOURS, ""))
    studio = load_studio(path.parent, problems)
    assert problems == []
    return studio.hours


_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TMP: list[Path] = []
_HOURS = "\n".join(f'{n} = "07:00-20:00"' for n in _NAMES) + "\n"
_MINIMAL = (
    'name = "Studio"\naddress = "1 Road"\n[hours]\n'
    + _HOURS
    + '[[links]]\nid = "web"\ntitle = "Web"\ncaption = "Our site"\nurl = "https://example.com"\n'
)


@pytest.fixture(autouse=True)
def _tmp(tmp_path: Path) -> None:
    _TMP[:] = [tmp_path]


@pytest.fixture
def studio(content: Content) -> Studio:
    return content.studio


# --- the real content --------------------------------------------------------------------------


def test_real_content_has_no_problems(content: Content) -> None:
    assert content.problems == ()


def test_real_links_are_the_studios_four(studio: Studio) -> None:
    assert [(lk.id, lk.url) for lk in studio.links] == [
        ("ems", "https://www.fasttrack-ems.com"),
        ("fitness", "https://www.fasttrackfitness.com"),
        ("facebook", "https://www.facebook.com/FastTrackEMS"),
        ("instagram", "https://www.instagram.com/fasttrack_ems"),
    ]
    assert all(lk.caption for lk in studio.links)


def test_real_studio_facts(studio: Studio) -> None:
    assert studio.name == "Fast Track EMS & Fitness"
    assert studio.address == "1 The Cresent, Twyford, Winchester SO21 1NL"
    assert studio.slide_seconds == 10
    assert studio.result_seconds == 20
    assert studio.qr_style == "auto"


def test_real_slides_cover_the_leaflet(content: Content) -> None:
    assert len(content.slides) >= 8
    text = " ".join(f"{s.title} {s.body}".lower() for s in content.slides)
    for fact in (
        "electro muscle stimulation",
        "lower-back",
        "erector spinae",
        "quadratus lumborum",
        "skydive",
        "romanian deadlift",
        "single-leg hinge",
        "glute bridge",
        "bird dog",
        "pilates",
        "fasttrackfitness.com",
    ):
        assert fact in text, fact


def test_real_studio_hours_on_the_test_monday(studio: Studio) -> None:
    assert studio.hours.status(at(0, 10)) == "Open now until 20:00"


# --- opening-hours wording ---------------------------------------------------------------------

WEEK = ("07:00-20:00",) * 4 + ("07:00-19:00", "08:00-13:00", "closed")


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(0, 10), "Open now until 20:00"),
        (at(0, 7), "Open now until 20:00"),  # the opening minute counts as open
        (at(0, 6, 59), "Opens today at 07:00"),
        (at(0, 0, 0), "Opens today at 07:00"),
        (at(0, 19, 59), "Open now until 20:00"),
        (at(0, 20), "Closed — opens tomorrow 07:00"),  # the closing minute is closed
        (at(4, 18, 30), "Open now until 19:00"),
        (at(4, 19, 30), "Closed — opens tomorrow 08:00"),  # Friday evening -> Saturday
        (at(5, 9), "Open now until 13:00"),
        (at(5, 14), "Closed — opens Monday 07:00"),  # Saturday afternoon, Sunday closed
        (at(6, 12), "Closed — opens tomorrow 07:00"),  # Sunday: week wraps to Monday
        (at(7, 6), "Opens today at 07:00"),  # the next Monday
    ],
)
def test_hours_status(when: datetime, expected: str) -> None:
    assert week(*WEEK).status(when) == expected


def test_split_day_and_midnight() -> None:
    hours = week(*(["07:00-12:00, 16:00-24:00"] * 7))
    assert hours.status(at(2, 13)) == "Closed — opens again at 16:00"
    assert hours.status(at(2, 23, 30)) == "Open now until midnight"
    assert hours.days[2] == (Period(420, 720), Period(960, 1440))
    assert hours.day_text(2) == "07:00-12:00, 16:00-24:00"


def test_only_one_day_a_week() -> None:
    hours = week("closed", "closed", "09:00-10:00", "closed", "closed", "closed", "closed")
    assert hours.status(at(2, 11)) == "Closed — opens Wednesday 09:00"  # a whole week round
    assert hours.status(at(3, 11)) == "Closed — opens Wednesday 09:00"


def test_no_hours_known_says_nothing() -> None:
    assert OpeningHours().status(at(0, 10)) == ""


# --- broken files ------------------------------------------------------------------------------


def load(tmp_path: Path, studio_toml: str) -> tuple[Studio, list[Problem]]:
    (tmp_path / "studio.toml").write_text(studio_toml, encoding="utf-8")
    problems: list[Problem] = []
    return load_studio(tmp_path, problems), problems


def keys(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.file, p.key) for p in problems]


def test_minimal_file_is_fine(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, _MINIMAL)
    assert problems == []
    assert studio.links[0].url == "https://example.com"
    assert studio.sound_command is None


def test_bad_toml_names_the_file_and_still_gives_a_studio(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, 'name = "Studio\n')
    assert keys(problems) == [("studio.toml", "")]
    assert "not valid TOML" in str(problems[0])
    assert studio.name == "Fast Track EMS & Fitness"
    assert studio.links == () and studio.slide_seconds == 10


def test_missing_file(tmp_path: Path) -> None:
    problems: list[Problem] = []
    studio = load_studio(tmp_path, problems)
    assert [str(p) for p in problems] == ["studio.toml: file is missing"]
    assert studio.name


@pytest.mark.parametrize(
    ("remove", "key"),
    [
        ('name = "Studio"\n', "name"),
        ('address = "1 Road"\n', "address"),
        ('sunday = "07:00-20:00"\n', "hours.sunday"),
        ('url = "https://example.com"\n', "links[0].url"),
        ('caption = "Our site"\n', "links[0].caption"),
        ('id = "web"\n', "links[0].id"),
    ],
)
def test_missing_key_is_named(tmp_path: Path, remove: str, key: str) -> None:
    assert remove in _MINIMAL
    studio, problems = load(tmp_path, _MINIMAL.replace(remove, ""))
    assert keys(problems) == [("studio.toml", key)]
    assert "is missing" in problems[0].message
    assert studio.name


@pytest.mark.parametrize(("key", "most"), [("name", 40), ("address", 80)])
def test_too_long_to_fit_the_screen(tmp_path: Path, key: str, most: int) -> None:
    old = {"name": 'name = "Studio"', "address": 'address = "1 Road"'}[key]
    _, problems = load(tmp_path, _MINIMAL.replace(old, f'{key} = "{"x" * (most + 1)}"'))
    assert keys(problems) == [("studio.toml", key)]
    assert "80x24" in problems[0].message
    _, problems = load(tmp_path, _MINIMAL.replace(old, f'{key} = "{"x" * most}"'))
    assert problems == []


def test_missing_hours_table(tmp_path: Path) -> None:
    studio, problems = load(tmp_path, _MINIMAL.replace("[hours]\n" + _HOURS, ""))
    assert keys(problems) == [("studio.toml", "hours")]
    assert not studio.hours.known
    assert len(studio.links) == 1


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("name = 5", "name", "must be text, not the number 5"),
        ("slide_seconds = 'ten'", "slide_seconds", "must be a number"),
        ("slide_seconds = true", "slide_seconds", "not true/false"),
        ("result_seconds = 2.5", "result_seconds", "must be a whole number"),
        ("result_seconds = 1", "result_seconds", "at least 5"),
        ("slide_seconds = 1", "slide_seconds", "at least 3"),
        ("qr_style = 'tiny'", "qr_style", 'must be "auto", "half" or "full"'),
        ("sound_command = ['aplay']", "sound_command", "must be text"),
        ("colour = 'red'", "colour", "not a known setting"),
    ],
)
def test_wrong_type_or_value_is_named(tmp_path: Path, line: str, key: str, words: str) -> None:
    if key == "name":
        studio, problems = load(tmp_path, _MINIMAL.replace('name = "Studio"', line))
    else:
        studio, problems = load(tmp_path, line + "\n" + _MINIMAL)
    assert keys(problems) == [("studio.toml", key)], problems
    assert words in problems[0].message
    # the kiosk still gets usable values
    assert studio.name and studio.slide_seconds >= 3 and studio.result_seconds >= 5
    assert studio.qr_style in ("auto", "half", "full")


@pytest.mark.parametrize(
    "url", ["ftp://example.com", "www.fasttrack-ems.com", "javascript:alert(1)", "https://", ""]
)
def test_link_that_is_not_http_is_named_and_left_out(tmp_path: Path, url: str) -> None:
    studio, problems = load(tmp_path, _MINIMAL.replace("https://example.com", url))
    assert keys(problems) == [("studio.toml", "links[0].url")]
    assert studio.links == ()  # no QR code that could send a phone somewhere wrong


def test_one_bad_link_keeps_the_others(tmp_path: Path) -> None:
    extra = '[[links]]\nid = "bad"\ntitle = "Bad"\ncaption = "x"\nurl = "mailto:a@b.c"\n'
    studio, problems = load(tmp_path, _MINIMAL + extra)
    assert keys(problems) == [("studio.toml", "links[1].url")]
    assert [lk.id for lk in studio.links] == ["web"]


def test_links_wrong_shape(tmp_path: Path) -> None:
    text = 'links = ["https://example.com"]\n' + _MINIMAL.split("[[links]]")[0]
    _, problems = load(tmp_path, text)
    assert keys(problems) == [("studio.toml", "links[0]")]
    assert "must be a table" in problems[0].message


def test_duplicate_link_id(tmp_path: Path) -> None:
    link = _MINIMAL[_MINIMAL.index("[[links]]") :]
    _, problems = load(tmp_path, _MINIMAL + link)
    assert keys(problems) == [("studio.toml", "links[1].id")]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("7-2O", 'cannot read "7-2O" as opening hours; write it like "07:00-20:00"'),
        ("25:00-26:00", "does not exist"),
        ("20:00-07:00", "closes before it opens"),
        ("07:00-12:00, 11:00-13:00", "must not overlap"),
        ("07:00-24:30", "does not exist"),
    ],
)
def test_bad_hours(tmp_path: Path, value: str, words: str) -> None:
    studio, problems = load(
        tmp_path, _MINIMAL.replace('monday = "07:00-20:00"', f'monday = "{value}"')
    )
    assert keys(problems) == [("studio.toml", "hours.monday")]
    assert words in problems[0].message
    assert studio.hours.days[0] == ()  # that day counts as closed; the rest stand
    assert studio.hours.days[1]


# --- slides ------------------------------------------------------------------------------------


def slides(tmp_path: Path, text: str) -> tuple[int, list[Problem]]:
    (tmp_path / "slides.toml").write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return len(load_slides(tmp_path, problems)), problems


def test_slides_errors(tmp_path: Path) -> None:
    assert slides(tmp_path, "[[slides]]\ntitle = 'A'\nbody = 'b'\n") == (1, [])
    n, problems = slides(tmp_path, "[[slides]]\ntitle = 'A'\n")
    assert (n, keys(problems)) == (1, [("slides.toml", "slides[0].body")])
    n, problems = slides(tmp_path, "[[slides]]\ntitle = 3\nbody = 'b'\n")
    assert keys(problems) == [("slides.toml", "slides[0].title")]
    n, problems = slides(tmp_path, f"[[slides]]\ntitle = 'A'\nbody = '{'x' * 301}'\n")
    assert keys(problems) == [("slides.toml", "slides[0].body")]
    assert "80x24" in problems[0].message
    n, problems = slides(tmp_path, "slides = 'none'\n")
    assert (n, keys(problems)) == (0, [("slides.toml", "slides")])
    n, problems = slides(tmp_path, "[[slides\n")
    assert (n, keys(problems)) == (0, [("slides.toml", "")])


def test_broken_content_dir_still_loads(tmp_path: Path) -> None:
    (tmp_path / "studio.toml").write_text("name = [\n")
    (tmp_path / "slides.toml").write_text("[[slides]]\nbody = 1\n")
    content = load_content(tmp_path, shipped=None)  # no fallback at all (see test_fallbacks.py)
    assert content.studio.name and content.slides == ()
    text = [str(p) for p in content.problems]
    assert any(t.startswith("studio.toml: not valid TOML") for t in text)
    assert any(t.startswith("slides.toml: slides[0].title: is missing") for t in text)


def test_check_command_prints_problems_and_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    for f in CONTENT_DIR.iterdir():
        if f.is_file():
            (tmp_path / f.name).write_bytes(f.read_bytes())
    assert main(["--content", str(CONTENT_DIR), "check"]) == 0
    text = (
        (tmp_path / "studio.toml").read_text().replace("https://www.facebook.com", "facebook.com")
    )
    (tmp_path / "studio.toml").write_text(text)
    assert main(["--content", str(tmp_path), "check"]) == 1
    out = capsys.readouterr().out
    assert "studio.toml: links[2].url: must be an http:// or https:// link" in out


def test_check_in_warmup_must_name_a_programme(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(CONTENT_DIR, tmp_path / "content")
    studio_toml = tmp_path / "content" / "studio.toml"
    text = studio_toml.read_text()
    assert 'check_in_warmup = "ems-pre-session"' in text
    studio_toml.write_text(text.replace('"ems-pre-session"', '"no-such-warmup"', 1))
    problems = load_content(tmp_path / "content").problems
    assert [(p.file, p.key) for p in problems] == [("studio.toml", "check_in_warmup")]
    assert "no-such-warmup" in problems[0].message
