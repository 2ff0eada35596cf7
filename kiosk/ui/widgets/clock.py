"""The front desk's wall clock: time of day and date, redrawn only when the text changes."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from kiosk.core.clock import Clock


def clock_text(clock: Clock) -> tuple[str, str]:
    now = clock.now()
    return now.strftime("%H:%M:%S"), f"{now:%A} {now.day} {now:%B}"


class WallClock(Widget):
    """Shows ``HH:MM:SS  Weekday D Month`` from the injected clock; ``tick()`` moves it on."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.time_text, self.date_text = clock_text(clock)

    def tick(self) -> None:
        time_text, date_text = clock_text(self.clock)
        if (time_text, date_text) == (self.time_text, self.date_text):
            return
        # only the width of the date can change the layout (once a day)
        layout = len(date_text) != len(self.date_text)
        self.time_text, self.date_text = time_text, date_text
        self.refresh(layout=layout)

    def render(self) -> Content:
        return Content.assemble((self.time_text, "bold"), "  ", self.date_text)
