"""Big countdown digits drawn with full blocks, readable across the studio.

Every console font has the full block, so the digits look the same on the Pi's Linux console as
in a terminal emulator. They grow with the room they are given: each pixel of the 3x5 font
becomes a block of cells, as large as fits.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static

FONT = {
    "0": ("###", "# #", "# #", "# #", "###"),
    "1": (" # ", "## ", " # ", " # ", "###"),
    "2": ("###", "  #", "###", "#  ", "###"),
    "3": ("###", "  #", "###", "  #", "###"),
    "4": ("# #", "# #", "###", "  #", "  #"),
    "5": ("###", "#  ", "###", "  #", "###"),
    "6": ("###", "#  ", "###", "# #", "###"),
    "7": ("###", "  #", "  #", "  #", "  #"),
    "8": ("###", "# #", "###", "# #", "###"),
    "9": ("###", "# #", "###", "  #", "###"),
    ":": (" ", "#", " ", "#", " "),
    " ": ("   ",) * 5,
}
FONT_ROWS = 5
BLOCK = "█"
# (columns, rows) per pixel, largest first; cells are about twice as tall as wide, so (4, 2) is
# square and (4, 3) a little tall, like a stopwatch's figures: taller fills a narrow column
SCALES = ((10, 5), (8, 5), (8, 4), (6, 4), (6, 3), (4, 3), (4, 2), (2, 1), (1, 1))


def pixel_rows(text: str) -> list[str]:
    """The text in the block font at one cell per pixel, a pixel's gap between characters."""
    glyphs = [FONT.get(ch, FONT[" "]) for ch in text]
    return [" ".join(g[row] for g in glyphs) for row in range(FONT_ROWS)]


def natural_width(text: str) -> int:
    return len(pixel_rows(text)[0]) if text else 0


def fit_scale(text: str, width: int, height: int) -> tuple[int, int] | None:
    """The largest pixel size at which ``text`` fits, or None if not even the smallest does.

    Sized for at least two digits, so the figures keep their size from 10 down to 1.
    """
    columns = max(natural_width(text), natural_width("88"))
    for sx, sy in SCALES:
        if columns * sx <= width and FONT_ROWS * sy <= height:
            return sx, sy
    return None


def glyph_width(ch: str) -> int:
    return len(FONT.get(ch, FONT[" "])[0])


def changed_columns(before: str, after: str) -> tuple[int, int] | None:
    """The font's pixel columns [start, end) that differ between two texts drawn in the same
    places (same length, same glyph widths), or None if the texts are laid out differently."""
    if len(before) != len(after):
        return None
    x, start, end = 0, -1, -1
    for a, b in zip(before, after, strict=True):
        width = glyph_width(a)
        if width != glyph_width(b):
            return None
        if a != b:
            start = x if start < 0 else start
            end = x + width
        x += width + 1
    return (start, end) if start >= 0 else (0, 0)


