"""One screen of general safety before every warm-up; the client confirms it with Enter.

Reached from the menu and from "Start warm-up" after an EMS check-in. Enter (or the button)
starts the programme in its place, so the player still goes back to the front desk at the end;
Esc goes back to the front desk. The words are kiosk/core/programmes.py BEFORE_YOU_START.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.types import CSSPathType
from textual.widgets import Button, Static

from kiosk.core.clock import Clock
from kiosk.core.programmes import BEFORE_YOU_START, Programme
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.warmup import CSS, WarmupScreen

SAFETY_IDLE = 60.0  # seconds untouched before it goes back to the front desk


class SafetyScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = CSS
    AUTO_FOCUS = "#safety-start"  # Enter does what the focused button says: start
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(
        self, programme: Programme, clock: Clock, sound_command: str | None = None
    ) -> None:
        super().__init__(clock, SAFETY_IDLE)
        self.programme = programme
        self.sound_command = sound_command

    def compose(self) -> ComposeResult:
        yield Static(self.programme.name, id="safety-title", markup=False)
        yield Static("Before you start", id="safety-heading", markup=False)
        for n, line in enumerate(BEFORE_YOU_START):
            yield Static(f"- {line}", classes="safety-line", id=f"safety-{n}", markup=False)
        with Horizontal(id="safety-keys"):
            yield Button("Enter  I understand: start", id="safety-start", compact=True)
            yield Button("Esc  Back", id="safety-back", compact=True)

    @on(Button.Pressed, "#safety-start")
    def action_start(self) -> None:
        # in its place: the player's end goes back to the front desk, not here
        self.app.switch_screen(WarmupScreen(self.programme, self.clock, self.sound_command))

    @on(Button.Pressed, "#safety-back")
    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()
