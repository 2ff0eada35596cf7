"""Which characters a Linux console font can draw: the Unicode table of a PSF font.

`setfont -O FILE` saves the active console font (PSF 1 or 2, with its Unicode table); this reads
that table so `kiosk check` can say which of the kiosk's characters would show as a blank box.
"""

from __future__ import annotations

import gzip
import struct
from collections.abc import Iterable

PSF1_MAGIC = b"\x36\x04"
PSF1_512 = 0x01
PSF1_HAS_TABLE = 0x02
PSF1_SEPARATOR = 0xFFFF
PSF1_SEQUENCE = 0xFFFE
PSF2_MAGIC = b"\x72\xb5\x4a\x86"
PSF2_HAS_TABLE = 0x01
PSF2_SEPARATOR = 0xFF
PSF2_SEQUENCE = 0xFE


class NotAFont(ValueError):
    pass


def font_characters(data: bytes) -> frozenset[str] | None:
    """The characters a PSF font (gzipped or not) maps to glyphs; None if it has no table."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if data.startswith(PSF1_MAGIC):
        return _psf1(data)
    if data.startswith(PSF2_MAGIC):
        return _psf2(data)
    raise NotAFont("not a PSF console font")


def _psf1(data: bytes) -> frozenset[str] | None:
    if len(data) < 4:
        raise NotAFont("PSF1 header cut short")
    mode, height = data[2], data[3]
    if not mode & PSF1_HAS_TABLE:
        return None
    glyphs = 512 if mode & PSF1_512 else 256
    table = data[4 + glyphs * height :]
    chars: set[str] = set()
    in_sequence = False  # combining sequences come after 0xFFFE, up to the separator: skipped
    for n in range(0, len(table) - 1, 2):
        (code,) = struct.unpack_from("<H", table, n)
        if code == PSF1_SEPARATOR:
            in_sequence = False
        elif code == PSF1_SEQUENCE:
            in_sequence = True
        elif not in_sequence:
            chars.add(chr(code))
    return frozenset(chars)


def _psf2(data: bytes) -> frozenset[str] | None:
    if len(data) < 32:
        raise NotAFont("PSF2 header cut short")
    _version, header, flags, length, charsize = struct.unpack_from("<5I", data, 4)
    if not flags & PSF2_HAS_TABLE:
        return None
    table = data[header + length * charsize :]
    chars: set[str] = set()
    for entry in table.split(bytes([PSF2_SEPARATOR])):
        singles = entry.split(bytes([PSF2_SEQUENCE]))[0]  # sequences after 0xFE: skipped
        chars.update(singles.decode("utf-8", "replace").replace("\ufffd", ""))
    return frozenset(chars)


# -- which font the console uses, and what the kiosk can draw with it ----------------------------

HALF_BLOCKS = "▀▄"  # what qr_style = "half" draws with (the widget uses ▀; a font has both or none)
QR_STYLES = ("auto", "half", "full")  # what studio.toml may say
FONT_DIRECTORY = "/usr/share/consolefonts"
FONT_SUFFIXES = (".psf.gz", ".psfu.gz", ".psf", ".psfu")


def unimap_characters(pairs: Iterable[tuple[int, int]]) -> frozenset[str]:
    """The characters of a console's Unicode map: (unicode, font position) pairs (GIO_UNIMAP)."""
    return frozenset(chr(code) for code, _position in pairs if code < 0xFFFE)


def console_setup_font(text: str) -> str | None:
    """The font file /etc/default/console-setup asks for: FONT=..., else CODESET-FONTFACE+FONTSIZE
    (as setupcon builds it, e.g. Uni2-TerminusBold32x16; CODESET "guess" is taken as Lat15, a UK
    Pi's); None if it names none. A name without a suffix gets .psf.gz. FONTSIZE may be "16x32"
    (setupcon's order), "32x16" (the file's), "8x16" or "16"."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip()] = value.strip().strip("\"'")
    if font := values.get("FONT", "").split()[:1]:  # FONT may list several; the first is the font
        name = font[0]
    else:
        face, size = values.get("FONTFACE", ""), values.get("FONTSIZE", "")
        if not face or not size:
            return None
        width, _, height = size.partition("x")
        if width == "8" and height:
            size = height  # 8x16 is the file Lat15-Fixed16
        elif width.isdigit() and height.isdigit() and int(width) < int(height):
            size = f"{height}x{width}"  # setupcon's 16x32 is the file's 32x16
        codeset = values.get("CODESET", "")
        name = f"{'Lat15' if codeset in ('', 'guess') else codeset}-{face}{size}"
    if not name.endswith(FONT_SUFFIXES):
        name += ".psf.gz"
    return name


def style_missing(style: str, chars: frozenset[str] | None) -> str:
    """The characters a QR style needs that the font lacks ("" when it can draw it; a font
    unknown (None) is taken to draw everything: a graphical terminal)."""
    if chars is None or style != "half":
        return ""
    return "".join(c for c in HALF_BLOCKS if c not in chars)


def qr_styles(configured: str, chars: frozenset[str] | None) -> tuple[str, ...]:
    """The QR styles to try, best first, for the configured style and the console font's
    characters (None: not a console, every glyph). "compact" is the smallest code drawn without
    a glyph, for when no full-size one fits. An explicit "half" is obeyed (`kiosk check` fails
    it)."""
    half_ok = not style_missing("half", chars)
    if configured == "half":
        return ("half",)
    if configured == "full":
        return ("full", "half") if half_ok else ("full", "compact")
    return ("half",) if half_ok else ("full", "compact")
