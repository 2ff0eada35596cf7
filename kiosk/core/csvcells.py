"""The cells of the kiosk's CSV files: reading rows by column name, writing rows, the formula
guard, and the dates, times and yes/no values both the members and the visits files hold.

API (kiosk/core/csvio.py builds the members and visits files on it):
    read_rows(text, known, required, exact, table) -> iterator of (line, {column: value})
    write_rows(header, rows, excel=False) -> str     # "\n" line ends; a BOM first for Excel
    guard(text) / unguard(text)                      # exact inverses: the round trip is lossless
    parse_day(text), parse_clock(text), clock_text(time), parse_moment(text), parse_yes(text)

A cell starting = + - @, tab or CR is a formula to a spreadsheet, so export writes it after a
"'" and import takes that "'" off again. A value that itself starts with "'" before one of those
gets one more "'", so guard and unguard are exact inverses and "'=x" comes back as "'=x".
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from kiosk.core.lookup import plain

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when the file starts with one
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?$")
_YES = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}


class BadCell(ValueError):
    """A value that cannot be read; the message names what is wrong, in the owner's words."""


@dataclass(frozen=True)
class LineProblem:
    line: int  # 0: the file as a whole
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Table:
    """What reading a file found besides its rows: problems, and the header's columns."""

    problems: list[LineProblem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def guard(text: str) -> str:
    return "'" + text if text.lstrip("'")[:1] in FORMULA_START else text


def unguard(text: str) -> str:
    return text[1:] if text[:1] == "'" and text.lstrip("'")[:1] in FORMULA_START else text


def read_rows(
    text: str,
    known: Sequence[str],
    required: Sequence[str],
    exact: frozenset[str],
    table: Table,
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) per data row, the guard undone; header problems stop the
    file. Values are stripped of spaces, except in the `exact` columns (free text kept as is)."""
    reader = csv.reader(io.StringIO(text.removeprefix(BOM), newline=""))
    problems = table.problems
    try:
        header = next(reader, None)
    except csv.Error as e:
        problems.append(LineProblem(1, f"cannot read the header: {e}"))
        return
    if header is None:
        problems.append(LineProblem(0, "the file is empty (it needs a header line)"))
        return
    names = [h.strip().lower() for h in header]
    table.columns = names
    unknown = [plain(n, 30) for n in names if n not in known]
    missing = [n for n in required if n not in names]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if unknown:
        problems.append(
            LineProblem(
                1,
                f"unknown column(s) {', '.join(unknown)}; the columns are {', '.join(known)}",
            )
        )
    if missing:
        problems.append(LineProblem(1, f"missing column(s) {', '.join(missing)}"))
    if doubled:
        problems.append(LineProblem(1, f"column(s) {', '.join(doubled)} given twice"))
    if unknown or missing or doubled:
        return
    while True:
        line = reader.line_num + 1  # where this row starts: a quoted value may span lines
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            problems.append(LineProblem(line, f"cannot read this line: {e}"))
            return
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not rows
        if len(row) != len(names):
            problems.append(LineProblem(line, f"has {len(row)} values for {len(names)} columns"))
            continue
        yield (
            line,
            {
                n: unguard(cell if n in exact else cell.strip())
                for n, cell in zip(names, row, strict=True)
            },
        )


class _Lines:
    """Collects what csv.writer writes, one row at a time."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)


def write_rows(header: Sequence[str], rows: Iterable[Sequence[str]], *, excel: bool = False) -> str:
    """The CSV text, rows ending in "\\n"; any value holding a CR or LF is quoted."""
    out = _Lines()
    # "\r\n" as the writer's line end makes it quote a value with a lone CR too (with "\n" it
    # would not, and the CR would split the row when read); each row's own end becomes "\n"
    writer = csv.writer(out, lineterminator="\r\n")
    lines = [BOM] if excel else []
    for row in (header, *rows):
        start = len(out.parts)
        writer.writerow(row)
        written = "".join(out.parts[start:])
        del out.parts[start:]
        lines.append(written.removesuffix("\r\n") + "\n")
    return "".join(lines)


def parse_day(text: str) -> date:
    """2026-11-23 or 23/11/2026 (the UK order)."""
    uk = _UK_DATE.match(text)
    try:
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
        return date.fromisoformat(text)
    except ValueError:
        raise BadCell(f"{plain(text, 30)!r} is not a date (use 2026-11-23 or 23/11/2026)") from None


def parse_clock(text: str) -> time:
    """14:30, 14:30:05 or 14:30:05.123456 (a check-in's time to the microsecond)."""
    m = _CLOCK.match(text)
    try:
        if m:
            micro = int((m[4] or "0").ljust(6, "0"))
            return time(int(m[1]), int(m[2]), int(m[3] or 0), micro)
    except ValueError:
        pass
    raise BadCell(f"{plain(text, 30)!r} is not a time of day (use 14:30)")


def clock_text(at: time) -> str:
    """14:30:05, with the microseconds only when there are some."""
    return at.strftime("%H:%M:%S.%f" if at.microsecond else "%H:%M:%S")


def parse_moment(text: str) -> datetime:
    """A date and time with its UTC offset, as export writes it (2026-11-23T10:00:00+00:00)."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = None
    if when is None or when.utcoffset() is None:
        shown = plain(text, 40)
        raise BadCell(
            f"{shown!r} is not a date and time with its UTC offset (2026-11-23T10:00+00:00)"
        )
    return when


def parse_yes(text: str) -> bool:
    """yes/no (true/false, y/n, 1/0); empty is no."""
    if not text:
        return False
    found = _YES.get(text.casefold())
    if found is None:
        raise BadCell(f"{plain(text, 20)!r} is not yes or no")
    return found


def yes_text(value: bool) -> str:
    return "yes" if value else "no"
