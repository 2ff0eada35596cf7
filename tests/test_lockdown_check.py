"""`kiosk check` on the set-up: content summary, terminal, data directory (lock, space), backups,
the staff PIN, and console fonts (PSF files and the kernel's Unicode map of the console)."""

from __future__ import annotations

import fcntl
import gzip
import os
import pty
import struct
import termios
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk import checkup, console
from kiosk.checkup import Level
from kiosk.cli import main
from kiosk.core.consolefont import NotAFont, font_characters
from kiosk.core.content import Content
from kiosk.core.members import Member
from kiosk.core.studio import Slide
from kiosk.store import Store
from kiosk.store.backup import make_backup
from kiosk.store.pin import set_pin

from .conftest import CONTENT_DIR, LONDON


def psf1(chars_per_glyph: list[list[str]], sequence: str = "") -> bytes:
    """A 256-glyph PSF1 font (8x2 glyphs) with a Unicode table."""
    table = b""
    for n in range(256):
        codes = chars_per_glyph[n] if n < len(chars_per_glyph) else []
        table += b"".join(struct.pack("<H", ord(c)) for c in codes)
        if n == 0 and sequence:
            table += struct.pack("<H", 0xFFFE) + b"".join(
                struct.pack("<H", ord(c)) for c in sequence
            )
        table += struct.pack("<H", 0xFFFF)
    return b"\x36\x04" + bytes([0x02, 2]) + b"\0" * 512 + table


def psf2(chars_per_glyph: list[list[str]], sequence: str = "") -> bytes:
    length, charsize = len(chars_per_glyph), 16
    header = b"\x72\xb5\x4a\x86" + struct.pack("<7I", 0, 32, 1, length, charsize, 16, 8)
    table = b""
    for n, codes in enumerate(chars_per_glyph):
        table += "".join(codes).encode()
        if n == 0 and sequence:
            table += b"\xfe" + sequence.encode()
        table += b"\xff"
    return header + b"\0" * (length * charsize) + table


GLYPHS = [["A"], ["█"], ["─", "-"], ["é"]]


@pytest.mark.parametrize("make", [psf1, psf2])
def test_a_psf_fonts_unicode_table(make: object) -> None:
    assert callable(make)
    font = make(GLYPHS, sequence="e\u0301")
    # the sequence's parts are not in the table
    assert font_characters(font) == frozenset({"A", "█", "─", "-", "é"})
    assert font_characters(gzip.compress(font)) == frozenset({"A", "█", "─", "-", "é"})


def test_a_font_without_a_table_or_not_a_font() -> None:
    assert font_characters(b"\x36\x04" + bytes([0x00, 2]) + b"\0" * 512) is None
    with pytest.raises(NotAFont):
        font_characters(b"hello, not a font")


def test_missing_glyphs_are_named_with_the_fix() -> None:
    found = checkup.font_findings(frozenset("─│█"), frozenset("─▀│←"), "the console font")
    assert [f.level for f in found] == [Level.WARNING]
    assert "lacks ← ▀" in found[0].text and "Vietnamese-TerminusBold32x16" in found[0].text
    assert checkup.font_findings(frozenset("─▀"), frozenset("▀"), "x")[0].level is Level.OK


def test_the_real_ioctl_on_a_pty_says_it_cannot_tell() -> None:
    master, slave = pty.openpty()
    try:
        assert console.unimap(slave) is None
    finally:
        os.close(master)
        os.close(slave)


def test_characters_drawn_include_the_contents_own(content: Content) -> None:
    drawn = checkup.characters_drawn(content)
    assert {"─", "█", "░", "·"} <= drawn  # box lines, the countdown bar, separators
    assert "▁" not in drawn  # only in a docstring (lockdown.py), never drawn
    assert "▀" not in drawn  # the QR style follows the font: checked by qr_findings
    cafe = replace(content, slides=(Slide("Café", "Packs from £5"),))
    assert {"é", "£"} <= checkup.characters_drawn(cafe)


def test_ui_characters_come_from_strings_not_docstrings(tmp_path: Path) -> None:
    (tmp_path / "screen.py").write_text(
        '"""Module ▁."""\n'
        "class S:\n"
        '    """Class ▂."""\n'
        "    def f(self) -> str:\n"
        '        """Function ▃."""\n'
        '        return "← Back · Café"  # comment ▄\n'
    )
    assert checkup.ui_characters(tmp_path) == {"←", "·", "é"}


