"""The front-desk display shown when nobody is using the kiosk.

PLACEHOLDER: the front-desk helper (issue 3) builds the real display.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kiosk.core.clock import Clock
from kiosk.core.content import Content


class FrontDeskScreen(Screen[None]):
    def __init__(self, content: Content, clock: Clock) -> None:
        super().__init__()
        self.content = content
        self.clock = clock

    def compose(self) -> ComposeResult:
        yield Static(self.content.studio.name, id="studio-name", markup=False)
