"""Walk-in registration checks, phone numbers, the EMS screening and the terms."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.content import Content
from kiosk.core.fields import Problem
from kiosk.core.phone import normalise_phone
from kiosk.core.registration import (
    FIELDS,
    Form,
    carried_from_look_up,
    check_registration,
    field_problem,
    new_member,
    new_member_code,
)
from kiosk.core.screening import (
    READINESS_QUESTIONS,
    SCREENING_QUESTIONS,
    needs_trainer,
    take_screening,
)
from kiosk.core.terms import load_terms

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/London"))
GOOD = Form("Sarah", "Kent", "07700 900121", "Sarah@Example.com", True)


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("07700 900121", "+447700900121"),
        ("07700-900-121", "+447700900121"),
        ("+44 7700 900121", "+447700900121"),
        ("+44 (0)7700 900121", "+447700900121"),
        ("0044 7700 900121", "+447700900121"),
        ("01962 712345", "+441962712345"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("+1 212 555 0100", "+12125550100"),
        ("(020) 7946-0018", "+442079460018"),
        ("0770090", None),
        ("+0 123", None),
        ("12345", None),
        ("07700 90012", None),
        ("077009001211", None),
        ("+44 7700 900121 ext 4", None),
        ("phone", None),
        ("", None),
        ("٠٧٧٠٠٩٠٠١٢١", None),
    ],
)
def test_phone_numbers_uk_and_international(typed: str, e164: str | None) -> None:
    assert normalise_phone(typed) == e164


def test_a_good_form_has_no_problems_and_makes_a_member() -> None:
    assert check_registration(GOOD) == {}
    m = new_member(GOOD, "FT-7K3Q9M", NOW, "2026-11-1")
    assert (m.first_name, m.last_name, m.phone, m.email) == (
        "Sarah",
        "Kent",
        "+447700900121",
        "sarah@example.com",
    )
    assert m.joined == date(2026, 11, 23) and m.terms_agreed_at == NOW
    assert m.terms_version == "2026-11-1" and m.packs == () and not m.see_trainer


def test_every_field_has_its_own_clear_message() -> None:
    problems = check_registration(Form("", "  ", "123", "not-an-email", False))
    assert list(problems) == list(FIELDS)
    assert problems["first_name"] == "Please enter your first name."
    assert problems["last_name"] == "Please enter your last name."
    assert "phone number" in problems["phone"]
    assert "email" in problems["email"]
    assert "agree" in problems["agree"]
    with pytest.raises(ValueError):
        new_member(Form(), "FT-7K3Q9M", NOW, "v")


def test_email_is_optional_but_checked_when_given() -> None:
    assert field_problem("email", "") == ""
    assert field_problem("email", "a@b.co") == ""
    for bad in ("a@b", "a b@c.com", "@c.com", "a@.com", "x" * 130 + "@a.com"):
        assert field_problem("email", bad), bad


def test_names_refuse_control_characters_and_length_but_keep_accents() -> None:
    assert field_problem("first_name", "Zoë") == ""
    assert field_problem("last_name", "O'Neil-Smith") == ""
    assert field_problem("first_name", "A\x1b[31m")
    assert field_problem("first_name", "x" * 51)
    assert field_problem("first_name", "1234")
    assert field_problem("first_name", "[bold]Eve") == ""  # shown as plain text, so it is fine


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300), st.text(max_size=60), st.text(max_size=200))
def test_any_typed_text_gets_a_message_not_a_crash(
    first: str, last: str, phone: str, email: str
) -> None:
    problems = check_registration(Form(first, last, phone, email, True))
    for message in problems.values():
        assert message and "\n" not in message
    if not problems:
        m = new_member(Form(first, last, phone, email, True), "FT-7K3Q9M", NOW, "v")
        assert m.phone.startswith("+")


def test_member_codes_avoid_taken_ones() -> None:
    taken = {new_member_code(set()) for _ in range(50)}
    fresh = new_member_code(taken)
    assert fresh not in taken and fresh.startswith("FT-")


def test_screening_covers_the_published_lists_and_needs_every_answer() -> None:
    by_id = {q.id: q for q in SCREENING_QUESTIONS}
    absolute = {
        "implant", "pregnant", "nerves", "heart", "arteries", "blood_pressure", "bleeding",
        "thrombosis", "hernia", "surgery", "illness",
    }  # fmt: skip
    relative = {"diabetes", "cancer", "kidney", "blood_thinners", "disc", "back_pain", "metal"}
    assert absolute <= by_id.keys() and relative <= by_id.keys()
    assert all(by_id[i].blocks for i in absolute)
    assert not any(by_id[i].blocks for i in relative)
    for q in SCREENING_QUESTIONS:  # one plain question each, short enough to read at a glance
        assert q.text.endswith("?") and len(q.text) <= 100, q.id
    ids = list(by_id)
    with pytest.raises(ValueError, match="unanswered"):
        take_screening("FT-1", {"implant": False}, "", NOW)
    with pytest.raises(ValueError, match="unknown"):
        take_screening("FT-1", {**dict.fromkeys(ids, False), "shoe_size": True}, "", NOW)


def test_any_yes_or_a_note_needs_the_trainer() -> None:
    ids = [q.id for q in SCREENING_QUESTIONS]
    clear = take_screening("FT-1", dict.fromkeys(ids, False), "  ", NOW)
    assert not needs_trainer(clear) and not clear.blocks_ems
    assert clear.taken == NOW.date() and clear.consent_at == NOW and clear.other == ""
    one_yes = take_screening("FT-1", {**dict.fromkeys(ids, False), "nerves": True}, "", NOW)
    assert needs_trainer(one_yes) and one_yes.blocks_ems
    noted = take_screening("FT-1", dict.fromkeys(ids, False), "bad knee\n" * 200, NOW)
    assert needs_trainer(noted) and len(noted.other) <= 500 and "\n" not in noted.other
    assert not noted.blocks_ems


def test_readiness_asks_one_thing_each_yes_meaning_a_problem() -> None:
    ids = [q.id for q in READINESS_QUESTIONS]
    assert ids[:2] == ["unwell", "pregnant"] and "meal" in ids and "no_drink" in ids
    assert all(q.blocks for q in READINESS_QUESTIONS[:5])
    assert not any(q.follow_up for q in READINESS_QUESTIONS)


def test_the_real_terms_load_with_a_version(content: Content) -> None:
    terms = content.terms
    assert terms.usable and terms.version
    text = terms.text.lower()
    for word in ("keep", "health", "erase", "months"):
        assert word in text


def test_broken_terms_are_a_problem_not_a_crash(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert not load_terms(tmp_path, problems).usable
    assert problems and "terms.toml" in str(problems[0])
    (tmp_path / "terms.toml").write_text('version = ""\nsurprise = 1\n[[sections]]\ntext = "x"\n')
    problems = []
    terms = load_terms(tmp_path, problems)
    assert not terms.usable
    assert {p.key for p in problems} == {"version", "surprise"}


@pytest.mark.parametrize(
    ("typed", "carried"),
    [
        ("Ann", {"first_name": "Ann"}),
        ("  ann   k ", {"first_name": "ann"}),  # the initial the look-up asks for: no surname
        ("Ann K.", {"first_name": "Ann"}),
        ("Zoë O'Neil", {"first_name": "Zoë", "last_name": "O'Neil"}),
        ("Mary Ann Smith", {"first_name": "Mary", "last_name": "Ann Smith"}),
        ("[b]Ann", {"first_name": "[b]Ann"}),  # kept as typed: the form shows it plainly
        ("07700 900121", {"phone": "07700 900121"}),  # a whole number
        ("+44 7700 900121", {"phone": "+44 7700 900121"}),
        ("90012", {}),  # the last digits only: no number to register with
        ("FT-7K3Q9M", {}),  # member codes, with and without digits
        ("ft acdefg", {}),
        ("M1001", {}),
        ("ann 12", {}),
        ("...", {}),
        ("", {}),
        ("Ann\x00", {}),
    ],
)
def test_what_the_look_up_carries_into_the_form(typed: str, carried: dict[str, str]) -> None:
    assert carried_from_look_up(typed) == carried


def test_a_long_name_is_carried_cut_to_what_the_form_accepts() -> None:
    carried = carried_from_look_up("A" * 80 + " " + "B" * 80)
    assert carried == {"first_name": "A" * 50, "last_name": "B" * 50}
    assert all(field_problem(k, v) == "" for k, v in carried.items())
