"""The warm-up player: one programme, played by the timer engine, with big digits and the steps.

What is shown is derived from the engine's state (``WarmupTimer.moment()``); the screen never
counts ticks. It looks again just after the next moment something shown changes (the next whole
second, half second of the cue's flash, or rep), so each second appears on time and nothing is
redrawn in between; a late look shows the right state a little late and never drifts.

Keys and the buttons along the bottom pause, skip, go back, add or take 15 s, finish a set (D),
restart the exercise (R) and leave (Esc, after asking). The last 3 seconds of a phase flash,
ring the terminal bell and play the studio's optional sound command.
"""

from __future__ import annotations

import re
import shlex
import subprocess
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.types import CSSPathType
from textual.widgets import Button, Static

from kiosk.core.clock import Clock
from kiosk.core.programmes import Phase, Programme, Segment, Side, Step, length_text
from kiosk.core.timer import Moment, WarmupTimer
from kiosk.ui import messages
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.widgets.countdown import BigCountdown, ProgressLine, TextLine

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

LOOK_LATE = 0.002  # look this long after a change is due, so the change has surely happened
LONGEST_WAIT = 1.0  # look at least this often (a pause's two minutes, a clock that jumps)
PAUSED_IDLE = 120.0  # paused and untouched this long: back to the front desk
FINISH_SECONDS = 15.0  # the finish screen stays this long
SOUND_TIMEOUT = 10.0  # a sound command still running after this is stopped
SKIP_STEP = 15  # seconds for + and -
# the colours of the phase band and the digits, as component classes in warmup.tcss
BAND_LOOKS = ("get-ready", "work", "rest", "done", "paused", "flash")
DIGIT_TONES = ("get-ready", "work", "rest", "done", "paused", "cue")
SHORT = 30  # rows below which the exercise text loses its blank lines

CSS: list[str | Any] = ["warmup.tcss"]


def play_sound(command: str) -> None:
    """Run the studio's sound command and wait for it (in a worker thread), ignoring failures.

    A missing program, a typo in the command or a player that hangs never reaches the client.
    """
    try:
        argv = shlex.split(command)
        if not argv:
            return
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        return
    try:
        process.wait(timeout=SOUND_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def side_text(side: Side | None) -> str:
    return f"{side.value} side" if side else ""


def set_text(segment: Segment | None, step: Step | None) -> str:
    """``Set 2 of 3 · left side``; only the parts that say something."""
    if segment is None or step is None:
        return ""
    parts = []
    if step.sets > 1:
        parts.append(f"Set {segment.set_no} of {step.sets}")
    if segment.side:
        parts.append(side_text(segment.side))
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]


def step_no_text(moment: Moment, steps: int) -> str:
    """``Exercise 3 of 6``, counting the programme's steps."""
    if moment.segment is None:
        return ""
    return f"Exercise {moment.segment.step + 1} of {steps}"


def next_text(moment: Moment) -> str:
    if moment.next_up is None or moment.next_step is None:
        return "Last one!" if moment.phase is not Phase.DONE else ""
    parts = [f"Next: {moment.next_step.exercise.name}"]
    if moment.next_step.sets > 1:
        parts.append(f"set {moment.next_up.set_no} of {moment.next_step.sets}")
    if moment.next_up.side:
        parts.append(side_text(moment.next_up.side))
    return " · ".join(parts)


def phase_text(moment: Moment) -> str:
    segment = moment.segment
    if moment.phase is Phase.DONE:
        return "WELL DONE"
    if moment.paused:
        return "PAUSED · Space to carry on"
    if moment.phase is Phase.GET_READY:
        return "GET READY"
    if moment.phase is Phase.REST:
        return "SWITCH SIDES" if segment and segment.switch_sides else "REST"
    if moment.waiting_for_done:
        return "YOUR PACE · D when done"
    return "WORK"


def count_text(moment: Moment) -> str:
    """The line under the digits: the rep being counted, or how the set is timed."""
    step = moment.step
    if step is None:
        return ""
    timing = step.timing
    if moment.phase is not Phase.WORK:
        return f"Coming up: {timing.describe()}"
    if moment.waiting_for_done:
        return f"{timing.reps} reps at your own pace, then press D"
    if moment.rep is not None:
        return f"Rep {moment.rep} of {timing.reps}"
    return "Hold"


def digits_text(moment: Moment) -> str:
    # a set at the client's own pace counts up: it ends when they say so
    seconds = int(moment.elapsed) if moment.waiting_for_done else moment.shown_seconds or 0
    if seconds >= 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return str(seconds)


