"""A QR code drawn with text cells in explicit black on white, so a phone can scan it off screen.

Two styles:
- ``half``: two modules per cell, stacked, using the upper half block ``▀`` (foreground = top
  module, background = bottom module). Cells whose two modules match are plain spaces with a
  background.
  Small, but the font needs ``▀`` (the Pi's stock console font lacks it).
- ``full``: each module is two spaces with a black or white background, one text row per module.
  Four times the area, but needs no special glyph at all.
- ``compact``: drawn as ``full``, but the smallest code there is (error correction L, a quiet zone
  of one module): for a console font without ``▀`` on a screen where no ``full`` code fits
  (a 39-character link is 31 rows, against 37 in ``full``: it fits 120x33).

The colours are never theme colours: pure black and white in a true-colour terminal, black and
bright white when Textual downgrades to 16 colours (TERM=linux), where phones still see them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

QUIET_ZONE = 4
COMPACT_QUIET_ZONE = 1  # phones read it; the standard's 4 would not fit a 120x33 console
STYLES = ("half", "full", "compact")

BLACK = Color.from_rgb(0, 0, 0)
WHITE = Color.from_rgb(255, 255, 255)

Matrix = tuple[tuple[bool, ...], ...]


@lru_cache(maxsize=32)
def qr_matrix(data: str, compact: bool = False) -> Matrix:
    """Modules of the smallest code (error correction M) holding ``data``, quiet zone included;
    ``compact``: error correction L and a one-module quiet zone. True is a dark module.
    """
    import qrcode  # drawn after the first paint, so imported then too
    from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

    level, border = (
        (ERROR_CORRECT_L, COMPACT_QUIET_ZONE) if compact else (ERROR_CORRECT_M, QUIET_ZONE)
    )
    code = qrcode.QRCode(version=None, error_correction=level, border=border)
    code.add_data(data, optimize=0)  # one segment: the size code_modules works out
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


# Data codewords of QR versions 1-40 at error correction M (the standard's table; a test checks it
# against qrcode's). With it the front desk sizes its layout without importing qrcode, which
# takes 10 ms, before its first paint.
M_CODEWORDS = (
    16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563, 627, 669,
    714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631, 1725, 1812, 1914,
    1992, 2102, 2216, 2334,
)  # fmt: skip
L_CODEWORDS = (
    19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721, 795, 861,
    932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071, 2191, 2306, 2434,
    2566, 2702, 2812, 2956,
)  # fmt: skip
ALPHANUMERIC = re.compile(rb"[0-9A-Z $%*+\-./:]*")


@lru_cache(maxsize=32)
def code_modules(data: str, compact: bool = False) -> int:
    """Modules across the code for ``data``, quiet zone included, without making the code.

    The code is one segment in the most compact mode for all of ``data`` (qr_matrix asks
    qrcode for that), so its version follows from the data's length alone.
    """
    raw = data.encode()
    n = len(raw)
    if raw.isdigit():  # numeric: 10 bits per 3 digits; count field 10/12/14 bits
        bits, count_bits = 10 * (n // 3) + (0, 4, 7)[n % 3], (10, 12, 14)
    elif ALPHANUMERIC.fullmatch(raw):  # 11 bits per 2 characters; count field 9/11/13 bits
        bits, count_bits = 11 * (n // 2) + 6 * (n % 2), (9, 11, 13)
    else:  # bytes: 8 bits each; count field 8/16/16 bits
        bits, count_bits = 8 * n, (8, 16, 16)
    table, border = (L_CODEWORDS, COMPACT_QUIET_ZONE) if compact else (M_CODEWORDS, QUIET_ZONE)
    for version, codewords in enumerate(table, start=1):
        size_class = 0 if version < 10 else 1 if version < 27 else 2
        if 4 + count_bits[size_class] + bits <= 8 * codewords:
            return 17 + 4 * version + 2 * border
    raise ValueError(f"too much data for one QR code: {len(data)} characters")


def code_size(data: str, style: str) -> Size:
    """Cells (columns, rows) the code for ``data`` takes in ``style``."""
    n = code_modules(data, style == "compact")
    return Size(n, (n + 1) // 2) if style == "half" else Size(2 * n, n)


def _colour(dark: bool) -> Color:
    return BLACK if dark else WHITE


def draw(matrix: Matrix, style: str) -> list[Strip]:
    """The code as rows of text cells."""
    if style not in STYLES:
        raise ValueError(f"unknown QR style {style!r}")
    rows: list[list[Segment]] = []
    if style != "half":
        for row in matrix:
            rows.append([Segment("  ", Style(bgcolor=_colour(m))) for m in row])
    else:
        light = (False,) * len(matrix[0])
        for y in range(0, len(matrix), 2):
            top = matrix[y]
            bottom = matrix[y + 1] if y + 1 < len(matrix) else light
            cells: list[Segment] = []
            for t, b in zip(top, bottom, strict=True):
                if t == b:
                    cells.append(Segment(" ", Style(bgcolor=_colour(t))))
                else:
                    cells.append(Segment("▀", Style(color=_colour(t), bgcolor=_colour(b))))
            rows.append(cells)
    return [Strip(Segment.simplify(cells)) for cells in rows]


class QRCode(Widget):
    """A QR code for ``data``, and an optional caption under it in ``caption_rows`` rows. The
    widget is exactly as wide as the code, and as tall as the code and the caption's rows.

    Working out a code takes about 25 ms on a PC (more on a Pi). With ``defer=S`` that happens S
    seconds after the widget is mounted, drawing a blank white square until then, so a screen full
    of codes paints at once and the codes follow a moment later. The caption is drawn by the
    widget itself (centred, wrapped to the code's width): one widget a code, not three.
    """

    def __init__(
        self,
        data: str,
        *,
        qr_style: str = "half",
        defer: float = 0.0,
        caption: str = "",
        caption_rows: int = 0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        if qr_style not in STYLES:
            raise ValueError(f"unknown QR style {qr_style!r}")
        self.data = data
        self.qr_style = qr_style
        self.defer = defer
        self.caption = caption
        self.caption_rows = caption_rows if caption else 0
        self._matrix: Matrix | None = None
        self._strips: list[Strip] = []
        self._caption_strips: list[Strip] | None = None
        if defer <= 0:
            self._build()
        # a code is never stretched or squeezed: the widget is the code's own size
        self.styles.width = "auto"
        self.styles.height = "auto"

    def on_mount(self) -> None:
        if self._matrix is None:
            self.set_timer(self.defer, self._build)

    def _build(self) -> None:
        if self._matrix is None:
            self._matrix = qr_matrix(self.data, self.qr_style == "compact")
            self._strips = draw(self._matrix, self.qr_style)
            self.refresh()

    @property
    def ready(self) -> bool:
        return self._matrix is not None

    @property
    def matrix(self) -> Matrix:
        self._build()
        assert self._matrix is not None
        return self._matrix

    def lines(self) -> list[Strip]:
        """The rows exactly as drawn on screen (for tests that decode them)."""
        self._build()
        return list(self._strips)

    def set_style(self, qr_style: str, caption_rows: int | None = None) -> None:
        rows = self.caption_rows if caption_rows is None or not self.caption else caption_rows
        if qr_style != self.qr_style or rows != self.caption_rows:
            self.qr_style = qr_style
            self.caption_rows = rows
            if self._matrix is not None:
                self._matrix = qr_matrix(self.data, qr_style == "compact")
                self._strips = draw(self._matrix, qr_style)
            self._caption_strips = None
            self.refresh(layout=True)

    def caption_lines(self) -> list[str]:
        """The caption as drawn, row by row (for tests)."""
        return [strip.text for strip in self._caption()]

    def _caption(self) -> list[Strip]:
        if self._caption_strips is None:
            width = self.code_size.width
            rich_style = self.rich_style
            base = Style.from_color(rich_style.color, rich_style.bgcolor)
            lines = [line.rstrip() for line in Content(self.caption).wrap(width)]
            lines = lines[: self.caption_rows]
            lines += [Content("")] * (self.caption_rows - len(lines))
            self._caption_strips = []
            for line in lines:
                left = (width - line.cell_length) // 2
                centred = line.pad(left, width - left - line.cell_length)
                self._caption_strips.append(
                    Strip(centred.render_segments(), width).apply_style(base)
                )
        return self._caption_strips

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._caption_strips = None

    @property
    def code_size(self) -> Size:
        return code_size(self.data, self.qr_style)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return self.code_size.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.code_size.height + self.caption_rows

    def render_line(self, y: int) -> Strip:
        below = y - self.code_size.height
        if 0 <= below < self.caption_rows:
            return self._caption()[below].crop_extend(0, self.size.width, None)
        if 0 <= y < len(self._strips):
            return self._strips[y].crop_extend(0, self.size.width, None)
        if self._matrix is None and y < self.code_size.height:
            return Strip.blank(self.code_size.width, _BLANK).crop_extend(0, self.size.width, None)
        return Strip.blank(self.size.width)


_BLANK = Style(bgcolor=WHITE)
