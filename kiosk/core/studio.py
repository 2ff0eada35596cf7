"""The studio's facts (name, address, hours, links) and the front-desk slides.

PLACEHOLDER: the front-desk helper (issue 3) replaces this with the full loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.core.fields import Fields, Problem, read_toml


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    caption: str
    url: str


@dataclass(frozen=True)
class Studio:
    name: str
    address: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class Slide:
    title: str
    body: str


def load_studio(directory: Path, problems: list[Problem]) -> Studio:
    data = read_toml(directory / "studio.toml", problems) or {}
    f = Fields(data, "studio.toml", problems)
    return Studio(
        name=f.text("name", "Fast Track EMS & Fitness"), address=f.text("address", ""), links=()
    )


def load_slides(directory: Path, problems: list[Problem]) -> tuple[Slide, ...]:
    return ()
