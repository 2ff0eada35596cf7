"""A stranger at the front desk: how many members' details can they draw out with look-ups?

The attacker makes the queries that worked before (issue 15: a first name and an initial,
common names, a few letters, phone digit fragments, guessed codes) against 2,000 members with
realistic UK names and mobiles, through the same core look-up the screen uses
(kiosk/core/desk_guard.py). A member counts as revealed when a look-up showed them in any way:
picked (the next screen greets them by name) or listed. When told to wait, the attacker waits
(the injected clock moves) and tries the same query again: waiting costs time, not queries.
Goal (issue 15): 100 queries reveal at most 20 members, 1,000 at most 60.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.desk_guard import (
    FREE_MISSES,
    LONGEST_WAIT,
    DeskGuard,
    DeskLookUp,
    Need,
    Reply,
    Step,
)
from kiosk.core.lookup import MemberIndex
from kiosk.core.members import Member
from kiosk.core.registration import CODE_ALPHABET

from .conftest import LONDON

# the most common names given in England and Wales over the last decades (ONS), and surnames
FIRST_NAMES = (
    "Oliver George Harry Jack Jacob Noah Charlie Muhammad Thomas Oscar William James Leo "
    "Alfie Henry Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Daniel "
    "Arthur Lucas Mohammed Logan Theo Harrison Benjamin Mason Sebastian Finley Adam Dylan "
    "Zachary Riley David Michael Paul Mark Andrew Richard Peter Christopher Matthew Stephen "
    "Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily Sophia Grace Evie Sophie Jessica "
    "Charlotte Freya Scarlett Daisy Chloe Alice Sienna Ruby Florence Matilda Evelyn Emma Hannah "
    "Sarah Laura Rebecca Rachel Lucy Amy Claire Nicola Helen Katie Lauren Megan Zoë Niamh "
    "Siobhán Aoife Priya Aisha Fatima Zara Maria Anna Julia Karen Susan Elizabeth Victoria"
)
LAST_NAMES = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans "
    "Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason "
    "Mitchell Rose Davis Rodriguez Cox Alexander Morgan Moore Martin Price Allen Scott Hughes "
    "Turner Hill Ward Harris Cooper King Lee Baker Edwards Hughes Carter Murphy O'Brien "
    "O'Neill Kelly Campbell Stewart Anderson MacDonald Reid Murray Singh Ali Ahmed Hussain "
    "Begum Shah Nowak Kowalski Müller Bell Shaw Lloyd Ellis Griffiths Owen Fox Webb Marshall "
    "Chapman Dixon Palmer Mills Holmes Barnes Knight Lloyd Butler Russell Fisher Stevens Gray"
)
FIRST = FIRST_NAMES.split()
LAST = LAST_NAMES.split()
MEMBERS = 2000
_START = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def weighted(rng: random.Random, names: list[str]) -> str:
    """Common names much more often than rare ones, as in a real town."""
    return names[min(int(rng.expovariate(1 / 18)), len(names) - 1)]


def uk_mobile(rng: random.Random) -> str:
    return "+447" + "".join(rng.choice("0123456789") for _ in range(9))


def studio(seed: int = 15) -> list[Member]:
    """2,000 members: most with their own mobile, some families sharing one, a few without."""
    rng = random.Random(seed)
    out: list[Member] = []
    codes: set[str] = set()
    while len(out) < MEMBERS:
        code = "FT-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6))
        if code in codes:
            continue
        codes.add(code)
        roll = rng.random()
        if roll < 0.02:
            phone = ""  # no phone given (a child, or someone who would not say)
        elif roll < 0.06 and out:
            phone = rng.choice(out).phone  # a family on one phone
        else:
            phone = uk_mobile(rng)
        out.append(Member(code, weighted(rng, FIRST), weighted(rng, LAST), phone))
    return out


MEMBERS_LIST = studio()
INDEX = MemberIndex(MEMBERS_LIST)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


# Each form returns what the attacker types: a query and, when asked, the 3 digits.
Form = Callable[[random.Random], tuple[str, str]]


def first_and_initial(rng: random.Random) -> tuple[str, str]:
    return f"{weighted(rng, FIRST)} {rng.choice('ABCDEGHJKLMPRSTW')}", digits(rng, 3)


def full_common_name(rng: random.Random) -> tuple[str, str]:
    guess = rng.choice(["123", "000", digits(rng, 3)])
    return f"{weighted(rng, FIRST)} {weighted(rng, LAST)}", guess


def common_name_alone(rng: random.Random) -> tuple[str, str]:
    return rng.choice([weighted(rng, FIRST), weighted(rng, LAST)]), digits(rng, 3)


def few_letters(rng: random.Random) -> tuple[str, str]:
    return weighted(rng, FIRST)[: rng.randint(3, 4)], digits(rng, 3)


def initial_and_surname(rng: random.Random) -> tuple[str, str]:
    return f"{rng.choice('ADJMS')} {weighted(rng, LAST)}", digits(rng, 3)


def phone_fragment(rng: random.Random) -> tuple[str, str]:
    return digits(rng, rng.choice([3, 4, 4, 5, 5, 6])), ""


def phone_start(rng: random.Random) -> tuple[str, str]:
    return "07" + digits(rng, rng.randint(3, 9)), ""


def guessed_code(rng: random.Random) -> tuple[str, str]:
    return "FT-" + "".join(rng.choice(CODE_ALPHABET) for _ in range(6)), ""


EVERY_FORM: tuple[Form, ...] = (
    first_and_initial,
    full_common_name,
    common_name_alone,
    few_letters,
    initial_and_surname,
    phone_fragment,
    phone_start,
    guessed_code,
)


@dataclass
class Attack:
    forms: tuple[Form, ...]
    seed: int = 1
    clock: FakeClock = field(default_factory=lambda: FakeClock(_START))
    revealed: set[str] = field(default_factory=set)
    waited: float = 0.0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.desk = DeskLookUp(INDEX, DeskGuard())

    def run(self, queries: int) -> int:
        for _ in range(queries):
            query, secret = self.rng.choice(self.forms)(self.rng)
            self.one(query, secret)
        return len(self.revealed)

    def one(self, query: str, secret: str) -> None:
        self.clock.advance(3.0)  # typing takes a few seconds; it only helps the attacker
        reply = self._patiently(lambda: self.desk.query(query, self.clock.monotonic()))
        if reply.step is Step.ASK_DIGITS:
            reply = self._patiently(lambda: self.desk.answer(query, secret, self.clock.monotonic()))
        self.note(reply)

    def _patiently(self, ask: Callable[[], Reply]) -> Reply:
        reply = ask()
        while reply.step is Step.WAIT:
            assert reply.wait_seconds <= LONGEST_WAIT
            self.clock.advance(reply.wait_seconds)
            self.waited += reply.wait_seconds
            reply = ask()
        return reply

    def note(self, reply: Reply) -> None:
        if reply.step is Step.PICK:
            assert reply.code is not None
            self.revealed.add(reply.code)
        self.revealed.update(m.code for m in reply.choices)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_hundred_queries_reveal_at_most_twenty_members(seed: int) -> None:
    attack = Attack(EVERY_FORM, seed)
    assert attack.run(100) <= 20


@pytest.mark.parametrize("seed", [1, 2])
def test_a_thousand_queries_reveal_at_most_sixty_members(seed: int) -> None:
    attack = Attack(EVERY_FORM, seed)
    revealed = attack.run(1000)
    assert revealed <= 60, revealed
    assert attack.waited > 24 * 3600  # and it takes the attacker days at the desk


@pytest.mark.parametrize(
    "form", [first_and_initial, full_common_name, phone_fragment, initial_and_surname]
)
def test_the_best_single_form_stays_within_the_goal(form: Form) -> None:
    attack = Attack((form,), seed=7)
    assert attack.run(100) <= 20
    assert attack.run(900) <= 60


def test_the_attack_would_have_worked_on_a_plain_list() -> None:
    """The control: the staff's search (a tolerant list, as the desk had) gives away hundreds."""
    rng = random.Random(1)
    shown: set[str] = set()
    for _ in range(100):
        query, _ = first_and_initial(rng)
        shown.update(m.code for m in INDEX.search(query))
    assert len(shown) > 100


