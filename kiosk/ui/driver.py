"""The kiosk's terminal driver: Textual's Linux driver, made safe for a terminal that goes away
and for input no person meant.

- Never suspended. Textual leaves application mode on SIGTSTP and starts it again on SIGCONT
  (Ctrl+Z, then `fg`). A hang-up (tmux kill-session, ssh dropped) sends SIGHUP *and* SIGCONT:
  the second start left a new output thread behind while the first died writing to the closed
  terminal, and the exit then blocked for ever putting into its full queue, holding the data
  directory's lock (issue 15, finding 8). The kiosk has no suspend, so both signals are plain.
- Knows when its terminal has gone: the input thread sees the hang-up at once, nothing more is
  written (there is nobody to read it, and a dead output thread would block the writer), and
  the App is told so it can leave.
- On the Linux console, says when the console may blank the screen (kiosk/ui/console_blank.py,
  the App's `console_blanking`): never, from the moment Textual has the screen.
- A bracketed-paste start with no end times out after a second and what followed it goes on as
  typed keys (kiosk/core/paste.py); Textual's parser would hold every key until the end.
"""

from __future__ import annotations

import codecs
import os
import selectors
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from kiosk.core.paste import END, START, PasteFilter, Piece
from kiosk.ui.console_blank import ConsoleBlanking

if TYPE_CHECKING:
    from textual.app import App

TICK_SECONDS = 0.1  # as Textual's own input loop
HOLD_TICK_SECONDS = 0.02  # while the first characters of a paste marker wait for the rest


class TerminalGone(Message):
    """The terminal hung up: nobody can see or type at this kiosk any more."""


class KioskDriver(LinuxDriver):
    def __init__(
        self,
        app: App[Any],
        *,
        debug: bool = False,
        mouse: bool = True,
        size: tuple[int, int] | None = None,
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        signal.signal(signal.SIGCONT, signal.SIG_DFL)  # replaces Textual's "start again"
        signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # no suspend (Ctrl+Z is a key anyway)
        self.gone = False
        # the App's (KioskApp makes it in __init__; Textual makes the driver later, in run)
        blanking = getattr(app, "console_blanking", None)
        self.blanking = blanking if isinstance(blanking, ConsoleBlanking) else None

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]
        if self.blanking is not None and sys.__stderr__ is not None:
            # Textual draws on standard error; through self.write, in turn with its output
            self.blanking.attach(self.write, sys.__stderr__.fileno(), os.environ.get("TERM", ""))

    def stop_application_mode(self) -> None:
        if self.blanking is not None:
            self.blanking.detach()  # nothing more goes through a writer that is stopping
        super().stop_application_mode()

    def write(self, data: str) -> None:
        if not self.gone:
            super().write(data)

    def close(self) -> None:
        if not self.gone:  # stopping the output thread waits on it: it may have died
            super().close()

    def hung_up(self) -> None:
        if not self.gone:
            self.gone = True
            self.send_message(TerminalGone())

    def run_input_thread(self) -> None:
        """Textual's own input loop (LinuxDriver.run_input_thread), reading the terminal through
        a pipe fed by `_pump`, which notices a hang-up and puts the paste filter in front.

        Textual's input parser is private and has no hook: this keeps to its public loop and
        gives it only what the filter let through, instead of spinning on a terminal that reads
        empty. `fileno` is the pipe only while this thread runs: Textual touches the terminal's
        settings before it starts and after it has been joined."""
        terminal = self.fileno
        read_end, write_end = os.pipe()
        pump = threading.Thread(target=self._pump, args=(terminal, write_end), daemon=True)
        pump.start()
        self.fileno = read_end
        try:
            super().run_input_thread()
        finally:
            self.fileno = terminal
            pump.join()  # it ends with the exit event, as this loop did
            os.close(read_end)

    def _pump(self, terminal: int, write_end: int) -> None:
        selector = selectors.SelectSelector()
        selector.register(terminal, selectors.EVENT_READ)
        paste = PasteFilter()
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        try:
            while not self.exit_event.is_set():
                wait = HOLD_TICK_SECONDS if paste.held else TICK_SECONDS
                if selector.select(wait):
                    try:
                        data = os.read(terminal, 4096)
                    except OSError:  # EIO: the other end of the terminal has closed
                        data = b""
                    if not data:
                        self.hung_up()
                        # the pipe stays open (an ended pipe would read empty for ever, and
                        # Textual's loop would spin on it) until the driver stops
                        self.exit_event.wait()
                        break
                    text = decode(data)
                    if text:
                        _pass_on(write_end, paste.feed(text, time.monotonic()))
                _pass_on(write_end, paste.tick(time.monotonic()))
        finally:
            selector.close()
            os.close(write_end)


def _pass_on(write_end: int, pieces: list[Piece]) -> None:
    """What the filter let through, for Textual's parser: a whole paste in its markers again
    (a start inside it taken out, as the filter does), typed keys as they came."""
    for piece in pieces:
        text = f"{START}{piece.text.replace(START, '')}{END}" if piece.pasted else piece.text
        data = text.encode()
        while data:
            data = data[os.write(write_end, data) :]
