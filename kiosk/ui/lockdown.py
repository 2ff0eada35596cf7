"""The kiosk's locked-down App base: no key, click or signal leaves it except staff's exit.

Textual's defaults are for desktop tools: Ctrl+Q quits, Ctrl+C hints at quitting, the command
palette can quit or take screenshots, a link click runs a web browser (a console browser on the
Pi, with a shell a few keys away), and an unexpected error prints a traceback with locals. Here
all of that is off: bindings are not inherited, those actions are refused, an error goes to the
log and the screen says "Restarting..." while the process exits non-zero for systemd to restart.

It also talks to systemd (READY=1 once the front desk is painted, WATCHDOG=1 from the event loop)
and leaves cleanly when its terminal goes away (SIGHUP, a hung-up tty) or systemd stops it: the
driver (kiosk/ui/driver.py) keeps the exit from blocking on a dead terminal, and a process that
has still not ended STOP_SECONDS after being told to is ended, so the data directory's lock is
free within 2 s whatever a thread is doing.
"""

from __future__ import annotations

import asyncio
import io
import logging
import os
import signal
import sys
import threading
from typing import ClassVar

from rich.console import Console, RenderableType
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.scrollbar import ScrollBar, ScrollBarRender

from kiosk.ui.driver import KioskDriver, TerminalGone
from kiosk.ui.watchdog import Notifier

# Exit status of staff mode's "Exit the kiosk": systemd's unit does not restart on it
# (RestartPreventExitStatus) and gives tty1 back to a login prompt; any other exit restarts.
LEFT_BY_STAFF = 10

log = logging.getLogger("kiosk")

RESTARTING = "Restarting..."
# told to stop (a signal, the terminal gone), the process ends by then even if Textual's exit or
# a worker thread hangs: a stuck kiosk holding the data directory's lock is worse than a cut one
# (every write is atomic, so ending it is as safe as the SIGKILL systemd would send later)
STOP_SECONDS = 1.5
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# app actions nobody at the desk may run, whatever binding or markup asks for them
REFUSED_ACTIONS = frozenset(
    {
        "quit",
        "help_quit",
        "suspend_process",
        "command_palette",
        "screenshot",
        "show_help_panel",
        "hide_help_panel",
        "change_theme",
        "toggle_dark",
    }
)


class WholeCellScrollBar(ScrollBarRender):
    """Scroll bars in whole cells: Textual's eighth blocks (▁▂▃ ▉▊▋) are not in console fonts."""

    VERTICAL_BARS: ClassVar[list[str]] = [" "] * 8
    HORIZONTAL_BARS: ClassVar[list[str]] = [" "] * 8


class LockedDownApp(App[int], inherit_bindings=False):
    # Ctrl+Q leaves only while nothing guards the way out (see `unguarded`)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "leave_unguarded", show=False, priority=True)
    ]
    ENABLE_COMMAND_PALETTE = False
    ALLOW_SELECT = False

    def __init__(self, notifier: Notifier | None = None) -> None:
        super().__init__()
        ScrollBar.renderer = WholeCellScrollBar  # Textual's documented way; one kiosk per process
        self.notifier = Notifier.from_environment() if notifier is None else notifier
        self.stopped_by: str | None = None
        self.stopping: threading.Timer | None = None  # ends the process if the exit hangs
        self.crash: BaseException | None = None  # the unexpected error that ended the kiosk
        self.error_console = Console(file=SaysRestarting(), markup=False, highlight=False)

    def on_mount(self) -> None:
        # subclasses' on_mount runs first (Textual walks the MRO), so the front desk is pushed
        self.call_after_refresh(self.ready)
        if not self.is_headless:  # a real terminal: Pilot tests share pytest's process
            loop = asyncio.get_running_loop()
            for signum in STOP_SIGNALS:
                loop.add_signal_handler(signum, self.stop_by_signal, signum)

    def get_driver_class(self) -> type[Driver]:
        return KioskDriver  # Textual's Linux driver, safe for a terminal that goes away

    def ready(self) -> None:
        """The front desk is painted: tell systemd, then keep telling it the loop is alive."""
        self.notifier.ready()
        seconds = self.notifier.ping_seconds
        if seconds is not None:
            self.set_interval(seconds, self.notifier.ping, name="watchdog")

    def leave_kiosk(self, code: int = LEFT_BY_STAFF) -> None:
        """The only way out (staff mode's exit): the process ends and the desk is left."""
        log.info("kiosk left from staff mode")
        self.notifier.stopping()
        self.exit(code, return_code=code)

    def unguarded(self) -> bool:
        """True while nobody could get into staff mode (no PIN set): Ctrl+Q leaves then."""
        return False

    def action_leave_unguarded(self) -> None:
        if self.unguarded():
            log.info("kiosk left with Ctrl+Q: no staff PIN is set")
            self.notifier.stopping()
            self.exit(0, return_code=0)  # on the Pi systemd starts it again (Restart=always)

    def stop_by_signal(self, signum: int) -> None:
        self.stopped_by = signal.Signals(signum).name
        log.info("kiosk stopped by %s", self.stopped_by)
        self.stop()

    def on_terminal_gone(self, message: TerminalGone) -> None:
        """The terminal has gone (tmux closed, ssh dropped): nobody is at this kiosk."""
        self.stopped_by = "terminal gone"
        log.info("kiosk stopped: its terminal has gone")
        self.stop()

    def stop(self) -> None:
        if self.stopping is not None:
            return
        self.notifier.stopping()
        self.exit(0)
        self.stopping = threading.Timer(STOP_SECONDS, self.end_process)
        self.stopping.daemon = True  # a process that ends in time never waits for it
        self.stopping.start()

    def end_process(self) -> None:
        """The process was told to stop and has not: end it (in the timer's thread)."""
        log.warning("the kiosk had not stopped %.1f s after being told to: ended", STOP_SECONDS)
        logging.shutdown()  # the log line is on disk before the process goes
        os._exit(0)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in REFUSED_ACTIONS:
            return False
        return super().check_action(action, parameters)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        log.info("a link was clicked and not opened: %s", url)

    @property
    def return_code(self) -> int | None:
        code = super().return_code
        # Textual leaves it unset after a panic: systemd must restart the kiosk all the same
        return 1 if code is None and self.crashed else code

    # Textual has no public hook for an unexpected error (Textualize/textual#2818): this is the
    # kiosk's one use of a private Textual name. It logs the error, then lets Textual close down.
    def _handle_exception(self, error: Exception) -> None:
        log.error("unexpected error, restarting", exc_info=error)
        self.crash = error
        super()._handle_exception(error)

    def panic(self, *renderables: RenderableType) -> None:
        logged: object = self.crash  # Textual passes the error it was handling on to here
        if not (len(renderables) == 1 and renderables[0] is logged):
            text = io.StringIO()
            console = Console(file=text, width=120, color_system=None, force_terminal=False)
            for renderable in renderables:
                console.print(renderable)
            log.error("the kiosk stopped:\n%s", text.getvalue().rstrip())
        self.crash = self.crash or RuntimeError("panic")
        super().panic(*renderables)

    @property
    def crashed(self) -> bool:
        return self.crash is not None


class SaysRestarting(io.StringIO):
    """Textual's error console: what it would print at exit (a traceback with locals, which may
    hold members' details) is kept out of sight and the screen only says "Restarting..."."""

    def write(self, text: str) -> int:
        if text.strip() and not self.getvalue().strip():
            print(RESTARTING, file=sys.stderr)
        return super().write(text)
