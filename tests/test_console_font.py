"""The console font decides the QR style: console-setup's font name, the kernel's Unicode map
(GIO_UNIMAP, with a fake that answers as the kernel does), qr_style "auto", and `kiosk check`
failing a style the font cannot draw. Fonts are small synthetic PSF files made here."""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gzip
import os
import pty
import shutil
import sys
from pathlib import Path

import pytest

from kiosk import checkup, console
from kiosk.cli import console_font, main
from kiosk.core.consolefont import (
    console_setup_font,
    qr_styles,
    style_missing,
    unimap_characters,
)

from .conftest import CONTENT_DIR
from .test_lockdown_check import psf1, psf2

STOCK = "A█░▒─│┌┐└┘"  # like Lat15-Fixed16 / Uni2-TerminusBold32x16: no half blocks
WITH_HALVES = STOCK + "▀▄"  # like Vietnamese-TerminusBold32x16


def font_file(directory: Path, name: str, chars: str, make: object = psf2) -> Path:
    assert callable(make)
    path = directory / name
    path.write_bytes(gzip.compress(make([[c] for c in chars])))
    return path


# -- /etc/default/console-setup -> the font file -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('FONT="Vietnamese-TerminusBold32x16.psf.gz"\n', "Vietnamese-TerminusBold32x16.psf.gz"),
        ("FONT=Lat15-Fixed16\n", "Lat15-Fixed16.psf.gz"),
        ('FONT="a.psf.gz b.psf.gz"\n', "a.psf.gz"),
        (
            'CODESET="Uni2"\nFONTFACE="TerminusBold"\nFONTSIZE="16x32"\n',
            "Uni2-TerminusBold32x16.psf.gz",
        ),
        (
            'CODESET="Uni2"\nFONTFACE="TerminusBold"\nFONTSIZE="32x16"\n',
            "Uni2-TerminusBold32x16.psf.gz",
        ),
        ('CODESET="guess"\nFONTFACE="Fixed"\nFONTSIZE="8x16"\n', "Lat15-Fixed16.psf.gz"),
        ('CODESET="Lat15"\nFONTFACE="Terminus"\nFONTSIZE="16"\n', "Lat15-Terminus16.psf.gz"),
        ('# FONT="x.psf.gz"\nCODESET="guess"\nFONTFACE=""\nFONTSIZE=""\n', None),  # kernel's font
        ("", None),
    ],
)
def test_console_setup_names_the_font(text: str, name: str | None) -> None:
    assert console_setup_font('ACTIVE_CONSOLES="/dev/tty[1-6]"\nCHARMAP="UTF-8"\n' + text) == name


def test_a_unimap_is_a_set_of_characters() -> None:
    assert unimap_characters([(ord("A"), 0), (ord("▀"), 1), (ord("A"), 2)]) == {"A", "▀"}


# -- which QR styles can be drawn ---------------------------------------------------------------


def test_auto_is_half_where_the_font_has_half_blocks_and_full_where_not() -> None:
    stock, halves = frozenset(STOCK), frozenset(WITH_HALVES)
    assert qr_styles("auto", None) == ("half",)  # xterm: every glyph
    assert qr_styles("auto", halves) == ("half",)
    assert qr_styles("auto", stock) == ("full", "compact")  # never half
    assert qr_styles("full", None) == ("full", "half")  # as before: half where full cannot fit
    assert qr_styles("full", stock) == ("full", "compact")
    assert qr_styles("half", stock) == ("half",)  # an explicit override is obeyed (check fails it)
    assert style_missing("half", stock) == "▀▄"
    assert style_missing("half", halves) == style_missing("full", stock) == ""
    assert style_missing("half", None) == ""


# -- the kernel's Unicode map (GIO_UNIMAP) -----------------------------------------------------


class FakeKernel:
    """GIO_UNIMAP as the kernel and fcntl.ioctl do it: the count is written back; fewer slots than
    entries is ENOMEM (the count still written back); else the pairs are copied to `entries`."""

    def __init__(self, chars: str, grow_once: str = "") -> None:
        self.pairs = [(ord(c), n) for n, c in enumerate(chars)]
        self.grow_once = grow_once  # a font loaded between the two calls
        self.calls: list[tuple[int, int]] = []

    def __call__(self, fd: int, request: int, arg: object) -> int:
        assert request == console.GIO_UNIMAP == 0x4B66
        desc = console.UniMapDesc.from_buffer(arg)  # type: ignore[arg-type]
        self.calls.append((fd, desc.entry_ct))
        room = desc.entry_ct
        if self.grow_once and room:
            self.pairs += [(ord(c), 300 + n) for n, c in enumerate(self.grow_once)]
            self.grow_once = ""
        desc.entry_ct = len(self.pairs)
        if room < len(self.pairs):
            raise OSError(errno.ENOMEM, "Cannot allocate memory")
        data = b"".join(
            code.to_bytes(2, sys.byteorder) + pos.to_bytes(2, sys.byteorder)
            for code, pos in self.pairs
        )
        ctypes.memmove(desc.entries, data, len(data))
        return 0


def test_the_map_is_asked_for_its_size_then_read() -> None:
    kernel = FakeKernel(STOCK)
    assert console.unimap(7, kernel) == frozenset(STOCK)
    assert kernel.calls == [(7, 0), (7, len(STOCK))]


