"""The console's blanking codes: written only to a virtual console, once per change, captured on
a pseudo-terminal or a fake writer (never this machine's real console)."""

from __future__ import annotations

import os
import pty

from kiosk.ui.console_blank import (
    BLANK_WHEN_IDLE,
    KEEP_AWAKE,
    ConsoleBlanking,
    on_virtual_console,
)


def tty1(fd: int) -> str:
    return "/dev/tty1"


def test_the_codes_are_setterms() -> None:
    # setterm --blank 0 --powerdown 0; setterm --blank 1
    assert KEEP_AWAKE == "\x1b[9;0]\x1b[14;0]"
    assert BLANK_WHEN_IDLE == "\x1b[9;1]"


def test_only_a_virtual_console_with_term_linux() -> None:
    main, other = pty.openpty()
    try:
        assert not on_virtual_console(other, "linux")  # a pseudo-terminal: /dev/pts/N
        assert on_virtual_console(other, "linux", tty1)
        assert on_virtual_console(other, "linux", lambda fd: "/dev/console")
        assert not on_virtual_console(other, "xterm-256color", tty1)
        assert not on_virtual_console(other, "linux", lambda fd: "/dev/ttyS0")  # a serial line
    finally:
        os.close(main)
        os.close(other)
    read, write = os.pipe()
    try:
        assert not on_virtual_console(read, "linux")  # not a terminal at all
    finally:
        os.close(read)
        os.close(write)


def test_written_to_the_console_once_per_change() -> None:
    main, other = pty.openpty()
    try:
        blanking = ConsoleBlanking()
        blanking.allow_blanking(False)  # not attached yet: nothing to write to

        def write(text: str) -> None:
            os.write(other, text.encode())

        blanking.attach(write, other, "linux", tty1)
        assert blanking.attached
        assert os.read(main, 100) == KEEP_AWAKE.encode()
        blanking.allow_blanking(True)
        blanking.allow_blanking(True)  # no change: nothing written
        blanking.allow_blanking(False)
        assert os.read(main, 100) == (BLANK_WHEN_IDLE + KEEP_AWAKE).encode()
    finally:
        os.close(main)
        os.close(other)


def test_nothing_written_off_the_console() -> None:
    written: list[str] = []
    blanking = ConsoleBlanking()
    main, other = pty.openpty()
    try:
        blanking.attach(written.append, other, "linux")  # a pty, as in an xterm or over ssh
    finally:
        os.close(main)
        os.close(other)
    blanking.allow_blanking(True)
    blanking.allow_blanking(False)
    assert written == [] and not blanking.attached


def test_attached_after_hours_says_so_at_once_and_detaches() -> None:
    written: list[str] = []
    blanking = ConsoleBlanking()
    blanking.allow_blanking(True)
    blanking.attach(written.append, 5, "linux", tty1)
    assert written == [BLANK_WHEN_IDLE]
    blanking.detach()
    blanking.allow_blanking(False)
    assert written == [BLANK_WHEN_IDLE]