def test_colours_from_the_environment() -> None:
    assert checkup.colours({"TERM": "linux"}) == 16
    assert checkup.colours({"TERM": "xterm-256color"}) == 256
    assert checkup.colours({"TERM": "xterm", "COLORTERM": "truecolor"}) == 16_777_216
    assert checkup.colours({"TERM": "dumb"}) == 0


@pytest.mark.parametrize(("size", "small"), [((120, 33), False), ((70, 20), True)])
def test_terminal_size_is_reported(size: tuple[int, int], small: bool) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    try:
        with open(slave, "w", closefd=False) as stream:
            found = checkup.terminal({"TERM": "linux"}, stream)
    finally:
        os.close(master)
        os.close(slave)
    assert found[0].text == f"{size[0]}x{size[1]}, TERM=linux, 16 colours"
    assert any(f.level is Level.WARNING and "smaller than 80x24" in f.text for f in found) is small


@pytest.fixture(autouse=True)
def no_console_font_of_this_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`kiosk check` reads no console-setup file nor console of the machine running the tests."""
    monkeypatch.setattr(checkup, "CONSOLE_SETUP", tmp_path / "no-console-setup")
    monkeypatch.setattr(checkup, "active_console_characters", lambda: None)


def with_a_member(data: Path) -> None:
    """A data file for a backup to copy."""
    with Store.open(data) as store:
        store.add_member(Member("FT-0001", "Kim", "Test", "+447700900001"))


def check(data: Path, *more: str) -> int:
    return main(["--data", str(data), "--content", str(CONTENT_DIR), "check", *more])


def test_a_set_up_kiosk(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkup, "active_console_characters", lambda: None)
    set_pin(data_dir, "24680")
    with_a_member(data_dir)
    now = datetime.now(LONDON)
    make_backup(data_dir, now - timedelta(hours=3), keep=3)
    with Store.open(data_dir):  # a kiosk is running on it
        assert check(data_dir) == 0
    out = capsys.readouterr().out
    assert "content OK:" in out and "slides," in out and "programmes," in out
    assert "terminal: " in out
    assert f"in use by a running kiosk (process {os.getpid()})" in out
    assert "GB" in out
    assert "backups: 1, the newest made" in out and "(3 hours ago)" in out
    assert "staff PIN: set" in out
    assert "warning" not in out and "problem" not in out


def test_a_fresh_kiosk_is_warned_not_failed(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkup, "active_console_characters", lambda: None)
    assert check(data_dir) == 0
    out = capsys.readouterr().out
    assert "no kiosk is running on it" in out
    assert "warning: backups: none yet" in out
    assert "warning: staff PIN: not set" in out and "kiosk set-pin" in out


def test_an_old_backup_is_a_warning(data_dir: Path) -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=LONDON)
    with_a_member(data_dir)
    make_backup(data_dir, now - timedelta(days=5), keep=3)
    found = checkup.backups(data_dir, now)
    assert found.level is Level.WARNING and "5 days ago" in found.text


def test_a_data_directory_that_is_a_file_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.write_text("oops")
    assert check(data) == 1
    assert "problem: data directory:" in capsys.readouterr().out


def test_a_font_file_is_checked(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lacking = tmp_path / "Lat15-Fixed16.psf.gz"
    lacking.write_bytes(gzip.compress(psf2([["A"], ["─"], ["│"], ["█"]])))
    assert check(data_dir, "--font", str(lacking)) == 0  # qr_style "auto": the kiosk still runs
    out = capsys.readouterr().out
    assert "warning: console font:" in out and "░" in out and "lacks" in out
    assert "QR codes:" in out and "lacks ▀ ▄: the codes are drawn in full size" in out
    garbage = tmp_path / "garbage.psf"
    garbage.write_bytes(b"not a font at all")
    assert check(data_dir, "--font", str(garbage)) == 1
    assert "problem: console font:" in capsys.readouterr().out


PI_FONT = Path("/usr/share/consolefonts/Vietnamese-TerminusBold32x16.psf.gz")


@pytest.mark.skipif(not PI_FONT.exists(), reason="console-setup-linux fonts not installed")
def test_the_font_the_guide_sets_has_everything(content: Content) -> None:
    chars = font_characters(PI_FONT.read_bytes())
    assert chars is not None
    assert checkup.characters_drawn(content) <= chars
