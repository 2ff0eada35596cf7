"""UK GDPR: everything held about one member, erasing a member, and deleting old health answers.

Erasure deletes the member record, their health screening, their refused check-ins
(attempts.json, which may hold a readiness answer) and their bookings kept by the kiosk (its
own, hand matches, no-shows; the synced calendar is the studio's own), blanks the member code,
pack and note on their visits (kept, anonymous, for the studio's counts), and takes them out of
the files repairs and restores set aside (data/damaged/, data/damaged-or-replaced-*/:
kiosk/store/aside.py), which are themselves deleted after `backup_generations` days. Backups
are not rewritten: an erased member's details leave data/backups/ when the last backup made
before the erasure is pruned, after `backup_generations` backups (content/studio.toml
[staff]). Keeping backups for a short, fixed time and letting them age out is the usual
practice; the exported record says so. The erased codes are kept in erased.json (which backups
leave out), and the kiosk erases them again at start-up, so restoring an older backup does not
bring an erased member back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.core.lookup import code_key
from kiosk.core.member_report import Held
from kiosk.core.members import Member, Screening
from kiosk.core.screening import months_before as months_before  # its home before core's
from kiosk.store.aside import AsideErasure, erase_from_aside, search_words, take_out_of
from kiosk.store.documents import member_doc, pack_doc, screening_doc, visit_doc
from kiosk.store.files import write_text_atomic
from kiosk.store.log import log
from kiosk.store.store import Store
from kiosk.store.summary import SUMMARY_FILE

ERASED_FILE = "erased.json"  # codes only: kept out of backups so a restore cannot undo it

NOTES = {
    "member": "Your member record: name, contact details, when you joined, which terms and "
    "privacy notice you agreed to and when, and any note for your trainer. When {member_months} "
    "months have passed since your last visit (or since you joined, last bought a pack, or a "
    "pack you had not used up expired, if later), it is deleted with your packs and health "
    "answers, and your visits are kept only as anonymous counts.",
    "packs": "The session packs you bought: sessions bought and left, when bought and when "
    "they expire.",
    "visits": "Every visit recorded at the front desk: when, which kind of session, which pack "
    "it used, and any flags (first EMS session, short gap, see trainer, no-show).",
    "bookings": "Your appointments from the studio's calendar or made at the desk, and any "
    "booking missed or cancelled late.",
    "attempts": "Check-ins the kiosk refused (no pack, pack used up or expired, see your "
    "trainer), with why, so staff can follow them up; they used no session. Kept for "
    "{attempt_days} days.",
    "screening": "Your EMS health screening answers (special-category health data), kept "
    "apart from your member record, with when you gave them and consented to us keeping them. "
    "Deleted after {months} months without a visit.",
    "backups": "Copies of this data are also held in the kiosk's backups, which are kept for "
    "{generations} backups (normally {generations} days) and then deleted; erasure takes effect "
    "in the backups when they age out. Files the kiosk set aside after a fault are deleted "
    "after {generations} days.",
}


def about_notes(
    *, retention_months: int = 24, backup_generations: int = 14, member_months: int = 24
) -> dict[str, str]:
    """What each part of the record is, and how long it is kept, in the settings' numbers."""
    from kiosk.store.attempts import KEEP_DAYS  # it needs this module

    return {
        k: v.format(
            months=retention_months,
            generations=backup_generations,
            attempt_days=KEEP_DAYS,
            member_months=member_months,
        )
        for k, v in NOTES.items()
    }


def gather(store: Store, code: str) -> Held:
    """The records held about one member (KeyError when nothing is held under this code)."""
    from kiosk.store.attempts import attempts_for  # it needs this module

    member = store.member(code)
    code = member.code if member is not None else code
    visits = store.visits_of(code)
    screening = store.screening(code)
    refused = attempts_for(store).of(code)
    if member is None and not visits and screening is None and not refused:
        raise KeyError(code)
    bookings = store.bookings
    return Held(
        code,
        member,
        visits,
        refused,
        screening,
        [b for b in bookings.all() if b.member_code == code],
        [m for m in bookings.missed() if m.member_code == code],
    )


def member_record(
    store: Store,
    code: str,
    *,
    retention_months: int = 24,
    backup_generations: int = 14,
    member_months: int = 24,
) -> dict[str, Any]:
    """Everything held about one member, as JSON-able values with a note of what each part is.

    KeyError when no member has this code and nothing else is held under it.
    """
    return record_of(
        gather(store, code),
        about_notes(
            retention_months=retention_months,
            backup_generations=backup_generations,
            member_months=member_months,
        ),
    )


def record_of(held: Held, about: dict[str, str]) -> dict[str, Any]:
    from kiosk.store.attempts import attempt_doc  # it needs this module
    from kiosk.store.bookings import booking_doc, missed_doc

    member = held.member
    record: dict[str, Any] = {"member_code": held.code, "about": about}
    if member is not None:
        doc = member_doc(member, {})
        doc.pop("packs")
        record["member"] = doc
        record["packs"] = [pack_doc(p) for p in member.packs]
    else:
        record["member"] = None
        record["packs"] = []
    record["visits"] = [visit_doc(v) for v in held.visits]
    record["bookings"] = [booking_doc(b) for b in held.bookings]
    record["missed"] = [missed_doc(m) for m in held.missed]
    record["attempts"] = [attempt_doc(a) for a in held.attempts]
    screening = held.screening
    record["screening"] = screening_doc(screening) if screening is not None else None
    return record