class BigCountdown(Widget):
    """Shows a short text of digits and colons as large as the widget's size allows."""

    def __init__(
        self, *, small_text: bool = True, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.small_text = small_text  # too small for big digits: plain figures, or nothing
        self._text = ""
        self._lines: list[str] = []
        self._scale: tuple[int, int] | None = None
        self._laid_out_for: tuple[str, int, int] | None = None  # text and size of _lines
        self._strips: dict[int, Strip] = {}  # drawn lines, until the text, size or colour changes
        self._style: Style | None = None  # the colours, until the CSS classes change

    @property
    def text(self) -> str:
        return self._text

    def show(self, text: str) -> None:
        if text == self._text:
            return
        laid_out, before = self._laid_out_for, self._text
        self._text = text
        self._layout_lines()
        columns = changed_columns(before, text)
        if (
            laid_out is None
            or laid_out[1:] != (self._laid_out_for or ("",))[1:]
            or self._scale is None
            or columns is None
        ):
            self.refresh()  # a new size or shape: draw it all
            return
        # repaint only the cells that changed: a tall, wide widget is mostly blank round the
        # digits, and a second's redraw costs Textual a little for every cell
        sx, _ = self._scale
        _, width, height = self._laid_out_for or ("", 0, 0)
        left = (width - len(self._lines[0])) // 2 if self._lines else 0
        top = max(0, (height - len(self._lines)) // 2)
        start, end = columns
        if end > start:
            self.refresh(Region(left + start * sx, top, (end - start) * sx, len(self._lines)))

    def on_resize(self) -> None:
        self._layout_lines()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()
        self._style = None

    def _layout_lines(self) -> None:
        # Textual may draw a new size before the Resize event arrives: lay out again whenever
        # the size differs from the one the lines were made for, or the first second of a
        # warm-up shows small figures
        width, height = self.size
        if self._laid_out_for == (self._text, width, height):
            return
        self._laid_out_for = (self._text, width, height)
        self._strips.clear()
        scale = fit_scale(self._text, width, height)
        self._scale = scale
        if scale is None:
            self._lines = [self._text] if self.small_text else []
            return
        sx, sy = scale
        lines: list[str] = []
        for row in pixel_rows(self._text):
            wide = "".join((BLOCK if ch == "#" else " ") * sx for ch in row)
            lines += [wide] * sy
        self._lines = lines

    @property
    def lines(self) -> list[str]:
        """What is drawn, line by line, before centring (for tests)."""
        self._layout_lines()
        return list(self._lines)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._layout_lines()  # once a drawing: the size and the colours cost more than a line
        if self._style is None:
            rich_style = self.rich_style
            self._style = Style.from_color(rich_style.color, rich_style.bgcolor)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            strip = self._strips[y] = self._draw_line(y)
        return strip

    def _row(self, y: int) -> str:
        """Row ``y`` of the widget as drawn: the lines centred both ways."""
        _, width, height = self._laid_out_for or ("", 0, 0)
        index = y - max(0, (height - len(self._lines)) // 2)
        line = self._lines[index][:width] if 0 <= index < len(self._lines) else ""
        left = (width - len(line)) // 2
        return " " * left + line + " " * (width - left - len(line))

    def _draw_line(self, y: int) -> Strip:
        row = self._row(y)
        return Strip([Segment(row, self._style)], len(row))


class ProgressLine(Widget):
    """A one-line progress bar: full blocks done, light shade to go (both in every console font)."""

    DONE = BLOCK
    TO_GO = "░"

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._cells = -1
        self.fraction = 0.0

    def show(self, fraction: float) -> None:
        self.fraction = min(1.0, max(0.0, fraction))
        cells = round(self.fraction * self.size.width)
        if cells != self._cells:
            self._cells = cells
            self.refresh()

    def on_resize(self) -> None:
        self._cells = -1
        self.show(self.fraction)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        done = round(self.fraction * width)
        style = Style.from_color(self.rich_style.color, self.rich_style.bgcolor)
        return Strip(
            [Segment(self.DONE * done, style), Segment(self.TO_GO * (width - done), style)], width
        )


class TextLine(Static):
    """A one-line Static that draws its line itself, for a text that changes every second
    (Textual's text layout each time costs more than the rest of that second's redraw)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__("", id=id, classes=classes, markup=False)
        self._text = ""
        self._strip: Strip | None = None

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        self._text = str(content)
        self._strip = None
        super().update(content, layout=layout)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None

    def on_resize(self) -> None:
        self._strip = None

    def render_line(self, y: int) -> Strip:
        if y == 0 and self._strip is not None:
            return self._strip
        rich_style = self.rich_style
        style = Style.from_color(rich_style.color, rich_style.bgcolor) + Style(
            bold=rich_style.bold
        )
        width = self.size.width
        if y != 0:
            return Strip.blank(width, style)
        text = self._text[:width]
        left = (width - len(text)) // 2 if self.styles.text_align == "center" else 0
        line = " " * left + text + " " * (width - left - len(text))
        self._strip = Strip([Segment(line, style)], width)
        return self._strip

