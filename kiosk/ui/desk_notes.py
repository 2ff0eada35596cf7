"""What staff should see at a glance: the front desk's staff corner and staff mode.

While no staff PIN is set nobody can get into staff mode, so the front desk says how to set one
and Ctrl+Q leaves (a developer's `make run` is then no trap; on the Pi systemd starts the kiosk
again). A failed backup (the nightly timer's `kiosk backup`) shows until a later one succeeds,
and so does a newest backup older than `kiosk check` allows (the timer is not running). Read
from the data directory by the store's code, in a thread once a minute; the PIN alone is read
again when Ctrl+Q is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

NOTES_SECONDS = 60.0
NO_PIN = "No staff PIN set: run  kiosk set-pin  to set one · Ctrl+Q quits"
BACKUP_PROBLEM = "Backups need attention: see staff mode (F12)"


@dataclass(frozen=True)
class DeskNotes:
    no_pin: bool = False
    backup_problem: str | None = None  # in words, for staff mode

    def front_desk(self) -> str:
        """The staff corner's lines ("" when all is well)."""
        lines = [NO_PIN] if self.no_pin else []
        if self.backup_problem is not None:
            lines.append(BACKUP_PROBLEM)
        return "\n".join(lines)


def pin_missing(directory: Path) -> bool:
    from kiosk.store.pin import DamagedPin, read_pin

    try:
        return read_pin(directory) is None
    except DamagedPin:  # a PIN was set: the kiosk stays locked down (staff see the warning)
        return False


def read_notes(directory: Path, now: datetime) -> DeskNotes:
    """Reads the backups' manifests: call it in a thread."""
    from kiosk.checkup import BACKUP_TOO_OLD
    from kiosk.store.backup import when_text
    from kiosk.store.backup_status import last_failure, newest_backup

    no_pin = pin_missing(directory)
    try:
        failure = last_failure(directory)
        newest = newest_backup(directory) if failure is None else None
    except OSError as e:  # the backups cannot be listed: say so rather than stop the kiosk
        return DeskNotes(no_pin, f"The backups cannot be read ({e.strerror or e})")
    if failure is not None:
        return DeskNotes(no_pin, failure.words())
    if newest is not None and newest.tzinfo is not None and now - newest > BACKUP_TOO_OLD:
        # none at all is not a problem here: a new installation, or `make run` on a laptop
        made = when_text(newest)
        return DeskNotes(no_pin, f"No backup since {made}: is the nightly backup running?")
    return DeskNotes(no_pin)
