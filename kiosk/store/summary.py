"""A cache of what the store needs from past months of visits, so opening skips re-reading them.

`visits-summary.json` holds, for every month file but the newest at the time it was written,
the file's size, change time and inode, and what those months add up to: how many visits,
each member's latest visit of each kind, the months each member visited in. When the store
opens and every one of those files is unchanged, only the newer months are read.

It is only a cache: missing, unreadable or out of date, it is ignored and rebuilt, and it may
be deleted at any time (a restore from backup should delete it with the rest).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.members import Visit
from kiosk.store.documents import visit_doc, visit_of
from kiosk.store.files import write_atomic

SUMMARY_FILE = "visits-summary.json"
VERSION = 1

# (member code, kind or None for "any kind") -> (time, visit id, visit or raw doc, month)
Latest = dict[tuple[str, Any], tuple[datetime, str, Any, str]]


def fingerprint(path: Path) -> list[int]:
    st = os.stat(path)
    return [st.st_size, st.st_mtime_ns, st.st_ino]


@dataclass
class Summary:
    months: dict[str, list[int]]  # month -> fingerprint of its file when summarised
    count: int
    latest: Latest
    months_of: dict[str, set[str]]


def read_summary(path: Path, month_files: dict[str, Path]) -> Summary | None:
    """The summary, if it is readable and every month it covers is unchanged; else None."""
    try:
        data = json.loads(path.read_bytes())
        if data.get("version") != VERSION:
            return None
        months = {str(m): [int(x) for x in fp] for m, fp in data["months"].items()}
        for month, fp in months.items():
            if month not in month_files or fingerprint(month_files[month]) != fp:
                return None
        latest: Latest = {}
        for code, kinds in data["latest"].items():
            for kind, (month, doc) in kinds.items():
                visit = visit_of(doc)
                latest[code, kind or None] = (visit.at, visit.id, visit, str(month))
        months_of = {str(c): set(ms.split()) for c, ms in data["months_of"].items()}
        return Summary(months, int(data["count"]), latest, months_of)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None  # a cache: anything wrong with it means "read the months instead"


def write_summary(path: Path, summary: Summary) -> None:
    latest: dict[str, dict[str, Any]] = {}
    for (code, kind), (_, _, payload, month) in summary.latest.items():
        doc = visit_doc(payload) if isinstance(payload, Visit) else payload
        latest.setdefault(code, {})[kind or ""] = [month, doc]
    data = {
        "version": VERSION,
        "months": summary.months,
        "count": summary.count,
        "latest": latest,
        "months_of": {c: " ".join(sorted(ms)) for c, ms in summary.months_of.items()},
    }
    write_atomic(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
