"""The studio terms and privacy notice a new client agrees to at registration.

PLACEHOLDER: the check-in helper (issue 4) replaces this with the full loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core.fields import Problem


@dataclass(frozen=True)
class Terms:
    version: str = ""
    text: str = ""


def load_terms(directory: Path, problems: list[Problem]) -> Terms:
    return Terms()
