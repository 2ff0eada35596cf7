"""The coloured band with one big word that says how a check-in went, and its sound.

Each outcome has its own word and its own colour from the studio's theme (band.tcss), so the
meaning never rests on colour alone; the word is plain capitals (no glyph a console font lacks).
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static

from kiosk.core.checkin import Outcome

__all__ = ["BELLS", "BELL_GAP", "HEADLINES", "Outcome", "ResultBand", "css_class", "ring"]

HEADLINES = {
    Outcome.CHECKED_IN: "CHECKED IN",
    Outcome.ALREADY_TODAY: "ALREADY CHECKED IN TODAY",
    Outcome.NOT_FOUND: "NOT FOUND",
    Outcome.PACK_USED_UP: "PACK USED UP",
    Outcome.PACK_EXPIRED: "PACK EXPIRED",
    Outcome.NO_PACK: "NO PACK YET",
    Outcome.SEE_TRAINER: "SEE YOUR TRAINER",
    Outcome.NOT_SAVED: "NOT CHECKED IN",
}

# One short beep for good news, more for anything that needs a person's attention.
BELLS = {
    Outcome.CHECKED_IN: 1,
    Outcome.ALREADY_TODAY: 2,
    Outcome.NOT_FOUND: 3,
    Outcome.PACK_USED_UP: 3,
    Outcome.PACK_EXPIRED: 3,
    Outcome.NO_PACK: 3,
    Outcome.SEE_TRAINER: 4,
    Outcome.NOT_SAVED: 3,
}
BELL_GAP = 0.3  # seconds between beeps, so a count can be heard


def css_class(outcome: Outcome) -> str:
    """The band's colour class in band.tcss: "pack-used-up"."""
    return outcome.value.replace("_", "-")


class ResultBand(Static):
    """Full-width band: the outcome's word on its colour."""

    def __init__(self, outcome: Outcome, id: str | None = None) -> None:
        classes = f"band {css_class(outcome)}"
        super().__init__(HEADLINES[outcome], markup=False, id=id, classes=classes)
        self.outcome = outcome


def ring(widget: Widget, outcome: Outcome) -> None:
    """Sound the outcome's pattern: one bell now, the rest spaced out on timers."""
    app = widget.app
    for n in range(BELLS[outcome]):
        if n == 0:
            app.bell()
        else:
            widget.set_timer(n * BELL_GAP, app.bell)
