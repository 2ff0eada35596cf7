"""Exercises and warm-up programmes from content/.

PLACEHOLDER: the warm-up helper (issue 5) replaces this with the full loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core.fields import Problem


@dataclass(frozen=True)
class WarmupLibrary:
    programmes: tuple[object, ...] = ()


def load_warmups(directory: Path, problems: list[Problem]) -> WarmupLibrary:
    return WarmupLibrary()
