"""What the store needs from past months of visits, so opening does not read years of them.

`visits-summary.json` covers every month file but the newest one at the time it was written, and
holds what those months add up to: how many visits, each member's latest visit of each kind, the
months each member visited in, and the check-in charges each pack took in each month (so a members
file restored from a backup can take again the sessions it lacks, without re-reading history).

Never trusted blindly. For each month it covers it records the file's sha256, its visit count and
a stat fingerprint (size, modification and change times, inode). At open each covered file is
stat'ed; a file whose fingerprint differs (copied back from a backup, edited, touched) is hashed,
and only when the hash differs too is that month taken out of the summary and read again; members
whose latest visit was in it and is gone or changed are looked up again in their other months.
Any write to a file moves its change time, which nothing can set back; a fingerprint taken within
RACY_NS of a change is not kept (as git does), so the hash decides at the next open. The summary's
own lines carry a CRC-32 in the first one: a summary that is cut short, damaged or of another
version is rebuilt from the month files, never used.

Layout: one JSON object, replaced atomically, written line by line so that opening decodes only
its first line and checks the rest; each part is decoded the first time it is needed, a member's
line the first time that member is looked up:
    {"summary":{"version":2,"body":CRC-32 of the lines below,"count":..,"months":..,"pack_max":..},
    "charges":{pack id:{month:{code:[charge,...]}}},
    "members":{
    "FT-7K3Q9M":["2026-01 2026-10",[[month,visit doc],...]],   months visited, latest visits
    ...
    }}
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.store.documents import BadDocument, visit_of
from kiosk.store.files import write_atomic
from kiosk.store.storage import DamagedFile, DamagedRecords, decode_json_file

SUMMARY_FILE = "visits-summary.json"
VERSION = 3  # 3: every record of the months covered was checked when scanned
RACY_NS = 2_000_000_000  # a file changed this recently may change again within one clock tick

# a member's latest visit of one kind: (time, visit id, raw visit document, month)
Entry = tuple[datetime, str, dict[str, Any], str]
# kind as written ("EMS"; None for "any kind") -> that kind's latest visit
Kinds = dict[Any, Entry]


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def stat_print(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def trusted_print(st: os.stat_result) -> tuple[int, ...] | None:
    """The fingerprint to keep, or None when the file changed too recently to trust a stat."""
    age = time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns)
    return stat_print(st) if age >= RACY_NS else None  # (a negative age: the clock went back)


@dataclass
class MonthPrint:
    sha256: str
    count: int
    stat: tuple[int, ...] | None  # None: check the hash next time


@dataclass
class MonthScan:
    """What one month file holds, as far as the summary and the store's open need it."""

    month: str
    print: MonthPrint
    data: dict[str, Any]  # the whole file, as read
    latest: dict[str, Kinds] = field(default_factory=dict)  # member code -> their latest
    # pack id -> member code -> charge numbers of the check-ins in this month
    charges: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    seen: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (code, id)


def _later(entry: Entry, than: Entry | None) -> bool:
    return than is None or entry[:2] > than[:2]


def merge(into: Kinds, entries: Iterable[Entry]) -> None:
    """Keep, for each kind and for "any kind", the latest of the entries."""
    for entry in entries:
        for key in (entry[2]["kind"], None):
            if _later(entry, into.get(key)):
                into[key] = entry