def member_with_phone(pick: int = 0) -> Member:
    alone = [m for m in MEMBERS_LIST if m.phone and len(INDEX.by_phone(m.phone[-5:])) == 1]
    return alone[pick]


def test_a_member_gets_in_with_a_name_and_three_digits_or_five_digits() -> None:
    m = member_with_phone()
    desk = DeskLookUp(INDEX, DeskGuard())
    assert desk.query(f"{m.first_name} {m.last_name[0]}", 0.0) == Reply(Step.ASK_DIGITS)
    assert desk.answer(f"{m.first_name} {m.last_name[0]}", m.phone[-3:], 0.0) == Reply(
        Step.PICK, m.code
    )
    assert desk.answer(f"{m.last_name} {m.first_name}", m.phone[-3:], 0.0).code == m.code
    assert desk.query(m.phone[-5:], 0.0) == Reply(Step.PICK, m.code)
    assert desk.query("0" + m.phone[3:], 0.0) == Reply(Step.PICK, m.code)  # 07... typed whole
    assert desk.query(m.code.lower(), 0.0) == Reply(Step.PICK, m.code)


def test_a_name_known_or_not_gets_the_same_question_and_the_same_miss() -> None:
    m = member_with_phone(1)
    known, unknown = f"{m.first_name} {m.last_name[0]}", "Xavier Q"
    desk = DeskLookUp(INDEX, DeskGuard())
    assert desk.query(known, 0.0) == desk.query(unknown, 0.0) == Reply(Step.ASK_DIGITS)
    wrong = "000" if not m.phone.endswith("000") else "111"
    assert desk.answer(known, wrong, 0.0) == desk.answer(unknown, wrong, 0.0)
    assert desk.answer(known, wrong, 0.0) == Reply(Step.NOT_FOUND)


