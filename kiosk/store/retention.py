"""The privacy notice's retention promise, carried out: at each kiosk start and by
`kiosk maintenance`.

maintain() anonymises members past `member_retention_months` (kiosk/core/retention.py says who:
their record, packs, screening and refused check-ins deleted, visits kept as anonymous counts,
the same as an erasure), deletes health screenings past `screening_retention_months`, and deletes
files set aside by repairs and restores after `backup_generations` days. It reads every member's
latest visit: the kiosk calls it in the worker that opens the store, and once a day finds who is
due in a thread and anonymises them on the UI thread (kiosk/ui/retention_daily.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.core.members import Member
from kiosk.core.retention import DUE_DAYS, Due, due_within, last_seen
from kiosk.core.screening import months_before
from kiosk.core.studio import StaffPolicy
from kiosk.store.aside import erase_from_aside, prune_aside
from kiosk.store.log import log
from kiosk.store.privacy import erase_many, identifiers, purge_old_screenings
from kiosk.store.storage import DamagedFile
from kiosk.store.store import Store, month_of


def _seen(store: Store, member: Member) -> tuple[Member, date | None]:
    visit = store.last_visit(member.code)  # from memory
    return member, visit.at.date() if visit is not None else None


def members_seen(store: Store) -> list[tuple[Member, date | None]]:
    """Each member with the day of their last visit (None if they never came)."""
    return [_seen(store, member) for member in store.members()]


def due(store: Store, today: date, months: int, days: int = DUE_DAYS) -> list[Due]:
    """Who will be anonymised by `today + days` (those already due first)."""
    cutoff = months_before(today + timedelta(days=days), months)
    after = month_of(cutoff)

    def maybe(member: Member) -> bool:
        """False for those who cannot be due (most members), without reading their visits."""
        own = last_seen(member, None)  # joined, packs: a recent one keeps them whatever
        if own is not None and own >= cutoff:
            return False
        return (store.latest_visit_month(member.code) or "") <= after  # else a later visit

    candidates = [m for m in store.members() if maybe(m)]
    return due_within([_seen(store, m) for m in candidates], today, months, days)


def anonymise(store: Store, candidates: Iterable[str], today: date, months: int) -> list[str]:
    """Anonymise those of `candidates` past retention today, all at once (checked again here:
    one may have come in since they were picked); returns their codes."""
    members = [m for m in map(store.member, candidates) if m is not None]
    gone = due_within([_seen(store, m) for m in members], today, months, days=0)
    words = [w for d in gone for w in identifiers(store.member(d.code))]
    codes = erase_many(store, [d.code for d in gone])
    if codes:
        erase_from_aside(store.directory, codes, words)
    return codes


def anonymise_past_retention(store: Store, today: date, months: int) -> list[str]:
    """Anonymise every member past retention today; returns their codes."""
    return anonymise(store, [d.code for d in due(store, today, months, days=0)], today, months)


@dataclass(frozen=True)
class Maintenance:
    anonymised: int  # members past retention
    screenings: int  # health screenings past retention
    pruned: list[Path] = field(default_factory=list)  # files set aside, now deleted

    def lines(self, staff: StaffPolicy) -> list[str]:
        """What was done, in words without anybody's name (for the log and the command line)."""
        return [
            f"anonymised {self.anonymised} member(s) not seen for "
            f"{staff.member_retention_months} months (visits kept as anonymous counts)",
            f"deleted {self.screenings} health screening(s) of members not seen for "
            f"{staff.screening_retention_months} months",
            f"deleted {len(self.pruned)} file(s) or folder(s) set aside by repairs and restores "
            f"more than {staff.backup_generations} days ago",
        ]


def maintain(
    store: Store, now: datetime, staff: StaffPolicy, candidates: Iterable[str] | None = None
) -> Maintenance:
    """Everything the retention settings promise, done once. `candidates`: the members found
    due beforehand (in a thread; see kiosk/ui/retention_daily.py), else all are looked at."""
    today = now.date()
    months = staff.member_retention_months
    if candidates is None:
        anonymised = anonymise_past_retention(store, today, months)
    else:
        anonymised = anonymise(store, candidates, today, months)
    screenings = purge_old_screenings(store, today, staff.screening_retention_months)
    pruned = prune_aside(store.directory, now, staff.backup_generations)
    return Maintenance(len(anonymised), screenings, pruned)


def maintain_at_start(store: Store, now: datetime, staff: StaffPolicy) -> list[str]:
    """maintain() as the kiosk starts (in its store worker): what it did goes to the log, and a
    failure (a full or read-only disk) is a warning for staff, never a kiosk that cannot start."""
    try:
        done = maintain(store, now, staff)
    except (OSError, DamagedFile) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        log.warning("retention could not be applied at start-up: %s", why)
        return [
            f"Old data could not be deleted as the privacy notice promises ({why}). "
            "Run `kiosk maintenance` once the problem is fixed."
        ]
    for line in done.lines(staff):
        log.info("%s", line)
    return []
