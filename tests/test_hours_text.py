"""Opening hours as an owner types them: every accepted form, and a clear refusal otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.fields import Problem
from kiosk.core.hours_text import NotHours, read_day
from kiosk.core.studio import Period, load_studio

SEVEN_TO_EIGHT = [(7 * 60, 20 * 60)]


@pytest.mark.parametrize(
    "text",
    [
        "7-20",
        "07:00-20:00",
        "7am-8pm",
        "7:00 - 20:00",
        "7.00-20.00",
        "7:00am - 8:00pm",
        "7AM-8PM",
        "7 a.m. - 8 p.m.",
        "07:00\u201320:00",  # en dash
        "07:00 \u2014 20:00",  # em dash
        "  07:00-20:00  ",
    ],
)
def test_seven_to_eight_in_every_form(text: str) -> None:
    assert read_day(text) == SEVEN_TO_EIGHT


@pytest.mark.parametrize(
    ("text", "periods"),
    [
        ("7.30-20.00", [(450, 1200)]),
        ("7:30am - 8pm", [(450, 1200)]),
        ("7-12, 14-20", [(420, 720), (840, 1200)]),
        ("07:00-12:00,14:00-20:00", [(420, 720), (840, 1200)]),
        ("9am-12pm, 1pm-5:30pm", [(540, 720), (780, 1050)]),
        ("18:00-24:00", [(1080, 1440)]),
        ("18:00-00:00", [(1080, 1440)]),
        ("6pm-12am", [(1080, 1440)]),
        ("12am-6am", [(0, 360)]),
        ("0-24", [(0, 1440)]),
        ("closed", []),
        ("Closed", []),
        ("CLOSED", []),
        ("", []),
    ],
)
def test_other_forms(text: str, periods: list[tuple[int, int]]) -> None:
    assert read_day(text) == periods


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("7-2O", 'cannot read "7-2O" as opening hours; write it like "07:00-20:00"'),
        ("seven till eight", "cannot read"),
        ("7-20 closed", "cannot read"),
        ("7:5-20", "cannot read"),
        ("25:00-26:00", 'has a time that does not exist: "25:00-26:00"'),
        ("07:00-24:30", "does not exist"),
        ("13pm-8pm", "does not exist"),
        ("7:60-20", "does not exist"),
        ("24:00-24:00", "does not exist"),
        ("20:00-07:00", 'closes before it opens: "20:00-07:00"; write it like "07:00-20:00"'),
        ("07:00-12:00, 11:00-13:00", "must not overlap"),
    ],
)
def test_anything_else_is_refused_with_an_example(text: str, words: str) -> None:
    with pytest.raises(NotHours) as refused:
        read_day(text)
    assert words in str(refused.value)
    assert '"07:00-' in str(refused.value)  # always an example of the right form


def test_the_refusal_names_file_key_and_example(tmp_path: Path) -> None:
    days = "\n".join(f'{d} = "7-20"' for d in ("monday", "tuesday", "thursday", "friday"))
    text = f'name = "S"\naddress = "A"\n[hours]\n{days}\nwednesday = "7-2O"\n'
    text += 'saturday = "closed"\nsunday = "closed"\n'
    (tmp_path / "studio.toml").write_text(text)
    problems: list[Problem] = []
    load_studio(tmp_path, problems)
    assert [p.line for p in problems if p.key.startswith("hours")] == [
        'problem: studio.toml: hours.wednesday: cannot read "7-2O" as opening hours; '
        'write it like "07:00-20:00"'
    ]


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _twelve_hour(minutes: int) -> str:
    hour, minute = divmod(minutes % 1440, 60)
    suffix = "am" if hour < 12 else "pm"
    shown = hour % 12 or 12
    return f"{shown}:{minute:02d}{suffix}" if minute else f"{shown}{suffix}"


periods = st.integers(0, 1439).flatmap(lambda o: st.tuples(st.just(o), st.integers(o + 1, 1440)))


@given(periods, st.sampled_from(["-", " - ", "\u2013", " \u2014 "]))
def test_any_period_reads_back_as_itself(period: tuple[int, int], dash: str) -> None:
    opens, closes = period
    shown = str(Period(opens, closes))  # how the kiosk itself writes it
    assert read_day(shown) == [period]
    assert read_day(f"{_clock(opens)}{dash}{_clock(closes)}".replace(":", ".")) == [period]
    assert read_day(f"{_twelve_hour(opens)}{dash}{_twelve_hour(closes)}") == [period]
