"""What a stranger at the front desk can learn: as little as a member's own card or phone allows.

The look-up answers only a question that a member can answer and a stranger cannot:
  - a scanned card (or a typed member code) picks the member at once;
  - the last 5 or more digits of a phone (or the whole number) pick the member with that phone;
  - a name (a first name and a surname letter) is never looked up alone: the client is asked
    for the last 3 digits of their phone, and only a name and digits that fit one member pick
    them. The question comes for any name, known or not, so it tells nothing.
Nothing is listed while a client types. A miss says only "not found", never which part was
wrong. Misses slow the desk down: after FREE_MISSES, each miss makes the next try wait longer
(FIRST_WAIT doubled each time, up to LONGEST_WAIT), and misses wear off with time (one every
FORGIVE_SECONDS), not with a check-in, so a card of one's own cannot reset them. A scanned card
is never slowed down.

Pure: the caller passes the monotonic time, so tests move a FakeClock instead of waiting.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, auto

from kiosk.core.lookup import (
    DESK_PHONE_DIGITS,
    PHONE_TYPING,
    QUERY_MAX,
    SECRET_DIGITS,
    Match,
    MemberIndex,
    specific_name,
)
from kiosk.core.phone import digits_of

FREE_MISSES = 5  # this many misses in a row cost nobody a wait (a few clients' typos)
FIRST_WAIT = 15.0  # seconds, after the first miss beyond the free ones
LONGEST_WAIT = 15 * 60.0
FORGIVE_SECONDS = 5 * 60.0  # one miss forgotten per this much time


@dataclass
class DeskGuard:
    """The progressive slow-down: misses counted, worn off by time, never by a check-in."""

    misses: float = 0.0
    counted_at: float = 0.0  # monotonic time `misses` was last brought up to date
    until: float = 0.0  # no look-up before this monotonic time

    def _wear_off(self, now: float) -> None:
        if now > self.counted_at:
            self.misses = max(0.0, self.misses - (now - self.counted_at) / FORGIVE_SECONDS)
        self.counted_at = max(self.counted_at, now)

    def wait(self, now: float) -> float:
        """Seconds before the next look-up may be tried; 0.0 when it may be tried now."""
        return max(0.0, self.until - now)

    def missed(self, now: float) -> None:
        """A look-up that found nobody (or the wrong digits): the next one may have to wait."""
        self._wear_off(now)
        self.misses += 1
        over = math.ceil(self.misses) - FREE_MISSES - 1  # misses worn off only partly still count
        if over >= 0:
            self.until = max(self.until, now + min(LONGEST_WAIT, FIRST_WAIT * 2.0**over))


class Step(Enum):
    PICK = auto()  # check this member in (Reply.code)
    CHOOSE = auto()  # several members share the phone the client knows: they pick (choices)
    ASK_DIGITS = auto()  # a name: now the last 3 digits of the phone
    WAIT = auto()  # too many misses lately: try again in wait_seconds, or ask at the desk
    NOT_FOUND = auto()  # nobody fits; which part was wrong is not said
    KEEP_TYPING = auto()  # not enough to look anyone up yet (need says what); nothing counted


class Need(Enum):
    NAME = auto()  # a first name and a surname letter
    PHONE = auto()  # 5 or more digits
    DIGITS = auto()  # exactly the last 3 digits


@dataclass(frozen=True)
class Reply:
    step: Step
    code: str | None = None
    choices: tuple[Match, ...] = ()
    wait_seconds: float = 0.0
    need: Need | None = None


class DeskLookUp:
    """The front desk's look-up: what the screen asks and shows for what the client typed."""

    def __init__(self, index: MemberIndex, guard: DeskGuard) -> None:
        self.index = index
        self.guard = guard

    def query(self, text: str, now: float) -> Reply:
        """The client pressed Enter on what they typed (a code, a phone, or a name)."""
        text = text[:QUERY_MAX].strip()
        code = self.index.by_code(text)
        if code is not None:  # a card: what a scanner types, never slowed down
            return Reply(Step.PICK, code)
        if PHONE_TYPING.fullmatch(text):
            if len(digits_of(text)) < DESK_PHONE_DIGITS:
                return Reply(Step.KEEP_TYPING, need=Need.PHONE)
            return self._found(lambda: self.index.by_phone(text), now)
        if not specific_name(text):
            return Reply(Step.KEEP_TYPING, need=Need.NAME)
        wait = self.guard.wait(now)
        if wait > 0:  # said before the digits are asked, so nobody types them for nothing
            return Reply(Step.WAIT, wait_seconds=wait)
        return Reply(Step.ASK_DIGITS)

    def answer(self, name: str, digits: str, now: float) -> Reply:
        """The client typed the last 3 digits of their phone after their name."""
        digits = digits.strip()
        if len(digits) != SECRET_DIGITS or not digits.isdigit():
            return Reply(Step.KEEP_TYPING, need=Need.DIGITS)
        return self._found(lambda: self.index.by_name_and_digits(name, digits), now)

    def _found(self, look: Callable[[], list[Match]], now: float) -> Reply:
        wait = self.guard.wait(now)
        if wait > 0:  # before looking: a try while waiting tells nothing
            return Reply(Step.WAIT, wait_seconds=wait)
        found = look()
        if not found:
            self.guard.missed(now)
            return Reply(Step.NOT_FOUND)
        if len(found) == 1:
            return Reply(Step.PICK, found[0].code)
        return Reply(Step.CHOOSE, choices=tuple(found))
