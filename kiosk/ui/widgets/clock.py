"""The front desk's wall clock: time of day and date, redrawn only when the text changes.

It is the one thing on the front desk that changes every second, so it draws its one line itself
(a cached strip) instead of going through Textual's text layout each time.
"""

from __future__ import annotations

from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from kiosk.core.clock import Clock

GAP = "  "


def clock_text(now: datetime) -> tuple[str, str]:
    return now.strftime("%H:%M:%S"), f"{now:%A} {now.day} {now:%B}"


class WallClock(Widget):
    """Shows ``HH:MM:SS  Weekday D Month`` from the injected clock; ``tick()`` moves it on."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        self.time_text, self.date_text = clock_text(clock.now())
        self.time_shown = True  # false while the time is shown large elsewhere: the date alone
        self._strip: Strip | None = None  # the drawn line, until the text, size or colour changes

    @property
    def text(self) -> str:
        return f"{self.time_text}{GAP}{self.date_text}" if self.time_shown else self.date_text

    def show_time(self, shown: bool) -> None:
        """Show the time beside the date, or the date alone (the time is shown once)."""
        if shown != self.time_shown:
            self.time_shown = shown
            self._strip = None
            self.refresh(layout=True)

    def tick(self, now: datetime | None = None) -> None:
        time_text, date_text = clock_text(self.clock.now() if now is None else now)
        if (time_text, date_text) == (self.time_text, self.date_text):
            return
        if not self.time_shown and date_text == self.date_text:
            self.time_text = time_text  # not on screen: nothing to redraw
            return
        # only the width of the date can change the layout (once a day)
        layout = len(date_text) != len(self.date_text)
        self.time_text, self.date_text = time_text, date_text
        self._strip = None
        self.refresh(layout=layout)

    def render(self) -> Content:
        """The text as Content (what a test reads); the screen draws it with render_line."""
        if not self.time_shown:
            return Content(self.date_text)
        return Content.assemble((self.time_text, "bold"), GAP, self.date_text)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return len(self.text)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    def on_resize(self) -> None:
        self._strip = None

    def render_line(self, y: int) -> Strip:
        if y == 0 and self._strip is not None:
            return self._strip
        rich_style = self.rich_style
        base = Style.from_color(rich_style.color, rich_style.bgcolor)
        if y != 0:
            return Strip.blank(self.size.width, base)
        segments = [
            Segment(self.time_text, base + Style(bold=True)),
            Segment(GAP + self.date_text, base),
        ]
        if not self.time_shown:
            segments = [Segment(self.date_text, base)]
        self._strip = Strip(segments).crop_extend(0, self.size.width, base)
        return self._strip
