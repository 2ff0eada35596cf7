"""The staff PIN: what a PIN may be, its scrypt hash, and the lock-out after wrong tries.

API:
    pin_problem(text) -> str                     # "" when it is 4-8 digits
    hashed = hash_pin(pin)                       # PinHash: scrypt, random salt, its parameters
    verify_pin(hashed, pin) -> bool              # constant-time comparison
    pin_advice(pin) -> str                       # "" for 6+ digits, else why longer is better
    attempt = try_pin(hashed, tries, pin, now)   # Attempt(result, tries, ...): tries to keep
    locked_for(tries, now) -> timedelta | None   # how long entry stays locked, if it is
    guesses_in(span, start) -> int               # the most a guesser gets through in `span`

The back-off: five wrong tries lock entry for 30 s; after that every wrong try locks it again,
each time twice as long (1, 2, 4 ... minutes), up to 8 hours. Waiting does not reset it: the
level comes down one step per day without a wrong try, and the right PIN lifts a lock-out and
starts a new burst but keeps the level, so staff logging in daily do not hand a guesser fresh
bursts. A guesser at the desk gets about 3 tries a day: 1,108 in a year, 11 % of all 4-digit
PINs and 0.1 % of 6-digit ones (tests/test_pin.py plays it out). `kiosk set-pin` clears it all.

Lock-out is on wall time (the injected clock's now()), because it must survive a restart: the
caller keeps `Tries` on disk.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

PIN_MIN = 4
PIN_MAX = 8
PIN_ADVISED = 6  # 4 and 5 digits are allowed (staff must remember it) but warned about
MAX_TRIES = 5  # the first burst: typos and a slip of memory
LATER_TRIES = 1  # each burst after a lock-out, until the level has worn off
FIRST_LOCK = timedelta(seconds=30)
LONGEST_LOCK = timedelta(hours=8)  # 3 guesses a day; a longer lock only keeps staff out longer
LEVEL_WEARS_OFF = timedelta(days=1)  # one step down per day without a wrong try
# scrypt cost: 16 MiB of memory, about 50 ms on a laptop and a few hundred on a Raspberry Pi
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
HASH_BYTES = 32
SALT_BYTES = 16


def pin_problem(text: str) -> str:
    """What is wrong with a new PIN, in plain words; "" when it is fine."""
    if not text:
        return "Please type a PIN."
    if not (text.isascii() and text.isdigit()):
        return "A PIN is digits only (0-9)."
    if not PIN_MIN <= len(text) <= PIN_MAX:
        return f"A PIN is {PIN_MIN} to {PIN_MAX} digits long."
    return ""


def pin_advice(pin: str) -> str:
    """Why a valid but short PIN is a risk, in plain words; "" for PIN_ADVISED digits or more."""
    if len(pin) >= PIN_ADVISED:
        return ""
    share = guesses_in(timedelta(days=365), datetime(2026, 1, 1).astimezone()) / 10 ** len(pin)
    return (
        f"A PIN of {PIN_ADVISED} or more digits is recommended: someone at the desk could try"
        f" about {min(100, round(share * 100))} % of all {len(pin)}-digit PINs in a year."
    )


@dataclass(frozen=True)
class PinHash:
    """A PIN's scrypt hash with everything needed to check a PIN against it again."""

    salt: bytes
    digest: bytes
    n: int = SCRYPT_N
    r: int = SCRYPT_R
    p: int = SCRYPT_P


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=length, maxmem=256 * n * r + 2**20
    )


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> PinHash:
    """The PIN's hash with a fresh random salt. ValueError if it is not a valid PIN."""
    problem = pin_problem(pin)
    if problem:
        raise ValueError(problem)
    salt = secrets.token_bytes(SALT_BYTES)
    return PinHash(salt, _scrypt(pin, salt, n, r, p, HASH_BYTES), n, r, p)


def verify_pin(hashed: PinHash, pin: str) -> bool:
    if not pin or len(pin) > PIN_MAX * 4:
        return False  # never hash a 10 kB paste
    digest = _scrypt(pin, hashed.salt, hashed.n, hashed.r, hashed.p, len(hashed.digest))
    return hmac.compare_digest(digest, hashed.digest)


@dataclass(frozen=True)
class Lockouts:
    """The lock-outs since staff last logged in, for them to see then."""

    count: int = 0
    first: datetime | None = None
    last: datetime | None = None

    def added(self, at: datetime) -> Lockouts:
        return Lockouts(self.count + 1, self.first or at, at)

    @property
    def text(self) -> str:
        """ "3 lock-outs since 23 Nov 10:00, the last at 23 Nov 14:02"; "" when there were none."""
        if not self.count or self.first is None or self.last is None:
            return ""
        what = "1 PIN lock-out" if self.count == 1 else f"{self.count} PIN lock-outs"
        if self.count == 1:
            return f"{what} (too many wrong PINs) at {_when(self.last)}. See kiosk.log."
        return f"{what} since {_when(self.first)}, the last at {_when(self.last)}. See kiosk.log."


def _when(at: datetime) -> str:
    return f"{at.day} {at:%b %H:%M}"


@dataclass(frozen=True)
class Tries:
    """Where the back-off stands: wrong tries in this burst, the level (lock-outs not yet worn
    off), when the last lock-out ends or ended (the level wears off from then), and the
    lock-outs staff have not seen yet."""

    wrong: int = 0
    level: int = 0
    locked_until: datetime | None = None
    lockouts: Lockouts = Lockouts()


