"""The staff PIN on disk: its hash (pin.json) and the wrong tries (pin-tries.json).

API:
    pin_is_set(data_dir) -> bool
    set_pin(data_dir, pin)                        # `kiosk set-pin`: new hash, lock-out cleared
    read_pin(data_dir) -> PinHash | None          # DamagedPin if the file cannot be read
    gate = PinGate(data_dir)                      # reads pin-tries.json once
    gate.check(pin, now) -> Attempt               # NoPin / DamagedPin; tries saved first
    gate.lock_wait(now) -> timedelta | None       # still locked out? (memory only)
    check_pin(data_dir, pin, now), lock_wait(data_dir, now)   # one-off, for scripts and tests

Two files, so the running kiosk only ever writes the tries and `kiosk set-pin` (which may run
while the kiosk holds the data directory) only ever writes the hash. The rules are in
kiosk/core/pin.py; every write is atomic (kiosk/store/files.py).
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.pin import (
    MAX_TRIES,
    SCRYPT_N,
    Attempt,
    PinHash,
    Tries,
    current_tries,
    hash_pin,
    locked_for,
    try_pin,
)
from kiosk.store.files import write_text_atomic

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


def set_pin(data_dir: Path, pin: str, *, n: int = SCRYPT_N) -> None:
    """Store a new PIN's hash (ValueError if the PIN is not valid) and clear any lock-out.

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
    write_text_atomic(directory / PIN_FILE, json.dumps(doc, indent=1) + "\n")
    _write_tries(directory, Tries())


def read_tries(data_dir: Path) -> Tries:
    """The wrong tries kept on disk. An unreadable file leaves one try before a lock-out, so
    damaging it never gives a guesser more tries."""
    path = Path(data_dir) / TRIES_FILE
    try:
        doc: Any = json.loads(path.read_text(encoding="utf-8"))
        until = doc.get("locked_until")
        return Tries(int(doc["wrong"]), datetime.fromisoformat(until) if until else None)
    except FileNotFoundError:
        return Tries()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Tries(wrong=MAX_TRIES - 1)


def _write_tries(data_dir: Path, tries: Tries) -> None:
    until = tries.locked_until.isoformat() if tries.locked_until is not None else None
    text = json.dumps({"wrong": tries.wrong, "locked_until": until}) + "\n"
    write_text_atomic(Path(data_dir) / TRIES_FILE, text)


class PinGate:
    """The staff PIN check, with the wrong tries kept in memory.

    pin-tries.json is read once, when the gate is made, and written (atomically) only when the
    tries change, before the attempt's result is given: a lock-out survives a restart. The hash
    is read at each check, so `kiosk set-pin` run meanwhile counts at once.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self._tries = read_tries(self.data_dir)
        self._checking = threading.Lock()  # a check may run in a worker thread

    @property
    def tries(self) -> Tries:
        return self._tries

    def lock_wait(self, now: datetime) -> timedelta | None:
        """How long entry stays locked at `now`; None when it is not. No file is read."""
        return locked_for(current_tries(self._tries, now), now)

    def check(self, pin: str, now: datetime) -> Attempt:
        """Try a PIN (slow: scrypt). NoPin when no PIN is set; DamagedPin when its file cannot be
        read; OSError when the tries cannot be saved (the try still counts in memory)."""
        with self._checking:
            hashed = read_pin(self.data_dir)
            if hashed is None:
                raise NoPin(self.data_dir / PIN_FILE)
            before = self._tries
            attempt = try_pin(hashed, before, pin, now)
            if attempt.tries != before:
                self._tries = attempt.tries
                _write_tries(self.data_dir, attempt.tries)
            return attempt


def lock_wait(data_dir: Path, now: datetime) -> timedelta | None:
    return PinGate(data_dir).lock_wait(now)


def check_pin(data_dir: Path, pin: str, now: datetime) -> Attempt:
    """Try a PIN once, from the files (see PinGate.check)."""
    return PinGate(data_dir).check(pin, now)
