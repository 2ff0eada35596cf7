"""The staff PIN on disk: its hash (pin.json) and the wrong tries (pin-tries.json).

API:
    pin_is_set(data_dir) -> bool
    pin_warning(data_dir) -> str                  # "" unless pin.json is damaged: why, what to do
    set_pin(data_dir, pin) -> Lockouts            # `kiosk set-pin`: new hash, lock-out cleared
    read_pin(data_dir) -> PinHash | None          # DamagedPin if the file cannot be read
    gate = PinGate(data_dir)                      # reads pin-tries.json once
    gate.check(pin, now) -> Attempt               # NoPin / DamagedPin; tries saved if it can
    gate.lock_wait(now) -> timedelta | None       # still locked out? (memory; a new PIN lifts it)
    gate.not_saved -> str                         # why the last change could not be saved
    check_pin(data_dir, pin, now), lock_wait(data_dir, now)   # one-off, for scripts and tests

Two files, so the running kiosk only ever writes the tries and `kiosk set-pin` (which may run
while the kiosk holds the data directory) writes the hash and clears the tries. The tries name
the PIN they count against (a fingerprint of its salt): a running kiosk sees a new PIN by that
and drops its lock-out. When the disk cannot be written (full, or an SD card gone read-only)
the tries live on in the gate's memory, so a failed write never lifts a lock-out. Every
lock-out is logged to kiosk.log. The rules are in kiosk/core/pin.py; every write is atomic
(kiosk/store/files.py).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.pin import (
    MAX_TRIES,
    SCRYPT_N,
    Attempt,
    Lockouts,
    PinHash,
    Result,
    Tries,
    hash_pin,
    locked_for,
    try_pin,
    wait_text,
)
from kiosk.store.files import write_text_atomic
from kiosk.store.log import log

PIN_FILE = "pin.json"
TRIES_FILE = "pin-tries.json"
ALGORITHM = "scrypt"


class DamagedPin(Exception):
    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(f"The PIN file {path} cannot be read ({reason}). Run kiosk set-pin again.")


class NoPin(Exception):
    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__("No staff PIN set: run kiosk set-pin")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def pin_is_set(data_dir: Path) -> bool:
    """True when a readable PIN hash is in the data directory."""
    try:
        return read_pin(data_dir) is not None
    except DamagedPin:
        return False


def pin_warning(data_dir: Path) -> str:
    """For start-up and `kiosk check`: a damaged pin.json in plain words; "" otherwise (no PIN
    set is not a warning here: the front desk says so)."""
    try:
        read_pin(data_dir)
    except DamagedPin as e:
        return f"{e} Staff mode stays shut until then."
    return ""


def fingerprint(hashed: PinHash) -> str:
    """Which PIN the tries count against; says nothing about the PIN itself."""
    return hashlib.sha256(hashed.salt).hexdigest()[:16]


def read_pin(data_dir: Path) -> PinHash | None:
    path = Path(data_dir) / PIN_FILE
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise DamagedPin(path, str(e)) from e
    try:
        doc: Any = json.loads(raw)
        if doc["algorithm"] != ALGORITHM:
            raise DamagedPin(path, f"unknown algorithm {doc['algorithm']!r}")
        hashed = PinHash(
            base64.b64decode(doc["salt"], validate=True),
            base64.b64decode(doc["hash"], validate=True),
            int(doc["n"]),
            int(doc["r"]),
            int(doc["p"]),
        )
    except DamagedPin:
        raise
    except (ValueError, KeyError, TypeError, binascii.Error) as e:
        raise DamagedPin(path, "not a PIN file as the kiosk writes them") from e
    if not hashed.salt or not hashed.digest or min(hashed.n, hashed.r, hashed.p) < 1:
        raise DamagedPin(path, "empty salt, hash or parameters")
    return hashed


def set_pin(data_dir: Path, pin: str, *, n: int = SCRYPT_N) -> Lockouts:
    """Store a new PIN's hash (ValueError if the PIN is not valid) and clear any lock-out and
    back-off; gives the lock-outs staff had not seen yet, for `kiosk set-pin` to tell.

    `n` is scrypt's cost; benchmarks raise it to take as long as the default does on a Pi.
    """
    hashed = hash_pin(pin, n=n)
    directory = Path(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    doc = {
        "algorithm": ALGORITHM,
        "n": hashed.n,
        "r": hashed.r,
        "p": hashed.p,
        "salt": _b64(hashed.salt),
        "hash": _b64(hashed.digest),
    }
    cleared = read_tries(directory).lockouts
    write_text_atomic(directory / PIN_FILE, json.dumps(doc, indent=1) + "\n")
    _write_tries(directory, Tries(), fingerprint(hashed))
    return cleared


def read_tries(data_dir: Path) -> Tries:
    """The tries kept on disk. An unreadable file leaves one try before a lock-out, so
    damaging it never gives a guesser more tries."""
    return _read_tries(Path(data_dir))[0]


def _time(text: object) -> datetime | None:
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError("not a time")
    return datetime.fromisoformat(text)


def _read_tries(data_dir: Path) -> tuple[Tries, str | None]:
    """The tries and the fingerprint of the PIN they count against (None: not known)."""
    path = data_dir / TRIES_FILE
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
        seen = doc.get("lockouts") or {}
        lockouts = Lockouts(
            int(seen.get("count", 0)), _time(seen.get("first")), _time(seen.get("last"))
        )
        tries = Tries(
            int(doc["wrong"]), int(doc.get("level", 0)), _time(doc.get("locked_until")), lockouts
        )
        pin = doc.get("pin")
        return tries, pin if isinstance(pin, str) else None
    except FileNotFoundError:
        return Tries(), None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        log.warning("%s cannot be read (%s): one PIN try left before a lock-out", path, e)
        return Tries(wrong=MAX_TRIES - 1), None


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _write_tries(data_dir: Path, tries: Tries, pin: str | None) -> None:
    seen = tries.lockouts
    doc = {
        "pin": pin,
        "wrong": tries.wrong,
        "level": tries.level,
        "locked_until": _iso(tries.locked_until),
        "lockouts": {"count": seen.count, "first": _iso(seen.first), "last": _iso(seen.last)},
    }
    write_text_atomic(Path(data_dir) / TRIES_FILE, json.dumps(doc) + "\n")


def _identity(path: Path) -> tuple[int, int, int] | None:
    """What changes when pin.json is replaced (an atomic write makes a new file)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


