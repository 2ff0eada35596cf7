"""The staff PIN: what a PIN may be, its scrypt hash, and the lock-out after wrong tries.

API:
    pin_problem(text) -> str                     # "" when it is 4-8 digits
    hashed = hash_pin(pin)                       # PinHash: scrypt, random salt, its parameters
    verify_pin(hashed, pin) -> bool              # constant-time comparison
    attempt = try_pin(hashed, tries, pin, now)   # Attempt(result, tries, ...): tries to keep
    locked_for(tries, now) -> timedelta | None   # how long entry stays locked, if it is

Lock-out is on wall time (the injected clock's now()), because it must survive a restart: the
caller keeps `Tries` on disk. Five wrong tries lock entry for five minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

PIN_MIN = 4
PIN_MAX = 8
MAX_TRIES = 5
LOCK_TIME = timedelta(minutes=5)
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
class Tries:
    """Wrong tries since the last right one, and when a lock-out ends (None: not locked)."""

    wrong: int = 0
    locked_until: datetime | None = None


class Result(StrEnum):
    RIGHT = "right"
    WRONG = "wrong"  # wrong, not locked yet
    LOCKED = "locked"  # locked now: by this wrong try, or still from earlier ones


@dataclass(frozen=True)
class Attempt:
    result: Result
    tries: Tries  # what to keep on disk after this attempt
    tries_left: int = 0  # before a lock-out (WRONG)
    locked_for: timedelta = timedelta(0)  # how long entry stays locked (LOCKED)

    @property
    def message(self) -> str:
        if self.result is Result.RIGHT:
            return ""
        if self.result is Result.WRONG:
            left = f"{self.tries_left} more tr{'y' if self.tries_left == 1 else 'ies'}"
            minutes = int(LOCK_TIME.total_seconds()) // 60
            return f"Wrong PIN. {left} before staff mode locks for {minutes} minutes."
        return f"Too many wrong PINs. Staff mode is locked for {wait_text(self.locked_for)}."


def wait_text(wait: timedelta) -> str:
    seconds = max(1, int(wait.total_seconds() + 0.999))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def locked_for(tries: Tries, now: datetime) -> timedelta | None:
    """How much longer entry is locked at `now`; None when it is not.

    A lock never lasts longer than LOCK_TIME from now: a Raspberry Pi has no battery clock, so
    its wall time can jump backwards at boot, and that must not lock staff out for days.
    """
    if tries.locked_until is None:
        return None
    left = tries.locked_until - now
    if left <= timedelta(0):
        return None
    return min(left, LOCK_TIME)


def current_tries(tries: Tries, now: datetime) -> Tries:
    """The tries as they stand at `now`: an ended lock is forgotten, a lock the clock fell far
    behind is re-anchored to end LOCK_TIME from now."""
    wait = locked_for(tries, now)
    if tries.locked_until is not None and wait is None:
        return Tries()
    if wait is not None and tries.locked_until != now + wait:
        return Tries(tries.wrong, now + wait)
    return tries


def try_pin(hashed: PinHash, tries: Tries, pin: str, now: datetime) -> Attempt:
    """Check a typed PIN at `now`. While locked, the PIN is not even checked."""
    tries = current_tries(tries, now)
    wait = locked_for(tries, now)
    if wait is not None:
        return Attempt(Result.LOCKED, tries, locked_for=wait)
    if verify_pin(hashed, pin):
        return Attempt(Result.RIGHT, Tries())
    wrong = tries.wrong + 1
    if wrong >= MAX_TRIES:
        return Attempt(Result.LOCKED, Tries(wrong, now + LOCK_TIME), locked_for=LOCK_TIME)
    return Attempt(Result.WRONG, Tries(wrong), tries_left=MAX_TRIES - wrong)
