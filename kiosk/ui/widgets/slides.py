"""One slide of the front-desk slideshow: a title, the text, and where it is in the show."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from kiosk.core.studio import Slide


class SlideView(Static):
    """Shows ``slides[index]``. Content is always plain text, never markup."""

    def __init__(self, slides: tuple[Slide, ...], *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.slides = slides
        self.index = -1

    def on_mount(self) -> None:
        self.show(0)

    def show(self, index: int) -> None:
        if not self.slides:
            self.display = False
            return
        index %= len(self.slides)
        if index == self.index:
            return
        self.index = index
        self.update(slide_content(self.slides[index], index, len(self.slides)))


def slide_content(slide: Slide, index: int, count: int) -> Content:
    parts: list[Content | str | tuple[str, str]] = []
    if slide.title:
        parts += [(slide.title, "bold"), "\n"]
    parts += [slide.body, "\n", (f"{index + 1} / {count}", "dim")]
    return Content.assemble(*parts)