def _shape(text: str) -> str:
    return re.sub(r"\d", "0", text)


class PhaseBand(TextLine):
    """The one-line band naming the phase, in the phase's colours (warmup.tcss).

    The colours come from component classes, picked at drawing time: switching a CSS class
    instead restyles the widget, which cost more than the rest of a second's redraw, twice a
    second while the band flashes.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"band--{look}" for look in BAND_LOOKS}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.look = ""  # one of BAND_LOOKS, or "" before the first second

    def show_look(self, look: str) -> None:
        if look != self.look:
            self.look = look
            self.recolour()

    def colours(self) -> Style:
        if not self.look:
            return self.rich_style
        return self.get_component_rich_style(f"band--{self.look}")


class PhaseDigits(BigCountdown):
    """The big countdown in the phase's colours, picked like the band's (see PhaseBand)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"digits--{tone}" for tone in DIGIT_TONES}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.tone = ""  # one of DIGIT_TONES, or "" before the first second

    def show_tone(self, tone: str) -> None:
        if tone != self.tone:
            self.tone = tone
            self.recolour()

    def colours(self) -> Style:
        if not self.tone:
            return self.rich_style
        return self.get_component_rich_style(f"digits--{self.tone}")


class KeyButton(Button, can_focus=False):
    """A one-line button for the key row. It never takes focus, so Space stays "pause"."""

    def __init__(self, label: str, action: str) -> None:
        super().__init__(label, id=f"key-{action}", compact=True)
        self.action_name = action


KEYS = (
    ("Space Pause ", "toggle_pause"),
    ("← Back", "back"),
    ("→ Skip", "skip"),
    ("-15s", "less"),
    ("+15s", "more"),
    ("D Done", "done"),
    ("R Restart", "restart"),
    ("Esc Leave", "leave"),
)


