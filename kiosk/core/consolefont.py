"""Which characters a Linux console font can draw: the Unicode table of a PSF font.

`setfont -O FILE` saves the active console font (PSF 1 or 2, with its Unicode table); this reads
that table so `kiosk check` can say which of the kiosk's characters would show as a blank box.
"""

from __future__ import annotations

import gzip
import struct

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
