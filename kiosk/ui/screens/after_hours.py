"""The calm screen the front desk dims to after hours (kiosk/core/after_hours.py says when).

When the studio opens next, a small clock and the QR codes, in dim colours on black: the codes
are the only bright cells, and stay scannable. Every `move_minutes` it moves a few cells (the
place is worked out from the clock, kiosk/core/after_hours.py drift) so nothing burns in. One
timer a second looks at the clock; only the clock's minute and each move redraw anything.

Any key or tap wakes it. Keys are routed by the App as on the front desk (this screen's
`key_place`): a letter or digit opens the look-up with that key in it (the App takes this screen
away first), F2 the warm-ups, F12 staff mode, any other key the normal front desk. It leaves by
itself when the studio opens. On the Linux console, with `blank_after_hours`, the console may
blank itself while this screen is up (kiosk/ui/console_blank.py).

Its own screen, pushed over the front desk by the front desk's tick, rather than a mode of the
front desk: the front desk's timers pause beneath it, and nothing of the busy screen is drawn.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from kiosk.core.after_hours import after_hours, drift, move_step
from kiosk.core.clock import Clock
from kiosk.core.consolefont import qr_styles
from kiosk.core.content import Content
from kiosk.core.typeahead import Place
from kiosk.ui import messages
from kiosk.ui.console_blank import ConsoleBlanking
from kiosk.ui.widgets.qr import QRCode, code_size

if TYPE_CHECKING:
    from kiosk.core.studio import Link

TEXT_ROWS = 3  # the closed words, the clock, a gap
CAPTION_ROWS = 1
GAP_COLUMNS = 2


def fit(
    width: int, height: int, links: tuple[Link, ...], styles: tuple[str, ...]
) -> tuple[str, int, Size]:
    """The QR style, how many codes fit side by side, and one code's cells (caption included).

    ``styles`` are those the console font can draw, best first (`consolefont.qr_styles`)."""
    for style in styles:
        sizes = [code_size(link.url, style) for link in links]
        if not sizes:
            break
        code = Size(max(s.width for s in sizes), max(s.height for s in sizes) + CAPTION_ROWS)
        if code.height + TEXT_ROWS > height:
            continue
        across = min(len(links), (width + GAP_COLUMNS) // (code.width + GAP_COLUMNS))
        if across:
            return style, across, code
    return styles[0], 0, Size(0, 0)


class AfterHoursScreen(Screen[None]):
    CSS_PATH = "after_hours.tcss"
    key_place = Place.FRONT_DESK  # a letter or digit starts a look-up, as on the front desk

    def __init__(self, content: Content, clock: Clock) -> None:
        super().__init__()
        self.studio = content.studio
        self.clock = clock
        self.links = content.studio.links
        self.policy = content.studio.after_hours
        self._shown_minute: tuple[int, int, int] | None = None
        self._shown_move: int | None = None
        self._arranged_for: Size | None = None
        self.codes: list[QRCode] = []
        self.place = (0, 0)  # where the calm block sits now (left, top): tests read it
        self.ticks = 0

    @property
    def code_styles(self) -> tuple[str, ...]:
        """The QR styles the console font can draw, best first (the App knows the font)."""
        return qr_styles(self.studio.qr_style, getattr(self.app, "font", None))

    def compose(self) -> ComposeResult:
        now = self.clock.now()
        with Widget(id="calm"):
            yield Static(self.studio.hours.status(now), id="closed-words", markup=False)
            yield Static(f"{now:%H:%M}", id="calm-clock", markup=False)
            with Widget(id="calm-codes"):
                for i, link in enumerate(self.links):
                    code = QRCode(
                        link.url,
                        qr_style=self.code_styles[0],
                        caption=link.title,
                        caption_rows=CAPTION_ROWS,
                        id=f"calm-code-{i}",
                        classes="calm-code",
                    )
                    self.codes.append(code)
                    yield code

    def on_mount(self) -> None:
        self.calm = self.query_one("#calm")
        self.words = self.query_one("#closed-words", Static)
        self.clock_line = self.query_one("#calm-clock", Static)
        self.set_interval(1.0, self.tick)

    def on_screen_resume(self) -> None:
        self._blanking(self.policy.blank_after_hours)
        self.tick()

    def on_screen_suspend(self) -> None:
        self._blanking(False)

    def on_unmount(self) -> None:
        self._blanking(False)

    def _blanking(self, allow: bool) -> None:
        blanking = getattr(self.app, "console_blanking", None)
        if isinstance(blanking, ConsoleBlanking):
            blanking.allow_blanking(allow)

    def on_resize(self, event: events.Resize) -> None:
        self._shown_move = None  # arrange again for the new size
        self.tick()

    # --- what is shown, derived from the clock ----------------------------------------------

    def tick(self) -> None:
        if self.app.screen is not self or not self.is_mounted:
            return
        self.ticks += 1
        now = self.clock.now()
        if after_hours(self.studio.hours, self.policy, now) is None:
            self.wake()  # the studio is open (or the settings say never)
            return
        minute = (now.toordinal(), now.hour, now.minute)
        if minute != self._shown_minute:
            self._shown_minute = minute
            self.clock_line.update(f"{now:%H:%M}")
            self.words.update(self.studio.hours.status(now))
        step = move_step(now, self.policy)
        if step != self._shown_move or self.size != self._arranged_for:
            self._shown_move, self._arranged_for = step, self.size
            self.place_for(now, step)

    def place_for(self, now: datetime, step: int) -> None:
        """Which codes, and where the calm block sits, for this move."""
        width, height = self.size
        style, across, code = fit(width, height, self.links, self.code_styles)
        n = len(self.links)
        shown = {(step * across + i) % n for i in range(across)} if across else set()
        for i, qr in enumerate(self.codes):
            qr.set_style(style)
            qr.display = i in shown
        codes_width = across * (code.width + GAP_COLUMNS)  # a margin of 1 either side of each
        words = len(self.studio.hours.status(now))
        block = Size(max(codes_width, words, 5), TEXT_ROWS + code.height)
        self.calm.styles.width = block.width
        self.calm.styles.height = block.height
        self.place = drift(now, self.policy, (width - block.width, height - block.height))
        self.calm.styles.offset = self.place

    # --- waking -------------------------------------------------------------------------------

    def wake(self) -> None:
        """Back to the normal front desk (just below this screen)."""
        if self.app.screen is self:
            self.dismiss()

    def on_key(self, event: events.Key) -> None:
        # letters and digits never come here: the App opens the look-up with them
        event.stop()
        self.wake()
        if event.key == "f2":
            self.app.post_message(messages.OpenWarmups())
        elif event.key == "f12":
            self.app.post_message(messages.OpenStaff())

    def on_mouse_down(self, event: events.MouseDown) -> None:
        event.stop()
        self.wake()