def erased_codes(data_dir: Path) -> list[str]:
    """Codes of the members erased from this kiosk (erased.json; unreadable counts as none)."""
    try:
        codes = json.loads((data_dir / ERASED_FILE).read_bytes()).get("codes", [])
    except (OSError, ValueError, AttributeError, RecursionError):
        return []
    return [c for c in codes if isinstance(c, str) and c] if isinstance(codes, list) else []


def _note_erased(data_dir: Path, codes: list[str]) -> None:
    known = erased_codes(data_dir)
    new = [c for c in codes if c not in set(known)]
    if new:
        write_text_atomic(data_dir / ERASED_FILE, json.dumps({"codes": [*known, *new]}))


def identifiers(member: Member | None) -> list[str]:
    """What finds a member in a file that cannot be read as records: phone and e-mail."""
    return [w for w in (member.phone, member.email) if w] if member is not None else []


def erase_records(store: Store, code: str) -> bool:
    """Delete the member, their screening and refused check-ins, anonymise their visits; False
    if none held. Files set aside are left to the caller (erase_from_aside)."""
    return bool(erase_many(store, [code]))


def erase_many(store: Store, codes: Iterable[str]) -> list[str]:
    """erase_records for many members with one write per file, not per member (retention may
    anonymise thousands at a kiosk's first start); returns the codes anything was held under.

    The codes are noted in erased.json first (a code alone names nobody), so an erasure cut
    short, or one undone by restoring an older backup, is done again when the kiosk next starts
    (erase_again). Screenings go first and member records last.
    """
    from kiosk.store.attempts import attempts_for  # it needs this module (through backup)

    attempts = attempts_for(store)
    held: list[str] = []
    words: list[str] = []
    for code in codes:
        member = store.member(code)
        code = member.code if member is not None else code
        if (
            member is not None
            or store.screening(code) is not None
            or attempts.of(code)
            or store.visits_of(code)
        ) and code not in held:
            held.append(code)
            words += identifiers(member)
    if not held:
        return []
    _note_erased(store.directory, held)
    store.delete_screenings(held)
    for code in held:
        attempts.erase(code)  # writes only for someone with refused check-ins
    erase_from_bookings(store.directory, held, words)
    store.anonymise_visits_of(held)
    # the visits summary is a cache that still names them: drop it, the next open rebuilds it
    (store.directory / SUMMARY_FILE).unlink(missing_ok=True)
    store.delete_members(held)
    return held


def erase_from_bookings(data_dir: Path, codes: list[str], words: list[str]) -> bool:
    """Take them out of the kiosk's own bookings, hand matches and missed bookings. The synced
    calendar is the studio's own (calendar.json is replaced by each sync): staff delete their
    bookings there."""
    from kiosk.store.bookings import FOLDER, MATCHES, MISSED, OWN

    found = search_words(codes, words)
    keys = {code_key(c) for c in codes}
    taken = False
    for name in (OWN, MATCHES, MISSED):
        path = data_dir / FOLDER / name
        if path.is_file():
            what = take_out_of(path, keys, found)
            if what == "left":
                log.warning("erasure: bookings/%s still mentions an erased member", name)
            taken = what in ("changed", "deleted") or taken
    return taken


def erase(store: Store, code: str) -> AsideErasure | None:
    """Erase a member (erase_records), then take them out of the files set aside by repairs
    and restores (kiosk/store/aside.py); None if nothing was held about them."""
    member = store.member(code)
    code = member.code if member is not None else code
    words = identifiers(member)
    if not erase_records(store, code):
        return None
    aside = erase_from_aside(store.directory, [code], words)
    if aside.left:
        log.warning(
            "erasure: %d file(s) set aside still mention an erased member and cannot be "
            "cleaned record by record; they are deleted when pruned: %s",
            len(aside.left),
            ", ".join(p.relative_to(store.directory).as_posix() for p in aside.left),
        )
    return aside


def erase_member(store: Store, code: str) -> bool:
    """Erase a member everywhere the kiosk holds them (see erase); False if none held."""
    return erase(store, code) is not None


def erase_again(store: Store) -> list[str]:
    """Erase anyone erased before who is back (an older backup restored); returns their codes."""
    return erase_many(store, erased_codes(store.directory))


def last_seen(store: Store, screening: Screening) -> date:
    """The day retention counts from: their last visit, else joining, else the screening."""
    visit = store.last_visit(screening.member_code)
    if visit is not None:
        return visit.at.date()
    member = store.member(screening.member_code)
    if member is not None and member.joined is not None:
        return member.joined
    return screening.taken


def purge_old_screenings(store: Store, today: date, months: int) -> int:
    """Delete screenings of members not seen for more than `months` months; returns how many.

    A screening whose member is not in the members file is kept like any other: a repair may
    have brought back a members file without them (staff reconcile it, kiosk/store/reconcile.py).
    """
    if months < 1:
        raise ValueError("keep screenings for at least one month")
    cutoff = months_before(today, months)
    old = [s.member_code for s in store.screenings() if last_seen(store, s) < cutoff]
    for code in old:
        store.delete_screening(code)
    return len(old)