def scan_month(path: Path, month: str) -> MonthScan | None:
    """Read one month file: its fingerprint, count, each member's latest visits, its charges.

    Every record is checked as the store reads it: DamagedRecords naming the bad ones. None
    when the file is gone.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise DamagedFile(path, f"cannot be read: {e.strerror or e}") from e
    try:
        before = os.fstat(fd)
        with os.fdopen(os.dup(fd), "rb") as f:
            raw = f.read()
        after = os.fstat(fd)
    except OSError as e:
        raise DamagedFile(path, f"cannot be read: {e.strerror or e}") from e
    finally:
        os.close(fd)
    data = decode_json_file(path, raw)
    steady = stat_print(before) == stat_print(after)
    table = data.get("_default", {})
    scan = MonthScan(month, MonthPrint(sha256(raw), len(table), None), data)
    if steady:
        scan.print.stat = trusted_print(after)
    latest, charges, seen = scan.latest, scan.charges, scan.seen
    bad: dict[str, str] = {}
    for key, doc in table.items():
        # every record is read as the store reads it, so that no odd one (an unknown flag, a
        # wrong type) passes start-up to trip a staff screen later; bad ones are named at the
        # end, all of them, for start-up to move aside (kiosk/store/recovery.py)
        try:
            visit = visit_of(doc)
            kind = doc["kind"]  # the summary keys latest visits by the kind as written
            charge = doc.get("charge")
            if charge:
                pack_id = doc["pack_id"]
                if not isinstance(charge, int) or not isinstance(pack_id, str):
                    raise TypeError("charge or pack_id of the wrong type")
        except KeyError as e:
            bad[key] = f"a visit has no {e.args[0]}"
            continue
        except (BadDocument, TypeError, ValueError, AttributeError) as e:
            bad[key] = f"a visit is not as the kiosk writes them ({e})"
            continue
        at, code, vid = visit.at, visit.member_code, visit.id
        if charge:
            charges.setdefault(pack_id, {}).setdefault(code, []).append(charge)
        if not code:
            continue
        seen[code, vid] = doc
        kinds = latest.get(code)
        if kinds is None:
            kinds = latest[code] = {}
        entry = (at, vid, doc, month)
        for k in (kind, None):
            held = kinds.get(k)
            if held is None or (at, vid) > held[:2]:
                kinds[k] = entry
    if bad:
        raise DamagedRecords(path, bad)
    return scan


_HEAD, _CHARGES, _MEMBERS, _END = b'{"summary":', b'"charges":', b'"members":{', b"}}"

# a member as the summary holds them: the months they visited in, and their latest visits
Part = tuple[set[str], Kinds]


def _part(line: bytes, prefix: bytes) -> bytes:
    if not line.startswith(prefix) or not line.endswith(b","):
        raise ValueError("not a summary of this layout")
    return line[len(prefix) : -1]


def _value(line: bytes) -> bytes:
    """b'["2026-10 2026-11",[...]]' from a member's line, b'"FT-7K3Q9M":[...],'."""
    line = line.removesuffix(b",")
    at = line.find(b'":[')
    if at > 0 and b"\\" not in line[:at]:
        return line[at + 2 :]
    ((_, value),) = json.loads(b"{" + line + b"}").items()  # a code with escapes in it
    return _dump(value)


def _month_list(value: bytes) -> bytes:
    """The months part of a member's value, b'2026-10 2026-11', without decoding the rest."""
    return value[2 : value.index(b'"', 2)]