class PinGate:
    """The staff PIN check, with the tries kept in memory.

    pin-tries.json is read once, when the gate is made, and written (atomically) only when the
    tries change. Memory is what counts: when a write fails (a full or read-only disk) the
    tries stay in memory and the check goes on, so one gate must live as long as the kiosk
    (kiosk/ui/screens/staff_pin.py keeps one per app). The hash is read at each check, so
    `kiosk set-pin` run meanwhile counts at once, and a new PIN lifts the lock-out.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._tries, self._pin = _read_tries(self.data_dir)
        self._seen: tuple[int, int, int] | None = None  # pin.json as last looked at
        self._checking = threading.Lock()  # one check at a time (in a worker thread)
        self._state = threading.Lock()  # held briefly, never over the hash: the UI thread asks
        self.not_saved = ""  # why the last change of the tries is only in memory; "" if saved

    @property
    def tries(self) -> Tries:
        return self._tries

    def lock_wait(self, now: datetime) -> timedelta | None:
        """How long entry stays locked at `now`; None when it is not. Reads no file unless
        pin.json was replaced (`kiosk set-pin`)."""
        with self._state:
            self._follow_pin()
            return locked_for(self._tries, now)

    def _follow_pin(self, hashed: PinHash | None = None) -> None:
        """Notice a new PIN: the tries counted against the old one are dropped."""
        path = self.data_dir / PIN_FILE
        seen = _identity(path)
        if hashed is None:
            if seen == self._seen or seen is None:
                return
            try:
                hashed = read_pin(self.data_dir)
            except DamagedPin:
                return  # the check says so; the tries stand
            if hashed is None:
                return
        self._seen = seen
        pin = fingerprint(hashed)
        if self._pin is not None and pin != self._pin and self._tries != Tries():
            log.info("a new staff PIN was set: the PIN lock-out and back-off are cleared")
            self._tries = Tries()
        self._pin = pin

    def check(self, pin: str, now: datetime) -> Attempt:
        """Try a PIN (slow: scrypt). NoPin when no PIN is set; DamagedPin when its file cannot be
        read. A change that cannot be saved stays in memory (`not_saved` says why)."""
        with self._checking:
            hashed = read_pin(self.data_dir)
            if hashed is None:
                raise NoPin(self.data_dir / PIN_FILE)
            with self._state:
                self._follow_pin(hashed)
                before = self._tries
            attempt = try_pin(hashed, before, pin, now)
            with self._state:
                if self._tries != before:  # a new PIN came meanwhile: this try was for the old
                    return attempt
                if attempt.new_lockout:
                    log.warning(
                        "staff PIN: too many wrong PINs, staff mode locked for %s (lock-out %d)",
                        wait_text(attempt.locked_for),
                        attempt.tries.lockouts.count,
                    )
                if attempt.result is Result.RIGHT and attempt.lockouts.count:
                    log.info("staff logged in and were shown: %s", attempt.lockouts.text)
                if attempt.tries != before:
                    self._tries = attempt.tries  # first: a failed write must not undo it
                    self._save()
            return attempt

    def _save(self) -> None:
        try:
            _write_tries(self.data_dir, self._tries, self._pin)
        except OSError as e:
            if not self.not_saved:
                log.warning("PIN tries kept in memory only, cannot save them: %s", e)
            self.not_saved = e.strerror or str(e)
        else:
            self.not_saved = ""


def lock_wait(data_dir: Path, now: datetime) -> timedelta | None:
    return PinGate(data_dir).lock_wait(now)


def check_pin(data_dir: Path, pin: str, now: datetime) -> Attempt:
    """Try a PIN once, from the files (see PinGate.check)."""
    return PinGate(data_dir).check(pin, now)
