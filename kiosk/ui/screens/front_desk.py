"""The front-desk display shown when nobody is using the kiosk.

Studio name, a live clock, today's opening hours, the address, rotating slides and QR codes for
the studio's links. What is shown is derived from the injected clock (which slide, which codes),
so one timer a second keeps it all current and a test moves a FakeClock instead of waiting. Each
second only the wall clock is redrawn; the rest only when its minute or slide comes round.

The first frame is the text: the codes' place is kept in the first layout, and they are mounted
just after it is on the terminal (and worked out a moment later), so the studio's name is on
screen as soon as it can be, even on a Pi.

Typing a letter or digit starts the check-in look-up (the App routes those keys, through
kiosk/core/typeahead.py); F3 or the "New here? Register" button opens registration; F2 or the
Warm-up button opens the warm-ups; F12, or five taps on the studio name, asks for staff mode.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rich.segment import Segment
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from kiosk.core.after_hours import after_hours
from kiosk.core.clock import Clock
from kiosk.core.consolefont import qr_styles
from kiosk.core.content import Content
from kiosk.core.studio import Link
from kiosk.core.typeahead import Place
from kiosk.ui import messages
from kiosk.ui.widgets.banner import (
    BLOCK_MIN_ROWS,
    SHORT_SCREEN,
    BlockWords,
    block_lines,
    plain_lines,
)
from kiosk.ui.widgets.clock import WallClock
from kiosk.ui.widgets.countdown import BigCountdown
from kiosk.ui.widgets.qr import QRCode, code_size
from kiosk.ui.widgets.slides import SlideView

# with the buttons beside it the whole line fits in 80 columns (test_ui_register_plain_sight)
HINT = "Type name or phone to check in"
REGISTER_LABEL = " New here? Register F3 "
WARMUP_LABEL = " Warm-up F2 "
CONTENT_MARK = "content problem: see staff mode"  # a file with a mistake is shown from a copy
INFO_MIN_WIDTH = 36  # the text column never gets narrower than this
MASTHEAD_ROWS = 1  # the studio's name and the wall clock, across the top
INFO_MIN_ROWS = 11  # text above the codes when they sit below it (under the masthead)
# rows for a caption under its code: a full-style code (74 columns or more) holds the longest
# caption allowed on one line, a half-style one (37 columns or more) on two
# (none under a compact code: the smallest, for a console without half blocks, with no room)
CAPTION_ROWS = {"half": 2, "full": 1, "compact": 0}
GAP_COLUMNS = 2
GAP_ROWS = 1
# codes are worked out this long after they are mounted (after the first frame), one every 50 ms
CODES_AFTER = 0.1
TAPS_FOR_STAFF = 5
TAP_WINDOW = 4.0  # seconds in which the taps must come


@dataclass(frozen=True)
class Arrangement:
    """Where the QR codes go for one screen size."""

    columns: int
    rows: int
    stacked: bool  # codes below the text instead of beside it
    qr_style: str
    slot_width: int
    slot_height: int

    @property
    def shown(self) -> int:
        return self.columns * self.rows


def name_rows_allowed(height: int) -> int:
    """The most rows the studio's name may take in block letters on a screen this tall."""
    if height < SHORT_SCREEN:
        return 1  # plain: an 80x24 screen needs its rows for the codes
    return max(BLOCK_MIN_ROWS, height // 8)


def masthead_rows(name: str, width: int, height: int) -> int:
    """Rows above the main part: the name (in block letters where they fit) and the clock."""
    blocks = block_lines(name, width - 2, name_rows_allowed(height))
    return MASTHEAD_ROWS if blocks is None else len(blocks) + 1  # the clock under the name


def arrange(
    width: int,
    height: int,
    links: tuple[Link, ...],
    qr_style: str | tuple[str, ...],
    *,
    masthead: int = MASTHEAD_ROWS,
    notices: int = 0,
) -> Arrangement:
    """Show as many codes as fit (at most all of them); the rest take turns.

    ``qr_style``: the styles to try, best first (core's qr_styles), or a configured style for a
    terminal with every glyph. ``masthead``: the rows the name and clock take; ``notices``: rows
    of the notices shown above the hint line (a storage problem, the staff note)."""
    styles = qr_style if isinstance(qr_style, tuple) else qr_styles(qr_style, None)
    best = Arrangement(0, 0, False, styles[0], 0, 0)
    if not links:
        return best
    main_height = height - 1 - masthead - notices  # the hint line, the masthead, the notices
    main_width = width - 2  # the screen's side padding
    # the full style falls back to half blocks (or, on a console without them, to the compact
    # code) when not even one full-size code fits
    for style in styles:
        code = max((code_size(link.url, style) for link in links), key=lambda s: s.area)
        sw, sh = code.width, code.height + CAPTION_ROWS[style]
        options = [
            (main_width - INFO_MIN_WIDTH - GAP_COLUMNS, main_height, False),
            (main_width, main_height - INFO_MIN_ROWS - GAP_ROWS, True),
        ]
        for avail_w, avail_h, stacked in options:
            cols = max(0, (avail_w + GAP_COLUMNS) // (sw + GAP_COLUMNS))
            rows = max(0, (avail_h + GAP_ROWS) // (sh + GAP_ROWS))
            if cols * rows == 0:
                continue
            shown = min(len(links), cols * rows)
            # as few columns as will do, leaving the most room for text
            rows = min(rows, shown)
            cols = math.ceil(shown / rows)
            rows = math.ceil(shown / cols)
            option = Arrangement(cols, rows, stacked, style, sw, sh)
            if min(option.shown, len(links)) > min(best.shown, len(links)):
                best = option
        if best.shown:
            return best
    return best


POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})\b")
KEEP = "\u00a0"  # a space that never breaks a line: a postcode stays whole


def address_lines(address: str, width: int) -> list[str]:
    """The address wrapped at its commas where it must wrap, never inside a postcode."""
    parts = [p.strip() for p in POSTCODE.sub(rf"\1{KEEP}\2", address).split(",") if p.strip()]
    parts = [f"{p}," for p in parts[:-1]] + parts[-1:]
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += " " + part
            continue
        for n, word in enumerate(part.split(" ")):  # a part too long for a line: at its spaces
            if n and len(lines[-1]) + 1 + len(word) <= width:
                lines[-1] += " " + word
            else:
                lines.append(word)
    return [line.replace(KEEP, " ")[:width] for line in lines]


class Address(Static):
    """The studio's address, wrapped at its commas (see address_lines)."""

    def __init__(self, address: str, *, id: str | None = None) -> None:
        super().__init__(address, markup=False, id=id)
        self.address = address

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(1, len(address_lines(self.address, width)))

    def render_line(self, y: int) -> Strip:
        lines = address_lines(self.address, self.size.width)
        line = lines[y] if y < len(lines) else ""
        style = self.rich_style
        return Strip([Segment(line, style)]).crop_extend(0, self.size.width, style)


class DeskTime(BigCountdown):
    """The time in big figures where the column has room; the wall clock then shows the date
    alone, so the time is on the screen once."""

    class Shown(Message):
        def __init__(self, big: bool) -> None:
            super().__init__()
            self.big = big

    def on_resize(self) -> None:
        super().on_resize()
        self.post_message(self.Shown(bool(self.lines)))


class StudioName(BlockWords):
    """The studio's name: block letters where the screen has the room, plain where it has not
    (``blocks``, decided by the screen with the codes: the codes come first)."""

    blocks = False

    def rows_allowed(self, viewport: Size) -> int:
        return name_rows_allowed(viewport.height) if self.blocks else 1

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # plain, the name takes its own width and the clock sits beside it
        return container.width if self.blocks else len(self.words)

    class Tapped(Message):
        """The studio name was tapped (part of the touch path to staff mode)."""

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Tapped())


