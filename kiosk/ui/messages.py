"""Messages screens post up to the App, which decides what opens next."""

from __future__ import annotations

from textual.message import Message


class OpenRegistration(Message):
    """A new client wants to register; `typed` is what they typed at the look-up, if anything."""

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed


class OpenWarmups(Message):
    """Open the warm-up menu, or start one programme straight away."""

    def __init__(self, programme_id: str | None = None) -> None:
        super().__init__()
        self.programme_id = programme_id


class OpenStaff(Message):
    """Staff asked for staff mode (F12, or the touch gesture on the studio name)."""


class BackToFrontDesk(Message):
    """Whatever is open is done: show the front-desk display again."""