class Result(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"  # wrong, not locked yet
    LOCKED = "locked"  # locked now: by this wrong try, or still from earlier ones


@dataclass(frozen=True)
class Attempt:
    result: Result
    tries: Tries  # what to keep after this attempt
    tries_left: int = 0  # before a lock-out (WRONG)
    locked_for: timedelta = timedelta(0)  # how long entry stays locked (LOCKED); next lock (WRONG)
    lockouts: Lockouts = Lockouts()  # RIGHT: the lock-outs since staff last logged in
    new_lockout: bool = False  # this try started a lock-out (to be logged)

    @property
    def message(self) -> str:
        if self.result is Result.RIGHT:
            return ""
        if self.result is Result.WRONG:
            left = f"{self.tries_left} more tr{'y' if self.tries_left == 1 else 'ies'}"
            return f"Wrong PIN. {left} before staff mode locks for {wait_text(self.locked_for)}."
        return f"Too many wrong PINs. Staff mode is locked for {wait_text(self.locked_for)}."


def wait_text(wait: timedelta) -> str:
    """How long, as in "45 s", "4 min 05 s", "7 h 59 min": rounded up, never less than is left."""
    seconds = max(1, int(wait.total_seconds() + 0.999))
    if seconds >= 3600:
        hours, minutes = divmod((seconds + 59) // 60, 60)
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def lock_time(level: int) -> timedelta:
    """How long the lock-out that brings the back-off to `level` (1 and up) lasts."""
    if level < 1:
        return timedelta(0)
    if level > 30:  # 30 s * 2**30 is far past the longest lock already
        return LONGEST_LOCK
    return min(FIRST_LOCK * (1 << (level - 1)), LONGEST_LOCK)


def _top_level() -> int:
    level = 1
    while lock_time(level) < LONGEST_LOCK:
        level += 1
    return level


TOP_LEVEL = _top_level()  # 11: locks are as long as they get; higher would only wear off slower


def burst(level: int) -> int:
    """Wrong tries allowed before the next lock-out at `level`."""
    return MAX_TRIES if level == 0 else LATER_TRIES


def _level(tries: Tries, now: datetime) -> int:
    """The level at `now`: one step down for each whole day since the last lock-out ended."""
    if tries.locked_until is None or now <= tries.locked_until:
        return tries.level
    worn = (now - tries.locked_until) // LEVEL_WEARS_OFF
    return max(0, tries.level - worn)


def current_tries(tries: Tries, now: datetime) -> Tries:
    """The tries as they stand at `now`: the level worn down by the days since the last lock-out,
    and a lock the clock fell far behind re-anchored to end at most its length from now (a Pi
    has no battery clock: its wall time can jump backwards at boot, which must not lock staff
    out for days)."""
    until = tries.locked_until
    if until is not None and until > now:
        longest = lock_time(tries.level) or FIRST_LOCK
        if until - now > longest:
            return replace(tries, locked_until=now + longest)
        return tries
    level = _level(tries, now)
    if level == tries.level:
        return tries
    if level == 0:
        return Tries(tries.wrong, lockouts=tries.lockouts)
    # keep the level's clock: move the anchor on by the days worn off
    assert until is not None
    return replace(tries, level=level, locked_until=until + (tries.level - level) * LEVEL_WEARS_OFF)


def locked_for(tries: Tries, now: datetime) -> timedelta | None:
    """How much longer entry is locked at `now`; None when it is not."""
    until = current_tries(tries, now).locked_until
    if until is None or until <= now:
        return None
    return until - now


def try_pin(hashed: PinHash, tries: Tries, pin: str, now: datetime) -> Attempt:
    """Check a typed PIN at `now`. While locked, the PIN is not even checked."""
    tries = current_tries(tries, now)
    wait = locked_for(tries, now)
    if wait is not None:
        return Attempt(Result.LOCKED, tries, locked_for=wait)
    if verify_pin(hashed, pin):
        return Attempt(Result.RIGHT, logged_in(tries), lockouts=tries.lockouts)
    return wrong_try(tries, now)


def logged_in(tries: Tries) -> Tries:
    """After the right PIN: a fresh burst and the lock-outs shown, but the level kept (with the
    time it wears off from), so a guesser gains nothing from staff logging in."""
    return Tries(level=tries.level, locked_until=tries.locked_until if tries.level else None)


def wrong_try(tries: Tries, now: datetime) -> Attempt:
    """A wrong PIN at `now`, not locked (`tries` as current_tries gives them)."""
    wrong = tries.wrong + 1
    left = burst(tries.level) - wrong
    if left > 0:
        return Attempt(
            Result.WRONG,
            replace(tries, wrong=wrong),
            tries_left=left,
            locked_for=lock_time(tries.level + 1),
        )
    level = min(tries.level + 1, TOP_LEVEL)
    wait = lock_time(level)
    locked = Tries(0, level, now + wait, tries.lockouts.added(now))
    return Attempt(Result.LOCKED, locked, locked_for=wait, new_lockout=True)


def guesses_in(span: timedelta, start: datetime, staff_every: timedelta | None = None) -> int:
    """How many PINs a guesser gets through in `span` from `start`, trying the next one the
    moment a lock-out ends (no PIN is checked: every guess is taken as wrong). With
    `staff_every`, staff also log in with the right PIN that often (when not locked)."""
    tries, now, end, guesses = Tries(), start, start + span, 0
    staff_at = start + staff_every if staff_every else end
    while now < end:
        tries = current_tries(tries, now)
        if now >= staff_at:
            staff_at += staff_every or span
            if locked_for(tries, now) is None:
                tries = logged_in(tries)
        wait = locked_for(tries, now)
        if wait is not None:
            now = min(now + wait, end, staff_at)
            continue
        guesses += 1
        tries = wrong_try(tries, now).tries
    return guesses