def test_a_font_loaded_between_the_two_calls_is_read_again() -> None:
    kernel = FakeKernel(STOCK, grow_once="▀▄")
    assert console.unimap(7, kernel) == frozenset(WITH_HALVES)
    assert [room for _, room in kernel.calls] == [0, len(STOCK), len(WITH_HALVES)]


def test_not_a_console_or_no_permission_cannot_tell() -> None:
    for err in (errno.ENOTTY, errno.EPERM, errno.EINVAL):

        def refuse(fd: int, request: int, arg: object, err: int = err) -> int:
            raise OSError(err, os.strerror(err))

        assert console.unimap(7, refuse) is None


def test_the_kiosks_own_tty_is_read_through_fcntl_ioctl(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    master, slave = pty.openpty()
    kernel = FakeKernel(WITH_HALVES)
    try:
        with open(slave, closefd=False) as tty:
            monkeypatch.setattr(sys, "stdin", tty)
            monkeypatch.setattr(fcntl, "ioctl", kernel)
            found = console.active_font(tmp_path / "none", tmp_path)
    finally:
        os.close(master)
        os.close(slave)
    assert found is not None and found.chars == frozenset(WITH_HALVES)
    assert kernel.calls[0] == (slave, 0) and "console font of /dev/" in found.source


def test_without_the_map_the_font_console_setup_loads_is_read(tmp_path: Path) -> None:
    for make in (psf1, psf2):
        font_file(tmp_path, "Uni2-TerminusBold32x16.psf.gz", STOCK, make)
        setup = tmp_path / "console-setup"
        setup.write_text('CODESET="Uni2"\nFONTFACE="TerminusBold"\nFONTSIZE="16x32"\n')

        def refuse(fd: int, request: int, arg: object) -> int:
            raise OSError(errno.ENOTTY, "not a console")

        found = console.active_font(setup, tmp_path, refuse)
        assert found is not None and found.chars == frozenset(STOCK)
        assert found.source == "Uni2-TerminusBold32x16.psf.gz"
    # neither: on the console all the same, so only what needs no glyph
    found = console.active_font(tmp_path / "none", tmp_path, refuse)
    assert found is not None and found.chars == frozenset()
    assert qr_styles("auto", found.chars) == ("full", "compact")
    # not the console: a terminal that draws every glyph
    assert console_font({"TERM": "xterm-256color"}) is None


# -- kiosk check ---------------------------------------------------------------------------------


def content_with(tmp_path: Path, qr_style: str) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content)
    studio = content / "studio.toml"
    text = studio.read_text()
    assert 'qr_style = "auto"' in text
    studio.write_text(text.replace('qr_style = "auto"', f'qr_style = "{qr_style}"'))
    return content


def check(tmp_path: Path, content: Path, *more: str) -> int:
    return main(["--data", str(tmp_path / "data"), "--content", str(content), "check", *more])


@pytest.fixture
def console_setup(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    fonts = tmp_path / "consolefonts"
    fonts.mkdir()
    setup = tmp_path / "console-setup"
    setup.write_text('CHARMAP="UTF-8"\nCODESET="guess"\nFONTFACE="Fixed"\nFONTSIZE="8x16"\n')
    monkeypatch.setattr(checkup, "CONSOLE_SETUP", setup)
    monkeypatch.setattr(checkup, "FONT_DIRECTORY", fonts)
    monkeypatch.setattr(checkup, "active_console_characters", lambda: None)
    return fonts


@pytest.mark.parametrize(
    ("style", "font", "failed"),
    [("half", STOCK, True), ("half", WITH_HALVES, False), ("auto", STOCK, False)],
)
def test_check_fails_half_blocks_the_configured_font_lacks(
    tmp_path: Path,
    console_setup: Path,
    capsys: pytest.CaptureFixture[str],
    style: str,
    font: str,
    failed: bool,
) -> None:
    font_file(console_setup, "Lat15-Fixed16.psf.gz", font)
    assert check(tmp_path, content_with(tmp_path, style)) == (1 if failed else 0)
    out = capsys.readouterr().out
    qr = [line for line in out.splitlines() if "QR codes:" in line]
    assert len(qr) == 1 and "Lat15-Fixed16.psf.gz (set in " in qr[0]
    assert qr[0].startswith("problem: ") is failed
    if failed:
        assert 'qr_style = "half" needs ▀ ▄' in qr[0] and 'qr_style = "auto"' in qr[0]
        assert "FONT=Vietnamese-TerminusBold32x16.psf.gz" in qr[0] and "setupcon" in qr[0]


def test_check_with_a_font_file_fails_half_too(
    tmp_path: Path, console_setup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stock = font_file(tmp_path, "mine.psf", STOCK, psf1)
    assert check(tmp_path, content_with(tmp_path, "half"), "--font", str(stock)) == 1
    assert 'problem: QR codes: qr_style = "half" needs ▀ ▄, which' in capsys.readouterr().out
    assert check(tmp_path, content_with(tmp_path / "b", "full"), "--font", str(stock)) == 0


def test_a_console_setup_font_that_is_not_there_is_a_warning(
    tmp_path: Path, console_setup: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check(tmp_path, content_with(tmp_path, "auto")) == 0
    out = capsys.readouterr().out
    assert "warning: console font:" in out and "Lat15-Fixed16.psf.gz, which cannot be read" in out
