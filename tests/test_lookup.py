"""Member look-up: tolerant names, phone endings, exact codes, redaction, hostile input."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.lookup import (
    MAX_MATCHES,
    Match,
    MemberIndex,
    fold,
    greeting,
    name_fits,
    redact,
    specific_name,
)
from kiosk.core.members import Member

SARAH = Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121")
ZOE = Member("FT-ZZ4AA2", "Zoë", "Adams", "+447700900222")
JAMES = Member("M1003", "James", "O'Neil", "+33612345678")
SEAN = Member("FT-SEAN22", "Seán", "Murphy", "+353871234567")


def crowd(n: int = 300, seed: int = 3) -> list[Member]:
    rng = random.Random(seed)
    first = [
        "Amelia",
        "Jack",
        "Harry",
        "Isla",
        "Ava",
        "Noah",
        "Leo",
        "Mia",
        "Grace",
        "Ella",
        "Freya",
        "Lily",
        "Oscar",
        "Arthur",
    ]
    last = [
        "Smith",
        "Jones",
        "Taylor",
        "Brown",
        "Williams",
        "Wilson",
        "Johnson",
        "Davies",
        "Robinson",
        "Wright",
    ]
    return [
        Member(f"C{i:04d}", rng.choice(first), rng.choice(last), f"+4479{i:06d}55")
        for i in range(n)
    ]


INDEX = MemberIndex([SARAH, ZOE, JAMES, SEAN, *crowd()])


def labels(text: str) -> list[str]:
    return [m.label for m in INDEX.search(text)]


def test_typo_tolerant_name() -> None:
    assert INDEX.search("sara kent")[0] == Match("FT-7K3Q9M", "Sarah K. · phone ending 21")
    assert INDEX.search("Sarah Knet")[0].code == "FT-7K3Q9M"
    assert INDEX.search("kent sarah")[0].code == "FT-7K3Q9M"
    assert INDEX.search("SARAH")[0].code == "FT-7K3Q9M"


def test_accent_tolerant_both_ways() -> None:
    assert INDEX.search("zoe")[0].code == "FT-ZZ4AA2"
    assert INDEX.search("Zoë Adams")[0].code == "FT-ZZ4AA2"
    assert INDEX.search("sean murphy")[0].code == "FT-SEAN22"
    assert INDEX.search("oneil")[0].code == "M1003"
    assert fold("  Zoë   O'Neil ") == "zoe o neil"


def test_nothing_before_three_characters() -> None:
    for text in ("", "s", "sa", "  sa  ", "01", "12"):
        assert INDEX.search(text) == []
    assert INDEX.search("sar") != []


def test_phone_endings_and_whole_numbers() -> None:
    assert [m.code for m in INDEX.search("0121")] == ["FT-7K3Q9M"]
    assert [m.code for m in INDEX.search("900121")] == ["FT-7K3Q9M"]
    assert [m.code for m in INDEX.search("07700 900121")] == ["FT-7K3Q9M"]
    assert [m.code for m in INDEX.search("+44 7700 900121")] == ["FT-7K3Q9M"]
    assert [m.code for m in INDEX.search("5678")] == ["M1003"]
    assert INDEX.search("121") == []  # 3 digits are too few to narrow a phone down
    assert INDEX.search("9999") == []


def test_exact_member_code_without_fuzziness() -> None:
    assert INDEX.by_code("FT-7K3Q9M") == "FT-7K3Q9M"
    assert INDEX.by_code("ft-7k3q9m\n") == "FT-7K3Q9M"
    assert INDEX.by_code("m1003") == "M1003"
    assert INDEX.by_code("FT-7K3Q9N") is None  # one character off is not a code
    assert INDEX.search("FT-7K3Q9M") == [Match("FT-7K3Q9M", "Sarah K. · phone ending 21")]


def test_at_most_five_matches_each_redacted() -> None:
    found = INDEX.search("Amelia Smith")
    assert 1 <= len(found) <= MAX_MATCHES
    for match in INDEX.search("jones"):
        assert "·" in match.label and "+44" not in match.label and "Jones" not in match.label
    assert len(INDEX.search("grace", limit=50)) <= MAX_MATCHES


def test_many_people_with_one_name_or_phone_ending_still_show_five() -> None:
    many = [Member(f"M{n:03d}", "Sam", f"Smith{n}", f"+44770090{n:04d}") for n in range(40)]
    many += [Member(f"P{n:03d}", "Pat", "Lee", f"+4477{n:04d}01234") for n in range(40)]
    index = MemberIndex(many)
    assert len(index.search("sam smith")) == MAX_MATCHES
    assert len(index.search("1234")) == MAX_MATCHES
    assert len(index.search("01234", limit=50)) == MAX_MATCHES


def test_redaction_shows_first_name_initial_and_two_digits() -> None:
    assert redact(SARAH) == "Sarah K. · phone ending 21"
    assert redact(Member("X1", "Ann", "", "")) == "Ann"
    hostile = Member("X2", "[bold]Eve\x1b[31m\n", "\u202eSmith", "+447700900999")
    label = redact(hostile)
    assert "\x1b" not in label and "\n" not in label and "\u202e" not in label
    assert label.startswith("[bold]Eve") and label.endswith("phone ending 99")
    long = redact(Member("X3", "A" * 10_000, "B", "+447700900999"))
    assert len(long) < 60


def test_unrelated_text_finds_nobody() -> None:
    assert INDEX.search("xqzvw") == []


def test_an_empty_index() -> None:
    empty = MemberIndex([])
    assert empty.search("sarah") == [] and empty.by_code("FT-7K3Q9M") is None


HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["[bold]", "[/", "[/]", "[link=x]", "\x00\x1b[2J", "😀😀😀", "\u202e"]),
    st.text(alphabet=st.sampled_from("[]/\\\x00\x07\x1b😀é0123456789 "), max_size=50),
    st.builds(lambda s: s * 2000, st.text(min_size=5, max_size=5)),  # 10 kB
)


@settings(max_examples=150, deadline=None)
@given(HOSTILE)
def test_hostile_queries_never_crash_and_only_show_labels(text: str) -> None:
    found = INDEX.search(text)
    assert len(found) <= MAX_MATCHES
    assert all(isinstance(m, Match) and "·" in m.label for m in found)
    INDEX.by_code(text)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=80), st.text(max_size=80))
def test_hostile_names_index_and_redact_safely(first: str, last: str) -> None:
    m = Member("FT-HOST22", first, last, "+447700900123")
    index = MemberIndex([m, SARAH])
    label = redact(m)
    assert not any(ord(c) < 32 or ord(c) == 127 for c in label)
    assert index.by_code("FT-HOST22") == "FT-HOST22"
    index.search(first)


def test_desk_phone_needs_five_digits_or_the_whole_number() -> None:
    assert INDEX.by_phone("0121") == []  # 4 digits: a fifth of all members would share them
    assert INDEX.by_phone("00121") == [Match("FT-7K3Q9M", "Sarah K.")]
    assert [m.code for m in INDEX.by_phone("07700 900121")] == ["FT-7K3Q9M"]
    assert [m.code for m in INDEX.by_phone("+33 6 12 34 56 78")] == ["M1003"]
    assert INDEX.by_phone("sarah") == [] and INDEX.by_phone("99999") == []


def test_desk_name_and_last_three_digits() -> None:
    assert INDEX.by_name_and_digits("sarah k", "121") == [Match("FT-7K3Q9M", "Sarah K.")]
    assert INDEX.by_name_and_digits("kent sara", "121")[0].code == "FT-7K3Q9M"  # order, typo
    assert INDEX.by_name_and_digits("zoe adams", "222")[0].code == "FT-ZZ4AA2"  # accents
    assert INDEX.by_name_and_digits("james oneil", "678")[0].code == "M1003"
    assert INDEX.by_name_and_digits("sarah k", "122") == []  # wrong digits
    assert INDEX.by_name_and_digits("sarah j", "121") == []  # wrong initial
    assert INDEX.by_name_and_digits("sarah", "121") == []  # a first name alone is too little
    assert INDEX.by_name_and_digits("sarah k", "21") == []


def test_specific_names_and_fitting() -> None:
    assert specific_name("Sarah K") and specific_name("s kent")
    assert not specific_name("sarah") and not specific_name("s k") and not specific_name("")
    assert name_fits("sar ke", "sarah kent")  # the last word may be half typed
    assert not name_fits("tom kent", "sarah kent")
    assert not name_fits("sarah sarah", "sarah kent")  # one typed word per name word


def test_greeting_is_a_first_name_and_an_initial() -> None:
    assert greeting(SARAH) == "Sarah K."
    assert greeting(Member("X1", "Ann", "", "")) == "Ann"
    assert "\x1b" not in greeting(Member("X2", "Eve\x1b[31m", "\u202eSmith", ""))
