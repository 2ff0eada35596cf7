"""What a screen looks like once Textual has composed every widget onto it, for tests that read
glyphs or decode the QR codes drawn there.

Textual has no public way to get the composed screen as cells: its maintainers point tests to
SVG snapshots instead (Textualize/textual#1620 and the discussion in #1621), and
`App.export_screenshot()` gives only SVG, without the cells' colours in a form a QR decoder can
read. So this is the tests' one use of a private Textual name.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.strip import Strip


def composed_strips(screen: Screen[Any]) -> list[Strip]:
    """Every line of the screen as drawn, widgets composed in their places."""
    strips: list[Strip] = screen._compositor.render_strips()
    return strips
