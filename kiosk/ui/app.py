"""The kiosk App: builds the screens and routes between them. It owns nothing else.

Everything it needs (content, store, clock) is handed in, so a test builds it with a temporary
store and a frozen clock.
"""

from __future__ import annotations

from textual.app import App

from kiosk.core.clock import Clock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.screens.front_desk import FrontDeskScreen


class KioskApp(App[int]):
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = False
    TITLE = "studio-kiosk"

    def __init__(self, content: Content, store: Store, clock: Clock) -> None:
        super().__init__()
        self.content = content
        self.store = store
        self.clock = clock

    def on_mount(self) -> None:
        self.push_screen(FrontDeskScreen(self.content, self.clock))

    def on_open_check_in(self, message: messages.OpenCheckIn) -> None:
        pass  # issue 4 opens the check-in look-up here

    def on_open_registration(self, message: messages.OpenRegistration) -> None:
        pass  # issue 4

    def on_open_warmups(self, message: messages.OpenWarmups) -> None:
        pass  # issue 5

    def on_open_staff(self, message: messages.OpenStaff) -> None:
        pass  # issue 6

    def on_back_to_front_desk(self, message: messages.BackToFrontDesk) -> None:
        self.back_to_front_desk()

    def back_to_front_desk(self) -> None:
        while len(self.screen_stack) > 2 or not isinstance(self.screen, FrontDeskScreen):
            if len(self.screen_stack) <= 1:
                break
            self.pop_screen()
