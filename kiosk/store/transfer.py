"""Moving members and visits in and out of a store as CSV (the `kiosk members/visits` commands).

The parsing and checking is in kiosk/core/csvio.py; this module reads and writes the files and
puts the result in the store: everything in one write, or nothing when the file has a problem
(unless skip_bad, which keeps the good rows and says which lines it skipped).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.csvio import (
    LineProblem,
    members_csv,
    read_members_csv,
    read_visits_csv,
    visits_csv,
)
from kiosk.core.lookup import code_key
from kiosk.store.files import CannotRead, write_text_atomic
from kiosk.store.store import Store

MAX_CSV_BYTES = 50 * 1024 * 1024


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0  # members or visits put in the store
    problems: list[LineProblem] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)
    defaulted: str = ""  # the columns an older file lacks, and what they were set to

    @property
    def refused(self) -> bool:
        """Nothing was imported because of problems (no skip_bad)."""
        return bool(self.problems) and self.imported == 0


def read_csv_text(path: Path | str) -> str:
    """The file's text ("-" is standard input); CannotRead with a plain reason otherwise."""
    try:
        if str(path) == "-":
            raw = sys.stdin.buffer.read(MAX_CSV_BYTES + 1)
        else:
            with Path(path).open("rb") as f:
                raw = f.read(MAX_CSV_BYTES + 1)
    except FileNotFoundError:
        raise CannotRead(f"{path}: no such file") from None
    except IsADirectoryError:
        raise CannotRead(f"{path}: is a directory, not a CSV file") from None
    except OSError as e:
        raise CannotRead(f"{path}: cannot be read ({e.strerror or e})") from None
    if len(raw) > MAX_CSV_BYTES:
        raise CannotRead(f"{path}: larger than {MAX_CSV_BYTES // 1024 // 1024} MB")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # spreadsheets on Windows save CSV as cp1252 ("Zoë" as one byte)
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            raise CannotRead(f"{path}: not a text file (save it as CSV, UTF-8)") from None


def write_output(path: Path | str, text: str) -> None:
    """Write an export to a file (atomically) or to standard output for "-"."""
    if str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise CannotRead(f"{path}: is a directory")
    if not target.parent.is_dir():
        raise CannotRead(f"{path}: the folder {target.parent} does not exist")
    write_text_atomic(target, text)


def local_zone() -> tzinfo:
    """The machine's time zone with its summer-time rules (for visits from paper)."""
    name = os.environ.get("TZ", "").lstrip(":")
    try:
        if name:
            return ZoneInfo(name)
        with open("/etc/localtime", "rb") as f:
            return ZoneInfo.from_file(f, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        return datetime.now().astimezone().tzinfo or ZoneInfo("UTC")


def import_members(store: Store, text: str, today: date, *, skip_bad: bool) -> ImportReport:
    taken_codes = {code_key(m.code) for m in store.members()}
    taken_phones = {m.phone for m in store.members()}
    parsed = read_members_csv(text, today, taken_codes, taken_phones)
    report = ImportReport(parsed.rows, 0, parsed.problems, parsed.skipped_lines, parsed.defaulted)
    if parsed.problems and not skip_bad:
        return report
    if any(p.line <= 1 for p in parsed.problems):
        return report  # a header problem: no row can be trusted
    store.add_members(parsed.members)
    report.imported = len(parsed.members)
    return report


def import_visits(
    store: Store, text: str, tz: tzinfo, today: date, *, skip_bad: bool
) -> ImportReport:
    known = {m.code for m in store.members()}
    probe = read_visits_csv(text, tz, today, known)
    if probe.visits:
        first = min(v.at.date() for v in probe.visits)
        last = max(v.at.date() for v in probe.visits)
        stored = store.visits_between(first, last)
        existing = {(v.member_code, v.at) for v in stored}
        ids = {v.id for v in stored}
        parsed = read_visits_csv(text, tz, today, known, existing, ids) if stored else probe
    else:
        parsed = probe
    report = ImportReport(parsed.rows, 0, parsed.problems, parsed.skipped_lines, parsed.defaulted)
    if parsed.problems and not skip_bad:
        return report
    if any(p.line <= 1 for p in parsed.problems):
        return report
    store.add_visits(parsed.visits)
    report.imported = len(parsed.visits)
    return report


def export_members(store: Store, *, excel: bool = False) -> str:
    members = sorted(store.members(), key=lambda m: (m.last_name.casefold(), m.code))
    return members_csv(members, excel=excel)


def export_visits(store: Store, since: date | None, *, excel: bool = False) -> str:
    if since is None:
        return visits_csv(store.all_visits(), excel=excel)
    return visits_csv(store.visits_between(since, date.max), excel=excel)