class WarmupButton(Static):
    """A one-line button drawn with plain text and colour (no border glyphs for the console)."""

    class Pressed(Message):
        """The Warm-up button was clicked or tapped."""

    def on_click(self, event: events.Click) -> None:
        self.post_message(self.Pressed())


class RegisterButton(WarmupButton):
    """Drawn like the Warm-up button: registration, for a client who is new here."""

    class Pressed(Message):
        """The register button was clicked or tapped."""


class FrontDeskScreen(Screen[None]):
    CSS_PATH = "front_desk.tcss"
    key_place = Place.FRONT_DESK  # a letter or digit typed here starts a look-up (the App's job)
    BINDINGS = [  # noqa: RUF012 (Textual's own pattern)
        Binding("f2", "warmups", "Warm-up", show=False),
        Binding("f3", "register", "Register", show=False),
        Binding("f12", "staff", "Staff", show=False),
    ]

    def __init__(self, content: Content, clock: Clock) -> None:
        super().__init__()
        self.content = content
        self.clock = clock
        self.studio = content.studio
        self.links = content.studio.links
        self.started = clock.monotonic()
        self.arrangement = Arrangement(0, 0, False, "half", 0, 0)  # compose sets the real one
        self.taps: list[float] = []
        self.shown_hours = self.hours_text()
        self._ticking = False
        self._minute: tuple[int, int, int] | None = None  # the minute last shown (day, hour, min)
        self._slide_step = -1  # the slide step last shown
        self.slots: list[QRCode] = []  # mounted just after the first frame
        # plain widgets as containers, laid out by front_desk.tcss: Textual's container classes
        # would each add their own default CSS, and the stylesheet is parsed again for each
        self.codes = Widget(id="codes")
        self.ticker: Timer | None = None
        self.awake = True  # false while another screen is on top and the ticker is paused
        self.staff_note = ""  # what the staff corner says (the App's desk notes)
        self.storage_problem = ""  # what the storage line says
        self.name_blocks = False  # the studio's name in block letters (arrange_for decides)
        self.used_at = clock.monotonic()  # last shown or touched: after hours it dims later

    def compose(self) -> ComposeResult:
        # the first arrangement is set here, so the first layout is already the right one
        size = self.app.size
        self.arrangement = self.arrange_for(size.width, size.height)
        self._place_codes(size.width)
        # The name and the clock, on one line above the rest: when the clock moves on each
        # second, Textual redraws the widgets beside it too, and up here there are few.
        with Widget(id="masthead", classes="-blocks" if self.name_blocks else ""):
            name = StudioName(self.studio.name, id="studio-name")
            name.blocks = self.name_blocks
            yield name
            yield WallClock(self.clock, id="clock")
        with Widget(id="main", classes="-stacked" if self.arrangement.stacked else ""):
            with Widget(id="info"):
                yield Static(self.shown_hours, id="hours", markup=False, classes=self.hours_class())
                if self.studio.address:
                    yield Address(self.studio.address, id="address")
                yield Static(CONTENT_MARK, id="content-problem", markup=False)
                yield SlideView(self.content.slides, id="slide")
                # the time, large, where the column has room: readable across the studio
                yield DeskTime(small_text=False, id="big-clock")
            yield self.codes  # empty, at its size: the codes come after the first frame
        # the data directory cannot be written: said to whoever stands here (App.show_storage)
        yield Static("", id="storage-problem", markup=False)
        # for staff (no PIN set yet, a failed backup): shown only when there is something
        yield Static("", id="staff-note", markup=False)
        with Widget(id="hint-bar"):
            yield Static(HINT, id="hint", markup=False)
            yield RegisterButton(REGISTER_LABEL, id="register", markup=False)
            yield WarmupButton(WARMUP_LABEL, id="warmup", markup=False)
            yield Static("F12 staff", id="staff-hint", markup=False)

    def on_mount(self) -> None:
        # looked up once: the tick runs every second for as long as the kiosk is up
        self.wall_clock = self.query_one(WallClock)
        self.big_clock = self.query_one(BigCountdown)
        self.hours = self.query_one("#hours", Static)
        self.slide = self.query_one(SlideView)
        self.content_mark = self.query_one("#content-problem", Static)
        self._ticking = True
        self.show_staff_note(self.staff_note)
        self.tick()
        # start the once-a-second tick on the next whole second so the seconds change on time
        fraction = self.clock.now().microsecond / 1_000_000
        self.set_timer(1.0 - fraction, self._start_ticking)

    def _start_ticking(self) -> None:
        self.tick()
        self.ticker = self.set_interval(1.0, self.tick)
        if self.app.screen is not self:
            self.ticker.pause()

    @on(events.ScreenResume)
    def _codes_after_the_first_frame(self) -> None:
        # While the App is starting, Textual writes no frame and runs after-refresh callbacks at
        # once; the App's own queue is only read once it has started, so go through it.
        if not self.slots:
            self.app.call_later(self.call_after_refresh, self._mount_codes)

    def _mount_codes(self) -> None:
        if self.slots:
            return
        style = self.arrangement.qr_style
        self.slots = [
            QRCode(
                link.url,
                qr_style=style,
                defer=CODES_AFTER + i / 20,
                caption=link.caption or link.title,
                caption_rows=CAPTION_ROWS[style],
                id=f"code-{i}",
                classes="code",
            )
            for i, link in enumerate(self.links)
        ]
        self._centre_codes()
        self.show_codes()
        self.codes.mount_all(self.slots)

    def on_resize(self, event: events.Resize) -> None:
        if not self._ticking:
            return  # compose arranged the first time
        self.apply_arrangement()
        self.show_codes()

    def on_screen_suspend(self) -> None:
        # nothing here is seen under another screen: no wake-ups while a warm-up plays
        self.awake = False
        if self.ticker is not None:
            self.ticker.pause()

    def on_screen_resume(self) -> None:
        self.awake = True
        self.touch()  # back from a check-in or woken: bright for a while before it dims
        if self.ticker is not None:
            self.ticker.resume()
        self.tick()

    @property
    def qr_styles(self) -> tuple[str, ...]:
        """The QR styles the console font can draw, best first (the App knows the font)."""
        return qr_styles(self.studio.qr_style, getattr(self.app, "font", None))

    # --- what is shown, derived from the clock ----------------------------------------------

    def hours_text(self) -> str:
        return self.studio.hours.status(self.clock.now())

    def hours_class(self) -> str:
        """Open and closed differ in colour as well as in words (front_desk.tcss)."""
        return "-open" if self.studio.hours.is_open(self.clock.now()) else ""

    def step(self, seconds: float) -> int:
        return int((self.clock.monotonic() - self.started) // seconds)

    def tick(self) -> None:
        """Bring everything up to the clock's time. Only what changed is redrawn."""
        if not self._ticking:
            return  # not mounted yet
        if self.app.screen is not self:
            # hidden under another screen, whose redraws would still pay for these (Textual
            # redraws the screen just below the top one); on_screen_resume catches up
            return
        now = self.clock.now()
        self.wall_clock.tick(now)
        minute = (now.toordinal(), now.hour, now.minute)
        if minute != self._minute:  # the big time and the opening hours change by the minute
            self._minute = minute
            self.big_clock.show(now.strftime("%H:%M"))
            # the later content files are read after the first paint: their fallbacks count too
            if self.content_mark.display != self.content.fallback_in_use:
                self.content_mark.display = self.content.fallback_in_use
            text = self.studio.hours.status(now)
            if text != self.shown_hours:
                self.shown_hours = text
                self.hours.update(text)
                self.hours.set_class(self.studio.hours.is_open(now), "-open")
            self.dim_after_hours()
        step = self.step(self.studio.slide_seconds)
        if step != self._slide_step:  # the codes take turns on every other slide
            self._slide_step = step
            self.slide.show(step)
            self.show_codes()

    def touch(self) -> None:
        """Someone used the screen (the App calls this for each key or tap)."""
        self.used_at = self.clock.monotonic()

    def dim_after_hours(self) -> None:
        """After hours (kiosk/core/after_hours.py), and untouched for `wake_minutes`: the calm
        screen goes over this one until the studio opens or a key wakes it."""
        policy = self.studio.after_hours
        if self.clock.monotonic() - self.used_at < policy.wake_minutes * 60:
            return
        if after_hours(self.studio.hours, policy, self.clock.now()) is None:
            return
        from kiosk.ui.screens.after_hours import AfterHoursScreen  # not for the first paint

        self.app.push_screen(AfterHoursScreen(self.content, self.clock))

    def show_codes(self) -> None:
        shown = self.arrangement.shown
        n = len(self.links)
        # codes take turns more slowly than slides: a phone needs time to be got out
        offset = 0 if shown >= n else (self.step(2 * self.studio.slide_seconds) * shown) % n
        visible = {(offset + i) % n for i in range(min(shown, n))}
        for i, slot in enumerate(self.slots):
            want = i in visible
            if slot.display != want:
                slot.display = want

    def arrange_for(self, width: int, height: int) -> Arrangement:
        """The codes' arrangement, and whether the name is in block letters (``name_blocks``):
        only where that costs no code and no change of the codes' style."""
        # the notices sit above the hint line, the staff note above the storage problem
        notices = 1 if self.storage_problem else 0
        if self.staff_note:
            notices += len(plain_lines(self.staff_note, width - 2))
        style = self.qr_styles
        plain = arrange(width, height, self.links, style, notices=notices)
        masthead = masthead_rows(self.studio.name, width, height)
        self.name_blocks = False
        if masthead > MASTHEAD_ROWS:
            big = arrange(width, height, self.links, style, masthead=masthead, notices=notices)
            n = len(self.links)
            if min(big.shown, n) >= min(plain.shown, n) and big.qr_style == plain.qr_style:
                self.name_blocks = True
                return big
        return plain

    def on_desk_time_shown(self, event: DeskTime.Shown) -> None:
        self.wall_clock.show_time(not event.big)

    def apply_arrangement(self) -> None:
        width, height = self.size if self.size.area else self.app.size
        a = self.arrange_for(width, height)
        name = self.query_one(StudioName)
        if name.blocks != self.name_blocks:
            name.blocks = self.name_blocks
            self.query_one("#masthead").set_class(self.name_blocks, "-blocks")
            name.refresh(layout=True)
        if a == self.arrangement:
            return
        self.arrangement = a
        self.query_one("#main").set_class(a.stacked, "-stacked")
        for qr in self.slots:
            qr.set_style(a.qr_style, CAPTION_ROWS[a.qr_style])
        self._place_codes(width)
        self._centre_codes()

    def _centre_codes(self) -> None:
        """A code smaller than its slot sits in the middle of it."""
        for qr in self.slots:
            left = (self.arrangement.slot_width - qr.code_size.width) // 2
            qr.styles.margin = (0, 0, 0, left)

    def _place_codes(self, screen_width: int) -> None:
        """Size and place the codes' grid for the arrangement (before or after mounting)."""
        a = self.arrangement
        codes = self.codes
        codes.display = a.shown > 0
        if not a.shown:
            return
        codes.styles.grid_size_columns = a.columns
        codes.styles.grid_size_rows = a.rows
        codes.styles.grid_columns = str(a.slot_width)
        codes.styles.grid_rows = str(a.slot_height)
        width = a.columns * a.slot_width + (a.columns - 1) * GAP_COLUMNS
        codes.styles.width = width
        codes.styles.height = a.rows * a.slot_height + (a.rows - 1) * GAP_ROWS
        # below the text the codes are centred; beside it they keep a gap from the text
        left = (screen_width - 2 - width) // 2 if a.stacked else GAP_COLUMNS
        codes.styles.margin = (GAP_ROWS if a.stacked else 0, 0, 0, left)

    def show_storage_problem(self, text: str) -> None:
        """Say that check-ins may not be saved ("Storage full - see staff"); "" hides it."""
        line = self.query_one("#storage-problem", Static)
        self.storage_problem = text
        if str(line.content) != text:
            line.update(text)
            line.display = bool(text)
            self._stack_notices()
            self.apply_arrangement()
            self.show_codes()  # fewer may fit now

    def show_staff_note(self, text: str) -> None:
        self.staff_note = text
        if self._ticking:  # mounted; on_mount shows it otherwise
            note = self.query_one("#staff-note", Static)
            note.update(text)
            note.display = bool(text)
            self._stack_notices()
            self.apply_arrangement()
            self.show_codes()  # fewer may fit now

    def _stack_notices(self) -> None:
        # both are docked over the hint line: the staff note goes above the storage problem
        note = self.query_one("#staff-note")
        note.styles.margin = (0, 0, 2 if self.storage_problem else 1, 0)

    # --- input ----------------------------------------------------------------------------

    def on_warmup_button_pressed(self, event: WarmupButton.Pressed) -> None:
        event.stop()
        self.action_warmups()

    def on_register_button_pressed(self, event: RegisterButton.Pressed) -> None:
        event.stop()
        self.action_register()

    def on_studio_name_tapped(self, event: StudioName.Tapped) -> None:
        now = self.clock.monotonic()
        self.taps = [t for t in self.taps if now - t <= TAP_WINDOW] + [now]
        if len(self.taps) >= TAPS_FOR_STAFF:
            self.taps = []
            self.action_staff()

    def action_warmups(self) -> None:
        self.post_message(messages.OpenWarmups())

    def action_register(self) -> None:
        self.post_message(messages.OpenRegistration())

    def action_staff(self) -> None:
        self.post_message(messages.OpenStaff())