class Summary:
    """The months a summary covers and what they add up to; its big parts are decoded on need."""

    def __init__(self) -> None:
        self.months: dict[str, MonthPrint] = {}
        self.count = 0
        self.pack_max: dict[str, int] = {}  # pack id -> its highest charge in covered months
        self.dirty = False  # differs from its file: write it
        self._charges_raw: bytes | None = None
        self._charges: dict[str, dict[str, dict[str, list[int]]]] | None = {}
        # the file's member lines, split and indexed by code when first needed
        self._lines: list[bytes] = []
        self._members: dict[str, Part | bytes] | None = {}

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def read(cls, path: Path) -> Summary | None:
        """The summary in `path`, if it is whole and of this version; None otherwise."""
        try:
            raw = path.read_bytes()
            body = raw.index(b"\n") + 1
            header = json.loads(_part(raw[: body - 1], _HEAD))
            if not isinstance(header, dict) or header.get("version") != VERSION:
                return None
            if header.get("body") != zlib.crc32(memoryview(raw)[body:]):
                return None  # cut short or damaged: rebuilt from the month files
            summary = cls()
            for month, (sha, count, *st) in header["months"].items():
                stat = tuple(int(x) for x in st) if st else None
                summary.months[str(month)] = MonthPrint(str(sha), int(count), stat)
            summary.count = int(header["count"])
            summary.pack_max = {str(p): int(n) for p, n in header["pack_max"].items()}
            members = raw.index(b"\n", body) + 1
            summary._charges_raw = _part(raw[body : members - 1], _CHARGES)
            summary._charges = None
            first = members + len(_MEMBERS) + 1
            if raw[members:first] != _MEMBERS + b"\n" or not raw.endswith(b"\n" + _END):
                return None
            summary._lines = [raw[first : -len(_END) - 1]]  # split when first needed
            summary._members = None
        except (
            OSError,
            ValueError,
            TypeError,
            KeyError,
            AttributeError,
            IndexError,
            RecursionError,
        ):
            return None  # only a cache: anything wrong with it means "read the months again"
        return summary

    def _index(self) -> dict[str, Part | bytes]:
        """Members by code, each still as its line of the file until first asked for."""
        if self._members is None:
            lines = [line for chunk in self._lines if chunk for line in chunk.split(b"\n")]
            members: dict[str, Part | bytes] = {
                line[1 : line.find(b'":[')].decode("utf-8"): line for line in lines
            }
            if any("\\" in code for code in members):  # a code with escapes in it: decode them
                members = {}
                for line in lines:
                    ((code, _),) = json.loads(b"{" + line.removesuffix(b",") + b"}").items()
                    members[str(code)] = line
            self._members, self._lines = members, []
        return self._members

    def _charges_all(self) -> dict[str, dict[str, dict[str, list[int]]]]:
        if self._charges is None:
            self._charges = json.loads(self._charges_raw or b"{}")
            self._charges_raw = None
        return self._charges

    def _parsed(self, code: str) -> Part | None:
        members = self._index()
        held = members.get(code)
        if not isinstance(held, bytes):
            return held
        months, entries = json.loads(_value(held))
        kinds: Kinds = {}
        for month, doc in entries:
            doc.setdefault("member_code", code)
            merge(kinds, [(datetime.fromisoformat(doc["at"]), doc["id"], doc, month)])
        part = members[code] = (set(months.split()), kinds)
        return part

    def _part_of(self, code: str) -> Part:
        part = self._parsed(code)
        if part is None:
            part = self._index()[code] = (set(), {})
        return part

    def latest_docs(self, code: str) -> list[tuple[dict[str, Any], str]]:
        """This member's latest visit documents (of each kind) in the covered months, with
        their month. ValueError and the like if their line is not as written."""
        held = self._index().get(code)
        if isinstance(held, bytes):  # as written: each of their latest visits once
            _, entries = json.loads(_value(held))
            for _, doc in entries:
                doc.setdefault("member_code", code)
            return [(doc, month) for month, doc in entries]
        found = {id(e[2]): (e[2], e[3]) for e in held[1].values()} if held else {}
        return list(found.values())

    def member_months(self, code: str) -> set[str]:
        """The covered months this member visited in."""
        held = self._index().get(code)
        if isinstance(held, bytes):
            return set(_month_list(_value(held)).decode().split())
        return set(held[0]) if held else set()

    def newest_month(self, code: str) -> str | None:
        """The newest covered month this member visited in, without decoding their months."""
        held = self._index().get(code)
        if isinstance(held, bytes):
            return _month_list(_value(held)).rpartition(b" ")[2].decode() or None
        return max(held[0], default=None) if held else None

    def charges_for(self, pack_ids: Iterable[str]) -> dict[str, set[tuple[int, str]]]:
        """The check-in charges of these packs in the covered months: {pack: {(charge, code)}}."""
        charges = self._charges_all()
        out: dict[str, set[tuple[int, str]]] = {}
        for pack_id in pack_ids:
            for by_code in charges.get(pack_id, {}).values():
                for code, numbers in by_code.items():
                    out.setdefault(pack_id, set()).update((n, code) for n in numbers)
        return out

    def forget(self, code: str) -> None:
        """Leave this member out (erasure): their months, latest visits and charges. The months
        their visits were in have changed on disk, so the next open reads those again."""
        self._index().pop(code, None)
        charges = self._charges_all()
        for pack_id in list(charges):
            for by_code in charges[pack_id].values():
                by_code.pop(code, None)
            self._set_pack_max(pack_id)
        self.dirty = True

    # -- keeping up with the month files ---------------------------------------------------

    def update(self, files: Mapping[str, str], newest: str | None) -> dict[str, MonthScan]:
        """Bring the summary up to date with the month files (month -> path), so that it covers
        every one but `newest`. Returns the scans of the months it read (DamagedFile if one is
        damaged); `dirty` says whether it must be written."""
        stale: list[str] = []
        for month, known in list(self.months.items()):
            path = files.get(month, "")
            try:
                st = os.stat(path) if path else None
            except FileNotFoundError:
                st = None
            if st is None:
                stale.append(month)
            elif known.stat is None or stat_print(st) != known.stat:
                try:
                    same = sha256(Path(path).read_bytes()) == known.sha256
                except OSError:
                    same = False
                if not same:
                    stale.append(month)
                elif (fresh := trusted_print(st)) is not None:
                    known.stat = fresh
                    self.dirty = True
        wanted = [m for m in files if m != newest and m not in self.months]
        if not stale and not wanted:
            return {}
        self.dirty = True
        scans: dict[str, MonthScan] = {}
        for month in sorted({*stale, *wanted}):
            if month in files:
                scan = scan_month(Path(files[month]), month)
                if scan is not None:
                    scans[month] = scan
        affected = self._take_out(stale, scans)
        for scan in scans.values():
            self._add(scan)
        self._refill(affected, files, scans)
        return scans

    def _take_out(self, months: list[str], scans: Mapping[str, MonthScan]) -> set[str]:
        """Forget what these months added; returns members whose latest visits must be found
        again (one was in those months and is not there any more)."""
        if not months:
            return set()
        gone = set(months)
        for month in gone:
            self.count -= self.months.pop(month).count
        charges = self._charges_all()
        for pack_id in list(charges):
            by_month = charges[pack_id]
            for month in gone & set(by_month):
                del by_month[month]
            self._set_pack_max(pack_id)
        affected: set[str] = set()
        needles = [m.encode() for m in gone]
        members = self._index()
        for code, held in list(members.items()):
            if isinstance(held, bytes):
                listed = _month_list(_value(held))
                if not any(n in listed for n in needles):
                    continue
            visited, kinds = self._part_of(code)
            visited -= gone
            for _, vid, doc, month in kinds.values():
                if month not in gone:
                    continue
                scan = scans.get(month)
                if scan is None or scan.seen.get((code, vid)) != doc:
                    affected.add(code)  # that visit was removed or changed: look again
                    kinds.clear()
                    break
            if not visited:
                del members[code]
        return affected

    def _set_pack_max(self, pack_id: str) -> None:
        charges = self._charges_all()
        by_month = charges.get(pack_id, {})
        numbers = [n for by_code in by_month.values() for ns in by_code.values() for n in ns]
        if numbers:
            self.pack_max[pack_id] = max(numbers)
        else:
            charges.pop(pack_id, None)
            self.pack_max.pop(pack_id, None)

    def _add(self, scan: MonthScan) -> None:
        self.months[scan.month] = scan.print
        self.count += scan.print.count
        for code, kinds in scan.latest.items():
            visited, held = self._part_of(code)
            visited.add(scan.month)
            merge(held, kinds.values())
        charges = self._charges_all()
        for pack_id, by_code in scan.charges.items():
            charges.setdefault(pack_id, {})[scan.month] = by_code
            self._set_pack_max(pack_id)

    def _refill(
        self, codes: set[str], files: Mapping[str, str], scans: dict[str, MonthScan]
    ) -> None:
        """Find these members' latest visits again in the months they visited in."""
        wanted: dict[str, list[str]] = defaultdict(list)
        for code in codes:
            part = self._parsed(code)
            for month in part[0] if part else ():
                wanted[month].append(code)
        for month, who in sorted(wanted.items()):
            scan = scans.get(month)
            if scan is None:
                scan = scan_month(Path(files[month]), month)
                if scan is None:
                    continue
                scans[month] = scan
            for code in who:
                if code in scan.latest:
                    merge(self._part_of(code)[1], scan.latest[code].values())

    def check(self, codes: Iterable[str], files: Mapping[str, str]) -> None:
        """Parse these members' latest visits in full: DamagedFile naming the month if one is
        not as the kiosk writes them (so a look-up never meets a bad visit later)."""
        for code in codes:
            for doc, month in self.latest_docs(code):
                try:
                    visit_of(doc)
                except BadDocument as e:
                    raise DamagedFile(Path(files[month]), f"visit {doc.get('id')!r}: {e}") from e

    # -- writing ---------------------------------------------------------------------------

    def write(self, path: Path) -> None:
        """Replace the summary file (atomically, fsync'd)."""
        charges = self._charges_raw if self._charges_raw is not None else _dump(self._charges)
        lines = [_CHARGES + charges + b",", _MEMBERS]
        if self._members is None:
            lines += [chunk for chunk in self._lines if chunk]  # never looked at: as read
        else:
            members = []
            for code, held in self._members.items():
                if isinstance(held, bytes):
                    members.append(held.removesuffix(b","))
                    continue
                visited, kinds = held
                docs = {id(doc): (month, doc) for _, _, doc, month in kinds.values()}
                entries = [[m, _without_code(d)] for m, d in docs.values()]
                value = [" ".join(sorted(visited)), entries]
                members.append(_dump(code) + b":" + _dump(value))
            if members:
                lines.append(b",\n".join(members))
        body = b"\n".join([*lines, _END])
        header = {
            "version": VERSION,
            "body": zlib.crc32(body),
            "count": self.count,
            "months": {
                m: [p.sha256, p.count, *(p.stat or ())] for m, p in sorted(self.months.items())
            },
            "pack_max": self.pack_max,
        }
        write_atomic(path, _HEAD + _dump(header) + b",\n" + body)
        self.dirty = False


def _without_code(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k != "member_code"}  # the line's key says it


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
