"""The Linux console's own screen blanking: off while the kiosk runs, on after hours if asked.

The kernel's console blanks the screen after some minutes without a key press (`consoleblank`,
often 10 minutes), whatever is being drawn: a front desk that goes black in opening hours. The
console takes its blanking time from escape codes any process writing to it may send
(console_codes(4), what `setterm --blank` writes): ``ESC [ 9 ; n ]`` blanks after n minutes
without a key press (0: never), and setting it also brings a blanked screen back;
``ESC [ 14 ; n ]`` is the same for powering the display down. A key press brings the screen back
at kernel level and still reaches the kiosk as a key.

Only on a virtual console (TERM=linux and the terminal is /dev/ttyN): anywhere else these codes
mean nothing, or something else. Written through the driver, in turn with Textual's own output.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

KEEP_AWAKE = "\x1b[9;0]\x1b[14;0]"  # never blank, never power down
BLANK_MINUTES = 1  # after hours, with blank_after_hours: black after a minute without a key
BLANK_WHEN_IDLE = f"\x1b[9;{BLANK_MINUTES}]"
VIRTUAL_CONSOLE = re.compile(r"/dev/(tty[0-9]+|console)")


def on_virtual_console(fd: int, term: str, ttyname: Callable[[int], str] = os.ttyname) -> bool:
    """The kiosk draws on the Linux console itself (not an xterm, ssh or tmux)."""
    if term != "linux":
        return False
    try:
        return VIRTUAL_CONSOLE.fullmatch(ttyname(fd)) is not None
    except OSError:  # not a terminal at all
        return False


class ConsoleBlanking:
    """Says to the console when it may blank. Writes nothing until attached to a virtual
    console's output (KioskDriver does so when Textual takes the screen), and each code only
    when the wish changes."""

    def __init__(self) -> None:
        self._write: Callable[[str], None] | None = None
        self.blank_when_idle = False  # what was last asked

    @property
    def attached(self) -> bool:
        return self._write is not None

    def attach(
        self,
        write: Callable[[str], None],
        fd: int,
        term: str,
        ttyname: Callable[[int], str] = os.ttyname,
    ) -> None:
        """Draw on ``fd`` through ``write``: if that is a virtual console, say at once whether
        it may blank (never, unless the calm screen is already up and allows it)."""
        if not on_virtual_console(fd, term, ttyname):
            return
        self._write = write
        write(BLANK_WHEN_IDLE if self.blank_when_idle else KEEP_AWAKE)

    def detach(self) -> None:
        self._write = None

    def allow_blanking(self, blank: bool) -> None:
        """After hours with blank_after_hours: True; in opening hours (or woken): False."""
        if blank == self.blank_when_idle:
            return
        self.blank_when_idle = blank
        if self._write is not None:
            self._write(BLANK_WHEN_IDLE if blank else KEEP_AWAKE)
