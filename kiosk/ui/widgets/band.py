"""The coloured band with one big word that says how a check-in went, and its sound.

Each outcome has its own word and its own colour from the studio's theme (band.tcss), so the
meaning never rests on colour alone. The word is in block letters drawn with the full block where
it fits (kiosk/ui/widgets/banner.py), plain capitals where it does not (no glyph a console font
might lack).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widget import Widget

from kiosk.core.checkin import Outcome
from kiosk.ui.widgets.banner import BLOCK_MIN_ROWS, SHORT_SCREEN, BlockWords

__all__ = [
    "BELLS",
    "BELL_GAP",
    "HEADLINES",
    "SHORT_SCREEN",
    "Outcome",
    "ResultBand",
    "css_class",
    "ring",
]

HEADLINES = {
    Outcome.CHECKED_IN: "CHECKED IN",
    Outcome.ALREADY_TODAY: "ALREADY IN",
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


class ResultBand(BlockWords):
    """Full-width band: the outcome's word on its colour, in block letters two sevenths of
    the screen's height at most (``compact``: plain capitals on a short screen, to leave room)."""

    def __init__(self, outcome: Outcome, id: str | None = None, compact: bool = False) -> None:
        classes = f"band {css_class(outcome)}"
        super().__init__(HEADLINES[outcome], max_rows=BLOCK_MIN_ROWS, id=id, classes=classes)
        self.compact = compact
        self.outcome = outcome

    def rows_allowed(self, viewport: Size) -> int:
        if viewport.height < SHORT_SCREEN:
            return 1 if self.compact else BLOCK_MIN_ROWS
        # two lines of letters two rows a pixel at 120x40 ("SEE YOUR / TRAINER")
        return max(BLOCK_MIN_ROWS, viewport.height * 2 // 7)


def ring(widget: Widget, outcome: Outcome) -> None:
    """Sound the outcome's pattern: one bell now, the rest spaced out on timers."""
    app = widget.app
    for n in range(BELLS[outcome]):
        if n == 0:
            app.bell()
        else:
            widget.set_timer(n * BELL_GAP, app.bell)