class WarmupScreen(Screen[None]):
    CSS_PATH: ClassVar[CSSPathType | None] = CSS
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause", show=False),
        Binding("right", "skip", "Skip", show=False),
        Binding("left", "back", "Back", show=False),
        Binding("plus,equals_sign", "more", "+15 s", show=False),
        Binding("minus,underscore", "less", "-15 s", show=False),
        Binding("d", "done", "Done", show=False),
        Binding("r", "restart", "Restart", show=False),
        Binding("escape", "leave", "Leave", show=False),
    ]

    def __init__(
        self, programme: Programme, clock: Clock, sound_command: str | None = None
    ) -> None:
        super().__init__()
        self.programme = programme
        self.clock = clock
        self.sound_command = sound_command
        self.timer = WarmupTimer(programme, clock)
        self.started = clock.monotonic()
        self.last_input = self.started
        self._shown: dict[str, object] = {}
        self._cued: tuple[int, int | None] | None = None
        self._finished = False
        self._next_look: Timer | None = None
        self.next_look_in = 0.0  # seconds from the last look to the next (tests read it)
        self.bells = 0  # rung so far (tests read it; the bell itself is invisible)
        self.sounds = 0  # sound commands started so far

    @property
    def kiosk(self) -> KioskApp:
        from kiosk.ui.app import KioskApp

        assert isinstance(self.app, KioskApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(id="header"):
            with Horizontal(id="top"):
                yield Static(self.programme.name, id="programme", markup=False)
                yield Static("", id="step-no", markup=False)
            yield PhaseBand(id="phase")
        # what changes every second sits together at the top of this column, so a
        # second's redraw covers a few widgets, not the whole screen
        with Vertical(id="clockside"):
            yield TextLine(id="total")
            yield ProgressLine(id="progress")
            yield PhaseDigits(id="digits")
            # in their own box: a second's redraw reaches into a box only where it is
            # drawn over, and these change a few times a minute
            with Vertical(id="notes"):
                yield Static("", id="set", markup=False)
                yield Static("", id="count", markup=False)
                yield Static("", id="next", markup=False)
        with Vertical(id="exercise"):
            yield Static("", id="name", markup=False)
            yield Static("", id="timing", markup=False)
            yield Static("", id="start", markup=False)
            yield Static("", id="steps", markup=False)
            yield Static("", id="safety", markup=False)
            yield Static("", id="muscles", markup=False)
        with Horizontal(id="keys"):
            for label, action in KEYS:
                yield KeyButton(label, action)

    def on_mount(self) -> None:
        self.digits = self.query_one(PhaseDigits)
        self.progress = self.query_one(ProgressLine)
        self.band = self.query_one(PhaseBand)
        self.lines = {str(w.id): w for w in self.query(Static) if w.id}  # looked up once
        self.tick()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.height < SHORT, "-short")

    # --- the tick: show the engine's state ------------------------------------------------

    def tick(self, *, on_time: bool = False) -> None:
        """Show the engine's state now, act on it, and plan the next look.

        ``on_time``: a timed look, whose second must reach the screen on time; a new exercise's
        text (which needs a new layout) is then shown just after that second's redraw.
        """
        if self._finished:
            return
        looked = self.clock.monotonic()
        moment = self.refresh_view(exercise_later=on_time)
        if moment.phase is Phase.DONE:
            self.finish()
            return
        if moment.paused:
            untouched = self.clock.monotonic() - max(self.last_input, self._paused_at())
            if untouched >= PAUSED_IDLE:
                self._finished = True
                self.kiosk.back_to_front_desk()
                return
        self._cue(moment)
        if self._next_look is not None:
            self._next_look.stop()
        # timed from the look, not from now: the redraw above took time, on a Pi a lot of it,
        # and the next second must not come late by that much
        due = looked + min(LONGEST_WAIT, moment.until_change() + LOOK_LATE)
        wait = max(0.0, due - self.clock.monotonic())
        self.next_look_in = wait
        self._next_look = self.set_timer(wait, self._look, name="warm-up look")

    def _look(self) -> None:
        self.tick(on_time=True)

    def _paused_at(self) -> float:
        return self.clock.monotonic() - self.timer.paused_for()

    def _set(self, widget_id: str, value: str) -> None:
        before = self._shown.get(widget_id)
        if before == value:
            return
        self._shown[widget_id] = value
        # a text that only changed its digits wraps the same: skip the layout pass, which
        # costs more than the rest of a second's redraw
        line = self.lines[widget_id]
        # a TextLine is one line whatever its text (it cuts, never wraps): never a layout
        layout = not isinstance(line, TextLine) and (
            not isinstance(before, str) or _shape(before) != _shape(value)
        )
        line.update(value, layout=layout)

    def refresh_view(self, *, exercise_later: bool = False) -> Moment:
        moment = self.timer.moment()
        self._set("total", f"Total left {length_text(moment.total_left)}")
        self._set("step-no", step_no_text(moment, len(self.programme.steps)))
        self._set("phase", phase_text(moment))
        self._set("set", set_text(moment.segment, moment.step))
        self._set("count", count_text(moment))
        self._set("next", next_text(moment))
        if exercise_later and self._shown.get("step") not in (None, moment.step):
            self.call_after_refresh(self._catch_up_exercise)
        else:
            self._show_exercise(moment.step)
        self.digits.show(digits_text(moment))
        self.progress.show(moment.progress)
        self._phase_colours(moment)
        pause_label = "Space Resume" if moment.paused else "Space Pause "
        if self._shown.get("pause-label") != pause_label:
            self._shown["pause-label"] = pause_label
            self.query_one("#key-toggle_pause", Button).label = pause_label
        return moment

    def _catch_up_exercise(self) -> None:
        if not self._finished:
            self._show_exercise(self.timer.moment().step)

    def _show_exercise(self, step: Step | None) -> None:
        if step is None or self._shown.get("step") is step:
            return
        self._shown["step"] = step
        e = step.exercise
        sets = f"{step.sets} sets · " if step.sets > 1 else ""
        each = " · each side" if e.per_side else ""
        self._set("name", e.name)
        self._set("timing", f"{sets}{step.timing.describe()}{each}")
        self._set("start", f"Start: {e.start}")
        self._set("steps", "\n".join(f"{n}. {text}" for n, text in enumerate(e.steps, 1)))
        self._set("safety", f"Safety: {e.safety}")
        self._set("muscles", f"Works: {', '.join(e.muscles)}")

    def _phase_colours(self, moment: Moment) -> None:
        phase = {
            Phase.GET_READY: "get-ready",
            Phase.WORK: "work",
            Phase.REST: "rest",
            Phase.DONE: "done",
        }[moment.phase]
        cue = moment.cue and not moment.paused
        # in the cue the band flashes: on for the first half of each second
        flash = cue and (moment.seconds_left or 0.0) % 1.0 > 0.5
        self.band.show_look("paused" if moment.paused else "flash" if flash else phase)
        self.digits.show_tone("paused" if moment.paused else "cue" if cue else phase)

    def _cue(self, moment: Moment) -> None:
        """Bell on each of the last 3 seconds; the sound command once, as the cue starts."""
        if not moment.cue or moment.paused:
            return
        key = (moment.index, moment.shown_seconds)
        if key == self._cued:
            return
        first = self._cued is None or self._cued[0] != moment.index
        self._cued = key
        self.bells += 1
        self.app.bell()
        if first and self.sound_command:
            self.sounds += 1
            self.run_worker(
                partial(play_sound, self.sound_command),
                thread=True,
                group="sound",
                exit_on_error=False,
            )

    def finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        spent = self.clock.monotonic() - self.started
        # The band already says WELL DONE, in a redraw as small as a second's, so the end
        # reaches the screen on time; the finish screen (a whole new screen) follows it.
        self.call_after_refresh(self._show_finish, spent)

    def _show_finish(self, spent: float) -> None:
        if self.app.screen is self:
            self.app.switch_screen(FinishScreen(self.programme, spent, self.clock))

    # --- what the client can do -----------------------------------------------------------

    def touch(self) -> None:
        """Someone is using the screen (the App calls this for every key, tap and scroll)."""
        self.last_input = self.clock.monotonic()

    def _after(self) -> None:
        self.touch()
        self.tick()  # the plan changed: show it, and look again when its next second is due

    def action_toggle_pause(self) -> None:
        self.timer.toggle_pause()
        self._after()

    def action_skip(self) -> None:
        self.timer.skip()
        self._after()

    def action_back(self) -> None:
        self.timer.back()
        self._after()

    def action_more(self) -> None:
        self.timer.add(SKIP_STEP)
        self._after()

    def action_less(self) -> None:
        self.timer.add(-SKIP_STEP)
        self._after()

    def action_done(self) -> None:
        self.timer.done()
        self._after()

    def action_restart(self) -> None:
        self.timer.restart_step()
        self._after()

    def action_leave(self) -> None:
        was_running = not self.timer.paused
        self.timer.pause()
        self._after()

        def answered(leave: bool | None) -> None:
            self.touch()
            if leave:
                self._finished = True
                self.post_message(messages.BackToFrontDesk())
            elif was_running:
                self.timer.resume()
                self._after()

        self.app.push_screen(LeaveDialog(), answered)

    @on(Button.Pressed, "KeyButton")
    def _key_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if isinstance(event.button, KeyButton):
            getattr(self, f"action_{event.button.action_name}")()


