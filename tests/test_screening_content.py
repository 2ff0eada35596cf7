"""The health questions as content: content/screening.toml loaded and checked, the shipped
fallback, and screenings kept with the words the client saw (old ones still readable)."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.core.content import load_content
from kiosk.core.fields import Problem
from kiosk.core.members import Screening
from kiosk.core.screening import (
    SCREENING_FILE,
    SHIPPED,
    VERSION_1,
    asked_in,
    load_questions,
    take_screening,
)
from kiosk.store import Store
from kiosk.store.documents import screening_doc, screening_of

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
CONTENT = Path(__file__).resolve().parent.parent / "content"


def test_the_shipped_file_is_the_shipped_fallback() -> None:
    problems: list[Problem] = []
    found = load_questions(CONTENT, problems)
    assert problems == []
    assert found.version == SHIPPED.version and found.other_prompt == SHIPPED.other_prompt
    assert found.screening == SHIPPED.screening and found.readiness == SHIPPED.readiness
    assert not found.shipped


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / SCREENING_FILE).write_text(text, encoding="utf-8")
    return tmp_path


GOOD = """
version = "v9"
[[screening]]
id = "implant"
text = "Do you have a pacemaker?"
blocks = true
follow_up = "Which one?"
[[readiness]]
id = "unwell"
text = "Do you feel unwell today?"
blocks = true
"""


def test_a_good_file_is_used(tmp_path: Path) -> None:
    problems: list[Problem] = []
    found = load_questions(write(tmp_path, GOOD), problems)
    assert problems == [] and found.version == "v9"
    assert [(q.id, q.blocks, q.follow_up) for q in found.screening] == [
        ("implant", True, "Which one?")
    ]


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (('version = "v9"', ""), "version", "is missing"),
        (('id = "implant"', 'id = "Implant!"'), "screening[0].id", "lower-case"),
        (("Do you have a pacemaker?", "You have a pacemaker."), "screening[0].text", "question"),
        (("blocks = true\nfollow_up", "follow_up"), "screening[0].blocks", "is missing"),
        (("blocks = true\nfollow_up", "blocks = 1\nfollow_up"), "screening[0].blocks", "true or"),
        (('id = "unwell"', 'id = "unwell"\nfollow_up = "x"'), "readiness[0].follow_up", "only"),
        (("[[readiness]]", "colour = 1\n[[readiness]]"), "screening[0].colour", "spelling"),
    ],
)
def test_every_problem_is_named_and_the_shipped_questions_are_asked(
    tmp_path: Path, change: tuple[str, str], key: str, words: str
) -> None:
    problems: list[Problem] = []
    found = load_questions(write(tmp_path, GOOD.replace(*change)), problems)
    assert found is SHIPPED  # never a question left out
    assert any(p.file == SCREENING_FILE and p.key == key and words in p.message for p in problems)


def test_a_duplicate_id_or_an_empty_list_is_a_problem(tmp_path: Path) -> None:
    twice = GOOD + GOOD.split("[[readiness]]")[0].split("\n", 2)[2]
    problems: list[Problem] = []
    assert load_questions(write(tmp_path, twice), problems) is SHIPPED
    assert any("used by another question" in p.message for p in problems)
    problems = []
    assert load_questions(write(tmp_path, 'version = "v"\n'), problems) is SHIPPED
    assert any(p.key == "screening" for p in problems)


@pytest.mark.parametrize("damage", [None, b"\xff\xfe not toml [[", b'version = "v"\nscreening = 3'])
def test_a_missing_or_damaged_file_falls_back_with_a_check_error_and_staff_warning(
    tmp_path: Path, damage: bytes | None
) -> None:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT, directory)
    if damage is None:
        (directory / SCREENING_FILE).unlink()
    else:
        (directory / SCREENING_FILE).write_bytes(damage)
    content = load_content(directory)
    assert content.questions is SHIPPED and content.questions.screening
    assert any(p.file == SCREENING_FILE for p in content.problems)  # `kiosk check` fails
    warning, *lines = content.staff_warnings
    assert "shipped questions" in warning
    assert lines == [p.line for p in content.problems]  # as `kiosk check` words them
    assert load_content(CONTENT).staff_warnings == ()


def test_a_screening_keeps_the_words_seen_even_after_the_questions_change() -> None:
    answers = {q.id: q.id == "hernia" for q in SHIPPED.screening}
    screening = take_screening("FT-1", answers, "", NOW, SHIPPED, {"hernia": "groin, 2025"})
    doc = json.loads(json.dumps(screening_doc(screening)))
    again = screening_of(doc)
    assert again == screening and again.version == SHIPPED.version
    [hernia] = again.yes_answers
    assert hernia.text == "Do you have a hernia in your tummy or groin?"
    assert hernia.detail == "groin, 2025" and hernia.blocks
    # a yes's detail is kept; one typed and then answered "no" is not
    other = take_screening("FT-1", dict.fromkeys(answers, False), "", NOW, SHIPPED, {"disc": "x"})
    assert all(a.detail == "" for a in other.asked)


def test_an_old_screening_reads_with_the_words_asked_then(data_dir: Path) -> None:
    old = {
        "member_code": "FT-OLD001",
        "taken": "2025-03-01",
        "consent_at": "2025-03-01T10:00:00+00:00",
        "answers": {"epilepsy": True, "implant": False},
        "other": "",
    }
    screening = screening_of(old)
    assert screening.asked == () and screening.version == "" and screening.blocks_ems
    yes, no = asked_in(screening)
    assert [a.text for a in yes] == [VERSION_1["epilepsy"]]
    assert [a.text for a in no] == [VERSION_1["implant"]]
    (data_dir / "screenings.json").write_text(json.dumps({"_default": {"1": old}}))
    with Store.open(data_dir) as store:
        kept = store.screening("FT-OLD001")
        assert kept is not None and kept.answers == {"epilepsy": True, "implant": False}
        store.save_screening(Screening("FT-NEW002", date(2026, 1, 1), NOW, {"implant": False}))
    with Store.open(data_dir) as store:
        assert store.screening("FT-NEW002") is not None
