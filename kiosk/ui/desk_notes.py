"""What staff should see at a glance: the front desk's staff corner and staff mode.

While no staff PIN is set nobody can get into staff mode, so the front desk says how to set one
and Ctrl+Q leaves (a developer's `make run` is then no trap; on the Pi systemd starts the kiosk
again). A failed backup (the nightly timer's `kiosk backup`) shows until a later one succeeds.
Read from the data directory by the store's code, once a minute and when Ctrl+Q is pressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

NOTES_SECONDS = 60.0
NO_PIN = "No staff PIN set: run  kiosk set-pin  to set one · Ctrl+Q quits"
BACKUP_FAILED = "The last backup failed: see staff mode (F12)"


@dataclass(frozen=True)
class DeskNotes:
    no_pin: bool = False
    backup_failure: str | None = None  # in words, for staff mode

    def front_desk(self) -> str:
        """The staff corner's lines ("" when all is well)."""
        lines = [NO_PIN] if self.no_pin else []
        if self.backup_failure is not None:
            lines.append(BACKUP_FAILED)
        return "\n".join(lines)


def read_notes(directory: Path) -> DeskNotes:
    from kiosk.store.backup_status import last_failure
    from kiosk.store.pin import DamagedPin, read_pin

    try:
        no_pin = read_pin(directory) is None
    except DamagedPin:  # a PIN was set: the kiosk stays locked down (staff see the warning)
        no_pin = False
    try:
        failure = last_failure(directory)
    except OSError as e:  # the backups cannot be listed: say so rather than stop the kiosk
        return DeskNotes(no_pin, f"The backups cannot be read ({e.strerror or e})")
    return DeskNotes(no_pin, failure.words() if failure is not None else None)
