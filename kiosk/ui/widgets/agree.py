"""A check box drawn as "[X]" or "[ ]": Textual's default is a coloured block between half-block
edges, which the Pi's console font lacks and which 16 colours barely tell apart."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Checkbox


class AgreeBox(Checkbox):
    @property
    def _button(self) -> Content:
        mark = "X" if self.value else " "
        return Content.assemble("[", (mark, self.get_visual_style("toggle--button")), "]")