def test_too_little_is_never_looked_up_nor_counted() -> None:
    guard = DeskGuard()
    desk = DeskLookUp(INDEX, guard)
    assert desk.query("Oliver", 0.0) == Reply(Step.KEEP_TYPING, need=Need.NAME)
    assert desk.query("sar", 0.0) == Reply(Step.KEEP_TYPING, need=Need.NAME)
    assert desk.query("0121", 0.0) == Reply(Step.KEEP_TYPING, need=Need.PHONE)
    assert desk.answer("Oliver S", "12", 0.0) == Reply(Step.KEEP_TYPING, need=Need.DIGITS)
    assert guard.misses == 0


def test_a_family_on_one_phone_chooses_by_first_name_only() -> None:
    mum = Member("FT-AAAAA1", "Helen", "Kent", "+447700900121")
    son = Member("FT-AAAAA2", "Tom", "Kent", "+447700900121")
    desk = DeskLookUp(MemberIndex([mum, son]), DeskGuard())
    reply = desk.query("00121", 0.0)
    assert reply.step is Step.CHOOSE
    assert [m.label for m in reply.choices] == ["Helen K.", "Tom K."]  # no digits, no surname
    assert desk.answer("tom kent", "121", 0.0) == Reply(Step.PICK, son.code)


def test_without_a_phone_only_a_card_or_the_desk_helps() -> None:
    nophone = Member("FT-AAAAA3", "Ann", "Lee", "")
    desk = DeskLookUp(MemberIndex([nophone]), DeskGuard())
    assert desk.query("ann lee", 0.0) == Reply(Step.ASK_DIGITS)
    assert all(desk.answer("ann lee", d, 0.0).step is Step.NOT_FOUND for d in ("000", "999"))
    assert desk.query("FT-AAAAA3", 0.0) == Reply(Step.PICK, nophone.code)


def test_slow_down_grows_with_misses_wears_off_with_time_and_never_stops_a_card() -> None:
    clock = FakeClock(_START)
    guard = DeskGuard()
    desk = DeskLookUp(INDEX, guard)
    m = member_with_phone(2)
    waits = []
    for _ in range(FREE_MISSES + 5):
        clock.advance(guard.wait(clock.monotonic()))
        reply = desk.answer("Nobody Here", "000", clock.monotonic())
        assert reply.step is Step.NOT_FOUND
        waits.append(guard.wait(clock.monotonic()))
    assert waits[:FREE_MISSES] == [0.0] * FREE_MISSES  # a few clients' typos cost nothing
    assert waits[FREE_MISSES:] == [15.0, 30.0, 60.0, 120.0, 240.0]
    assert desk.query(m.phone[-5:], clock.monotonic()).step is Step.WAIT  # even the right one
    assert desk.answer("Nobody Here", "000", clock.monotonic()).step is Step.WAIT  # not a miss
    assert desk.query(m.code, clock.monotonic()) == Reply(Step.PICK, m.code)  # a card: at once
    clock.advance(240.0)
    assert desk.query(m.phone[-5:], clock.monotonic()) == Reply(Step.PICK, m.code)
    clock.advance(3 * 3600)  # misses wear off: a few typos are free again
    for _ in range(FREE_MISSES):
        desk.answer("Nobody Here", "000", clock.monotonic())
    assert guard.wait(clock.monotonic()) == 0.0
