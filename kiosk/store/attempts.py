"""Check-ins refused at the kiosk (attempts): pack used up or expired, no pack, see the trainer.

Staff follow them up from today's visits. They use no session and are not visits, so they live
in their own small file, attempts.json (a table of records, like the store's files), replaced
atomically on each write (kiosk/store/files.py). Only the last KEEP_DAYS days are kept: an
attempt's reasons may hold a readiness answer, which is health data.

API:
    attempts = attempts_for(store)       # one per open store, made from its data directory
    attempts.add(attempt)                # on disk, fsync'd, when it returns (OSError if not)
    attempts.on(day) -> list[Attempt]; attempts.of(code) -> list[Attempt]
    attempts.erase(code) -> int          # UK GDPR erasure
    attempt_doc(a) / attempt_of(doc)     # JSON, for the one-member export
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.core.checkin import Attempt, Outcome
from kiosk.core.members import PackKind
from kiosk.store.aside import aside_path, set_aside_records
from kiosk.store.backup import DAMAGED_DIR
from kiosk.store.documents import BadDocument
from kiosk.store.files import write_atomic
from kiosk.store.log import log
from kiosk.store.storage import DamagedFile, encode, read_json_file
from kiosk.store.store import Store

ATTEMPTS_FILE = "attempts.json"
TABLE = "attempts"
KEEP_DAYS = 90


def attempt_doc(attempt: Attempt) -> dict[str, Any]:
    return {
        "id": attempt.id,
        "member_code": attempt.member_code,
        "at": attempt.at.isoformat(),
        "kind": str(attempt.kind),
        "outcome": str(attempt.outcome),
        "reasons": list(attempt.reasons),
    }


def attempt_of(doc: Any) -> Attempt:
    if not isinstance(doc, Mapping):
        raise BadDocument("not a record")
    try:
        at = datetime.fromisoformat(doc["at"])
        kind = PackKind(doc["kind"])
        outcome = Outcome(doc["outcome"])
    except (KeyError, TypeError, ValueError) as e:
        raise BadDocument(f"not an attempt: {e}") from e
    reasons = doc.get("reasons", [])
    code, aid = doc.get("member_code"), doc.get("id")
    if at.tzinfo is None or not isinstance(code, str) or not isinstance(aid, str):
        raise BadDocument("not an attempt")
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise BadDocument("reasons is not a list of text")
    return Attempt(aid, code, at, kind, outcome, tuple(reasons))


class Attempts:
    """attempts.json in a data directory, read once and kept in memory."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / ATTEMPTS_FILE
        self.warnings: list[str] = []  # what was set aside on reading, for staff
        self._unread = False  # damaged, and could not be moved aside: never written over
        self._all: list[Attempt] = self._read()

    def _read(self) -> list[Attempt]:
        try:
            data = read_json_file(self.path) or {}
            table = data.get(TABLE, {})
            if not isinstance(table, dict):
                raise DamagedFile(self.path, "not a table of records")
        except DamagedFile as e:
            # only follow-up notes: set the file aside and carry on with none
            self._warn(f"The refused check-ins file was damaged ({e.reason})", self._set_aside())
            return []
        found, bad = [], {}
        for key, doc in table.items():
            try:
                found.append(attempt_of(doc))
            except (BadDocument, TypeError, AttributeError, ValueError) as e:
                bad[str(key)] = str(e)
        if bad:  # the others stay in use; the bad ones go aside with why
            try:
                done = set_aside_records(self.path.parent, ATTEMPTS_FILE, TABLE, bad, _now())
            except OSError as e:
                log.warning("attempts: bad records could not be moved aside: %s", e)
                done, self._unread = None, True
            first = next(iter(bad.items()))
            self._warn(
                f"The refused check-ins file had {len(bad)} record(s) the kiosk cannot read "
                f"(record {first[0]}: {first[1]})",
                done[0] if done else None,
            )
        return found

    def _warn(self, what: str, aside: Path | None) -> None:
        if aside is not None:
            where = f"kept in {DAMAGED_DIR}/{aside.name}"
        else:
            where = "it could not be moved aside, so no refused check-in is saved until it is"
        message = f"{what}; {where}."
        log.warning("attempts: %s", message)
        self.warnings.append(message)

    def _set_aside(self) -> Path | None:
        """The damaged file to data/damaged/; None (and never written over) if it cannot be."""
        aside = aside_path(self.path.parent, f"{ATTEMPTS_FILE}.{_now()}")
        try:
            aside.parent.mkdir(exist_ok=True)
            os.replace(self.path, aside)
        except OSError:
            self._unread = True
            return None
        return aside

    def _write(self, attempts: list[Attempt]) -> None:
        if self._unread:  # writing now would lose what could not be moved aside
            raise OSError(f"{self.path} is damaged and could not be moved aside")
        table = {str(n): attempt_doc(a) for n, a in enumerate(attempts, 1)}
        write_atomic(self.path, encode({TABLE: table}))
        self._all = attempts

    def add(self, attempt: Attempt) -> None:
        """Keep `attempt` (and forget those older than KEEP_DAYS): one atomic write."""
        since = attempt.at.date() - timedelta(days=KEEP_DAYS)
        kept = [a for a in self._all if a.at.date() >= since]
        self._write([*kept, attempt])

    def on(self, day: date) -> list[Attempt]:
        return [a for a in self._all if a.at.date() == day]

    def of(self, code: str) -> list[Attempt]:
        return [a for a in self._all if a.member_code == code]

    def all(self) -> list[Attempt]:
        return list(self._all)

    def erase(self, code: str) -> int:
        gone = self.of(code)
        if gone:
            self._write([a for a in self._all if a.member_code != code])
        return len(gone)


_OPEN: weakref.WeakKeyDictionary[Store, Attempts] = weakref.WeakKeyDictionary()


def _now() -> str:
    """What tells set-aside files apart (no clock is handed in here): the process."""
    return str(os.getpid())


def attempts_for(store: Store) -> Attempts:
    """The attempts of the store's data directory, read the first time they are needed."""
    found = _OPEN.get(store)
    if found is None:
        found = _OPEN[store] = Attempts(store.directory)
    return found
