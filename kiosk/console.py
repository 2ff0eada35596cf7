"""Which characters the Linux console's font can draw, read from the system (the parsing is in
kiosk/core/consolefont.py).

First the kernel's Unicode map of the font on the kiosk's own tty (the GIO_UNIMAP ioctl: a few
microseconds, changes nothing); when that cannot be read (not a console, no permission), the font
file /etc/default/console-setup names (the font setupcon loads at boot). This sits beside the CLI
rather than in kiosk/store, which is the data directory's storage: these are system files the
kiosk only reads.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk.core.consolefont import (
    FONT_DIRECTORY,
    NotAFont,
    console_setup_font,
    font_characters,
    unimap_characters,
)

GIO_UNIMAP = 0x4B66  # linux/kd.h: read the console font's Unicode map
CONSOLE_SETUP = Path("/etc/default/console-setup")
TRIES = 3  # the map is read twice (its size, then the map); a font loaded between: again


class UniPair(ctypes.Structure):
    _fields_ = [("unicode", ctypes.c_ushort), ("fontpos", ctypes.c_ushort)]


class UniMapDesc(ctypes.Structure):
    _fields_ = [("entry_ct", ctypes.c_ushort), ("entries", ctypes.POINTER(UniPair))]


Ioctl = Callable[[int, int, UniMapDesc], object]


@dataclass(frozen=True)
class ConsoleFont:
    source: str  # for messages: "the console font of /dev/tty1", "Uni2-Fixed16.psf.gz"
    chars: frozenset[str]


def unimap(fd: int, ioctl: Ioctl | None = None) -> frozenset[str] | None:
    """The characters of the font on console `fd`; None when fd is no Linux console or its map
    cannot be read. Asked with no room first: the kernel answers ENOMEM and the count."""
    call = ioctl or _ioctl
    count = 0
    for _ in range(TRIES):
        pairs = (UniPair * max(count, 1))()
        desc = UniMapDesc(count, ctypes.cast(pairs, ctypes.POINTER(UniPair)))
        try:
            call(fd, GIO_UNIMAP, desc)
        except OSError as e:
            if e.errno != errno.ENOMEM or desc.entry_ct <= count:
                return None
            count = desc.entry_ct  # the kernel wrote how many there are
            continue
        n = min(desc.entry_ct, count)
        return unimap_characters((pairs[i].unicode, pairs[i].fontpos) for i in range(n)) or None
    return None


def _ioctl(fd: int, request: int, desc: UniMapDesc) -> object:
    # a mutable buffer: Python copies the struct back, also when the call fails (the count)
    return fcntl.ioctl(fd, request, desc)


def own_tty_font(ioctl: Ioctl | None = None) -> ConsoleFont | None:
    """The font of the console the kiosk runs on (its stdin or stdout)."""
    for stream in (sys.stdin, sys.stdout):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue
        if os.isatty(fd) and (chars := unimap(fd, ioctl)) is not None:
            return ConsoleFont(f"the console font of {os.ttyname(fd)}", chars)
    return None


def tty_font(device: str, ioctl: Ioctl | None = None) -> ConsoleFont | None:
    """The font of another console (e.g. /dev/tty1, where the kiosk runs, for `kiosk check`
    over ssh); reading another console's map needs root or the tty group."""
    try:
        fd = os.open(device, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        chars = unimap(fd, ioctl)
    finally:
        os.close(fd)
    return None if chars is None else ConsoleFont(f"the console font of {device}", chars)


def configured_font_file(
    setup: Path = CONSOLE_SETUP, fonts: Path = Path(FONT_DIRECTORY)
) -> Path | None:
    """The font file console-setup loads at boot, if the file names one."""
    try:
        name = console_setup_font(setup.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return None if name is None else fonts / name


def font_file(path: Path) -> ConsoleFont | None:
    """A PSF font file's characters; None if it cannot be read or has no Unicode table."""
    try:
        chars = font_characters(path.read_bytes())
    except (OSError, NotAFont, EOFError, ValueError):
        return None
    return None if chars is None else ConsoleFont(path.name, chars)


def active_font(
    setup: Path = CONSOLE_SETUP, fonts: Path = Path(FONT_DIRECTORY), ioctl: Ioctl | None = None
) -> ConsoleFont:
    """The characters of the Linux console's font (asked only on the console: TERM=linux).
    Unreadable both ways: an empty set, so the kiosk draws what needs no glyph."""
    if (found := own_tty_font(ioctl)) is not None:
        return found
    path = configured_font_file(setup, fonts)
    if path is not None and (found := font_file(path)) is not None:
        return found
    return ConsoleFont("the console font (unknown)", frozenset())
