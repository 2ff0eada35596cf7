"""UK GDPR access: one member's record written out, as JSON and as a readable text beside it.

`kiosk members export-one CODE FILE` and staff mode's export both call write_export, so the two
files always go together: FILE (exact, for another system) and FILE with .txt (for the client:
kiosk/core/member_report.py). The text is written first and the JSON last, each atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.core.content import Content
from kiosk.core.member_report import member_report
from kiosk.store.files import write_text_atomic
from kiosk.store.privacy import about_notes, gather, record_of
from kiosk.store.store import Store


@dataclass(frozen=True)
class Export:
    code: str
    json_text: str
    text: str


def text_path(path: Path) -> Path:
    """Where the readable summary goes beside the JSON file."""
    return path.with_suffix(".txt") if path.suffix.lower() == ".json" else Path(f"{path}.txt")


def export_of(store: Store, code: str, content: Content, now: datetime) -> Export:
    """Both forms of one member's record (KeyError when nothing is held about them)."""
    staff = content.studio.staff
    held = gather(store, code)
    about = about_notes(
        retention_months=staff.screening_retention_months,
        backup_generations=staff.backup_generations,
        member_months=staff.member_retention_months,
    )
    record = record_of(held, about)
    text = member_report(
        held,
        studio=content.studio.name,
        terms=content.terms,
        questions=content.questions,
        about=about,
        made=now,
    )
    return Export(held.code, json.dumps(record, indent=2, ensure_ascii=False) + "\n", text)


def write_export(export: Export, path: Path) -> tuple[Path, Path]:
    """Write the JSON to `path` and the summary beside it; returns (json, text) paths."""
    beside = text_path(path)
    write_text_atomic(beside, export.text)
    write_text_atomic(path, export.json_text)
    return path, beside
