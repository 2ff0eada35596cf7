"""Words in block letters, readable from across the studio: the result's word, the studio's name.

The letters extend the clock's 3x5 font (kiosk/ui/widgets/countdown.py) and are drawn with the
same one glyph, the full block, which every console font has. Like the clock they grow with the
room they are given (the largest scale that fits), wrap whole words over lines when one line is
too wide, and fall back to plain bold text when not even the smallest letters fit, or when the
words hold a character the font does not have (an accented name is never drawn wrong).
"""

from __future__ import annotations

from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Size
from textual.strip import Strip
from textual.widgets import Static

from kiosk.ui.widgets.countdown import BLOCK, FONT, FONT_ROWS

LETTERS = {
    "A": ("###", "# #", "###", "# #", "# #"),
    "B": ("## ", "# #", "## ", "# #", "## "),
    "C": ("###", "#  ", "#  ", "#  ", "###"),
    "D": ("## ", "# #", "# #", "# #", "## "),
    "E": ("###", "#  ", "## ", "#  ", "###"),
    "F": ("###", "#  ", "## ", "#  ", "#  "),
    "G": ("###", "#  ", "# #", "# #", "###"),
    "H": ("# #", "# #", "###", "# #", "# #"),
    "I": ("###", " # ", " # ", " # ", "###"),
    "J": ("  #", "  #", "  #", "# #", "###"),
    "K": ("# #", "# #", "## ", "# #", "# #"),
    "L": ("#  ", "#  ", "#  ", "#  ", "###"),
    "M": ("#   #", "## ##", "# # #", "#   #", "#   #"),
    "N": ("#  #", "## #", "# ##", "#  #", "#  #"),
    "O": ("###", "# #", "# #", "# #", "###"),
    "P": ("###", "# #", "###", "#  ", "#  "),
    "Q": ("### ", "# # ", "# # ", "### ", "   #"),
    "R": ("## ", "# #", "## ", "# #", "# #"),
    "S": ("###", "#  ", "###", "  #", "###"),
    "T": ("###", " # ", " # ", " # ", " # "),
    "U": ("# #", "# #", "# #", "# #", "###"),
    "V": ("# #", "# #", "# #", "# #", " # "),
    "W": ("#   #", "#   #", "# # #", "## ##", "#   #"),
    "X": ("# #", "# #", " # ", "# #", "# #"),
    "Y": ("# #", "# #", " # ", " # ", " # "),
    "Z": ("###", "  #", " # ", "#  ", "###"),
    "!": ("#", "#", "#", " ", "#"),
    "?": ("###", "  #", " ##", "   ", " # "),
    ".": (" ", " ", " ", " ", "#"),
    ",": ("  ", "  ", "  ", " #", "# "),
    "'": ("#", "#", " ", " ", " "),
    "-": ("   ", "   ", "###", "   ", "   "),
    "&": (" # ", "# #", " # ", "# #", " ##"),
    "/": ("  #", "  #", " # ", "#  ", "#  "),
    " ": ("  ",) * FONT_ROWS,  # a space and the gaps either side: four pixels between words
}
GLYPHS = {**FONT, **LETTERS}
# (columns, rows) per pixel, largest first: cells are about twice as tall as wide, so (2, 1) is
# a square pixel; (1, 1) is the smallest, tall and narrow but still read as letters
BLOCK_MIN_ROWS = 5  # block letters at their smallest: one row per pixel of the 5-row font
SHORT_SCREEN = 30  # rows: below this (80x24) a screen needs every row for its words
SCALES = ((12, 6), (10, 5), (8, 4), (6, 3), (4, 2), (3, 2), (2, 2), (2, 1), (1, 1))


def can_draw(text: str) -> bool:
    return all(ch.upper() in GLYPHS for ch in text)


def pixel_width(text: str) -> int:
    """Columns of ``text`` at one cell per pixel, a pixel's gap between characters."""
    return sum(len(GLYPHS[ch][0]) for ch in text) + max(0, len(text) - 1)


