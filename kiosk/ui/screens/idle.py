"""Screens that go back to the front desk by themselves when nobody touches them.

Idle time is measured on the injected clock (checked a few times a second), not with a one-shot
real-time timer, so a test moves a FakeClock forward instead of waiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, OptionList, TextArea

from kiosk.core.clock import Clock

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

CHECK_EVERY = 0.25  # seconds of real time between looks at the clock

# Input that counts as someone using the screen. Widget messages count too, since a focused
# Input swallows the key events themselves.
_ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
    Input.Changed,
    Input.Submitted,
    Button.Pressed,
    Checkbox.Changed,
    OptionList.OptionSelected,
    TextArea.Changed,
)


class IdleScreen(Screen[Any]):
    """A screen that posts the app back to the front desk after `idle_seconds` without input."""

    def __init__(self, clock: Clock, idle_seconds: float) -> None:
        super().__init__()
        self.clock = clock
        self.idle_seconds = idle_seconds
        self._last_activity = clock.monotonic()

    @property
    def kiosk(self) -> KioskApp:
        from kiosk.ui.app import KioskApp

        assert isinstance(self.app, KioskApp)
        return self.app

    def on_mount(self) -> None:
        self._last_activity = self.clock.monotonic()
        self.set_interval(CHECK_EVERY, self._check_idle)

    def on_screen_resume(self) -> None:
        self.touch()

    def touch(self) -> None:
        """Someone is using the screen: start the idle time again."""
        self._last_activity = self.clock.monotonic()

    @property
    def idle_for(self) -> float:
        return self.clock.monotonic() - self._last_activity

    def _check_idle(self) -> None:
        # Not `is_current`: in Textual 8 the screen just under the top one counts as current too.
        if self.app.screen is self and self.idle_for >= self.idle_seconds:
            self.touch()  # once only, even if popping takes a moment
            self.idle_timeout()

    def idle_timeout(self) -> None:
        self.kiosk.back_to_front_desk()

    async def _on_message(self, message: Message) -> None:
        if isinstance(message, _ACTIVITY):
            self.touch()
        await super()._on_message(message)
