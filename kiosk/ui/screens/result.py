"""The check-in result: a big word (block letters where they fit) on a coloured band, the
details in words under it at a readable measure, and a sound.

It goes back to the front desk by itself after the studio's result time; any key or click
returns sooner. The key that closes it is typed nowhere else (the App routes keys through
kiosk/core/typeahead.py, which also recognises a member code scanned while it is up). The first
button has the focus, so Enter does what that button says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.types import CSSPathType
from textual.widgets import Button, Static

from kiosk.core.clock import Clock
from kiosk.core.studio import Studio
from kiosk.core.typeahead import Place
from kiosk.ui import messages
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.widgets.band import SHORT_SCREEN, Outcome, ResultBand, ring

DEFAULT_RESULT_SECONDS = 20
SMALL_HEIGHT = SHORT_SCREEN


@dataclass(frozen=True)
class ResultView:
    """What the result screen shows; built by the check-in flow from the core's decision."""

    outcome: Outcome
    greeting: str = ""  # holds the member's first name: always shown as plain text
    lines: tuple[str, ...] = ()
    prep: tuple[str, ...] = ()  # the prep card, after a successful check-in
    warmup: str | None = None  # programme id for "Start warm-up"
    offer_registration: bool = False
    prep_title: str = "Before your EMS session"


def result_seconds(studio: Studio) -> float:
    """How long a result stays up (studio.toml result_seconds, checked there to be >= 5)."""
    seconds = studio.result_seconds
    return float(seconds) if seconds > 0 else float(DEFAULT_RESULT_SECONDS)


class ResultScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = [
        "result.tcss",
        "../widgets/band.tcss",
        "../widgets/console.tcss",
    ]
    AUTO_FOCUS = "#warmup, #done"  # the first action: Enter does what its button says
    key_place = Place.RESULT

    def __init__(self, view: ResultView, clock: Clock, seconds: float) -> None:
        super().__init__(clock, seconds)
        self.view = view
        self.countdown_text = ""

    def compose(self) -> ComposeResult:
        view = self.view
        # plain capitals on a short screen when the prep card needs the rows
        yield ResultBand(view.outcome, id="band", compact=bool(view.prep))
        with VerticalScroll(id="details"):
            if view.greeting:
                yield Static(view.greeting, markup=False, id="greeting")
            for n, line in enumerate(view.lines):
                yield Static(line, markup=False, classes="line", id=f"line-{n}")
            if view.outcome is Outcome.NOT_SAVED and (why := self.kiosk.storage_text()):
                yield Static(f"{why}.", markup=False, classes="line", id="storage")
            if view.prep:
                with Vertical(id="prep"):
                    yield Static(view.prep_title, markup=False, id="prep-title")
                    for line in view.prep:
                        yield Static(f"- {line}", markup=False, classes="prep-line")
        with Horizontal(id="actions", classes="kiosk-form"):
            if view.warmup is not None:
                yield Button("Start warm-up (F2)", id="warmup", variant="success")
            if view.offer_registration:
                yield Button("Register as a new client (F3)", id="register", variant="primary")
            yield Button("Done", id="done")
        yield Static("", id="countdown", markup=False)

    def on_mount(self) -> None:
        ring(self, self.view.outcome)
        self.idle_tick()

    def on_resize(self, event: events.Resize) -> None:
        # On an 80x24 screen every row counts: plain capitals leave room for the prep card.
        small = event.size.height < SMALL_HEIGHT
        self.set_class(small, "-small")

    def idle_tick(self) -> None:
        left = max(0, math.ceil(self.idle_seconds - self.idle_for))
        text = f"Back to the front desk in {left} s. Press any key to close."
        if text != self.countdown_text:  # a repaint once a second, not at every look
            self.countdown_text = text
            self.query_one("#countdown", Static).update(text)

    def _start_warmup(self) -> None:
        programme = self.view.warmup
        self.kiosk.back_to_front_desk()
        self.kiosk.post_message(messages.OpenWarmups(programme))

    def _register(self) -> None:
        self.kiosk.back_to_front_desk()
        self.kiosk.post_message(messages.OpenRegistration())

    @on(Button.Pressed, "#warmup")
    def _warmup_pressed(self) -> None:
        self._start_warmup()

    @on(Button.Pressed, "#register")
    def _register_pressed(self) -> None:
        self._register()

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.kiosk.back_to_front_desk()

    def on_key(self, event: events.Key) -> None:
        # Printable keys never get here: the App closes the result with them. Enter and Space
        # belong to the focused button; Tab and the arrows move between the buttons.
        if event.key in ("tab", "shift+tab", "left", "right", "enter", "space"):
            if event.key in ("left", "right"):
                event.stop()
                if event.key == "right":
                    self.focus_next()
                else:
                    self.focus_previous()
            return
        event.stop()
        if event.key == "f2" and self.view.warmup is not None:
            self._start_warmup()
        elif event.key == "f3" and self.view.offer_registration:
            self._register()
        else:
            self.kiosk.back_to_front_desk()

    def on_click(self, event: events.Click) -> None:
        # A tap anywhere but a button closes the result.
        self.kiosk.back_to_front_desk()