def wrap(words: list[str], width: int) -> list[str] | None:
    """Whole words on as few lines as fit ``width`` pixels (greedy), or None if a word does not."""
    lines: list[str] = []
    for word in words:
        if pixel_width(word) > width:
            return None
        if lines and pixel_width(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def pixels(line: str) -> list[str]:
    glyphs = [GLYPHS[ch] for ch in line]
    return [" ".join(g[row] for g in glyphs) for row in range(FONT_ROWS)]


def block_height(lines: int, sy: int) -> int:
    """Rows taken by ``lines`` lines of letters, a pixel row between lines."""
    return lines * FONT_ROWS * sy + (lines - 1) * sy


@lru_cache(maxsize=64)
def block_lines(text: str, width: int, height: int) -> tuple[str, ...] | None:
    """``text`` in block letters as large as fits ``width`` x ``height`` cells (lines not yet
    centred), or None if it cannot be drawn there."""
    upper = text.upper()
    if not upper.strip() or not can_draw(upper):
        return None
    words = upper.split()
    for sx, sy in SCALES:
        lines = wrap(words, width // sx)
        if lines is None or block_height(len(lines), sy) > height:
            continue
        drawn: list[str] = []
        for n, line in enumerate(lines):
            if n:
                drawn += [""] * sy
            for row in pixels(line):
                drawn += ["".join((BLOCK if ch == "#" else " ") * sx for ch in row)] * sy
        return tuple(drawn)
    return None


def plain_lines(text: str, width: int) -> tuple[str, ...]:
    """``text`` as plain words wrapped at ``width`` (a word longer than that is cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word[: max(1, width)])
    return tuple(lines)


class BlockWords(Static):
    """A few words in block letters as large as the widget allows, centred both ways (on the left
    with ``text-align: left``).

    A Static whose text is the words (what `render()` and the tests read); it draws them itself.

    With ``height: auto`` the widget takes the rows the largest letters need that are no taller
    than ``rows_allowed()`` (``max_rows``, or a share of the screen, or a subclass's say);
    otherwise it draws the largest that fit the height it is given.
    """

    DEFAULT_CSS = """
    BlockWords {
        height: auto;
        text-style: bold;
        text-align: center;
    }
    """

    def __init__(
        self,
        words: str,
        *,
        max_rows: int = 15,
        screen_share: int = 0,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(words, markup=False, id=id, classes=classes)
        self.words = words
        self.max_rows = max_rows
        # if set: at most this fraction (1/n) of the screen's height, plain on a short screen
        self.screen_share = screen_share
        self._drawn: tuple[tuple[str, ...], bool] | None = None  # lines, and are they blocks
        self._for_size: Size | None = None

    def show(self, words: str, max_rows: int | None = None) -> None:
        """New words (or a new height limit): laid out and drawn again."""
        if max_rows is not None:
            self.max_rows = max_rows
        self.words = words
        self._for_size = None
        self.update(words)

    def rows_allowed(self, viewport: Size) -> int:
        """The most rows the letters may take on a screen this size (a subclass may say more)."""
        if not self.screen_share:
            return self.max_rows
        if viewport.height < SHORT_SCREEN:
            return 1
        return max(BLOCK_MIN_ROWS, viewport.height // self.screen_share)

    @property
    def in_blocks(self) -> bool:
        """Whether the words are drawn in block letters (for tests and the screens)."""
        return self._layout(self.size)[1]

    @property
    def lines(self) -> tuple[str, ...]:
        """What is drawn, line by line, before centring (for tests)."""
        return self._layout(self.size)[0]

    def _layout(self, size: Size) -> tuple[tuple[str, ...], bool]:
        if self._drawn is None or self._for_size != size:
            blocks = block_lines(self.words, size.width, size.height)
            if blocks is not None:
                self._drawn = (blocks, True)
            else:
                self._drawn = (plain_lines(self.words, size.width), False)
            self._for_size = size
        return self._drawn

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        blocks = block_lines(self.words, width, self.rows_allowed(viewport))
        if blocks is not None:
            return len(blocks)
        return max(1, len(plain_lines(self.words, width)))

    def on_resize(self) -> None:
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        lines, blocks = self._layout(self.size)
        top = max(0, (height - len(lines)) // 2)
        index = y - top
        line = lines[index][:width] if 0 <= index < len(lines) else ""
        # centred (each line of letters is one width), unless the CSS puts the words on the left
        left = (width - len(line)) // 2 if self.styles.text_align != "left" else 0
        rich_style = self.rich_style
        style = Style.from_color(rich_style.color, rich_style.bgcolor)
        if not blocks:
            style += Style(bold=True)
        return Strip([Segment(" " * left + line + " " * (width - left - len(line)), style)], width)
