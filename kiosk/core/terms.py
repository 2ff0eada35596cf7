"""The studio terms and privacy notice a new client agrees to at registration.

Read from ``content/terms.toml``: a version string (each member keeps the version they agreed
to), a title and sections of plain text. A missing or broken file is a problem for `kiosk check`;
the kiosk then has no terms to show, and the registration screen must not register anyone.
When the version changes, a member who agreed to another one agrees again at their next
check-in (kiosk/core/screening.py due_again); `agreed(member, terms, now)` records it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Fields, Problem
from kiosk.core.members import Member

TERMS_FILE = "terms.toml"
VERSION_MAX = 40


@dataclass(frozen=True)
class Section:
    heading: str
    text: str


@dataclass(frozen=True)
class Terms:
    version: str = ""
    text: str = ""  # the whole notice as one plain text, headings included
    title: str = ""
    sections: tuple[Section, ...] = ()

    @property
    def usable(self) -> bool:
        """Terms a client can agree to: there is a version and some text."""
        return bool(self.version and self.text.strip())


def _join(title: str, sections: tuple[Section, ...]) -> str:
    parts = [title] if title else []
    parts += [f"{s.heading}\n{s.text}" if s.heading else s.text for s in sections]
    return "\n\n".join(parts)


def load_terms(directory: Path, problems: list[Problem], sources: Sources | None = None) -> Terms:
    """A file with any problem falls back whole: the notice agreed to is never a mix."""
    return (sources or Sources(directory, shipped=None)).load(
        TERMS_FILE, problems, _terms_from, whole=True
    )


def _terms_from(table: dict[str, Any] | None, problems: list[Problem]) -> Terms:
    if table is None:
        return Terms()
    fields = Fields(table, TERMS_FILE, problems)
    version = fields.text("version").strip()
    if len(version) > VERSION_MAX:
        fields.problem("version", f"is too long: at most {VERSION_MAX} characters")
        version = ""
    title = fields.text("title", "", allow_empty=True).strip()
    sections: list[Section] = []
    for part in fields.tables("sections"):
        heading = part.text("heading", "", allow_empty=True).strip()
        text = " ".join(part.text("text").split())
        if text:
            sections.append(Section(heading, text))
    if not sections:
        problems.append(Problem(TERMS_FILE, "sections", "has no text to agree to"))
    for key in fields.unknown_keys():
        fields.problem(key, "is not a terms setting (spelling?)")
    return Terms(version, _join(title, tuple(sections)), title, tuple(sections))


def agreed(member: Member, terms: Terms, now: datetime) -> Member:
    """The member as having agreed to `terms` at `now` (the version they agreed to before is
    replaced: the terms file's history says what each version said)."""
    if not terms.usable:
        raise ValueError("no terms to agree to")
    return replace(member, terms_version=terms.version, terms_agreed_at=now)