class LeaveDialog(ModalScreen[bool]):
    """Asks "Leave the warm-up?" so a stray Esc does not end it."""

    CSS_PATH: ClassVar[CSSPathType | None] = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="leave-box"):
            yield Static("Leave the warm-up?", id="leave-question", markup=False)
            with Horizontal(id="leave-buttons"):
                yield Button("Yes, leave (Y)", id="leave-yes", compact=True)
                yield Button("No, carry on (N)", id="leave-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#leave-no", Button).focus()

    def action_answer(self, leave: bool) -> None:
        self.dismiss(leave)

    @on(Button.Pressed, "#leave-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#leave-no")
    def _no(self) -> None:
        self.dismiss(False)


class FinishScreen(IdleScreen):
    """Well done: then back to the front desk by itself, or sooner on any key or tap."""

    CSS_PATH: ClassVar[CSSPathType | None] = CSS

    def __init__(self, programme: Programme, spent: float, clock: Clock) -> None:
        super().__init__(clock, FINISH_SECONDS)
        self.programme = programme
        self.spent = spent
        self._left = ""

    def compose(self) -> ComposeResult:
        yield Static("WELL DONE", id="finish-band", markup=False)
        with Vertical(id="finish-details"):
            yield Static(
                f"You finished {self.programme.name} in {length_text(round(self.spent))}.",
                id="finish-what",
                markup=False,
            )
            yield Static("Enjoy your session.", id="finish-wish", markup=False)
            yield Static("", id="finish-countdown", markup=False)

    def on_mount(self) -> None:
        # IdleScreen.on_mount runs too (Textual calls each class's): its look at the clock is
        # this screen's one timer, and moves the countdown on through idle_tick
        self.app.bell()
        self._show_left()

    def idle_tick(self) -> None:
        self._show_left()

    def _show_left(self) -> None:
        left = max(0, int(-(-(self.idle_seconds - self.idle_for) // 1)))
        text = f"Back to the front desk in {left} s. Press any key to close."
        if text != self._left:
            self._left = text
            self.query_one("#finish-countdown", Static).update(text)

    def idle_timeout(self) -> None:
        self.post_message(messages.BackToFrontDesk())

    def on_key(self, event: events.Key) -> None:
        event.stop()
        self.post_message(messages.BackToFrontDesk())

    def on_click(self, event: events.Click) -> None:
        self.post_message(messages.BackToFrontDesk())
