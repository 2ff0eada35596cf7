"""Screens that go back to the front desk by themselves when nobody touches them.

Idle time is measured on the injected clock (checked a few times a second), not with a one-shot
real-time timer, so a test moves a FakeClock forward instead of waiting. The App touches the
screen on top for every key, click, scroll or paste it receives (KioskApp.on_event).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.screen import Screen

from kiosk.core.clock import Clock

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

CHECK_EVERY = 0.25  # seconds of real time between looks at the clock


class IdleScreen(Screen[Any]):
    """A screen that posts the app back to the front desk after `idle_seconds` without input."""

    def __init__(self, clock: Clock, idle_seconds: float) -> None:
        super().__init__()
        self.clock = clock
        self.idle_seconds = idle_seconds
        self._last_activity = clock.monotonic()
        self.looks = 0  # how often it has looked at the clock: tests wait on this, not on time

    @property
    def kiosk(self) -> KioskApp:
        from kiosk.ui.app import KioskApp

        assert isinstance(self.app, KioskApp)
        return self.app

    def on_mount(self) -> None:
        # Textual calls every class's on_mount: subclasses must not call this one again
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
        if self.app.screen is not self:
            return
        self.kiosk.release_held_keys()
        if self.idle_for >= self.idle_seconds:
            self.touch()  # once only, even if popping takes a moment
            self.idle_timeout()
        else:
            self.idle_tick()
        self.looks += 1

    def idle_tick(self) -> None:
        """Called with each look at the clock while this screen is on top (one timer a screen)."""

    def idle_timeout(self) -> None:
        self.kiosk.back_to_front_desk()
