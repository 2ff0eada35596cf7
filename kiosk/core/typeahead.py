"""Every key on the check-in path, from the first one at the front desk until the look-up has it.

Pure Python, so it can be tested with any interleaving of keys and screen changes. The App feeds
each key through `TypeAhead.key` (the only place keys on the check-in path go in) with the place
that is on screen now, and does what the answer says. Nothing here depends on how long a screen
takes to open: keys typed while the look-up opens wait here, in order, and the look-up takes them
once it can show them, so a slow Pi loses, repeats or reorders no key.

A USB scanner types a member code and Enter. Wherever on the check-in path that happens, the
code is recognised here (`Answer.scanned`): the printable keys typed since the last Enter or
other key end with a member code. On a step that uses single keys (1/2/3 for a session, Y/N
for a question), keys that could start a member code are held back until the code is complete
or has turned out to be something else, so a scanned "M1001" never answers "1".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum, auto
from typing import Protocol

ENTER = "enter"
BACKSPACE = "backspace"
RECENT_MAX = 40  # longer than any member code (csvio.CODE_MAX is 20)
SCAN_MIN = 4  # a scanned code has at least this many characters
HOLD_SECONDS = 1.0  # a held key no code followed goes to the screen after this long
# keys that end what is typed in a look-up that is still opening: what follows waits for the
# look-up to act on them (an Enter may check someone in and open another screen)
ENDING = frozenset({ENTER, "escape", "f3"})


@dataclass(frozen=True)
class Keystroke:
    key: str  # Textual's key name: "a", "space", "enter", "backspace", "f3"
    character: str | None = None

    @property
    def printable(self) -> bool:
        c = self.character
        return c is not None and len(c) == 1 and c.isprintable()


class Place(Enum):
    """Where keys go now: the screen on top, as the check-in path sees it."""

    FRONT_DESK = auto()  # a letter, digit or "+" starts a look-up
    LOOK_UP = auto()  # the look-up: open, or still opening
    RESULT = auto()  # a result: the next printable key closes it and goes nowhere else
    STEP = auto()  # a step after a member was picked (session choice, readiness questions)
    ELSEWHERE = auto()  # off the check-in path (warm-up, registration, staff): keys pass


class Codes(Protocol):
    """The member codes (kiosk.core.lookup.MemberIndex is one)."""

    def by_code(self, text: str) -> str | None: ...

    def starts_code(self, text: str) -> bool: ...


@dataclass(frozen=True)
class Answer:
    """What the App does with a key. At most one of open/close/scanned is set."""

    keys: tuple[Keystroke, ...] = ()  # give these to the screen on top, in this order
    open: bool = False  # open a look-up: the key waits here until it takes it
    close: bool = False  # close the result (the key itself is not typed anywhere)
    scanned: str | None = None  # a member code was scanned: check that member in


KEEP = Answer()


def _starts_look_up(stroke: Keystroke) -> bool:
    c = stroke.character
    return stroke.printable and c is not None and (c.isalnum() or c == "+")


@dataclass
class TypeAhead:
    codes: Callable[[], Codes]  # called only when a key needs it: the index may change
    paused: bool = False  # the kiosk is still opening its store: every key waits (see resume)
    opening: bool = False  # a look-up is opening: every key waits for it
    waiting: list[Keystroke] = field(default_factory=list)  # for the look-up, or to route again
    held: list[Keystroke] = field(default_factory=list)  # on a step: maybe a code being scanned
    held_at: float = 0.0
    recent: str = ""  # printable characters since the last Enter or other key

    def key(self, place: Place, stroke: Keystroke, now: float = 0.0) -> Answer:
        """One key, as it arrives; `place` is what is on screen now."""
        if self.paused or (self.waiting and not self.opening):
            # keys after an Enter the look-up has not acted on yet: they keep their turn
            self.waiting.append(stroke)
            return KEEP
        if place is Place.ELSEWHERE:
            self.recent = ""
            return Answer((stroke,))
        scanned = self._note(stroke)
        if place is Place.LOOK_UP and self.opening:
            if scanned is not None:
                self.drop()
                return Answer(scanned=scanned)
            self.waiting.append(stroke)
            return KEEP
        if scanned is not None:
            self.held.clear()
            return Answer(scanned=scanned)
        if place is Place.FRONT_DESK and _starts_look_up(stroke):
            self.opening = True
            self.waiting.append(stroke)
            return Answer(open=True)
        if place is Place.RESULT and stroke.printable:
            return Answer(close=True)
        if place is Place.STEP:
            return self._step(stroke, now)
        return Answer((stroke,))

    def _note(self, stroke: Keystroke) -> str | None:
        """Remember printable keys; on Enter, the member code they end with, if any."""
        if stroke.printable and stroke.character is not None:
            self.recent = (self.recent + stroke.character)[-RECENT_MAX:]
            return None
        typed, self.recent = self.recent, ""
        if stroke.key != ENTER:
            return None
        codes = self.codes()
        for start in range(len(typed) - SCAN_MIN + 1):
            code = codes.by_code(typed[start:])
            if code is not None:
                return code
        return None

    def _step(self, stroke: Keystroke, now: float) -> Answer:
        if stroke.printable and stroke.character is not None:
            candidate = "".join(k.character or "" for k in self.held) + stroke.character
            if self.codes().starts_code(candidate):
                if not self.held:
                    self.held_at = now
                self.held.append(stroke)
                return KEEP
        keys = (*self.held, stroke)
        self.held.clear()
        return Answer(keys)

    def take(self) -> tuple[Keystroke, ...]:
        """The look-up can show keys now: those typed for it, up to the first that ends typing.

        Any after that wait (with any that arrive meanwhile) until `release`, once the look-up
        has acted on that key.
        """
        keys = self.waiting
        end = next((n + 1 for n, k in enumerate(keys) if k.key in ENDING), len(keys))
        taken, self.waiting = tuple(keys[:end]), keys[end:]
        self.opening = False
        return taken

    def resume(self) -> None:
        """The kiosk is ready: keys that waited for it go on (the App routes them: `release`)."""
        self.paused = False

    def release(self) -> tuple[Keystroke, ...]:
        """Keys that waited their turn: the App routes them again, in order, where it is now."""
        keys, self.waiting = tuple(self.waiting), []
        return keys

    def stale(self, now: float) -> tuple[Keystroke, ...]:
        """Held keys no code followed within HOLD_SECONDS: a person typed them, not a scanner."""
        if not self.held or now - self.held_at < HOLD_SECONDS:
            return ()
        keys = tuple(self.held)
        self.held.clear()
        return keys

    def drop(self) -> None:
        """The look-up did not open (or a scan took over): what waited for it is gone."""
        self.opening = False
        self.waiting.clear()
        self.held.clear()
        self.recent = ""
