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
import time
from typing import TYPE_CHECKING, Any

from textual import events
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from kiosk.core.paste import PasteFilter, Piece
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
        self.kiosk = app

    def start_application_mode(self) -> None:
        super().start_application_mode()  # type: ignore[no-untyped-call]
        blanking = getattr(self.kiosk, "console_blanking", None)
        if isinstance(blanking, ConsoleBlanking) and sys.__stderr__ is not None:
            # Textual draws on standard error; through self.write, in turn with its output
            blanking.attach(self.write, sys.__stderr__.fileno(), os.environ.get("TERM", ""))

    def stop_application_mode(self) -> None:
        blanking = getattr(self.kiosk, "console_blanking", None)
        if isinstance(blanking, ConsoleBlanking):
            blanking.detach()  # nothing more goes through a writer that is stopping
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
        """Textual's input loop (LinuxDriver.run_input_thread) with the paste filter in front of
        the parser and the hang-up noticed, instead of spinning on a terminal that reads empty."""
        # Textual has no public input parser, nor a hook into it: a paste start with no end has
        # no upstream issue of its own (closest: Textualize/textual#541, input that froze the
        # parser with "no way to recover", and #564, which added bracketed paste). This is the
        # kiosk's one use of a private Textual module; LinuxDriver.run_input_thread is public.
        from textual._xterm_parser import XTermParser

        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser()
        paste = PasteFilter()
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        try:
            while not self.exit_event.is_set():
                wait = HOLD_TICK_SECONDS if paste.held else TICK_SECONDS
                if selector.select(wait):
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError:  # EIO: the other end of the terminal has closed
                        data = b""
                    if not data:
                        self.hung_up()
                        return
                    text = decode(data)
                    if text:
                        self._parse(parser, paste.feed(text, time.monotonic()))
                self._parse(parser, paste.tick(time.monotonic()))
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()

    def _parse(self, parser: Any, pieces: list[Piece]) -> None:
        for piece in pieces:
            if piece.pasted:
                self.process_message(events.Paste(piece.text.replace("\x00", "")))
            else:
                for event in parser.feed(piece.text):
                    self.process_message(event)
