"""The one owner of keys on the check-in path (kiosk/core/typeahead.py), without any UI.

`Desk` below is a model of what the App does with each answer: screens as places, a look-up
that opens only when the test says so (as a slow Pi might), results that close, steps that take
keys. The property tests throw any interleaving of typing, scanning and screens opening at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.lookup import MemberIndex
from kiosk.core.members import Member
from kiosk.core.typeahead import ENTER, HOLD_SECONDS, Keystroke, Place, TypeAhead

CODES = ("M1001", "M1006", "FT-7K3Q9M", "1005")
INDEX = MemberIndex(Member(c, "Ann", "Lee", "+447700900121") for c in CODES)


def key(char: str) -> Keystroke:
    return Keystroke("space" if char == " " else char, char)


ENTER_KEY = Keystroke(ENTER)
BACKSPACE_KEY = Keystroke("backspace")


def burst(text: str) -> list[Keystroke]:
    """What a USB scanner types: the code, then Enter."""
    return [*map(key, text), ENTER_KEY]


@dataclass
class Desk:
    """What the App does with each answer, with the screens reduced to their places."""

    type_ahead: TypeAhead = field(default_factory=lambda: TypeAhead(codes=lambda: INDEX))
    place: Place = Place.FRONT_DESK
    look_up_ready: bool = False
    query: str = ""  # the look-up's text
    submitted: list[str] = field(default_factory=list)  # what the look-up was asked to find
    checked_in: list[str] = field(default_factory=list)  # scanned codes
    step_keys: list[str] = field(default_factory=list)  # keys the step screen received
    closed: int = 0
    now: float = 0.0

    def press(self, stroke: Keystroke) -> None:
        answer = self.type_ahead.key(self.place, stroke, self.now)
        if answer.scanned is not None:
            self.checked_in.append(answer.scanned)
            self.place, self.look_up_ready, self.query = Place.RESULT, False, ""
        elif answer.open:
            self.place, self.look_up_ready, self.query = Place.LOOK_UP, False, ""
        elif answer.close:
            self.closed += 1
            self.place = Place.FRONT_DESK
        for k in answer.keys:
            self.deliver(k)

    def deliver(self, stroke: Keystroke) -> None:
        if self.place is Place.LOOK_UP:
            self.type_into_look_up(stroke)
        elif self.place is Place.STEP:
            self.step_keys.append(stroke.character or stroke.key)

    def type_into_look_up(self, stroke: Keystroke) -> None:
        if stroke.printable and stroke.character:
            self.query += stroke.character
        elif stroke.key == "backspace":
            self.query = self.query[:-1]
        elif stroke.key == ENTER:
            self.submitted.append(self.query)

    def look_up_opens(self) -> None:
        """The look-up screen has mounted: it takes what was typed for it."""
        if self.place is not Place.LOOK_UP or self.look_up_ready:
            return
        self.look_up_ready = True
        for stroke in self.type_ahead.take():
            self.type_into_look_up(stroke)
        # the App routes the keys that waited behind an Enter once the look-up acted on it
        for stroke in self.type_ahead.release():
            self.press(stroke)


def test_a_letter_at_the_front_desk_opens_the_look_up_with_it() -> None:
    desk = Desk()
    for c in "sa":
        desk.press(key(c))
    assert desk.place is Place.LOOK_UP and desk.query == ""  # still opening
    desk.look_up_opens()
    assert desk.query == "sa"
    desk.press(key("r"))
    assert desk.query == "sar"


def test_space_or_dash_alone_start_nothing_but_go_along_once_a_look_up_opens() -> None:
    desk = Desk()
    for c in " -":
        desk.press(key(c))
    assert desk.place is Place.FRONT_DESK
    for c in "emily wri":
        desk.press(key(c))
    desk.look_up_opens()
    assert desk.query == "emily wri"


def test_backspace_and_enter_while_opening_are_applied_in_order() -> None:
    desk = Desk()
    for stroke in [key("p"), key("x"), BACKSPACE_KEY, key("i"), key("a"), ENTER_KEY]:
        desk.press(stroke)
    desk.look_up_opens()
    assert desk.submitted == ["pia"]


def test_a_scan_at_the_front_desk_checks_in_before_the_look_up_opens() -> None:
    desk = Desk()
    for stroke in burst("M1006"):
        desk.press(stroke)
    assert desk.checked_in == ["M1006"]
    desk.look_up_opens()  # too late: nothing is left for it
    assert desk.query == "" and desk.submitted == []


def test_the_key_that_closes_a_result_is_not_part_of_the_next_look_up() -> None:
    desk = Desk(place=Place.RESULT)
    desk.press(key("x"))
    assert desk.closed == 1 and desk.place is Place.FRONT_DESK
    for c in "sam":
        desk.press(key(c))
    desk.look_up_opens()
    assert desk.query == "sam"


def test_x_then_a_scan_on_a_result_checks_the_scanned_member_in() -> None:
    desk = Desk(place=Place.RESULT)
    for stroke in [key("x"), *burst("M1001")]:
        desk.press(stroke)
    assert desk.checked_in == ["M1001"]


def test_a_scan_on_a_result_checks_in_although_its_first_key_closed_the_result() -> None:
    desk = Desk(place=Place.RESULT)
    for stroke in burst("FT-7K3Q9M"):
        desk.press(stroke)
    assert desk.checked_in == ["FT-7K3Q9M"]


def test_a_scan_on_a_step_never_answers_with_its_digits() -> None:
    desk = Desk(place=Place.STEP)
    for stroke in burst("M1001"):
        desk.press(stroke)
    assert desk.checked_in == ["M1001"]
    assert desk.step_keys == []  # "1" would have chosen a session


def test_keys_on_a_step_that_start_no_code_go_straight_through() -> None:
    desk = Desk(place=Place.STEP)
    for c in "yn2":
        desk.press(key(c))
    assert desk.step_keys == ["y", "n", "2"]


def test_a_held_key_no_code_followed_goes_to_the_step_after_a_while() -> None:
    desk = Desk(place=Place.STEP)
    desk.press(key("1"))  # member "1005" exists: could be a scan
    assert desk.step_keys == []
    assert desk.type_ahead.stale(desk.now + HOLD_SECONDS / 2) == ()
    assert desk.type_ahead.stale(desk.now + HOLD_SECONDS) == (key("1"),)
    desk.press(key("m"))  # "m" starts a code too, then "y" shows it was not one
    desk.press(key("y"))
    assert desk.step_keys == ["m", "y"]


def test_keys_after_an_enter_wait_for_the_look_up_to_act_on_it() -> None:
    desk = Desk()
    for stroke in [key("q"), key("q"), key("q"), ENTER_KEY, key("a"), key("b"), key("c")]:
        desk.press(stroke)
    desk.look_up_opens()
    assert desk.submitted == ["qqq"]
    assert desk.query == "qqqabc"  # not found, so the look-up stays and gets the rest


def test_keys_off_the_check_in_path_pass_and_are_never_a_scan() -> None:
    desk = Desk(place=Place.ELSEWHERE)
    ta = desk.type_ahead
    answers = [ta.key(Place.ELSEWHERE, k) for k in burst("M1001")]
    assert [a.scanned for a in answers] == [None] * 6
    assert [a.keys for a in answers] == [(k,) for k in burst("M1001")]


# --- any interleaving ------------------------------------------------------------------------

printable = st.sampled_from(list("abcxyz019 -+É"))
typing = st.lists(printable, min_size=1, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=typing, opens_after=st.integers(min_value=0, max_value=13))
def test_whatever_moment_the_look_up_opens_it_gets_exactly_the_keys_typed(
    text: str, opens_after: int
) -> None:
    desk = Desk()
    started = False
    for n, c in enumerate(text):
        if n == opens_after:
            desk.look_up_opens()
        desk.press(key(c))
        started = started or c.isalnum() or c == "+"
    desk.look_up_opens()
    first = next((n for n, c in enumerate(text) if c.isalnum() or c == "+"), None)
    assert desk.query == ("" if first is None else text[first:])


@settings(max_examples=300, deadline=None)
@given(
    before=st.lists(printable, max_size=8).map("".join),
    place=st.sampled_from([Place.FRONT_DESK, Place.RESULT, Place.STEP, Place.LOOK_UP]),
    code=st.sampled_from(CODES),
    opens_at=st.integers(min_value=0, max_value=20),
)
def test_a_scan_checks_in_wherever_it_lands(
    before: str, place: Place, code: str, opens_at: int
) -> None:
    desk = Desk(place=place, look_up_ready=place is Place.LOOK_UP)
    keys = [*map(key, before), BACKSPACE_KEY, *burst(code)]  # a pause, then the scanner
    for n, stroke in enumerate(keys):
        if n == opens_at:
            desk.look_up_opens()
        desk.press(stroke)
    desk.look_up_opens()
    assert desk.checked_in == [code]
    assert code not in desk.step_keys


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(list("ynm1 2x")), max_size=12).map("".join))
def test_every_key_typed_on_a_step_arrives_once_and_in_order(text: str) -> None:
    desk = Desk(place=Place.STEP)
    for c in text:
        desk.press(key(c))
    for stroke in desk.type_ahead.stale(desk.now + HOLD_SECONDS):
        desk.deliver(stroke)
    assert "".join(desk.step_keys) == text


@settings(max_examples=200, deadline=None)
@given(first=typing, second=typing, opens_at=st.integers(min_value=0, max_value=30))
def test_two_clients_typing_back_to_back_lose_nothing(
    first: str, second: str, opens_at: int
) -> None:
    desk = Desk()
    first = "q" + first  # starts a look-up
    keys = [*map(key, first), ENTER_KEY, *map(key, second)]
    for n, stroke in enumerate(keys):
        if n == opens_at:
            desk.look_up_opens()
        desk.press(stroke)
    desk.look_up_opens()
    assert desk.submitted == [first]
    assert desk.query == first + second  # nothing found: the look-up keeps the rest


def test_keys_wait_while_the_kiosk_opens_its_store() -> None:
    desk = Desk()
    desk.type_ahead.paused = True
    for stroke in [*map(key, "pia"), Keystroke("f12")]:
        desk.press(stroke)
    assert desk.place is Place.FRONT_DESK and desk.query == ""  # nothing acted on yet
    desk.type_ahead.resume()
    waited = desk.type_ahead.release()
    assert waited == (*map(key, "pia"), Keystroke("f12"))
