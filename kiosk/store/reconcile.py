"""Health screenings whose member is not in the members file: kept, and listed for staff.

A repair can bring back an older members file (or none), so members who joined since are gone
while their screenings stay. Those screenings are never deleted for that (retention still ages
them out, kiosk/store/privacy.py): staff re-enter the member, or erase the screening with
`kiosk members erase CODE`. The kiosk warns at start-up; `kiosk check` lists them, reading the
files only, so it works beside a running kiosk.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.core.lookup import code_key
from kiosk.core.members import Screening
from kiosk.store.documents import BadDocument, screening_of
from kiosk.store.storage import read_json_file
from kiosk.store.store import MEMBERS_FILE, SCREENINGS_FILE, Store


def without_member(member_codes: Iterable[str], screenings: Iterable[Screening]) -> list[Screening]:
    """The screenings whose member code is none of these (codes compared as typed in any case)."""
    held = {code_key(c) for c in member_codes}
    return sorted(
        (s for s in screenings if code_key(s.member_code) not in held),
        key=lambda s: s.member_code,
    )


def reconcile_warning(store: Store) -> str | None:
    """The start-up warning for staff when screenings have no member; None when all do."""
    found = without_member((m.code for m in store.members()), store.screenings())
    if not found:
        return None
    n = len(found)
    return (
        f"{n} health screening{' belongs' if n == 1 else 's belong'} to no member in the "
        "members file (it was restored or repaired, or the member removed). "
        f"{'It was' if n == 1 else 'They were'} kept, not deleted: `kiosk check` lists them; "
        "re-enter the member, or erase with `kiosk members erase CODE`."
    )


def screenings_without_member(data_dir: Path) -> list[Screening]:
    """Screenings with no member, read from the files (DamagedFile if one is unreadable)."""
    members = read_json_file(data_dir / MEMBERS_FILE) or {}
    codes = [
        doc["code"]
        for doc in members.get("_default", {}).values()
        if isinstance(doc, dict) and isinstance(doc.get("code"), str)
    ]
    screenings = read_json_file(data_dir / SCREENINGS_FILE) or {}
    found: list[Screening] = []
    for doc in screenings.get("_default", {}).values():
        try:
            found.append(screening_of(doc))
        except (BadDocument, TypeError, AttributeError, ValueError):
            continue  # not a screening the kiosk can read: start-up moves it aside
    return without_member(codes, found)
