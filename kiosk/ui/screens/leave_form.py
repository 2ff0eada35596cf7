"""Leaving a registration that has something in it: asked first, and cleared if nobody answers.

Esc or Cancel on a filled form asks "Leave without registering?": "Keep going" (focused, so
Enter or a second Esc keeps everything) or "Leave". A form left alone for the registration's idle
time is covered by "Are you still there?" (the details hidden, for whoever comes next) and
cleared when nobody answers that within `ANSWER_SECONDS`: a client who walked away never
leaves their name and number on screen.

The default button comes first (Tab follows the places on screen) and the destructive one sits
alone at the far right: never side by side.
"""

from __future__ import annotations

import math
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.types import CSSPathType
from textual.widgets import Button, Static

from kiosk.core.clock import Clock
from kiosk.ui.screens.idle import IdleScreen

ANSWER_SECONDS = 30.0  # unanswered this long, the question leaves (and clears the form)
ASK = "Leave without registering?"
NOT_KEPT = "Your details will not be kept."
STILL_THERE = "Are you still there?"


def cleared_in(seconds: float) -> str:
    return f"Your details will be cleared in {max(0, math.ceil(seconds))} s."


class LeaveFormScreen(IdleScreen, ModalScreen[bool]):
    """Dismisses with True to leave, False to keep going; unanswered, it goes back to the front
    desk by itself (IdleScreen), which clears the form under it."""

    AUTO_FOCUS = "#keep"
    CSS_PATH: ClassVar[CSSPathType | None] = ["leave_form.tcss", "../widgets/console.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "keep", "Keep going", show=False),
        Binding("left,right", "other_button", show=False),
    ]

    def __init__(self, clock: Clock, *, idle: bool = False) -> None:
        super().__init__(clock, ANSWER_SECONDS)
        self.idle = idle  # asked because nobody touched the form: the details are hidden
        self.shown_text = ""

    def compose(self) -> ComposeResult:
        self.set_class(self.idle, "-idle")
        with Vertical(classes="kiosk-form", id="leave-box"):
            yield Static(STILL_THERE if self.idle else ASK, markup=False, id="ask")
            yield Static(self._text(), markup=False, id="what-happens")
            with Horizontal(id="actions"):
                # Leave drawn alone at the far right (leave_form.tcss)
                yield Button("Keep going", id="keep", variant="success")
                yield Button("Leave", id="leave", variant="error")

    def _text(self) -> str:
        return cleared_in(self.idle_seconds - self.idle_for) if self.idle else NOT_KEPT

    def idle_tick(self) -> None:
        text = self._text()
        if text != self.shown_text:  # a repaint once a second at most
            self.shown_text = text
            self.query_one("#what-happens", Static).update(text)

    def action_keep(self) -> None:
        self.dismiss(False)

    def action_other_button(self) -> None:
        keep = self.query_one("#keep", Button)
        self.set_focus(self.query_one("#leave", Button) if keep.has_focus else keep)

    @on(Button.Pressed, "#keep")
    def _keep_pressed(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#leave")
    def _leave_pressed(self) -> None:
        self.dismiss(True)


class AsksBeforeLeaving(IdleScreen):
    """A registration step: Esc, Cancel and idle time ask first when `filled()`."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back", show=False)]

    def filled(self) -> bool:
        """Whether the client has put anything here (or in an earlier step) to lose."""
        return True

    def action_leave(self) -> None:
        self._ask(idle=False)

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_leave()

    def idle_timeout(self) -> None:
        self._ask(idle=True)

    def _ask(self, *, idle: bool) -> None:
        if not self.filled():
            self.kiosk.back_to_front_desk()
            return
        self.kiosk.push_screen(LeaveFormScreen(self.clock, idle=idle), self._answered)

    def _answered(self, leave: bool | None) -> None:
        if leave:
            self.kiosk.back_to_front_desk()
